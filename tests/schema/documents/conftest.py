"""Each document test stores files in its own directory, and hashes passwords fast."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path) -> Path:
    """Each test stores documents in its own directory (settings.STORAGES["documents"])."""
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The families' users are created per test; the production hasher costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
