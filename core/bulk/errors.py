"""Error codes of a bulk renewal as a whole (each worker's own reasons are an application's:
``core.applications.errors``), with their messages in English and Arabic."""

from __future__ import annotations

import enum

from core.errors import register_messages


class BulkErrorCode(enum.StrEnum):
    NOT_FOUND = "bulk_not_found"
    NO_WORKERS = "no_workers"
    TOO_MANY_WORKERS = "too_many_workers"
    INVALID_IDEMPOTENCY_KEY = "bulk_invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "bulk_idempotency_key_reused"


register_messages(
    BulkErrorCode,
    {
        BulkErrorCode.NOT_FOUND: ("Not found.", "غير موجود."),
        BulkErrorCode.NO_WORKERS: ("Name at least one worker.", "يرجى تحديد عامل واحد على الأقل."),
        BulkErrorCode.TOO_MANY_WORKERS: (
            "At most {max} workers in one bulk renewal: split the list.",
            "لا يتجاوز التجديد الجماعي {max} عامل: يرجى تقسيم القائمة.",
        ),
        BulkErrorCode.INVALID_IDEMPOTENCY_KEY: (
            "An idempotency key is 8 to 64 letters, digits, '_', '-', '.' or ':'.",
            "مفتاح منع التكرار من 8 إلى 64 حرفاً أو رقماً أو '_' أو '-' أو '.' أو ':'.",
        ),
        BulkErrorCode.IDEMPOTENCY_KEY_REUSED: (
            "This idempotency key named another bulk renewal: use a new key for a new list.",
            "استُخدم مفتاح منع التكرار هذا لتجديد جماعي آخر: استخدم مفتاحاً جديداً لكل قائمة.",
        ),
    },
)
