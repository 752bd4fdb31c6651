"""The in-process simulator: the same person always gets the same facts, demo traits can be
found, and the configured misbehaviour happens."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.agencies import registry, simulator, wire
from core.agencies.base import AgencyUnavailable, CourtRecordKind, FineKind
from core.agencies.http import HttpHealthAgency
from core.agencies.simulator import (
    HEALTH_INSURANCE_ANNUAL_FEE_KD,
    InsuranceStatus,
    WorkPermitStatus,
    find_civil_id,
    profile_for,
)
from core.civil_id import make_civil_id, parse_civil_id
from tests.core.agencies.conftest import QUIET, subject

ADULT = dt.date(1984, 6, 12)
CHILD = dt.date(2016, 9, 3)


def all_facts(s):
    return (
        simulator.SimulatedHealthAgency().insurance(s),
        simulator.SimulatedFinesAgency().fines(s),
        simulator.SimulatedCourtsAgency().records(s),
        simulator.SimulatedManpowerAgency().work_permit(s),
    )


def people(count: int, born: dt.date = ADULT) -> list[str]:
    return [make_civil_id(born, serial) for serial in range(1, 11 * count, 11)][:count]


def test_same_civil_id_gets_the_same_facts_every_time():
    for civil_id in people(40):
        assert all_facts(subject(civil_id)) == all_facts(subject(civil_id))
        assert profile_for(civil_id) == profile_for(civil_id)


def test_people_differ():
    assert len({profile_for(c).fines for c in people(200)}) > 20


def test_demo_traits_can_be_found():
    fined = find_civil_id(ADULT, lambda p: p.has_traffic_fines)
    facts = simulator.fines_facts(subject(fined))
    # Residency overstay is not the fines agency's to report: the law's daily rate applies
    # to the days past expiry (payments.pricing, core.law).
    assert {f.kind for f in facts.fines} == {FineKind.TRAFFIC}
    assert all(f.amount > 0 and f.amount.as_tuple().exponent == -3 for f in facts.fines)

    banned = find_civil_id(ADULT, lambda p: p.has_travel_ban)
    kinds = {r.kind for r in simulator.court_facts(subject(banned)).records}
    assert CourtRecordKind.TRAVEL_BAN in kinds

    child = find_civil_id(CHILD, lambda p: p.uninsured)
    assert parse_civil_id(child).birth_date == CHILD
    assert profile_for(child).minor
    assert simulator.insurance_facts(subject(child)).insured_until is None


def test_find_civil_id_walks_serials_from_start():
    first = find_civil_id(ADULT, lambda p: True, start_serial=500)
    assert int(first[7:11]) >= 500
    parse_civil_id(first)
    with pytest.raises(LookupError):
        find_civil_id(ADULT, lambda p: False, start_serial=9_900)


def test_clean_person_is_clear_at_every_agency():
    clean = find_civil_id(ADULT, lambda p: p.clear)
    s = subject(clean, employer="MPA-77")
    insurance, fines, courts, permit = all_facts(s)
    assert insurance.insured_until >= s.period_end
    assert insurance.annual_fee == HEALTH_INSURANCE_ANNUAL_FEE_KD == Decimal("100.000")
    assert fines.fines == () and courts.records == ()
    assert permit.valid_until >= s.period_end and permit.employer_file_number == "MPA-77"


def test_partial_cover_and_early_permit_end_inside_the_period():
    partial = find_civil_id(ADULT, lambda p: p.insurance == InsuranceStatus.PARTIAL)
    s = subject(partial)
    assert s.period_start <= simulator.insurance_facts(s).insured_until < s.period_end

    early = find_civil_id(ADULT, lambda p: p.work_permit == WorkPermitStatus.ENDS_EARLY)
    s = subject(early)
    assert s.period_start <= simulator.work_permit_facts(s).valid_until < s.period_end


def test_work_permit_with_another_employer_or_none():
    other = find_civil_id(ADULT, lambda p: p.work_permit == WorkPermitStatus.OTHER_EMPLOYER)
    assert simulator.work_permit_facts(subject(other)).employer_file_number != "MPA-1001"
    none = find_civil_id(ADULT, lambda p: p.work_permit == WorkPermitStatus.NONE)
    facts = simulator.work_permit_facts(subject(none))
    assert facts.valid_until is None and facts.employer_file_number is None


def test_minors_have_no_traffic_fines_court_records_or_work_permit():
    for civil_id in people(300, born=CHILD):
        profile = profile_for(civil_id)
        assert profile.minor
        assert not profile.has_traffic_fines and not profile.court_records
        assert profile.work_permit == WorkPermitStatus.NONE


def test_most_people_clear_the_blocking_checks():
    profiles = [profile_for(c) for c in people(2000)]
    share = lambda trait: sum(map(trait, profiles)) / len(profiles)  # noqa: E731
    assert share(lambda p: p.has_deportation_order) < 0.02
    assert 0.03 < share(lambda p: bool(p.court_records)) < 0.15
    assert 0.15 < share(lambda p: p.has_fines) < 0.45
    assert 0.15 < share(lambda p: not p.fully_insured) < 0.35
    assert share(lambda p: p.valid_work_permit) > 0.8


def test_outage_makes_only_that_agency_unavailable(settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "outage": ["health"]}
    s = subject(people(1)[0])
    with pytest.raises(AgencyUnavailable):
        registry.health_agency().insurance(s)
    registry.fines_agency().fines(s)
    registry.courts_agency().records(s)
    registry.manpower_agency().work_permit(s)


def test_failure_rate_one_always_fails(settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "failure_rate": 1.0}
    s = subject(people(1)[0])
    for name in registry.AGENCY_NAMES:
        with pytest.raises(AgencyUnavailable):
            registry.ask(name, s)


def test_random_failures_are_reproducible_with_a_seed(settings):
    s = subject(people(1)[0])

    def outcomes() -> list[bool]:
        settings.AGENCY_SIMULATOR = {**QUIET, "failure_rate": 0.5, "seed": 42}
        result = []
        for _ in range(30):
            try:
                registry.fines_agency().fines(s)
                result.append(True)
            except AgencyUnavailable:
                result.append(False)
        return result

    first = outcomes()
    assert 5 < first.count(False) < 25
    assert outcomes() == first


def test_per_agency_settings_override_the_defaults(settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "per_agency": {"courts": {"failure_rate": 1.0}}}
    s = subject(people(1)[0])
    registry.health_agency().insurance(s)
    with pytest.raises(AgencyUnavailable):
        registry.courts_agency().records(s)


def test_latency_is_slept(settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "latency_ms": [40, 40]}
    started = time.monotonic()
    registry.health_agency().insurance(subject(people(1)[0]))
    assert time.monotonic() - started >= 0.04


def test_misconfiguration_is_reported(settings):
    settings.AGENCY_SIMULATOR = {**QUIET, "outage": ["heath"]}
    with pytest.raises(ImproperlyConfigured):
        registry.health_agency().insurance(subject(people(1)[0]))


def test_registry_defaults_to_the_simulator(settings):
    del settings.AGENCIES
    assert isinstance(registry.health_agency(), simulator.SimulatedHealthAgency)
    assert isinstance(registry.manpower_agency(), simulator.SimulatedManpowerAgency)
    s = subject(people(1)[0])
    assert registry.ask("courts", s) == simulator.court_facts(s)


def test_registry_builds_configured_http_adapters(settings):
    settings.AGENCIES = {"health": {"backend": "http", "url": "http://moh.invalid/api"}}
    adapter = registry.health_agency()
    assert isinstance(adapter, HttpHealthAgency)
    assert adapter.url == "http://moh.invalid/api/insurance"
    assert registry.health_agency() is adapter
    assert isinstance(registry.fines_agency(), simulator.SimulatedFinesAgency)


@pytest.mark.parametrize(
    "entry",
    [{"backend": "http"}, {"backend": "soap"}, {"backend": "http", "url": "x", "retry": 1}],
)
def test_registry_rejects_bad_configuration(settings, entry):
    settings.AGENCIES = {"courts": entry}
    with pytest.raises(ImproperlyConfigured):
        registry.courts_agency()


def test_wire_round_trips_every_kind_of_facts():
    fined = find_civil_id(ADULT, lambda p: p.has_fines and p.court_records and p.uninsured)
    s = subject(fined)
    assert wire.subject_from_json(wire.subject_to_json(s)) == s
    pairs = [
        (simulator.insurance_facts, wire.insurance_to_json, wire.insurance_from_json),
        (simulator.fines_facts, wire.fines_to_json, wire.fines_from_json),
        (simulator.court_facts, wire.courts_to_json, wire.courts_from_json),
        (simulator.work_permit_facts, wire.work_permit_to_json, wire.work_permit_from_json),
    ]
    for facts_of, encode, decode in pairs:
        facts = facts_of(s)
        assert decode(encode(facts)) == facts


@pytest.mark.parametrize(
    "payload",
    [
        {},
        [],
        {"fines": [{"kind": "parking", "reference": "r", "amount": "1.000"}]},
        {
            "fines": [
                {
                    "kind": "traffic",
                    "reference": "r",
                    "amount": 1.5,
                    "description_en": "",
                    "description_ar": "",
                }
            ]
        },
    ],
)
def test_wire_rejects_malformed_payloads(payload):
    with pytest.raises(wire.MalformedPayload):
        wire.fines_from_json(payload)
