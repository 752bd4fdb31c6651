"""Remove files in the documents storage that no blob row names.

Uploads write the file inside the transaction that creates the blob row and delete it again when
anything fails before commit; only a failure of the commit itself (the database gone at that
instant) can leave a file behind. Files younger than ``--min-age`` minutes are left alone, as an
upload may be committing them right now.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.documents.models import Blob
from core.documents.storage import documents_storage


def _walk(storage, directory: str = ""):
    folders, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}" if directory else folder)


def orphan_files(min_age: dt.timedelta) -> list[str]:
    storage = documents_storage()
    known = set(Blob.objects.values_list("storage_name", flat=True))
    cutoff = timezone.now() - min_age
    try:
        names = list(_walk(storage))
    except FileNotFoundError:  # nothing stored yet
        return []
    return [
        name for name in names if name not in known and storage.get_modified_time(name) < cutoff
    ]


class Command(BaseCommand):
    help = "Delete stored document files that no blob row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=60, help="minutes (default 60)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age: int, dry_run: bool, **options):
        storage = documents_storage()
        orphans = orphan_files(dt.timedelta(minutes=min_age))
        for name in orphans:
            if not dry_run:
                storage.delete(name)
            self.stdout.write(("would delete " if dry_run else "deleted ") + name)
        self.stdout.write(f"{len(orphans)} orphan file(s)")
