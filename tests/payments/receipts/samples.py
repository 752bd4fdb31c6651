"""A family's receipt, with Arabic and English names and fees, for the tests and the sample."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from payments.receipts import ReceiptData, ReceiptLine

CODE = "7KQ2M9XDHB4RTW6C"


def family_receipt(**overrides) -> ReceiptData:
    lines = [
        ReceiptLine(
            person_name_en="Mohammed Abdullah Al-Ajmi",
            person_name_ar="محمد عبدالله العجمي",
            civil_id="285010112345",
            description_en="Residency fee, Art. 18, 1 year",
            description_ar="رسم الإقامة، المادة 18، سنة واحدة",
            amount=Decimal("20.000"),
        ),
        ReceiptLine(
            person_name_en="Fatima Hassan",
            person_name_ar="فاطمة حسن",
            civil_id="290020254321",
            description_en="Residency fee, Art. 22 spouse, 1 year",
            description_ar="رسم الإقامة، المادة 22 زوجة، سنة واحدة",
            amount=Decimal("20.000"),
        ),
        ReceiptLine(
            person_name_en="Fatima Hassan",
            person_name_ar="فاطمة حسن",
            civil_id="290020254321",
            description_en="Health insurance, 1 year",
            description_ar="التأمين الصحي، سنة واحدة",
            amount=Decimal("100.000"),
        ),
        ReceiptLine(
            person_name_en="Yousef Mohammed",
            person_name_ar="يوسف محمد",
            civil_id="315030398765",
            description_en="Traffic fine",
            description_ar="مخالفة مرورية",
            amount=Decimal("15.500"),
        ),
    ]
    values = dict(
        number="R-2025-000123",
        verification_code=CODE,
        issued_at=datetime(2025, 6, 1, 7, 15, tzinfo=UTC),
        payer_name_en="Mohammed Abdullah Al-Ajmi",
        payer_name_ar="محمد عبدالله العجمي",
        payer_civil_id="285010112345",
        lines=lines,
        total=Decimal("155.500"),
        knet_reference="516012345678",
        knet_payment_id="100202515212345678",
        paid_at=datetime(2025, 6, 1, 7, 14, 30, tzinfo=UTC),
        application_reference="APP-2025-004217",
    )
    values.update(overrides)
    return ReceiptData(**values)
