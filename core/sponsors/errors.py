"""Expected failures of registering sponsors and of managing their staff, in both languages."""

from __future__ import annotations

import enum

from core.errors import register_messages


class StaffErrorCode(enum.StrEnum):
    NOT_FOUND = "not_found"
    USER_NOT_FOUND = "user_not_found"
    SCOPES_REQUIRED = "scopes_required"
    UNKNOWN_SCOPE = "unknown_scope"
    SCOPE_NOT_HELD = "scope_not_held"
    OWNER_UNCHANGEABLE = "owner_unchangeable"
    NOT_YOURSELF = "not_yourself"


class RegistrationErrorCode(enum.StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    SIGN_IN_AS_YOURSELF = "sign_in_as_yourself"
    RESIDENT_REQUIRED = "resident_required"
    INVALID_COMMERCIAL_REGISTRATION = "invalid_commercial_registration"
    INVALID_FILE_NUMBER = "invalid_file_number"
    ESTABLISHMENT_UNKNOWN = "establishment_unknown"
    ESTABLISHMENT_INACTIVE = "establishment_inactive"
    NOT_AUTHORISED_SIGNATORY = "not_authorised_signatory"
    ALREADY_REGISTERED = "already_registered"
    MANPOWER_UNAVAILABLE = "manpower_unavailable"
    BACK_OFFICE_ONLY = "back_office_only"
    INVALID_KIND = "invalid_kind"
    NAME_REQUIRED = "name_required"
    USER_NOT_FOUND = "user_not_found"


register_messages(
    StaffErrorCode,
    {
        StaffErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        StaffErrorCode.USER_NOT_FOUND: (
            "No account has this user name.",
            "لا يوجد حساب بهذا الاسم.",
        ),
        StaffErrorCode.SCOPES_REQUIRED: (
            "Choose at least one scope.",
            "يرجى اختيار صلاحية واحدة على الأقل.",
        ),
        StaffErrorCode.UNKNOWN_SCOPE: ("Unknown scope.", "صلاحية غير معروفة."),
        StaffErrorCode.SCOPE_NOT_HELD: (
            "You cannot grant, or take from someone, a scope you do not hold yourself: {scopes}.",
            "لا يمكنك منح صلاحية لا تملكها أو سحبها من غيرك: {scopes}.",
        ),
        StaffErrorCode.OWNER_UNCHANGEABLE: (
            "An owner holds every scope; owners are added and removed by the service centre.",
            "يملك المالك جميع الصلاحيات؛ ويُضاف الملاك ويُزالون عن طريق مركز الخدمة.",
        ),
        StaffErrorCode.NOT_YOURSELF: (
            "You cannot change your own scopes.",
            "لا يمكنك تعديل صلاحياتك بنفسك.",
        ),
    },
)
register_messages(
    RegistrationErrorCode,
    {
        RegistrationErrorCode.NOT_AUTHENTICATED: ("Sign in first.", "يرجى تسجيل الدخول أولاً."),
        RegistrationErrorCode.SIGN_IN_AS_YOURSELF: (
            "Sign in with your own account to register: an API token cannot.",
            "يرجى تسجيل الدخول بحسابك الشخصي للتسجيل: لا يمكن ذلك برمز الربط.",
        ),
        RegistrationErrorCode.RESIDENT_REQUIRED: (
            "Only a resident known by civil ID can register a company: the Manpower Authority "
            "confirms its authorised signatories by civil ID.",
            "لا يسجل الشركة إلا مقيم مسجل برقمه المدني: تتحقق الهيئة العامة للقوى العاملة من "
            "المفوضين بالتوقيع برقمهم المدني.",
        ),
        RegistrationErrorCode.INVALID_COMMERCIAL_REGISTRATION: (
            "A commercial registration number has 1 to 20 letters, digits or dashes.",
            "يتكون رقم السجل التجاري من 1 إلى 20 حرفاً أو رقماً أو شرطة.",
        ),
        RegistrationErrorCode.INVALID_FILE_NUMBER: (
            "A Manpower Authority file number has 1 to 20 letters, digits or dashes.",
            "يتكون رقم الملف لدى الهيئة العامة للقوى العاملة من 1 إلى 20 حرفاً أو رقماً أو شرطة.",
        ),
        RegistrationErrorCode.ESTABLISHMENT_UNKNOWN: (
            "The Manpower Authority has no establishment with this file number and commercial "
            "registration.",
            "لا توجد لدى الهيئة العامة للقوى العاملة منشأة بهذا الرقم وهذا السجل التجاري.",
        ),
        RegistrationErrorCode.ESTABLISHMENT_INACTIVE: (
            "The Manpower Authority holds this establishment's file as {status}: it cannot "
            "sponsor workers now.",
            "ملف هذه المنشأة لدى الهيئة العامة للقوى العاملة {status_ar}: لا يمكنها كفالة "
            "العمالة حالياً.",
        ),
        RegistrationErrorCode.NOT_AUTHORISED_SIGNATORY: (
            "The Manpower Authority does not list you as an authorised signatory of this "
            "establishment.",
            "لست مسجلاً لدى الهيئة العامة للقوى العاملة مفوضاً بالتوقيع عن هذه المنشأة.",
        ),
        RegistrationErrorCode.ALREADY_REGISTERED: (
            "This company is registered already: ask its owner to make you a delegate.",
            "هذه الشركة مسجلة مسبقاً: يرجى طلب التفويض من مالك الحساب.",
        ),
        RegistrationErrorCode.MANPOWER_UNAVAILABLE: (
            "The Manpower Authority is not answering: try again in a few minutes.",
            "الهيئة العامة للقوى العاملة لا تستجيب حالياً: يرجى المحاولة بعد دقائق.",
        ),
        RegistrationErrorCode.BACK_OFFICE_ONLY: (
            "Government bodies and missions are registered by the service centre.",
            "تُسجَّل الجهات الحكومية والبعثات عن طريق مركز الخدمة.",
        ),
        RegistrationErrorCode.INVALID_KIND: (
            "Only a government body or a mission is registered this way.",
            "تُسجَّل بهذه الطريقة الجهات الحكومية والبعثات فقط.",
        ),
        RegistrationErrorCode.NAME_REQUIRED: (
            "Give the name in Arabic and in English.",
            "يرجى كتابة الاسم بالعربية والإنجليزية.",
        ),
        RegistrationErrorCode.USER_NOT_FOUND: (
            "No account has this user name.",
            "لا يوجد حساب بهذا الاسم.",
        ),
    },
)
