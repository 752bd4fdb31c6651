"""The payment ledger is append-only: the model, its queryset and the database refuse to change
or delete a row."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from payments import ledger
from payments.models import PaymentEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return ledger.record(None, "callback_rejected", source="callback", note="test")


def test_rows_are_added(event):
    assert PaymentEvent.objects.filter(pk=event.pk).exists()


def test_the_model_refuses_changes_and_deletes(event):
    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        PaymentEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(PermissionError):
        PaymentEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_updates(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_paymentevent SET note = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.note == "test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps deletes for flush")
def test_the_database_refuses_deletes(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_paymentevent WHERE id = %s", [event.pk])
    assert PaymentEvent.objects.filter(pk=event.pk).exists()


def test_credentials_never_enter_the_ledger():
    row = ledger.record(
        None, "callback", fields={"password": "x", "id": "1", "result": "CAPTURED", "x" * 70: "y"}
    )
    assert "password" not in row.fields and "id" not in row.fields
    assert row.fields["result"] == "CAPTURED"


def test_the_reconciliation_command_runs_once():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reconcile_payments", stdout=out)
    assert out.getvalue().startswith("inquired 0")
