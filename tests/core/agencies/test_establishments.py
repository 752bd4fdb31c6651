"""The Manpower Authority's establishment files: the simulator's answers are a pure function of
the file number and the civil ID, the wire format carries them both ways, and the HTTP client
against the simulator's server answers exactly what the simulator does in-process."""

from __future__ import annotations

import datetime as dt

import pytest

from core.agencies import registry, simulator, wire
from core.agencies.base import (
    AgencyUnavailable,
    EstablishmentFacts,
    EstablishmentQuery,
    EstablishmentStatus,
)
from core.agencies.establishments import SHARES, find_file_number, signs_for_active
from core.agencies.wire import MalformedPayload
from core.civil_id import make_civil_id
from tests.core.agencies.test_http import FAST, URLCONF

SIGNER = make_civil_id(dt.date(1980, 4, 2), 77)


def test_the_same_file_and_person_always_get_the_same_answer():
    query = EstablishmentQuery("MPA-4242", SIGNER)
    assert simulator.establishment_facts(query) == simulator.establishment_facts(query)
    other = simulator.establishment_facts(EstablishmentQuery("mpa-4242 ", SIGNER))
    # The file number as the Authority writes it.
    assert other == simulator.establishment_facts(query)


def test_the_shares_of_unknown_inactive_and_signatory_files():
    facts = [
        simulator.establishment_facts(EstablishmentQuery(f"MPA-{n}", SIGNER)) for n in range(2000)
    ]
    known = [f for f in facts if f.found]
    assert abs(1 - len(known) / len(facts) - SHARES["unknown"]) < 0.03
    inactive = [f for f in known if f.status != EstablishmentStatus.ACTIVE]
    assert abs(len(inactive) / len(known) - SHARES["suspended"] - SHARES["cancelled"]) < 0.03
    assert abs(sum(f.signatory for f in known) / len(known) - SHARES["signatory"]) < 0.04
    assert all(f.commercial_registration.isdigit() and f.name_en and f.name_ar for f in known)


def test_files_are_found_by_trait():
    file_number, facts = find_file_number(SIGNER, signs_for_active)
    assert facts.found and facts.signatory and facts.status == EstablishmentStatus.ACTIVE
    again = simulator.establishment_facts(EstablishmentQuery(file_number, SIGNER))
    assert again == facts


@pytest.mark.parametrize(
    "facts",
    [
        EstablishmentFacts(found=False, file_number="MPA-1", reference="PAM-E-1"),
        EstablishmentFacts(
            found=True,
            file_number="MPA-2",
            commercial_registration="123456",
            name_en="Al Noor Catering Co.",
            name_ar="شركة النور للتموين",
            status=EstablishmentStatus.SUSPENDED,
            signatory=True,
            reference="PAM-E-2",
        ),
    ],
)
def test_the_wire_format_round_trips(facts):
    assert wire.establishment_from_json(wire.establishment_to_json(facts)) == facts
    query = EstablishmentQuery("MPA-3", SIGNER)
    assert wire.establishment_query_from_json(wire.establishment_query_to_json(query)) == query


@pytest.mark.parametrize(
    "body",
    [
        {"found": "yes"},
        {"found": True, "file_number": "MPA-1"},
        {
            "found": True,
            "file_number": "1",
            "commercial_registration": "1",
            "name_en": "a",
            "name_ar": "ب",
            "status": "closed",
            "signatory": True,
        },
        {
            "found": True,
            "file_number": "1",
            "commercial_registration": "1",
            "name_en": "a",
            "name_ar": "ب",
            "status": "active",
            "signatory": "true",
        },
    ],
)
def test_an_answer_off_the_protocol_is_malformed(body):
    with pytest.raises(MalformedPayload):
        wire.establishment_from_json(body)


@pytest.fixture
def over_http(live_server, settings):
    settings.ROOT_URLCONF = URLCONF
    settings.AGENCIES = {
        "manpower": {
            "backend": "http",
            "url": f"{live_server.url}/sim/agencies/manpower",
            **FAST,
        }
    }
    return live_server


def test_the_http_client_answers_what_the_simulator_does(over_http):
    for wanted in (
        signs_for_active,
        lambda f: not f.found,
        lambda f: f.found and f.status == EstablishmentStatus.CANCELLED,
        lambda f: f.found and not f.signatory,
    ):
        file_number, expected = find_file_number(SIGNER, wanted)
        assert registry.establishment(EstablishmentQuery(file_number, SIGNER)) == expected


def test_the_simulators_server_refuses_a_bad_question_and_acts_out_an_outage(over_http, settings):
    with pytest.raises(AgencyUnavailable):  # 400: the civil ID is not one
        registry.establishment(EstablishmentQuery("MPA-1", "123"))
    settings.AGENCY_SIMULATOR = {**settings.AGENCY_SIMULATOR, "outage": ["manpower"]}
    with pytest.raises(AgencyUnavailable):
        registry.establishment(EstablishmentQuery("MPA-1", SIGNER))
