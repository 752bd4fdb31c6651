"""The payment ledger is append-only in the database itself: a trigger refuses every UPDATE
and DELETE of a row (PostgreSQL and SQLite). TRUNCATE, which tests use to empty tables, is not
a row change and stays possible for the database owner. SQLite's flush deletes rows, so there
only updates are refused."""

from django.db import migrations

PG_FORWARD = [
    """
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'the payment ledger is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER payments_ledger_append_only
    BEFORE UPDATE OR DELETE ON payments_paymentevent
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only()
""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS payments_ledger_append_only ON payments_paymentevent",
    "DROP FUNCTION IF EXISTS payments_ledger_append_only()",
]
SQLITE_FORWARD = """
CREATE TRIGGER payments_ledger_no_update BEFORE UPDATE ON payments_paymentevent
BEGIN SELECT RAISE(ABORT, 'the payment ledger is append-only (UPDATE refused)'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS payments_ledger_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_seed_fee_schedule")]

    operations = [migrations.RunPython(forward, backward)]
