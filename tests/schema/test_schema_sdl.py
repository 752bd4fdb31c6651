"""The committed schema.graphql is the contract with frontends: it must match the code.

Regenerate with: .venv/bin/python manage.py export_schema schema.schema:schema --path schema.graphql
"""

from pathlib import Path

from schema.schema import schema


def test_committed_sdl_matches_the_schema():
    committed = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
    assert committed.strip() == schema.as_str().strip(), (
        "schema.graphql is stale: run manage.py export_schema schema.schema:schema "
        "--path schema.graphql and commit it"
    )
