"""The agency simulator served over HTTP, speaking the same JSON protocol as the real agencies
(docs/agencies.md), so the HTTP adapters can be run and tested against a real server.

It acts out the same misbehaviour as the in-process simulator: an outage or a random failure
answers 503, latency delays the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.agencies import simulator, wire
from core.agencies.base import AgencyUnavailable, Subject
from core.civil_id import InvalidCivilId, parse_civil_id


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def agency_view(
    agency: str, answer: Callable[[Subject], Any], encode: Callable[[Any], dict]
) -> Callable[[HttpRequest], JsonResponse]:
    """A view answering one agency's operation: subject JSON in, facts JSON out."""

    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> JsonResponse:
        try:
            subject = wire.subject_from_json(json.loads(request.body))
            parse_civil_id(subject.civil_id)
        except (ValueError, wire.MalformedPayload, InvalidCivilId) as exc:
            return _error(400, "bad_request", str(exc))
        try:
            simulator.misbehave(agency)
        except AgencyUnavailable as exc:
            return _error(503, "unavailable", str(exc))
        return JsonResponse(encode(answer(subject)))

    view.__name__ = f"simulated_{agency}"
    return view


insurance = agency_view("health", simulator.insurance_facts, wire.insurance_to_json)
fines = agency_view("fines", simulator.fines_facts, wire.fines_to_json)
records = agency_view("courts", simulator.court_facts, wire.courts_to_json)
work_permit = agency_view("manpower", simulator.work_permit_facts, wire.work_permit_to_json)


def report_view(
    agency: str,
    decode: Callable[[Any], tuple],
    answer: Callable[..., Any],
) -> Callable[[HttpRequest], JsonResponse]:
    """A view taking one of our reports (cover bought, fines paid): JSON in, an ack out."""

    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> JsonResponse:
        try:
            arguments = decode(json.loads(request.body))
            parse_civil_id(arguments[0].civil_id)
        except (ValueError, wire.MalformedPayload, InvalidCivilId) as exc:
            return _error(400, "bad_request", str(exc))
        try:
            simulator.misbehave(agency)
        except AgencyUnavailable as exc:
            return _error(503, "unavailable", str(exc))
        try:
            ack = answer(*arguments)
        except ValueError as exc:
            return _error(400, "refused", str(exc))
        return JsonResponse(wire.ack_to_json(ack))

    view.__name__ = f"simulated_{agency}_report"
    return view


cover = report_view("health", wire.cover_report_from_json, simulator.cover_reported)
paid_fines = report_view("fines", wire.fines_report_from_json, simulator.fines_reported)


@csrf_exempt
@require_POST
def establishment(request: HttpRequest) -> JsonResponse:
    """The Manpower Authority's establishment file, and whether the person asked about signs
    for it."""
    try:
        query = wire.establishment_query_from_json(json.loads(request.body))
        parse_civil_id(query.signatory_civil_id)
    except (ValueError, wire.MalformedPayload, InvalidCivilId) as exc:
        return _error(400, "bad_request", str(exc))
    try:
        simulator.misbehave("manpower")
    except AgencyUnavailable as exc:
        return _error(503, "unavailable", str(exc))
    return JsonResponse(wire.establishment_to_json(simulator.establishment_facts(query)))
