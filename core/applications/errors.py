"""Error codes of applications (every kind), with their messages in English and Arabic."""

from __future__ import annotations

import enum

from core.errors import register_messages


class ApplicationErrorCode(enum.StrEnum):
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
    RENEWED_BY_SPONSOR = "renewed_by_sponsor"
    UNKNOWN_KIND = "unknown_kind"
    NO_DURATION_ALLOWED = "no_duration_allowed"
    VISITOR_REQUIRED = "visitor_required"
    INVALID_VISITOR = "invalid_visitor"
    VISITOR_DETAILS_DIFFER = "visitor_details_differ"
    VISIT_RELATION_NOT_ALLOWED = "visit_relation_not_allowed"
    HOST_NOT_ELIGIBLE = "host_not_eligible"
    VISIT_TOO_LONG = "visit_too_long"
    VISIT_SALARY_BELOW_THRESHOLD = "visit_salary_below_threshold"
    VISIT_ALREADY_VALID = "visit_already_valid"
    TRANSFER_PERSON_REQUIRED = "transfer_person_required"
    TRANSFER_ARTICLE_REQUIRED = "transfer_article_required"
    TRANSFER_PERSON_NOT_FOUND = "transfer_person_not_found"
    TRANSFER_ALREADY_YOURS = "transfer_already_yours"
    TRANSFER_NOT_OPEN = "transfer_not_open"
    TRANSFER_SPONSOR_NOT_ELIGIBLE = "transfer_sponsor_not_eligible"
    TRANSFER_PERMIT_EXPIRED = "transfer_permit_expired"
    TRANSFER_TOO_SOON = "transfer_too_soon"
    CONSENT_ALREADY_DECIDED = "consent_already_decided"
    DUPLICATE_WORKER = "duplicate_worker"


register_messages(
    ApplicationErrorCode,
    {
        ApplicationErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        ApplicationErrorCode.INVALID_TEXT: (
            "Write this in at most 200 characters of plain text (no control characters).",
            "يرجى كتابة نص عادي لا يتجاوز 200 حرف (دون رموز تحكم).",
        ),
        ApplicationErrorCode.UNKNOWN_DOCUMENT_KIND: (
            "No such kind of document.",
            "نوع المستند غير معروف.",
        ),
        ApplicationErrorCode.DOCUMENT_MISSING: (
            "A requested document ({kind}) has not been uploaded yet.",
            "لم يتم رفع المستند المطلوب ({kind}) بعد.",
        ),
        ApplicationErrorCode.UNKNOWN_PERSON: (
            "This person is not in the application.",
            "هذا الشخص غير مدرج في الطلب.",
        ),
        ApplicationErrorCode.NOT_YOUR_DEPENDENT: (
            "No such person is sponsored by you.",
            "لا يوجد شخص بهذه البيانات على كفالتك.",
        ),
        ApplicationErrorCode.NO_PERMIT: (
            "This person has no residency under this sponsor to renew.",
            "لا توجد إقامة لهذا الشخص على هذا الكفيل لتجديدها.",
        ),
        ApplicationErrorCode.DURATION_REQUIRED: (
            "Choose a renewal duration for every person.",
            "يرجى اختيار مدة التجديد لكل شخص.",
        ),
        ApplicationErrorCode.DURATION_TOO_SHORT: (
            "A renewal lasts at least one month.",
            "لا تقل مدة التجديد عن شهر واحد.",
        ),
        ApplicationErrorCode.DURATION_TOO_LONG: (
            "Article {article} allows at most {max_months} months.",
            "تسمح المادة {article} بمدة أقصاها {max_months} شهراً.",
        ),
        ApplicationErrorCode.PASSPORT_TOO_SHORT: (
            "The passport expires on {passport_expiry}, before the new residency would "
            "({new_expiry}).",
            "ينتهي جواز السفر في {passport_expiry} قبل انتهاء الإقامة الجديدة ({new_expiry}).",
        ),
        ApplicationErrorCode.ALREADY_IN_OPEN_APPLICATION: (
            "This person is already in an open renewal application.",
            "هذا الشخص مدرج بالفعل في طلب تجديد قائم.",
        ),
        ApplicationErrorCode.NOT_YET_RENEWABLE: (
            "Renewal opens {window_months} months before expiry, on {opens_on}.",
            "يبدأ التجديد قبل انتهاء الإقامة بـ {window_months} أشهر، في {opens_on}.",
        ),
        ApplicationErrorCode.EXPIRED_BEYOND_GRACE: (
            "The residency expired more than {grace_days} days ago: renew it at a service centre.",
            "انتهت الإقامة منذ أكثر من {grace_days} يوماً: يرجى مراجعة مركز الخدمة.",
        ),
        ApplicationErrorCode.SPONSOR_PERMIT_TOO_SHORT: (
            "The sponsor's own residency ends on {sponsor_expiry}, before the requested period.",
            "تنتهي إقامة الكفيل في {sponsor_expiry} قبل نهاية المدة المطلوبة.",
        ),
        ApplicationErrorCode.SALARY_BELOW_THRESHOLD: (
            "Family join needs a monthly salary of at least KD {threshold}.",
            "يشترط لالتحاق العائلة راتب شهري لا يقل عن {threshold} د.ك.",
        ),
        ApplicationErrorCode.EMPTY_APPLICATION: (
            "Add at least one person to the application.",
            "يرجى إضافة شخص واحد على الأقل إلى الطلب.",
        ),
        ApplicationErrorCode.RENEWED_BY_SPONSOR: (
            "An Art. {article} residency is renewed by its sponsor ({sponsor}), not by its holder.",
            "إقامة المادة {article} يجددها الكفيل ({sponsor}) لا صاحبها.",
        ),
        ApplicationErrorCode.NO_DURATION_ALLOWED: (
            "No duration can be given now: it is bounded by {limit_en}.",
            "لا يمكن منح أي مدة حالياً: المدة مقيدة بـ{limit_ar}.",
        ),
        ApplicationErrorCode.VISITOR_REQUIRED: (
            "Give the visitor's passport details and their relation to you.",
            "يرجى إدخال بيانات جواز سفر الزائر وصلة قرابته بك.",
        ),
        ApplicationErrorCode.INVALID_VISITOR: (
            "The visitor's details: {detail_en}",
            "بيانات الزائر: {detail_ar}",
        ),
        ApplicationErrorCode.VISITOR_DETAILS_DIFFER: (
            "A visitor with this passport is on record with other details: give every detail "
            "exactly as on the passport.",
            "يوجد زائر بهذا الجواز ببيانات مختلفة: يرجى إدخال البيانات كما في الجواز تماماً.",
        ),
        ApplicationErrorCode.VISIT_RELATION_NOT_ALLOWED: (
            "A family visit may be for a parent, a spouse or a child.",
            "الزيارة العائلية للوالدين أو الزوج أو الأبناء.",
        ),
        ApplicationErrorCode.HOST_NOT_ELIGIBLE: (
            "Your own residency ({article}) does not allow inviting family on a visit.",
            "إقامتك ({article}) لا تسمح بدعوة الأقارب للزيارة.",
        ),
        ApplicationErrorCode.VISIT_TOO_LONG: (
            "A visit lasts at most {max_months} months.",
            "لا تتجاوز مدة الزيارة {max_months} أشهر.",
        ),
        ApplicationErrorCode.VISIT_SALARY_BELOW_THRESHOLD: (
            "Inviting a {relation_en} needs a monthly salary of at least KD {threshold}.",
            "يشترط لدعوة {relation_ar} راتب شهري لا يقل عن {threshold} د.ك.",
        ),
        ApplicationErrorCode.VISIT_ALREADY_VALID: (
            "This visitor already holds a visit permit valid until {valid_until}.",
            "لدى هذا الزائر إذن زيارة ساري حتى {valid_until}.",
        ),
        ApplicationErrorCode.TRANSFER_PERSON_REQUIRED: (
            "Name the resident as on their papers: civil ID, name in Latin letters as on the "
            "civil ID, and passport number.",
            "يرجى تحديد المقيم كما في أوراقه: الرقم المدني والاسم بالأحرف اللاتينية كما في "
            "البطاقة المدنية ورقم الجواز.",
        ),
        ApplicationErrorCode.TRANSFER_ARTICLE_REQUIRED: (
            "Choose the article the residency moves to.",
            "يرجى اختيار المادة التي تُحوَّل إليها الإقامة.",
        ),
        ApplicationErrorCode.TRANSFER_PERSON_NOT_FOUND: (
            "No resident with this civil ID, name and passport number holds a residency.",
            "لا يوجد مقيم بهذا الرقم المدني والاسم ورقم الجواز يحمل إقامة.",
        ),
        ApplicationErrorCode.TRANSFER_ALREADY_YOURS: (
            "This residency is already on your file: it is renewed, not transferred.",
            "هذه الإقامة على ملفك بالفعل: تُجدَّد ولا تُحوَّل.",
        ),
        ApplicationErrorCode.TRANSFER_NOT_OPEN: (
            "A residency under Art. {from_article} cannot be transferred to Art. {to_article} "
            "online.",
            "لا يمكن تحويل إقامة المادة {from_article} إلى المادة {to_article} إلكترونياً.",
        ),
        ApplicationErrorCode.TRANSFER_SPONSOR_NOT_ELIGIBLE: (
            "You cannot sponsor a residency under Art. {to_article} in this relation.",
            "لا يمكنك كفالة إقامة على المادة {to_article} بهذه الصفة.",
        ),
        ApplicationErrorCode.TRANSFER_PERMIT_EXPIRED: (
            "The residency has expired: its sponsor renews it before any transfer.",
            "الإقامة منتهية: يجددها الكفيل قبل أي تحويل.",
        ),
        ApplicationErrorCode.TRANSFER_TOO_SOON: (
            "A transfer from Art. {from_article} to Art. {to_article} needs at least {months} "
            "months with the current sponsor.",
            "يشترط للتحويل من المادة {from_article} إلى المادة {to_article} قضاء {months} شهراً "
            "على الأقل لدى الكفيل الحالي.",
        ),
        ApplicationErrorCode.CONSENT_ALREADY_DECIDED: (
            "This consent was already decided ({decision}).",
            "تم البت في هذه الموافقة مسبقاً ({decision}).",
        ),
        ApplicationErrorCode.DUPLICATE_WORKER: (
            "This worker is already in the list (at {first}).",
            "هذا العامل مدرج في القائمة من قبل (في الموضع {first}).",
        ),
        ApplicationErrorCode.UNKNOWN_KIND: (
            "No such kind of application.",
            "نوع الطلب غير معروف.",
        ),
        ApplicationErrorCode.WRONG_STATE: (
            "The application is {state}: this cannot be done now.",
            "الطلب في حالة {state}: لا يمكن تنفيذ هذا الإجراء الآن.",
        ),
    },
)
