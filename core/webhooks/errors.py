"""Error codes of webhooks, with their messages in English and Arabic."""

from __future__ import annotations

import enum

from core.errors import register_messages


class WebhookErrorCode(enum.StrEnum):
    NOT_FOUND = "webhook_not_found"
    INVALID_URL = "webhook_invalid_url"
    HTTPS_REQUIRED = "webhook_https_required"
    ADDRESS_NOT_ALLOWED = "webhook_address_not_allowed"
    HOST_NOT_RESOLVED = "webhook_host_not_resolved"
    ENDPOINT_EXISTS = "webhook_endpoint_exists"
    TOO_MANY_ENDPOINTS = "webhook_too_many_endpoints"
    EVENT_KINDS_REQUIRED = "webhook_event_kinds_required"
    INVALID_TEXT = "webhook_invalid_text"
    INVALID_GRACE = "webhook_invalid_grace"
    ENDPOINT_DISABLED = "webhook_endpoint_disabled"
    DELIVERY_IN_PROGRESS = "webhook_delivery_in_progress"


register_messages(
    WebhookErrorCode,
    {
        WebhookErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        WebhookErrorCode.INVALID_URL: (
            "Give an absolute URL of at most {max_length} characters, without a user name or "
            "password in it.",
            "يرجى إدخال عنوان URL كامل لا يتجاوز {max_length} حرفاً ودون اسم مستخدم أو كلمة مرور.",
        ),
        WebhookErrorCode.HTTPS_REQUIRED: (
            "Webhooks are sent over HTTPS only: give an https:// URL.",
            "تُرسل الإشعارات عبر HTTPS فقط: يرجى إدخال عنوان يبدأ بـ https://.",
        ),
        WebhookErrorCode.ADDRESS_NOT_ALLOWED: (
            "This address is not reachable from the internet (private, loopback or reserved): "
            "give your endpoint's public address.",
            "هذا العنوان غير متاح عبر الإنترنت (خاص أو محلي أو محجوز): يرجى إدخال العنوان العام "
            "لنقطة الاستقبال.",
        ),
        WebhookErrorCode.HOST_NOT_RESOLVED: (
            "The host name {host} could not be found.",
            "تعذر العثور على اسم المضيف {host}.",
        ),
        WebhookErrorCode.ENDPOINT_EXISTS: (
            "This sponsor already has an endpoint at this URL: change that one, or rotate its "
            "secret.",
            "لدى هذا الكفيل نقطة استقبال بهذا العنوان بالفعل: يرجى تعديلها أو تجديد مفتاحها.",
        ),
        WebhookErrorCode.TOO_MANY_ENDPOINTS: (
            "A sponsor has at most {limit} webhook endpoints.",
            "لا يتجاوز عدد نقاط استقبال الإشعارات للكفيل {limit}.",
        ),
        WebhookErrorCode.EVENT_KINDS_REQUIRED: (
            "Choose at least one kind of event.",
            "يرجى اختيار نوع واحد على الأقل من الأحداث.",
        ),
        WebhookErrorCode.INVALID_TEXT: (
            "Write this in at most 200 characters of plain text (no control characters).",
            "يرجى كتابة نص عادي لا يتجاوز 200 حرف (دون رموز تحكم).",
        ),
        WebhookErrorCode.INVALID_GRACE: (
            "The old secret may go on signing for 0 to {max_hours} hours.",
            "يمكن أن يستمر المفتاح القديم في التوقيع من 0 إلى {max_hours} ساعة.",
        ),
        WebhookErrorCode.ENDPOINT_DISABLED: (
            "This endpoint is disabled: enable it first.",
            "نقطة الاستقبال هذه معطلة: يرجى تفعيلها أولاً.",
        ),
        WebhookErrorCode.DELIVERY_IN_PROGRESS: (
            "This delivery is being attempted right now: look again in a moment.",
            "تجري محاولة الإرسال الآن: يرجى التحقق بعد قليل.",
        ),
    },
)
