"""Blocking: a record finds its duplicates among a few candidates, never the registry."""

from datetime import date

from mouwakaba.people.matching import (
    PersonRecord,
    blocking_keys,
    candidate_pairs,
    keys_within_budget,
    lookup_keys,
)


def meet(a, b):
    """Whether a look-up for either record finds the other."""
    return bool(set(lookup_keys(a)) & set(blocking_keys(b))) or bool(
        set(lookup_keys(b)) & set(blocking_keys(a))
    )


NADOR = PersonRecord(given_name_ar="محمد", family_name_ar="بن علي", sex="M", birth_year=1990)


def test_the_same_person_in_arabic_and_latin_shares_a_key():
    for latin in ["Mohamed Benali", "M'hamed Ben Ali", "Mohammed Ben-Ali"]:
        given, family = latin.split(" ", 1)
        oujda = PersonRecord(given_name_lat=given, family_name_lat=family, sex="M", birth_year=1991)
        assert meet(NADOR, oujda), latin


def test_swapped_names_share_a_key():
    a = PersonRecord(given_name_lat="Mamadou", family_name_lat="Camara", birth_year=2001)
    b = PersonRecord(given_name_lat="CAMARA", family_name_lat="Mamadou", birth_year=2001)
    assert meet(a, b)


def test_a_typo_in_one_name_still_shares_a_key():
    a = PersonRecord(given_name_lat="Soukaina", family_name_lat="Bennani", birth_year=1999)
    b = PersonRecord(given_name_lat="Soukaina", family_name_lat="Bernani", birth_year=1999)
    c = PersonRecord(given_name_lat="Soulaina", family_name_lat="Bennani", birth_year=1999)
    assert meet(a, b)
    assert meet(a, c)


def test_a_typo_and_another_year_together_do_not_meet():
    # One-letter-off names are many ("Mehdi" is "Mohamed" with a letter left out): a
    # typo is looked for in the same year only.
    a = PersonRecord(given_name_lat="Soukaina", family_name_lat="Bennani", birth_year=1999)
    c = PersonRecord(given_name_lat="Soulaina", family_name_lat="Bennani", birth_year=2000)
    assert not meet(a, c)


def test_a_record_of_unknown_age_meets_records_of_any_year():
    a = PersonRecord(given_name_lat="Ousmane", family_name_lat="Diallo", birth_year=1984)
    b = PersonRecord(given_name_ar="عثمان", family_name_ar="ديالو")
    c = PersonRecord(given_name_lat="Ousmane", family_name_lat="Diallo", birth_year=2010)
    assert meet(a, b)
    assert meet(c, b)


def test_an_approximate_year_meets_the_years_within_its_tolerance_only():
    # An estimated age is a year all the same: "about 30" meets a birth date five years
    # off, which the comparison still tolerates, not one of any age.
    a = PersonRecord(given_name_lat="Ousmane", family_name_lat="Diallo", birth_year=1984)
    near = PersonRecord(
        given_name_lat="Ousmane",
        family_name_lat="Diallo",
        birth_year=1989,
        birth_date_approximate=True,
    )
    far = PersonRecord(
        given_name_lat="Ousmane",
        family_name_lat="Diallo",
        birth_year=1992,
        birth_date_approximate=True,
    )
    assert meet(a, near)
    assert not meet(a, far)


def test_people_with_the_same_names_born_years_apart_do_not_meet():
    # Unless one of them is of unknown age, "Mohamed Alaoui 1990" is not compared with
    # every Mohamed Alaoui of the registry.
    a = PersonRecord(given_name_lat="Mohamed", family_name_lat="Alaoui", birth_year=1990)
    b = PersonRecord(given_name_lat="Mohamed", family_name_lat="Alaoui", birth_year=1996)
    assert not meet(a, b)


def test_a_phone_or_a_document_is_a_key_of_its_own():
    a = PersonRecord(
        given_name_lat="Awa", phone="+212 6 61 23 45 67", document_numbers=("x 123-456",)
    )
    assert "p:0661234567" in blocking_keys(a)
    assert "d:X123456" in blocking_keys(a)
    b = PersonRecord(given_name_lat="Hawa", family_name_lat="Sow", phone="0661234567")
    assert meet(a, b)


def test_keys_are_taken_from_the_most_selective_within_the_budget():
    counts = {"n:mhmd|l:1990": 40, "f:l:mhd:1990": 120, "a:l|mhmd": 900, "p:0661234567": 3}
    chosen = keys_within_budget(counts, budget=200, max_block_size=150)
    assert chosen == ["p:0661234567", "n:mhmd|l:1990", "f:l:mhd:1990"]
    assert keys_within_budget(counts, budget=50, max_block_size=150) == [
        "p:0661234567",
        "n:mhmd|l:1990",
    ]


def test_candidate_pairs_are_each_pair_once():
    records = [
        PersonRecord(given_name_ar="يوسف", family_name_ar="العمراني", birth_year=1994),
        PersonRecord(given_name_lat="Aminata", family_name_lat="Traoré", birth_year=2003),
        PersonRecord(given_name_lat="Youcef", family_name_lat="El Amrani", birth_year=1995),
        PersonRecord(given_name_lat="Aminata", family_name_lat="Traore", phone="0600000001"),
        PersonRecord(
            given_name_lat="Youssef", family_name_lat="Lamrani", birth_date=date(1994, 1, 1)
        ),
    ]
    pairs = list(candidate_pairs(records))
    assert len(pairs) == len(set(pairs))
    assert all(i < j for i, j in pairs)
    assert {(0, 2), (0, 4), (2, 4), (1, 3)} <= set(pairs)
    assert (0, 1) not in pairs


def test_a_record_without_family_name_meets_the_full_record_either_way_round():
    full = PersonRecord(given_name_lat="Awa", family_name_lat="Diop", sex="F", birth_year=2001)
    alone = PersonRecord(given_name_ar="آوا", sex="F", birth_year=2001)
    assert (0, 1) in set(candidate_pairs([full, alone]))
    assert (0, 1) in set(candidate_pairs([alone, full]))


def test_oversized_blocks_and_candidates_beyond_the_budget_are_skipped():
    crowd = [PersonRecord(given_name_lat="Mohamed", family_name_lat="Alaoui", birth_year=1990)] * 5
    assert len(list(candidate_pairs(crowd))) == 10
    assert list(candidate_pairs(crowd, max_block_size=4)) == []
    assert list(candidate_pairs(crowd, budget=4)) == []
