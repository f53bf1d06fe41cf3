"""Administrators keep the directory in the administration: every page opens, search
finds, a save refreshes what depends on it and is audited; nobody else gets in."""

import pytest

from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.directory.admin import ScheduleForm
from mouwakaba.directory.models import (
    NEED_TAXONOMY_ID,
    Location,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    need_term_id,
)

pytestmark = pytest.mark.django_db

MODELS = ["organization", "service", "location", "serviceatlocation", "taxonomy", "taxonomyterm"]


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.administrator)
    return client


def form_data(response):
    """What the browser would send back from an admin change form, unchanged."""
    data = {}

    def put(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form, f"{formset.prefix}-")
        for form in formset.forms:
            put(form, f"{form.prefix}-")
    return data


@pytest.mark.parametrize("model", MODELS)
def test_every_directory_page_of_the_administration_opens(admin_client, model, emergency):
    assert admin_client.get(f"/admin/directory/{model}/").status_code == 200
    assert admin_client.get(f"/admin/directory/{model}/add/").status_code == 200


def test_change_pages_open_with_their_inlines(admin_client, emergency, hospital):
    link = emergency.service_at_locations.first()
    for url in (
        f"/admin/directory/service/{emergency.pk}/change/",
        f"/admin/directory/organization/{hospital.pk}/change/",
        f"/admin/directory/location/{link.location_id}/change/",
        f"/admin/directory/serviceatlocation/{link.pk}/change/",
        f"/admin/directory/taxonomy/{NEED_TAXONOMY_ID}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_service_list_searches_names_in_both_scripts(admin_client, emergency):
    for query in ("Urgences", "المستعجلات", "Al Farabi"):
        response = admin_client.get("/admin/directory/service/", {"q": query})
        assert emergency in response.context["cl"].result_list, query


def test_the_organisation_page_shows_its_focal_points(admin_client, hospital, personas):
    html = admin_client.get(f"/admin/directory/organization/{hospital.pk}/change/").content.decode()
    assert f"({personas.focal_point.username})" in html
    assert str(hospital.pk) in html  # the id a membership needs
    assert f"({personas.agent_a.username})" not in html


def test_saving_a_service_refreshes_its_search_and_is_audited(admin_client, emergency):
    url = f"/admin/directory/service/{emergency.pk}/change/"
    data = form_data(admin_client.get(url))
    data["name_fr"] = "Urgences Zeta"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Service.objects.search("zeta").filter(pk=emergency.pk).exists()
    event = AuditEvent.objects.filter(object_id=str(emergency.pk)).latest("at")
    assert event.action == AuditAction.UPDATE
    assert event.details["fields"] == ["name_fr"]
    assert set(
        Service.objects.get(pk=emergency.pk).taxonomy_terms.values_list("code", flat=True)
    ) == {"health"}


def test_moving_a_location_moves_its_services_in_search_and_in_time(admin_client, emergency):
    location = emergency.service_at_locations.first().location
    url = f"/admin/directory/location/{location.pk}/change/"
    data = form_data(admin_client.get(url))
    from mouwakaba.territories.models import Territory

    data["commune"] = str(Territory.objects.get(code="BER-SAIDIA").pk)
    before = emergency.updated_at
    assert admin_client.post(url, data).status_code == 302
    emergency.refresh_from_db()
    assert emergency.updated_at > before
    assert Service.objects.search("saidia").filter(pk=emergency.pk).exists()


def test_a_physical_location_needs_its_commune(admin_client):
    location = Location.objects.filter(location_type="physical").first()
    url = f"/admin/directory/location/{location.pk}/change/"
    data = form_data(admin_client.get(url))
    data["commune"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "commune" in response.context["adminform"].form.errors


def test_opening_days_are_ticked_and_stored_in_order():
    form = ScheduleForm(data={"byday": ["FR", "MO"], "opens_at": "08:00", "closes_at": "12:00"})
    form.instance.service_at_location = ServiceAtLocation.objects.first()
    assert form.is_valid(), form.errors
    assert form.save().byday == "MO,FR"
    late = ScheduleForm(data={"byday": ["MO"], "opens_at": "12:00", "closes_at": "08:00"})
    assert not late.is_valid()


def test_a_need_domain_cannot_be_deleted_or_recoded(admin_client):
    term = TaxonomyTerm.objects.get(pk=need_term_id("health"))
    assert admin_client.get(f"/admin/directory/taxonomyterm/{term.pk}/delete/").status_code == 403
    html = admin_client.get(f"/admin/directory/taxonomyterm/{term.pk}/change/").content.decode()
    assert 'name="code"' not in html


def test_deleting_a_service_is_audited(admin_client):
    from .factories import make_service

    service = make_service()
    response = admin_client.post(f"/admin/directory/service/{service.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(service.pk)).exists()


@pytest.mark.parametrize("persona", ["agent_a", "focal_point", "auditor", "no_role"])
def test_only_staff_get_into_the_directory_administration(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get("/admin/directory/service/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/directory/organization/")
    assert response.status_code == 302
