"""From a captured payment's records to the data its receipt prints (``payments.receipts``
renders; this module only reads the models)."""

from __future__ import annotations

from core.applications.kinds import kind_of, reference
from payments.models import Receipt
from payments.receipts import ReceiptData, ReceiptLine

RELATED = (
    "payment__application__sponsor__person",
    "payment__payer__person",
)


def receipt_data(receipt: Receipt) -> ReceiptData:
    payment = receipt.payment
    application = payment.application
    payer = getattr(payment.payer, "person", None) if payment.payer_id else None
    sponsor = application.sponsor
    lines = [
        ReceiptLine(
            person_name_en=line.person.name_en,
            person_name_ar=line.person.name_ar,
            # A visitor from abroad has no civil ID: the passport identifies them.
            civil_id=line.person.civil_id or f"P {line.person.passport_number}",
            description_en=line.description_en,
            description_ar=line.description_ar,
            amount=line.amount,
        )
        for line in payment.quote.lines.select_related("person").order_by("id")
    ]
    return ReceiptData(
        number=receipt.number,
        verification_code=receipt.verification_code,
        issued_at=receipt.issued_at,
        payer_name_en=payer.name_en if payer else sponsor.display_name_en,
        payer_name_ar=payer.name_ar if payer else sponsor.display_name_ar,
        payer_civil_id=payer.civil_id if payer else (sponsor.commercial_registration or "—"),
        lines=lines,
        total=payment.amount,
        knet_reference=payment.reference,
        knet_payment_id=payment.gateway_payment_id,
        paid_at=payment.captured_at,
        application_reference=reference(application),
        service_en=kind_of(application).title_en,
        service_ar=kind_of(application).title_ar,
        payer_id_kind="civil_id" if payer else "commercial_registration",
    )


def load_by_key(key: str) -> ReceiptData | None:
    receipt = Receipt.objects.select_related(*RELATED).filter(pk=key).first()
    return receipt_data(receipt) if receipt else None


def load_by_code(code: str) -> ReceiptData | None:
    receipt = Receipt.objects.select_related(*RELATED).filter(verification_code=code).first()
    return receipt_data(receipt) if receipt else None
