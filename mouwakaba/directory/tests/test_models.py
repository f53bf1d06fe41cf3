"""What the directory's records know about themselves: their texts in the reader's
language, their focal points, their hours in words, the places they serve."""

from datetime import date, time

import pytest
from django.db import IntegrityError
from django.utils import translation

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import HEALTH_ORG, OTHER_ORG, make_user
from mouwakaba.directory.models import (
    NEED_TAXONOMY_ID,
    Language,
    Schedule,
    Service,
    TaxonomyTerm,
)
from mouwakaba.territories.models import Territory

from .factories import make_organization, make_service

pytestmark = pytest.mark.django_db


def test_the_focal_points_of_an_organisation_are_its_current_focal_point_members(
    hospital, personas
):
    ended = make_user(
        role=Role.FOCAL_POINT,
        organization=HEALTH_ORG,
        starts_on=date(2020, 1, 1),
        ends_on=date(2021, 1, 1),
    )
    elsewhere = make_user(role=Role.FOCAL_POINT, organization=OTHER_ORG)
    focal_points = list(hospital.focal_points())
    assert focal_points == [personas.focal_point]
    assert ended not in focal_points and elsewhere not in focal_points
    assert personas.agent_a not in focal_points


def test_an_inactive_focal_point_is_not_listed(hospital, personas):
    personas.focal_point.is_active = False
    personas.focal_point.save()
    assert not hospital.focal_points().exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "المستعجلات"),
        ("fr", "Urgences"),
        ("en", "Emergency department"),
        ("es", "Urgences"),  # Spanish readers get the French text
    ],
)
def test_texts_follow_the_active_language(emergency, language, expected):
    with translation.override(language):
        assert emergency.name == expected
        assert emergency.description  # every language falls back to one that exists


def test_a_missing_english_text_falls_back_to_french(emergency):
    emergency.description_en = ""
    with translation.override("en"):
        assert emergency.description == emergency.description_fr


def test_need_domain_terms_are_exactly_the_need_domains():
    from mouwakaba.core.domains import NeedDomain

    codes = set(TaxonomyTerm.objects.need_domains().values_list("code", flat=True))
    assert codes == set(NeedDomain.values)
    with translation.override("ar"):
        term = TaxonomyTerm.objects.get(taxonomy_id=NEED_TAXONOMY_ID, code="health")
        assert term.label == "الصحة"


@pytest.mark.parametrize(
    ("days", "opens", "closes", "expected"),
    [
        ("MO,TU,WE,TH,FR", time(8, 30), time(16, 30), "Monday to Friday, 08:30–16:30"),
        ("MO,TU,WE,TH,FR,SA,SU", time(0), time(23, 59), "every day, 24 hours a day"),
        ("MO,WE", None, None, "Monday, Wednesday"),
        ("SA,MO,TU,WE", time(9), time(12), "Monday to Wednesday, Saturday, 09:00–12:00"),
    ],
)
def test_opening_hours_read_as_a_sentence(days, opens, closes, expected):
    schedule = Schedule(byday=days, opens_at=opens, closes_at=closes)
    with translation.override("en"):
        assert schedule.summary() == expected


def test_a_language_outside_the_list_shows_its_name():
    assert Language(code="ary").label == "Moroccan Arabic (Darija)"
    assert Language(code="ha", name="Hausa").label == "Hausa"


def test_an_age_range_cannot_be_upside_down():
    with pytest.raises(IntegrityError):
        make_service(minimum_age=18, maximum_age=6)


def test_a_service_serves_its_communes_their_province_and_nothing_else():
    service = make_service(commune="NAD-ZAIO", needs=("housing",))
    serving = Service.objects.filter(pk=service.pk).serving
    assert serving(Territory.objects.get(code="NAD-ZAIO")).exists()
    assert serving(Territory.objects.get(code="MA-NAD")).exists()
    assert serving(Territory.objects.get(code="MA-02")).exists()
    assert not serving(Territory.objects.get(code="MA-OUJ")).exists()
    assert not serving(Territory.objects.get(code="NAD-NADOR")).exists()


def test_a_service_for_the_whole_region_serves_every_province_and_commune():
    rsu = Service.objects.get(alternate_name="RSU")  # online only, for the region
    assert not rsu.service_at_locations.filter(location__commune__isnull=False).exists()
    for code in ("MA-FIG", "MA-DRI", "FIG-TENDRARA"):
        assert Service.objects.serving(Territory.objects.get(code=code)).filter(pk=rsu.pk).exists()


def test_services_are_found_by_need():
    service = make_service(needs=("psychosocial", "housing"))
    assert Service.objects.for_domain("housing").filter(pk=service.pk).exists()
    assert not Service.objects.for_domain("health").filter(pk=service.pk).exists()


def test_a_service_lists_each_commune_it_is_at_once():
    service = make_service(places=3, organization=make_organization())
    assert [c.code for c in service.communes()] == ["OUJ-OUJDA"]
