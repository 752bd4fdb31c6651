from core.errors import MESSAGES, missing_messages


def test_every_error_code_has_english_and_arabic():
    assert missing_messages() == []


def test_arabic_messages_are_arabic():
    for english, arabic in MESSAGES.values():
        assert any("\u0600" <= ch <= "\u06ff" for ch in arabic), english
