"""A visitor finds a service by a name typed their way: either script, no accents, with
or without the article, a letter wrong."""

import pytest

from mouwakaba.directory import search
from mouwakaba.directory.models import Service

FARABI = search.key_for(
    [
        "المركز الاستشفائي الجهوي الفارابي بوجدة",
        "Centre hospitalier régional Al Farabi, Oujda",
        "Al Farabi Regional Hospital Centre, Oujda",
        "وجدة",
        "Oujda",
    ]
)


@pytest.mark.parametrize(
    "query",
    [
        "الفارابي",
        "الفرابي",  # an alef missing
        "الفارابى",  # alif maqsura for yeh
        "فارابي",  # without the article
        "المركز الإستشفائي",  # hamza on the alef
        "Al Farabi",
        "farabi",  # without the article
        "Farrabi",  # a letter doubled
        "el-farabi",
        "hôpital",  # French with its accent, English "hospital" in the key
        "hopital oujda",
        "CENTRE HOSPITALIER",
        "centre hospitaler",  # a letter missing
        "ouj",  # a word being typed
    ],
)
def test_a_spelling_of_the_hospital_finds_it(query):
    assert search.score(search.query_words(query), FARABI) is not None


@pytest.mark.parametrize("query", ["nador", "الناظور", "maternity", "x", "الفارابي nador"])
def test_other_words_do_not_find_it(query):
    assert search.score(search.query_words(query), FARABI) is None


def test_a_short_key_word_does_not_match_a_long_query_word():
    # "l" or "a" left by an article must not match every query word.
    key = search.key_for(["l a de la"])
    assert search.score(["hopital"], key) is None


def test_words_that_carry_nothing_are_left_out_of_a_query():
    assert search.query_words("Centre de la santé") == ["centre", "sante"]
    assert search.query_words("de la") == []


def test_ranking_puts_the_closest_first_and_keeps_ties_in_order():
    candidates = [("a", search.key_for(["Farrabi clinic"])), ("b", FARABI), ("c", "nothing")]
    assert search.rank(candidates, "al farabi") == ["b", "a"]
    assert search.rank(candidates, "") == []


def test_a_query_naming_a_need_is_recognised_in_any_script():
    labels = {"health": "salud", "housing": "vivienda", "legal_aid": "asistencia jurídica"}
    assert search.labels_matching("Salud", labels) == ["health"]
    assert search.labels_matching("asistencia juridica", labels) == ["legal_aid"]
    assert search.labels_matching("hospital", labels) == []


@pytest.mark.django_db
def test_search_finds_a_service_by_its_arabic_name_spelled_differently():
    found = Service.objects.search("الحاله المدنيه وجده")  # ta marbuta written as heh
    names = set(found.values_list("name_fr", flat=True))
    assert "État civil : déclarations et copies — commune d'Oujda" in names


@pytest.mark.django_db
def test_search_finds_a_service_by_its_organisation_or_its_commune():
    assert (
        Service.objects.search("anapec berkane")
        .filter(organization__alternate_name="ANAPEC")
        .exists()
    )
    # Guercif is written جرسيف in the data and كرسيف by many.
    guercif = Service.objects.search("كرسيف")
    assert guercif.filter(
        name_fr="État civil : déclarations et copies — commune de Guercif"
    ).exists()
    assert guercif.filter(organization__alternate_name="ANAPEC").exists()


@pytest.mark.django_db
def test_the_search_key_follows_a_renamed_organisation():
    service = Service.objects.filter(organization__alternate_name="OFPPT").first()
    organization = service.organization
    organization.name_fr = "Office Zeta de formation"
    organization.save()
    assert not Service.objects.search("zeta").exists()
    organization.services.all().mark_changed()
    assert Service.objects.search("zeta").filter(pk=service.pk).exists()
