"""The engine alone, without a database: three-valued criteria, Kleene logic, reasons."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from mouwakaba.eligibility import engine
from mouwakaba.eligibility.engine import FALSE, TRUE, UNKNOWN, Facts, evaluate, three_valued

ON = date(2026, 1, 15)


def value(rule, facts, on=ON, params=None):
    return three_valued(rule, facts, on, params or {})


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Facts(birth_date=date(2010, 1, 15)), TRUE),  # 16 today, in 6..16
        (Facts(birth_date=date(2009, 1, 16)), TRUE),  # 16 until tomorrow
        (Facts(birth_date=date(2009, 1, 15)), FALSE),  # 17 today
        (Facts(birth_date=date(2020, 1, 16)), FALSE),  # 5, 6 tomorrow
        (Facts(birth_year=2015), TRUE),  # 10 or 11
        (Facts(birth_year=2020), UNKNOWN),  # 5 or 6
        (Facts(birth_year=2009), UNKNOWN),  # 16 or 17
        (Facts(birth_year=2015, birth_date_approximate=True), TRUE),  # 9 to 12
        (Facts(birth_year=2010, birth_date_approximate=True), UNKNOWN),  # 14 to 17
        (Facts(), UNKNOWN),
    ],
)
def test_age_is_three_valued_with_only_a_year(facts, expected):
    assert value({"type": "age_between", "min": 6, "max": 16}, facts) == expected


def test_leap_day_birthdays():
    rule = {"type": "age_between", "min": 18}
    born = Facts(birth_date=date(2008, 2, 29))
    assert value(rule, born, date(2026, 2, 28)) == FALSE
    assert value(rule, born, date(2026, 3, 1)) == TRUE


@pytest.mark.parametrize(
    ("status", "until", "expected"),
    [
        ("regular", date(2026, 1, 15), TRUE),
        ("regular", date(2026, 1, 14), FALSE),
        ("regular", None, UNKNOWN),
        ("irregular", None, FALSE),
        (None, None, UNKNOWN),
        ("unknown", date(2030, 1, 1), UNKNOWN),
    ],
)
def test_legal_status_must_be_valid_on_the_date(status, until, expected):
    rule = {"type": "legal_status_in", "values": ["regular", "refugee"]}
    facts = Facts(legal_status=status, legal_status_until=until)
    assert value(rule, facts) == expected


def test_a_status_without_expiry_needs_no_date():
    rule = {"type": "legal_status_in", "values": ["irregular"]}
    assert value(rule, Facts(legal_status="irregular")) == TRUE


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        ((("residence_card", date(2026, 1, 15)),), TRUE),
        ((("residence_card", date(2025, 1, 1)),), FALSE),
        ((("residence_card", None),), UNKNOWN),
        ((("residence_card", date(2025, 1, 1)), ("residence_card", None)), UNKNOWN),
        ((("passport", date(2030, 1, 1)),), FALSE),
        ((), FALSE),
    ],
)
def test_documents_valid_on_the_date(documents, expected):
    rule = {"type": "holds_document", "doc_type": "residence_card"}
    assert value(rule, Facts(documents=documents)) == expected


def test_months_of_residence_and_named_parameters():
    rule = {"type": "residence_months_min", "months": {"param": "months"}}
    facts = Facts(in_morocco_since=date(2025, 7, 15))
    assert value(rule, facts, params={"months": 6}) == TRUE
    assert value(rule, facts, params={"months": 7}) == FALSE
    assert value(rule, Facts(), params={"months": 6}) == UNKNOWN
    with pytest.raises(engine.RuleError):
        value(rule, facts, params={})


def test_territory_matches_any_level_of_the_commune_path():
    path = "MA-02/MA-OUJ/OUJ-OUJDA/"
    assert value({"type": "lives_in", "territories": ["MA-OUJ"]}, Facts(commune_path=path)) == TRUE
    assert value({"type": "lives_in", "territories": ["MA-NAD"]}, Facts(commune_path=path)) == FALSE
    assert value({"type": "lives_in", "territories": ["MA-02"]}, Facts()) == UNKNOWN


def test_vulnerability_unknown_when_not_asked():
    rule = {"type": "vulnerability", "flag": "pregnancy", "present": False}
    assert value(rule, Facts()) == UNKNOWN
    assert value(rule, Facts(vulnerabilities={"pregnancy": False})) == TRUE
    assert value(rule, Facts(vulnerabilities={"pregnancy": True})) == FALSE


def test_kleene_logic():
    true = {"type": "sex_in", "values": ["F"]}
    false = {"type": "sex_in", "values": ["M"]}
    unknown = {"type": "population_in", "values": ["mre"]}
    facts = Facts(sex="F")
    assert value({"all": [true, unknown]}, facts) == UNKNOWN
    assert value({"all": [false, unknown]}, facts) == FALSE
    assert value({"any": [true, unknown]}, facts) == TRUE
    assert value({"any": [false, unknown]}, facts) == UNKNOWN
    assert value({"not": unknown}, facts) == UNKNOWN
    assert value({"not": false}, facts) == TRUE


def test_reasons_say_what_failed_and_what_to_obtain():
    rule = {
        "all": [
            {"type": "population_in", "values": ["foreign"]},
            {"type": "holds_document", "doc_type": "residence_card"},
        ]
    }
    result = evaluate(rule, Facts(population="foreign", documents=(("residence_card", None),)), ON)
    assert result.status == "to_verify"
    assert result.failing == ["holds_document"]
    assert [r.result for r in result.reasons] == [TRUE, UNKNOWN]
    assert result.missing == ["Record the expiry date of the residence card."]
    expired = evaluate(
        rule, Facts(population="foreign", documents=(("residence_card", date(2020, 1, 1)),)), ON
    )
    assert expired.status == "not_eligible"
    assert expired.missing == ["Bring a valid residence card."]


def test_criteria_that_do_not_matter_are_not_blamed():
    rule = {
        "any": [{"type": "sex_in", "values": ["F"]}, {"type": "population_in", "values": ["mre"]}]
    }
    result = evaluate(rule, Facts(sex="F"), ON)
    assert result.status == "eligible"
    assert result.failing == []
    assert result.missing == []


def test_messages_render_in_each_language():
    rule = {"type": "sex_in", "values": ["F"]}
    [reason] = evaluate(rule, Facts(sex="M"), ON).reasons
    with translation.override("fr"):
        french = str(reason.text)
    with translation.override("ar"):
        arabic = str(reason.text)
    assert french != arabic


def test_empty_rule_is_eligible_without_reasons():
    result = evaluate({}, Facts(), ON)
    assert (result.status, result.reasons, result.missing) == ("eligible", [], [])


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "nope"},
        {"all": []},
        {"type": "population_in", "values": []},
        {"type": "population_in", "values": ["martian"]},
        {"type": "age_between"},
        {"type": "age_between", "min": 10, "max": 5},
        {"type": "holds_document", "doc_type": "spaceship"},
        {"type": "residence_months_min", "months": -1},
        {"type": "vulnerability", "flag": "tired"},
        {"type": "age_between", "min": {"param": "unknown"}},
        [1, 2],
    ],
)
def test_invalid_rules_are_refused(rule):
    with pytest.raises(engine.RuleError):
        engine.validate(rule, {"known"})


def test_facts_round_trip_through_json():
    facts = Facts(
        population="foreign",
        legal_status="refugee",
        legal_status_until=date(2027, 1, 1),
        birth_year=1990,
        documents=(("refugee_card", date(2027, 1, 1)), ("passport", None)),
        vulnerabilities={"pregnancy": True},
    )
    assert Facts.from_json(facts.as_json()) == facts
