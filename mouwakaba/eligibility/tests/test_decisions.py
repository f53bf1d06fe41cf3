"""decide() and decide_all(): the contract the referrals app relies on."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mouwakaba.directory.models import Service, ServiceStatus
from mouwakaba.eligibility.decisions import Decision, decide, decide_all
from mouwakaba.eligibility.models import RuleVersion
from mouwakaba.people.actions import DocumentData
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

RESIDENCE = "585722e0-2f5c-513d-8e37-82d0d2b06c5a"
EMERGENCY_NAME = "Emergency department"


def _regular(agent, **values):
    defaults = {
        "population": "foreign",
        "nationality": "SN",
        "legal_status": "regular",
        "legal_status_until": date(2026, 6, 30),
    }
    return make_person(agent, **{**defaults, **values})


def test_decision_carries_status_reasons_version_and_facts(personas):
    person = _regular(personas.agent_a)
    service = Service.objects.get(pk=RESIDENCE)
    decision = decide(person, service, date(2026, 1, 15))
    assert isinstance(decision, Decision)
    assert decision.status == "eligible"
    assert (
        decision.rule_version_id == RuleVersion.objects.get(reference_key="residence-card-2024").pk
    )
    assert {r.criterion for r in decision.reasons} == {
        "population_in",
        "legal_status_in",
        "age_between",
    }
    assert all(r.result == "true" for r in decision.reasons)
    assert decision.facts["legal_status"] == "regular"
    assert decision.missing == []


def test_as_of_a_later_date_the_expired_title_fails(personas):
    person = _regular(personas.agent_a)
    decision = decide(person, Service.objects.get(pk=RESIDENCE), date(2026, 7, 1))
    assert decision.status == "not_eligible"
    assert decision.missing == ["Renew the residence title or receipt."]


def test_record_is_json_with_messages_in_three_languages(personas):
    person = _regular(personas.agent_a, legal_status_until=None)
    decision = decide(person, Service.objects.get(pk=RESIDENCE), date(2026, 1, 15))
    assert decision.status == "to_verify"
    record = json.loads(json.dumps(decision.as_record()))
    assert record["status"] == "to_verify"
    assert record["rule_version_id"] == decision.rule_version_id
    reason = next(r for r in record["reasons"] if r["criterion"] == "legal_status_in")
    assert set(reason["message"]) == {"ar", "fr", "en"}
    assert reason["message"]["ar"] != reason["message"]["en"]
    assert set(record["missing"]) == {"ar", "fr", "en"}
    assert record["missing"]["en"]


def test_service_without_rules_is_eligible_without_reasons(personas):
    person = make_person(personas.agent_a)
    service = Service.objects.filter(name_en=EMERGENCY_NAME).first()
    decision = decide(person, service)
    assert (decision.status, decision.reasons, decision.rule_version_id) == ("eligible", [], None)


def test_decide_all_covers_active_services_in_constant_queries(personas):
    person = _regular(
        personas.agent_a,
        documents=[DocumentData(doc_type="residence_card", expires_on=date(2027, 1, 1))],
    )
    with CaptureQueriesContext(connection) as queries:
        decisions = decide_all(person, date(2026, 1, 15))
    assert set(decisions) == set(
        Service.objects.filter(status=ServiceStatus.ACTIVE).values_list("pk", flat=True)
    )
    assert len(queries) <= 6
    assert decisions[Service.objects.get(pk=RESIDENCE).pk].status == "eligible"


def test_decide_all_on_given_services(personas):
    person = make_person(personas.agent_a)
    service = Service.objects.get(pk=RESIDENCE)
    decisions = decide_all(person, services=[service])
    assert list(decisions) == [service.pk]
    assert decisions[service.pk].status == "not_eligible"


def test_a_new_parameter_value_is_seen_at_once(personas):
    from mouwakaba.eligibility import actions
    from mouwakaba.eligibility.models import Parameter

    school = Service.objects.get(pk="b942a3c3-ebef-58ac-95eb-3021fc1d1bd6")
    person = make_person(personas.agent_a, birth_date=date(2014, 5, 1))
    on = date(2030, 10, 1)  # 16 years old
    assert decide(person, school, on).status == "not_eligible"
    actions.set_parameter_value(
        parameter=Parameter.objects.get(code="school_age_max"),
        valid_from=date(2030, 9, 1),
        value=16,
        by=personas.administrator,
    )
    assert decide(person, school, on).status == "eligible"
    assert decide(person, school, date(2030, 8, 1)).status == "not_eligible"


def test_a_retired_version_no_longer_applies(personas):
    from mouwakaba.eligibility import actions

    person = make_person(personas.agent_a)  # a returnee: not for the residence card
    service = Service.objects.get(pk=RESIDENCE)
    assert decide(person, service).status == "not_eligible"
    version = RuleVersion.objects.get(reference_key="residence-card-2024")
    actions.retire(
        rule_version=version, expected_version=version.version, by=personas.administrator
    )
    decision = decide(person, service)
    assert (decision.status, decision.rule_version_id) == ("eligible", None)


def test_a_decision_keeps_only_the_facts_its_rule_read(personas):
    person = _regular(
        personas.agent_a,
        pregnancy=True,
        documents=[
            DocumentData(doc_type="residence_card", expires_on=date(2027, 1, 1)),
            DocumentData(doc_type="passport", expires_on=date(2030, 1, 1)),
        ],
    )
    residence = decide(person, Service.objects.get(pk=RESIDENCE), date(2026, 1, 15))
    assert set(residence.facts) == {
        "population",
        "legal_status",
        "legal_status_until",
        "birth_date",
        "birth_year",
        "birth_date_approximate",
    }
    anapec = decide(
        person, Service.objects.get(pk="086b802b-8c36-5daf-9dd0-020261b0205c"), date(2026, 1, 15)
    )
    assert anapec.facts["documents"] == [["residence_card", "2027-01-01"]]
    assert "vulnerabilities" not in anapec.facts
    violence = decide(
        person, Service.objects.get(pk="fc51babb-0209-5b37-bf5a-fe0ed435b237"), date(2026, 1, 15)
    )
    assert violence.facts["vulnerabilities"] == {"survivor_of_violence": False}
