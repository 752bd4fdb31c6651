"""The JSON shapes of the agency protocol, shared by the HTTP client and the simulator's server
so both ends cannot drift apart. Dates are ISO strings, amounts decimal strings (never floats).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from core.agencies.base import (
    CourtFacts,
    CourtRecord,
    CourtRecordKind,
    EstablishmentFacts,
    EstablishmentQuery,
    EstablishmentStatus,
    Fine,
    FineKind,
    FinesFacts,
    InsuranceFacts,
    ReportAck,
    Subject,
    WorkPermitFacts,
)

# The operation path of each agency, relative to that agency's base URL.
OPERATIONS = {
    "health": "insurance",
    "fines": "fines",
    "courts": "records",
    "manpower": "work-permit",
}


# An agency's other questions, relative to its base URL.
QUESTIONS = {
    "establishment": ("manpower", "establishment"),
}

# Where an agency takes our reports (once a renewal is paid), relative to its base URL.
REPORTS = {
    "health": "cover",
    "fines": "paid",
}


class MalformedPayload(ValueError):
    """A JSON document that does not have the protocol's shape."""


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _amount(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise MalformedPayload("amounts are decimal strings")
    return Decimal(value).quantize(Decimal("0.001"))


def _decoding(fn):
    """Turn any error from reading a payload into MalformedPayload, one error to catch."""

    def wrapper(data: Any):
        try:
            return fn(data)
        except MalformedPayload:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
            raise MalformedPayload(f"{fn.__name__}: {exc!r}") from exc

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def subject_to_json(subject: Subject) -> dict[str, Any]:
    return {
        "civil_id": subject.civil_id,
        "name_en": subject.name_en,
        "nationality": subject.nationality,
        "date_of_birth": _iso(subject.date_of_birth),
        "period_start": _iso(subject.period_start),
        "period_end": _iso(subject.period_end),
        "sponsor_civil_id": subject.sponsor_civil_id,
        "employer_file_number": subject.employer_file_number,
    }


@_decoding
def subject_from_json(data: dict[str, Any]) -> Subject:
    return Subject(
        civil_id=str(data["civil_id"]),
        name_en=str(data["name_en"]),
        nationality=str(data["nationality"]),
        date_of_birth=dt.date.fromisoformat(data["date_of_birth"]),
        period_start=dt.date.fromisoformat(data["period_start"]),
        period_end=dt.date.fromisoformat(data["period_end"]),
        sponsor_civil_id=data.get("sponsor_civil_id"),
        employer_file_number=data.get("employer_file_number"),
    )


def insurance_to_json(facts: InsuranceFacts) -> dict[str, Any]:
    return {
        "insured_until": _iso(facts.insured_until),
        "annual_fee": f"{facts.annual_fee:.3f}",
        "reference": facts.reference,
    }


@_decoding
def insurance_from_json(data: dict[str, Any]) -> InsuranceFacts:
    return InsuranceFacts(
        insured_until=_date(data["insured_until"]),
        annual_fee=_amount(data["annual_fee"]),
        reference=str(data.get("reference", "")),
    )


def fines_to_json(facts: FinesFacts) -> dict[str, Any]:
    return {
        "fines": [
            {
                "kind": str(fine.kind),
                "reference": fine.reference,
                "amount": f"{fine.amount:.3f}",
                "description_en": fine.description_en,
                "description_ar": fine.description_ar,
            }
            for fine in facts.fines
        ],
        "reference": facts.reference,
    }


@_decoding
def fines_from_json(data: dict[str, Any]) -> FinesFacts:
    return FinesFacts(
        fines=tuple(
            Fine(
                kind=FineKind(item["kind"]),
                reference=str(item["reference"]),
                amount=_amount(item["amount"]),
                description_en=str(item["description_en"]),
                description_ar=str(item["description_ar"]),
            )
            for item in data["fines"]
        ),
        reference=str(data.get("reference", "")),
    )


def courts_to_json(facts: CourtFacts) -> dict[str, Any]:
    return {
        "records": [
            {
                "kind": str(record.kind),
                "reference": record.reference,
                "description_en": record.description_en,
                "description_ar": record.description_ar,
            }
            for record in facts.records
        ],
        "reference": facts.reference,
    }


@_decoding
def courts_from_json(data: dict[str, Any]) -> CourtFacts:
    return CourtFacts(
        records=tuple(
            CourtRecord(
                kind=CourtRecordKind(item["kind"]),
                reference=str(item["reference"]),
                description_en=str(item["description_en"]),
                description_ar=str(item["description_ar"]),
            )
            for item in data["records"]
        ),
        reference=str(data.get("reference", "")),
    )


def work_permit_to_json(facts: WorkPermitFacts) -> dict[str, Any]:
    return {
        "valid_until": _iso(facts.valid_until),
        "employer_file_number": facts.employer_file_number,
        "reference": facts.reference,
    }


@_decoding
def work_permit_from_json(data: dict[str, Any]) -> WorkPermitFacts:
    employer = data["employer_file_number"]
    return WorkPermitFacts(
        valid_until=_date(data["valid_until"]),
        employer_file_number=None if employer is None else str(employer),
        reference=str(data.get("reference", "")),
    )


def cover_report_to_json(subject: Subject, months: int, reference: str) -> dict[str, Any]:
    return {"subject": subject_to_json(subject), "months": months, "reference": reference}


@_decoding
def cover_report_from_json(data: dict[str, Any]) -> tuple[Subject, int, str]:
    months = data["months"]
    if not isinstance(months, int) or isinstance(months, bool):
        raise MalformedPayload("months is an integer")
    return subject_from_json(data["subject"]), months, str(data["reference"])


def fines_report_to_json(
    subject: Subject, fine_references: tuple[str, ...], reference: str
) -> dict[str, Any]:
    return {
        "subject": subject_to_json(subject),
        "fine_references": list(fine_references),
        "reference": reference,
    }


@_decoding
def fines_report_from_json(data: dict[str, Any]) -> tuple[Subject, tuple[str, ...], str]:
    references = data["fine_references"]
    if not isinstance(references, list):
        raise MalformedPayload("fine_references is a list")
    return (
        subject_from_json(data["subject"]),
        tuple(str(r) for r in references),
        str(data["reference"]),
    )


def ack_to_json(ack: ReportAck) -> dict[str, Any]:
    return {"reference": ack.reference}


@_decoding
def ack_from_json(data: dict[str, Any]) -> ReportAck:
    reference = data["reference"]
    if not isinstance(reference, str) or not reference:
        raise MalformedPayload("an acknowledgement carries the agency's reference")
    return ReportAck(reference=reference)


def establishment_query_to_json(query: EstablishmentQuery) -> dict[str, Any]:
    return {"file_number": query.file_number, "signatory_civil_id": query.signatory_civil_id}


@_decoding
def establishment_query_from_json(data: dict[str, Any]) -> EstablishmentQuery:
    file_number, civil_id = data["file_number"], data["signatory_civil_id"]
    if not isinstance(file_number, str) or not isinstance(civil_id, str):
        raise MalformedPayload("file_number and signatory_civil_id are strings")
    return EstablishmentQuery(file_number=file_number, signatory_civil_id=civil_id)


def establishment_to_json(facts: EstablishmentFacts) -> dict[str, Any]:
    if not facts.found:
        return {"found": False, "file_number": facts.file_number, "reference": facts.reference}
    return {
        "found": True,
        "file_number": facts.file_number,
        "commercial_registration": facts.commercial_registration,
        "name_en": facts.name_en,
        "name_ar": facts.name_ar,
        "status": str(facts.status),
        "signatory": facts.signatory,
        "reference": facts.reference,
    }


@_decoding
def establishment_from_json(data: dict[str, Any]) -> EstablishmentFacts:
    found = data["found"]
    if not isinstance(found, bool):
        raise MalformedPayload("found is a boolean")
    if not found:
        return EstablishmentFacts(
            found=False,
            file_number=str(data.get("file_number", "")),
            reference=str(data.get("reference", "")),
        )
    signatory = data["signatory"]
    if not isinstance(signatory, bool):
        raise MalformedPayload("signatory is a boolean")
    return EstablishmentFacts(
        found=True,
        file_number=str(data["file_number"]),
        commercial_registration=str(data["commercial_registration"]),
        name_en=str(data["name_en"]),
        name_ar=str(data["name_ar"]),
        status=EstablishmentStatus(data["status"]),
        signatory=signatory,
        reference=str(data.get("reference", "")),
    )
