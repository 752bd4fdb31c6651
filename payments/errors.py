"""Error codes of payments, with their messages in English and Arabic."""

from __future__ import annotations

import enum

from core.errors import register_messages


class PaymentErrorCode(enum.StrEnum):
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


register_messages(
    PaymentErrorCode,
    {
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
            "تعذر الاتصال بشبكة كي نت حالياً: لم يتم خصم أي مبلغ بهذا الطلب؛ "
            "يرجى المحاولة بعد دقائق.",
        ),
        PaymentErrorCode.GATEWAY_ERROR: (
            "KNET refused the request ({error_code}).",
            "رفضت شبكة كي نت الطلب ({error_code}).",
        ),
        PaymentErrorCode.INVALID_TEXT: (
            "Give a reason in at most 200 characters of plain text (no control characters).",
            "يرجى ذكر السبب بنص عادي لا يتجاوز 200 حرف (دون رموز تحكم).",
        ),
    },
)
