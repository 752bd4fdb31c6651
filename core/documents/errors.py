"""Error codes of the document archive, with their messages in English and Arabic."""

from __future__ import annotations

import enum

from core.errors import register_messages


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
    PERSON_DOCUMENT_KIND = "person_document_kind"
    SPONSOR_DOCUMENT_KIND = "sponsor_document_kind"


register_messages(
    DocumentErrorCode,
    {
        DocumentErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        DocumentErrorCode.PERSON_DOCUMENT_KIND: (
            "This kind of document is a person's: upload it for the person, not the company.",
            "هذا النوع من المستندات خاص بالأشخاص: يرجى رفعه للشخص وليس للجهة.",
        ),
        DocumentErrorCode.SPONSOR_DOCUMENT_KIND: (
            "This kind of document is a company's own paper: upload it for the company.",
            "هذا النوع من المستندات خاص بالجهة: يرجى رفعه لها.",
        ),
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
    },
)
