"""Every error code of every domain has its message in English and in Arabic."""

from core.applications.errors import ApplicationErrorCode
from core.documents.errors import DocumentErrorCode
from core.errors import CATALOGUE, AccountErrorCode, ResidencyErrorCode, missing_messages
from payments.errors import PaymentErrorCode


def test_every_domain_registers_its_codes():
    assert set(CATALOGUE) >= {
        ApplicationErrorCode,
        DocumentErrorCode,
        AccountErrorCode,
        ResidencyErrorCode,
        PaymentErrorCode,
    }


def test_every_error_code_has_english_and_arabic():
    assert missing_messages() == []


def test_arabic_messages_are_arabic():
    for messages in CATALOGUE.values():
        for english, arabic in messages.values():
            assert any("\u0600" <= ch <= "\u06ff" for ch in arabic), english


def test_codes_of_different_domains_may_share_a_value():
    assert ApplicationErrorCode.NOT_FOUND == ResidencyErrorCode.NOT_FOUND == "not_found"
    assert CATALOGUE[ApplicationErrorCode][ApplicationErrorCode.NOT_FOUND][0] == "Not found."
