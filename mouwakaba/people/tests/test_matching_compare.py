"""Two records compared: the score, the level, and the explanation a screen can show."""

from datetime import date

import pytest

from mouwakaba.people.matching import (
    COMPARISONS,
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_POSSIBLE_THRESHOLD,
    PersonRecord,
    RegistryStats,
    classify,
    compare,
)
from mouwakaba.people.matching.comparisons import compare_birth
from mouwakaba.people.matching.features import Birth

THRESHOLDS = {
    "match_threshold": DEFAULT_MATCH_THRESHOLD,
    "possible_threshold": DEFAULT_POSSIBLE_THRESHOLD,
}


def person(**fields):
    defaults = {"sex": "M", "nationality": "MA"}
    return PersonRecord(**{**defaults, **fields})


def codes(result):
    return {e.code for e in result.evidence}


NADOR = person(
    given_name_ar="محمد",
    family_name_ar="بن علي",
    birth_date=date(1990, 5, 12),
    phone="0661 23 45 67",
)


@pytest.mark.parametrize(
    "oujda",
    [
        person(given_name_lat="Mohamed", family_name_lat="Benali", birth_year=1990),
        person(given_name_lat="M'hamed", family_name_lat="Ben Ali", birth_year=1990),
        person(given_name_lat="MOHAMMED", family_name_lat="BEN-ALI", birth_date=date(1990, 5, 12)),
    ],
)
def test_arabic_and_latin_records_of_one_person_are_recognised(oujda):
    result = compare(NADOR, oujda, **THRESHOLDS)
    assert result.level in ("match", "possible")
    assert result.evidence[0].outcome == "agree"  # the given name, across scripts
    assert result.evidence[1].outcome == "agree"  # the family name


def test_a_shared_phone_makes_the_cross_script_pair_a_match():
    oujda = person(
        given_name_lat="M'hamed", family_name_lat="Ben Ali", birth_year=1990, phone="+212661234567"
    )
    result = compare(NADOR, oujda, **THRESHOLDS)
    assert result.level == "match"
    assert {"given_name:variant", "phone:agree", "birth:year"} <= codes(result)


def test_a_full_date_in_both_scripts_is_a_match_without_a_phone():
    oujda = person(given_name_lat="Mohamed", family_name_lat="Benali", birth_date=date(1990, 5, 12))
    assert compare(NADOR, oujda, **THRESHOLDS).level == "match"


def test_swapped_given_and_family_names_are_recognised():
    a = person(given_name_lat="Youssef", family_name_lat="El Amrani", birth_date=date(1994, 2, 3))
    b = person(given_name_lat="AMRANI", family_name_lat="Youcef", birth_date=date(1994, 2, 3))
    result = compare(a, b, **THRESHOLDS)
    assert result.names_swapped
    # Strong, but short of the 99.5 % precision of "match": shown as at least
    # possible, scored at least 0.9.
    assert result.level in ("match", "possible")
    assert result.score >= 0.9
    assert "name_order:swapped" in codes(result)


def test_a_namesake_with_another_year_and_sex_does_not_match():
    a = person(
        given_name_lat="Nour", family_name_lat="Alaoui", sex="F", birth_date=date(1995, 3, 2)
    )
    b = person(given_name_lat="Nour", family_name_lat="Alaoui", sex="M", birth_year=1988)
    result = compare(a, b, **THRESHOLDS)
    assert result.level is None
    assert {"sex:disagree", "birth:disagree"} <= codes(result)


def test_common_names_born_the_same_year_are_at_most_possible_in_a_large_registry():
    # Two "Mohamed Alaoui", men, Moroccan, born in 1990: in a registry of a million where
    # one man in ten is a Mohamed and one family in fifty an Alaoui, that is no proof.
    a = person(given_name_lat="Mohamed", family_name_lat="Alaoui", birth_year=1990)
    b = person(given_name_ar="محمد", family_name_ar="العلوي", birth_date=date(1990, 7, 1))
    stats = RegistryStats(size=1_000_000, counts={"gn:mhmd": 100_000, "fn:l": 20_000})
    assert compare(a, b, stats=stats, **THRESHOLDS).level != "match"


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("الفجيجي", "Figuigui"),
        ("الفكيكي", "Figuigui"),
        ("الجرسيفي", "Guercifi"),
        ("الكرسيفي", "El Guercifi"),
    ],
)
def test_figuig_and_guercif_spellings_of_a_family_name_meet(arabic, latin):
    a = person(given_name_ar="حسن", family_name_ar=arabic, birth_date=date(1987, 1, 9))
    b = person(given_name_lat="Hassan", family_name_lat=latin, birth_date=date(1987, 1, 9))
    result = compare(a, b, **THRESHOLDS)
    # Strong, but short of the 99.5 % precision of "match": shown as at least
    # possible, scored at least 0.9.
    assert result.level in ("match", "possible")
    assert result.score >= 0.9
    assert result.evidence[1].outcome in ("agree", "partial")


def test_names_with_one_skeleton_but_known_to_differ_disagree():
    # «محمد» and "Mahmoud" both read mhmd; the variant tables know they are two names.
    a = person(given_name_ar="محمد", family_name_ar="التازي", birth_year=1990)
    b = person(given_name_lat="Mahmoud", family_name_lat="Tazi", birth_year=1990)
    assert "given_name:disagree" in codes(compare(a, b, **THRESHOLDS))


def test_a_shared_document_number_is_strong_evidence():
    a = person(
        given_name_lat="Moussa",
        family_name_lat="Traoré",
        nationality="ML",
        document_numbers=("AB 123 456 7",),
    )
    b = person(
        given_name_lat="Mousa",
        family_name_lat="Traore",
        nationality="",
        document_numbers=("ab1234567",),
    )
    result = compare(a, b, **THRESHOLDS)
    # Strong, but short of the 99.5 % precision of "match": shown as at least
    # possible, scored at least 0.9.
    assert result.level in ("match", "possible")
    assert result.score >= 0.9
    assert "documents:agree" in codes(result)


def test_phones_compare_in_one_form():
    a = person(given_name_lat="Awa", family_name_lat="Diop", sex="F", phone="+212 6 61-23-45-67")
    b = person(given_name_lat="Awa", family_name_lat="Diop", sex="F", phone="0661234567")
    assert "phone:agree" in codes(compare(a, b, **THRESHOLDS))


def test_the_explanation_lists_every_comparison_with_missing_ones_weightless():
    a = person(given_name_lat="Salma", family_name_lat="Berrada", sex="F", nationality="")
    b = person(given_name_lat="Salma", family_name_lat="Berrada", sex="F", birth_year=2001)
    result = compare(a, b, **THRESHOLDS)
    assert [e.comparison for e in result.evidence] == list(COMPARISONS)
    missing = [e for e in result.evidence if e.outcome == "missing"]
    assert {e.code for e in missing} == {
        "birth:missing",
        "nationality:missing",
        "phone:missing",
        "documents:missing",
    }
    assert all(e.weight == 0 for e in missing)
    assert 0 <= result.score <= 1


def test_a_record_matches_itself():
    record = person(given_name_lat="Ali", sex="M", nationality="")
    result = compare(record, record, **THRESHOLDS)
    assert result.score == 1
    assert result.level == "match"


def test_thresholds_are_the_callers():
    assert classify(0.95, match_threshold=0.9, possible_threshold=0.3) == "match"
    assert classify(0.5, match_threshold=0.9, possible_threshold=0.3) == "possible"
    assert classify(0.1, match_threshold=0.9, possible_threshold=0.3) is None
    a = person(given_name_lat="Samir", family_name_lat="Tahiri", birth_year=1980)
    b = person(given_name_lat="Samir", family_name_lat="Tahiri", birth_year=1980)
    assert compare(a, b, match_threshold=0.0, possible_threshold=0.0).level == "match"
    assert compare(a, b, match_threshold=1.1, possible_threshold=1.1).level is None


def full(y, m, d, approximate=False):
    return Birth(y, m, d, approximate)


def year(y, approximate=False):
    return Birth(y, None, None, approximate)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (full(1990, 5, 12), full(1990, 5, 12), "date_exact"),
        (full(1990, 4, 3), full(1990, 3, 4), "date_swapped"),
        (full(1990, 5, 12), full(1990, 5, 13), "date_typo"),
        (full(1990, 5, 12), full(1990, 5, 21), "date_typo"),
        (full(1990, 5, 12), full(1991, 5, 12), "date_typo"),
        (full(1990, 5, 12), year(1990), "year"),
        (year(1990), year(1990), "year"),
        (full(1990, 5, 12), full(1990, 9, 1), "year_dates_differ"),
        (year(1990), year(1991), "year_near"),
        (year(1990), year(1994, approximate=True), "approximate"),
        (year(1990), year(1997, approximate=True), "disagree"),
        (year(1990), year(1993), "disagree"),
        (year(1990), None, None),
    ],
)
def test_birth_dates_compare_with_their_precision(a, b, level):
    assert compare_birth(a, b) == level
    assert compare_birth(b, a) == level
