"""Expected failures: a stable code, the input at fault, and messages in English and Arabic.

Services raise :class:`DomainError`; the GraphQL layer turns it into a typed payload error
(``field``, ``code``, ``message``) without knowing any wording. Each domain keeps its own codes
and their messages beside it (``core.applications.errors``, ``core.documents.errors``,
``payments.errors``) and registers them here, so one catalogue answers every code and a test
keeps every code translated.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.names import NAME_MAX_LENGTH

# Per enum, per code: (English, Arabic). Codes of different enums may share a value.
CATALOGUE: dict[type[enum.StrEnum], dict[enum.StrEnum, tuple[str, str]]] = {}


def register_messages(
    codes: type[enum.StrEnum], messages: Mapping[enum.StrEnum, tuple[str, str]]
) -> None:
    CATALOGUE.setdefault(codes, {}).update(messages)


class ResidencyErrorCode(enum.StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID_CIVIL_ID = "invalid_civil_id"
    CIVIL_ID_BIRTH_DATE_MISMATCH = "civil_id_birth_date_mismatch"
    INVALID_NATIONALITY = "invalid_nationality"
    PASSPORT_EXPIRED = "passport_expired"
    DUPLICATE_CIVIL_ID = "duplicate_civil_id"
    ALREADY_DEPENDENT = "already_dependent"
    RELATION_NOT_ALLOWED = "relation_not_allowed"
    SPONSORED_ELSEWHERE = "sponsored_elsewhere"
    NAME_TOO_LONG = "name_too_long"
    NAME_FORBIDDEN_CHARACTER = "name_forbidden_character"
    NAME_WRONG_SCRIPT = "name_wrong_script"
    IN_OPEN_APPLICATION = "in_open_application"


class RequestErrorCode(enum.StrEnum):
    """About the request as a whole, not its fields: top-level GraphQL errors."""

    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


class AccountErrorCode(enum.StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    SIGN_IN_AS_YOURSELF = "sign_in_as_yourself"
    SCOPES_REQUIRED = "scopes_required"
    SCOPE_NOT_HELD = "scope_not_held"
    EXPIRY_IN_PAST = "expiry_in_past"
    EXPIRY_TOO_FAR = "expiry_too_far"
    THROTTLED = "throttled"


register_messages(
    RequestErrorCode,
    {
        RequestErrorCode.INVALID_IDEMPOTENCY_KEY: (
            "An idempotency key is 8 to 64 letters, digits, '_', '-', '.' or ':'.",
            "مفتاح منع التكرار من 8 إلى 64 حرفاً أو رقماً أو '_' أو '-' أو '.' أو ':'.",
        ),
        RequestErrorCode.IDEMPOTENCY_KEY_REUSED: (
            "This idempotency key was used for another request: use a new key for a new request.",
            "استُخدم مفتاح منع التكرار هذا لطلب آخر: استخدم مفتاحاً جديداً لكل طلب جديد.",
        ),
    },
)


register_messages(
    ResidencyErrorCode,
    {
        ResidencyErrorCode.INVALID: ("This value is not valid.", "هذه القيمة غير صحيحة."),
        ResidencyErrorCode.REQUIRED: ("This field is required.", "هذا الحقل مطلوب."),
        ResidencyErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        ResidencyErrorCode.IN_OPEN_APPLICATION: (
            "This person is in an open application of yours: cancel it, or let it finish, first.",
            "هذا الشخص مدرج في طلب مفتوح لك: يرجى إلغاؤه أو انتظار انتهائه أولاً.",
        ),
        ResidencyErrorCode.FORBIDDEN: (
            "You may not make this change.",
            "لا يحق لك إجراء هذا التغيير.",
        ),
        ResidencyErrorCode.INVALID_CIVIL_ID: (
            "This is not a valid Kuwaiti civil ID number.",
            "الرقم المدني غير صحيح.",
        ),
        ResidencyErrorCode.CIVIL_ID_BIRTH_DATE_MISMATCH: (
            "The date of birth does not match the one encoded in the civil ID.",
            "تاريخ الميلاد لا يطابق التاريخ المسجل في الرقم المدني.",
        ),
        ResidencyErrorCode.INVALID_NATIONALITY: (
            "Nationality must be an ISO 3166 three-letter country code.",
            "يجب أن تكون الجنسية رمز دولة من ثلاثة أحرف وفق معيار ISO 3166.",
        ),
        ResidencyErrorCode.PASSPORT_EXPIRED: (
            "The passport has expired.",
            "جواز السفر منتهي الصلاحية.",
        ),
        ResidencyErrorCode.DUPLICATE_CIVIL_ID: (
            "A person with this civil ID is already registered with different details.",
            "يوجد شخص مسجل بهذا الرقم المدني ببيانات مختلفة.",
        ),
        ResidencyErrorCode.ALREADY_DEPENDENT: (
            "This person is already sponsored by this sponsor.",
            "هذا الشخص مكفول بالفعل لدى هذا الكفيل.",
        ),
        ResidencyErrorCode.SPONSORED_ELSEWHERE: (
            "This person is on another sponsor's file. Moving them to yours is a transfer: it "
            "needs the current sponsor's consent or a service centre.",
            "هذا الشخص مكفول لدى كفيل آخر. نقله إلى كفالتك يتم بطلب تحويل بموافقة الكفيل الحالي "
            "أو في مركز الخدمة.",
        ),
        ResidencyErrorCode.NAME_TOO_LONG: (
            f"A name has at most {NAME_MAX_LENGTH} characters.",
            f"يجب ألا يتجاوز الاسم {NAME_MAX_LENGTH} حرفاً.",
        ),
        ResidencyErrorCode.NAME_FORBIDDEN_CHARACTER: (
            "The name contains characters a civil ID does not print (control or formatting "
            "characters, or too many marks on one letter).",
            "يحتوي الاسم على رموز لا تظهر في البطاقة المدنية (رموز تحكم أو تنسيق أو علامات كثيرة "
            "على حرف واحد).",
        ),
        ResidencyErrorCode.NAME_WRONG_SCRIPT: (
            "Write the Arabic name in Arabic letters and the Latin name in Latin letters, as on "
            "the civil ID.",
            "يرجى كتابة الاسم العربي بحروف عربية والاسم اللاتيني بحروف لاتينية كما في "
            "البطاقة المدنية.",
        ),
        ResidencyErrorCode.RELATION_NOT_ALLOWED: (
            "This sponsor may not sponsor a person in this relation.",
            "لا يجوز لهذا الكفيل كفالة شخص بهذه الصلة.",
        ),
    },
)
register_messages(
    AccountErrorCode,
    {
        AccountErrorCode.INVALID_CREDENTIALS: (
            "The user name or password is wrong.",
            "اسم المستخدم أو كلمة المرور غير صحيحة.",
        ),
        AccountErrorCode.TOO_MANY_ATTEMPTS: (
            "Too many failed sign-ins: try again in {minutes} minutes.",
            "محاولات دخول فاشلة كثيرة: يرجى المحاولة مجدداً بعد {minutes} دقيقة.",
        ),
        AccountErrorCode.NOT_AUTHENTICATED: (
            "Sign in first.",
            "يرجى تسجيل الدخول أولاً.",
        ),
        AccountErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        AccountErrorCode.INVALID: ("This value is not valid.", "هذه القيمة غير صحيحة."),
        AccountErrorCode.SIGN_IN_AS_YOURSELF: (
            "Sign in with your own account to do this: an API token cannot.",
            "يرجى تسجيل الدخول بحسابك الشخصي لإجراء ذلك: لا يمكن إجراؤه برمز الربط.",
        ),
        AccountErrorCode.SCOPES_REQUIRED: (
            "Choose at least one scope.",
            "يرجى اختيار صلاحية واحدة على الأقل.",
        ),
        AccountErrorCode.SCOPE_NOT_HELD: (
            "You cannot give a scope you do not hold yourself: {scopes}.",
            "لا يمكنك منح صلاحية لا تملكها: {scopes}.",
        ),
        AccountErrorCode.EXPIRY_IN_PAST: (
            "The expiry must be in the future.",
            "يجب أن يكون تاريخ الانتهاء في المستقبل.",
        ),
        AccountErrorCode.EXPIRY_TOO_FAR: (
            "A token lasts at most {days} days.",
            "لا تتجاوز مدة صلاحية الرمز {days} يوماً.",
        ),
        AccountErrorCode.THROTTLED: (
            "This token has used its query budget: try again in {seconds} seconds.",
            "استنفد هذا الرمز رصيد الاستعلامات المتاح: يرجى المحاولة بعد {seconds} ثانية.",
        ),
    },
)


@dataclass
class DomainError(Exception):
    """One expected failure: which input it concerns, a stable code, and readable messages."""

    code: enum.StrEnum
    field: str | None = None
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    def _messages(self) -> tuple[str, str]:
        return CATALOGUE[type(self.code)][self.code]

    @property
    def message_en(self) -> str:
        return self._messages()[0].format(**self.params)

    @property
    def message_ar(self) -> str:
        return self._messages()[1].format(**self.params)

    def message(self, language: str) -> str:
        return self.message_ar if language.startswith("ar") else self.message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"


class DomainErrors(Exception):
    """Several expected failures found together, so a form shows them all at once."""

    def __init__(self, errors: Iterable[DomainError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def from_validation_error(exc: Any) -> DomainErrors:
    """A Django ``ValidationError`` (from ``full_clean``) as domain errors, codes kept."""
    known = {c.value for c in ResidencyErrorCode}
    errors: list[DomainError] = []
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for name, items in by_field.items():
        field_name = _camel(name) if name and name != "__all__" else None
        for item in items:
            code = item.code if item.code in known else ResidencyErrorCode.INVALID
            errors.append(DomainError(ResidencyErrorCode(code), field_name))
    return DomainErrors(errors)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def missing_messages() -> list[enum.StrEnum]:
    """Codes without a message in both languages (a test keeps this empty)."""
    return [
        code
        for codes, messages in CATALOGUE.items()
        for code in codes
        if code not in messages or not all(messages[code])
    ]
