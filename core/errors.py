"""Error codes of the residency domain, each with its message in English and Arabic.

Services raise :class:`DomainError`; the GraphQL layer turns it into a typed payload error
(``field``, ``code``, ``message``) without knowing any wording. One catalogue, one place to
translate.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.names import NAME_MAX_LENGTH


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


class AccountErrorCode(enum.StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


class RenewalErrorCode(enum.StrEnum):
    NOT_FOUND = "not_found"
    UNKNOWN_PERSON = "unknown_person"
    NOT_YOUR_DEPENDENT = "not_your_dependent"
    NO_PERMIT = "no_permit"
    DURATION_REQUIRED = "duration_required"
    DURATION_TOO_SHORT = "duration_too_short"
    DURATION_TOO_LONG = "duration_too_long"
    PASSPORT_TOO_SHORT = "passport_too_short"
    ALREADY_IN_OPEN_APPLICATION = "already_in_open_application"
    NOT_YET_RENEWABLE = "not_yet_renewable"
    EXPIRED_BEYOND_GRACE = "expired_beyond_grace"
    SPONSOR_PERMIT_TOO_SHORT = "sponsor_permit_too_short"
    SALARY_BELOW_THRESHOLD = "salary_below_threshold"
    EMPTY_APPLICATION = "empty_application"
    WRONG_STATE = "wrong_state"
    UNKNOWN_DOCUMENT_KIND = "unknown_document_kind"
    INVALID_TEXT = "invalid_text"
    DOCUMENT_MISSING = "document_missing"


class DocumentErrorCode(enum.StrEnum):
    NOT_FOUND = "not_found"
    FILE_REQUIRED = "file_required"
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    IMAGE_REQUIRED = "image_required"
    CORRUPT_IMAGE = "corrupt_image"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    PHOTO_TOO_SMALL = "photo_too_small"
    PHOTO_WRONG_ASPECT = "photo_wrong_aspect"
    ISSUE_DATE_REQUIRED = "issue_date_required"
    EXPIRY_DATE_REQUIRED = "expiry_date_required"
    DATE_NOT_APPLICABLE = "date_not_applicable"
    ISSUED_IN_FUTURE = "issued_in_future"
    EXPIRES_BEFORE_ISSUE = "expires_before_issue"
    ALREADY_EXPIRED = "already_expired"


class PaymentErrorCode(enum.StrEnum):
    # Values are prefixed: MESSAGES is keyed by value, and other domains have NOT_FOUND too.
    NOT_FOUND = "payment_not_found"
    WRONG_STATE = "payment_wrong_state"
    INVALID_IDEMPOTENCY_KEY = "payment_invalid_idempotency_key"
    QUOTE_EXPIRED = "payment_quote_expired"
    NO_FEE_RATE = "payment_no_fee_rate"
    NOTHING_TO_PAY = "payment_nothing_to_pay"
    PAYMENT_IN_PROGRESS = "payment_in_progress"
    AMOUNT_MISMATCH = "payment_amount_mismatch"
    UNKNOWN_PAYMENT = "payment_unknown"
    GATEWAY_UNAVAILABLE = "payment_gateway_unavailable"
    GATEWAY_ERROR = "payment_gateway_error"
    INVALID_TEXT = "payment_invalid_text"


MESSAGES: dict[enum.StrEnum, tuple[str, str]] = {
    PaymentErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
    PaymentErrorCode.WRONG_STATE: (
        "The application is {state}: it cannot be paid now.",
        "الطلب في حالة {state}: لا يمكن دفعه الآن.",
    ),
    PaymentErrorCode.INVALID_IDEMPOTENCY_KEY: (
        "The idempotency key must be 8 to 64 letters, digits, dashes or underscores.",
        "يجب أن يتكون مفتاح عدم التكرار من 8 إلى 64 حرفاً أو رقماً أو شرطة.",
    ),
    PaymentErrorCode.QUOTE_EXPIRED: (
        "The quote expired and the fees were priced again: the new total is KD {total}. "
        "Review it and pay again.",
        "انتهت صلاحية عرض السعر وأعيد احتساب الرسوم: المبلغ الجديد {total} د.ك. "
        "يرجى مراجعته ثم الدفع مرة أخرى.",
    ),
    PaymentErrorCode.NO_FEE_RATE: (
        "The fee schedule has no residency fee for this person (Art. {article}); "
        "the residency department has been told.",
        "لا يتضمن جدول الرسوم رسم إقامة لهذا الشخص (المادة {article})؛ تم إبلاغ إدارة الإقامة.",
    ),
    PaymentErrorCode.NOTHING_TO_PAY: (
        "There is nothing to pay for this application.",
        "لا توجد مبالغ مستحقة الدفع لهذا الطلب.",
    ),
    PaymentErrorCode.PAYMENT_IN_PROGRESS: (
        "A payment for this application is already in progress: finish it, or try again "
        "after {minutes} minutes.",
        "توجد عملية دفع جارية لهذا الطلب: يرجى إكمالها أو المحاولة بعد {minutes} دقيقة.",
    ),
    PaymentErrorCode.AMOUNT_MISMATCH: (
        "The amount does not match the amount due: review the quote and pay again.",
        "المبلغ لا يطابق المبلغ المستحق: يرجى مراجعة عرض السعر ثم الدفع مرة أخرى.",
    ),
    PaymentErrorCode.UNKNOWN_PAYMENT: ("No such payment.", "لا توجد عملية دفع بهذه البيانات."),
    PaymentErrorCode.GATEWAY_UNAVAILABLE: (
        "KNET cannot be reached at the moment: nothing was charged by this request; "
        "please try again in a few minutes.",
        "تعذر الاتصال بشبكة كي نت حالياً: لم يتم خصم أي مبلغ بهذا الطلب؛ يرجى المحاولة بعد دقائق.",
    ),
    PaymentErrorCode.GATEWAY_ERROR: (
        "KNET refused the request ({error_code}).",
        "رفضت شبكة كي نت الطلب ({error_code}).",
    ),
    RenewalErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
    RenewalErrorCode.INVALID_TEXT: (
        "Write this in at most 200 characters of plain text (no control characters).",
        "يرجى كتابة نص عادي لا يتجاوز 200 حرف (دون رموز تحكم).",
    ),
    PaymentErrorCode.INVALID_TEXT: (
        "Give a reason in at most 200 characters of plain text (no control characters).",
        "يرجى ذكر السبب بنص عادي لا يتجاوز 200 حرف (دون رموز تحكم).",
    ),
    RenewalErrorCode.UNKNOWN_DOCUMENT_KIND: ("No such kind of document.", "نوع المستند غير معروف."),
    RenewalErrorCode.DOCUMENT_MISSING: (
        "A requested document ({kind}) has not been uploaded yet.",
        "لم يتم رفع المستند المطلوب ({kind}) بعد.",
    ),
    RenewalErrorCode.UNKNOWN_PERSON: (
        "No such person is registered.",
        "لا يوجد شخص مسجل بهذه البيانات.",
    ),
    RenewalErrorCode.NOT_YOUR_DEPENDENT: (
        "No such person is sponsored by you.",
        "لا يوجد شخص بهذه البيانات على كفالتك.",
    ),
    RenewalErrorCode.NO_PERMIT: (
        "This person has no residency under this sponsor to renew.",
        "لا توجد إقامة لهذا الشخص على هذا الكفيل لتجديدها.",
    ),
    RenewalErrorCode.DURATION_REQUIRED: (
        "Choose a renewal duration for every person.",
        "يرجى اختيار مدة التجديد لكل شخص.",
    ),
    RenewalErrorCode.DURATION_TOO_SHORT: (
        "A renewal lasts at least one month.",
        "لا تقل مدة التجديد عن شهر واحد.",
    ),
    RenewalErrorCode.DURATION_TOO_LONG: (
        "Article {article} allows at most {max_months} months.",
        "تسمح المادة {article} بمدة أقصاها {max_months} شهراً.",
    ),
    RenewalErrorCode.PASSPORT_TOO_SHORT: (
        "The passport expires on {passport_expiry}, before the new residency would ({new_expiry}).",
        "ينتهي جواز السفر في {passport_expiry} قبل انتهاء الإقامة الجديدة ({new_expiry}).",
    ),
    RenewalErrorCode.ALREADY_IN_OPEN_APPLICATION: (
        "This person is already in an open renewal application.",
        "هذا الشخص مدرج بالفعل في طلب تجديد قائم.",
    ),
    RenewalErrorCode.NOT_YET_RENEWABLE: (
        "Renewal opens {window_months} months before expiry, on {opens_on}.",
        "يبدأ التجديد قبل انتهاء الإقامة بـ {window_months} أشهر، في {opens_on}.",
    ),
    RenewalErrorCode.EXPIRED_BEYOND_GRACE: (
        "The residency expired more than {grace_days} days ago: renew it at a service centre.",
        "انتهت الإقامة منذ أكثر من {grace_days} يوماً: يرجى مراجعة مركز الخدمة.",
    ),
    RenewalErrorCode.SPONSOR_PERMIT_TOO_SHORT: (
        "The sponsor's own residency ends on {sponsor_expiry}, before the requested period.",
        "تنتهي إقامة الكفيل في {sponsor_expiry} قبل نهاية المدة المطلوبة.",
    ),
    RenewalErrorCode.SALARY_BELOW_THRESHOLD: (
        "Family join needs a monthly salary of at least KD {threshold}.",
        "يشترط لالتحاق العائلة راتب شهري لا يقل عن {threshold} د.ك.",
    ),
    RenewalErrorCode.EMPTY_APPLICATION: (
        "Add at least one person to the application.",
        "يرجى إضافة شخص واحد على الأقل إلى الطلب.",
    ),
    RenewalErrorCode.WRONG_STATE: (
        "The application is {state}: this cannot be done now.",
        "الطلب في حالة {state}: لا يمكن تنفيذ هذا الإجراء الآن.",
    ),
    ResidencyErrorCode.INVALID: ("This value is not valid.", "هذه القيمة غير صحيحة."),
    ResidencyErrorCode.REQUIRED: ("This field is required.", "هذا الحقل مطلوب."),
    ResidencyErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
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
        "يرجى كتابة الاسم العربي بحروف عربية والاسم اللاتيني بحروف لاتينية كما في البطاقة المدنية.",
    ),
    ResidencyErrorCode.RELATION_NOT_ALLOWED: (
        "This sponsor may not sponsor a person in this relation.",
        "لا يجوز لهذا الكفيل كفالة شخص بهذه الصلة.",
    ),
    DocumentErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
    DocumentErrorCode.FILE_REQUIRED: (
        "Attach the file as a multipart upload.",
        "يرجى إرفاق الملف.",
    ),
    DocumentErrorCode.EMPTY_FILE: ("The file is empty.", "الملف فارغ."),
    DocumentErrorCode.TOO_LARGE: (
        "The file is larger than the {max_mb} MB accepted.",
        "حجم الملف أكبر من الحد المسموح به وهو {max_mb} ميغابايت.",
    ),
    DocumentErrorCode.UNSUPPORTED_TYPE: (
        "Only JPEG, PNG and PDF files are accepted (checked by content, not by file name).",
        "لا تُقبل إلا ملفات JPEG أو PNG أو PDF (يُفحص محتوى الملف لا اسمه).",
    ),
    DocumentErrorCode.IMAGE_REQUIRED: (
        "A {kind_en} must be a JPEG or PNG image.",
        "يجب أن تكون {kind_ar} صورة بصيغة JPEG أو PNG.",
    ),
    DocumentErrorCode.CORRUPT_IMAGE: (
        "The image cannot be read: it is damaged or incomplete.",
        "تعذرت قراءة الصورة: الملف تالف أو غير مكتمل.",
    ),
    DocumentErrorCode.IMAGE_TOO_MANY_PIXELS: (
        "The image has more than the {max_megapixels} megapixels accepted.",
        "تتجاوز دقة الصورة الحد المسموح به وهو {max_megapixels} ميغابكسل.",
    ),
    DocumentErrorCode.CORRUPT_PDF: (
        "The PDF cannot be read: it is damaged or incomplete.",
        "تعذرت قراءة ملف PDF: الملف تالف أو غير مكتمل.",
    ),
    DocumentErrorCode.ENCRYPTED_PDF: (
        "The PDF is password-protected: upload it without a password.",
        "ملف PDF محمي بكلمة مرور: يرجى رفعه دون كلمة مرور.",
    ),
    DocumentErrorCode.PHOTO_TOO_SMALL: (
        "The photo is {width}×{height} pixels; it must be at least {min_width}×{min_height}.",
        "أبعاد الصورة {width}×{height} بكسل؛ يجب ألا تقل عن {min_width}×{min_height}.",
    ),
    DocumentErrorCode.PHOTO_WRONG_ASPECT: (
        "The photo is {width}×{height} pixels; a personal photo must be portrait 4:5 "
        "(width ÷ height between {min_ratio} and {max_ratio}).",
        "أبعاد الصورة {width}×{height} بكسل؛ يجب أن تكون الصورة الشخصية طولية بنسبة 4:5 "
        "(العرض ÷ الطول بين {min_ratio} و{max_ratio}).",
    ),
    DocumentErrorCode.ISSUE_DATE_REQUIRED: (
        "Give the date the {kind_en} was issued.",
        "يرجى إدخال تاريخ إصدار {kind_ar}.",
    ),
    DocumentErrorCode.EXPIRY_DATE_REQUIRED: (
        "Give the {kind_en}'s expiry date.",
        "يرجى إدخال تاريخ انتهاء {kind_ar}.",
    ),
    DocumentErrorCode.DATE_NOT_APPLICABLE: (
        "This date does not apply to a {kind_en}.",
        "هذا التاريخ لا ينطبق على {kind_ar}.",
    ),
    DocumentErrorCode.ISSUED_IN_FUTURE: (
        "The issue date is in the future.",
        "تاريخ الإصدار في المستقبل.",
    ),
    DocumentErrorCode.EXPIRES_BEFORE_ISSUE: (
        "The expiry date must be after the issue date.",
        "يجب أن يكون تاريخ الانتهاء بعد تاريخ الإصدار.",
    ),
    DocumentErrorCode.ALREADY_EXPIRED: (
        "This document expired on {expires_on}: upload a current one.",
        "انتهت صلاحية هذا المستند في {expires_on}: يرجى رفع مستند ساري.",
    ),
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
}


@dataclass
class DomainError(Exception):
    """One expected failure: which input it concerns, a stable code, and readable messages."""

    code: enum.StrEnum
    field: str | None = None
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][0].format(**self.params)

    @property
    def message_ar(self) -> str:
        return MESSAGES[self.code][1].format(**self.params)

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
    codes = [
        *ResidencyErrorCode,
        *AccountErrorCode,
        *RenewalErrorCode,
        *DocumentErrorCode,
        *PaymentErrorCode,
    ]
    return [c for c in codes if c not in MESSAGES or not all(MESSAGES[c])]
