"""Administrators write rule versions in the application: a draft with conditions and
examples, examples run, publication refused while one fails, retirement; every write is
audited and nobody else may write."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mouwakaba.core.models import AuditEvent
from mouwakaba.directory.models import Service
from mouwakaba.eligibility.models import RuleState, RuleVersion

pytestmark = pytest.mark.django_db

SECOND_CHANCE = "8f5a8e53-16b8-5d4b-a786-d2e8114972f7"
VOCATIONAL = "4c3cc945-4412-55f0-bf92-88310fde0496"  # self-employment: no rule in the file
RULE = {
    "all": [{"type": "population_in", "values": ["foreign"]}, {"type": "age_between", "min": 18}]
}


def _example(prefix, **values):
    data = {
        f"{prefix}-label": "Adult migrant",
        f"{prefix}-as_of": "2026-01-15",
        f"{prefix}-population": "foreign",
        f"{prefix}-birth_date": "1990-01-01",
        f"{prefix}-expected_status": "eligible",
    }
    data.update({f"{prefix}-{key}": value for key, value in values.items()})
    return data


def _post_data(rule=RULE, examples=(), **fields):
    data = {
        "valid_from": "2026-01-01",
        "reference": "Decision of the programme",
        "rule": json.dumps(rule),
        "examples-TOTAL_FORMS": str(len(examples)),
        "examples-INITIAL_FORMS": "0",
        "examples-MIN_NUM_FORMS": "0",
        "examples-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(examples):
        data.update(_example(f"examples-{index}", **values))
    data.update(fields)
    return data


def _create(client, **fields):
    data = _post_data(service=VOCATIONAL, **fields)
    response = client.post("/en/eligibility/rules/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return RuleVersion.objects.filter(service_id=VOCATIONAL).latest("pk")


def test_administrator_creates_a_draft_with_examples(client, personas):
    client.force_login(personas.administrator)
    version = _create(client, examples=[{}])
    assert version.state == RuleState.DRAFT
    assert version.rule == RULE
    assert version.author == personas.administrator
    [example] = version.examples.all()
    assert example.facts == {"population": "foreign", "birth_date": "1990-01-01"}
    event = AuditEvent.objects.get(object_id=str(version.pk), action="create")
    assert event.details == {"service": VOCATIONAL, "examples": 1}


def test_a_failing_example_blocks_publication_until_fixed(client, personas):
    client.force_login(personas.administrator)
    version = _create(client, examples=[{"expected_status": "not_eligible"}])
    response = client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {
            **_post_data(examples=[{"expected_status": "not_eligible"}]),
            "version": version.version,
            "intent": "publish",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-passed="false"' in page
    assert "cannot be published" in page
    version.refresh_from_db()
    assert version.state == RuleState.DRAFT

    response = client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {**_post_data(examples=[{}]), "version": version.version, "intent": "publish"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == RuleState.PUBLISHED
    assert version.published_by == personas.administrator


def test_run_examples_shows_pass_and_fail_with_failing_conditions(client, personas):
    client.force_login(personas.administrator)
    version = _create(client, examples=[{}, {"label": "Child", "birth_date": "2015-01-01"}])
    response = client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {
            **_post_data(examples=[{}, {"label": "Child", "birth_date": "2015-01-01"}]),
            "version": version.version,
            "intent": "run",
        },
    )
    page = response.content.decode()
    assert page.count('data-passed="true"') == 1
    assert page.count('data-passed="false"') == 1
    assert "age_between" in page


def test_publication_needs_an_example(client, personas):
    client.force_login(personas.administrator)
    version = _create(client)
    response = client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {**_post_data(), "version": version.version, "intent": "publish"},
    )
    assert response.status_code == 400
    assert "at least one example" in response.content.decode()


def test_overlapping_published_versions_are_refused(client, personas):
    client.force_login(personas.administrator)
    existing = RuleVersion.objects.get(reference_key="second-chance-2024")
    data = _post_data(examples=[{"birth_date": "2010-01-01"}], service=SECOND_CHANCE)
    data["rule"] = json.dumps({"type": "age_between", "min": 12, "max": 18})
    client.post("/en/eligibility/rules/new/", data)
    draft = RuleVersion.objects.filter(service_id=SECOND_CHANCE, state="draft").latest("pk")
    response = client.post(
        f"/en/eligibility/rules/{draft.pk}/",
        {**data, "version": draft.version, "intent": "publish"},
    )
    assert response.status_code == 400
    assert "Another published version" in response.content.decode()
    # Ending the current version lets the new one follow it.
    client.post(
        f"/en/eligibility/rules/{existing.pk}/end/",
        {"version": existing.version, "valid_to": "2025-12-31"},
    )
    draft.refresh_from_db()
    response = client.post(
        f"/en/eligibility/rules/{draft.pk}/",
        {**data, "version": draft.version, "intent": "publish"},
    )
    assert response.status_code == 302
    assert RuleVersion.objects.in_force(date(2025, 6, 1)).get(service_id=SECOND_CHANCE) == existing
    assert RuleVersion.objects.in_force(date(2026, 6, 1)).get(service_id=SECOND_CHANCE) == draft


def test_bad_json_is_a_clear_error_and_nothing_is_written(client, personas):
    client.force_login(personas.administrator)
    before = RuleVersion.objects.count()
    response = client.post(
        "/en/eligibility/rules/new/", {**_post_data(service=VOCATIONAL), "rule": "{oops"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()
    response = client.post(
        "/en/eligibility/rules/new/",
        {**_post_data(service=VOCATIONAL), "rule": json.dumps({"type": "age_between"})},
    )
    assert "Give a minimum age" in response.content.decode()
    assert RuleVersion.objects.count() == before


def test_retire_and_stale_versions(client, personas):
    client.force_login(personas.administrator)
    version = _create(client)
    response = client.post(
        f"/en/eligibility/rules/{version.pk}/retire/",
        {"version": version.version - 1 if version.version > 1 else 99},
    )
    version.refresh_from_db()
    assert version.state == RuleState.DRAFT
    client.post(f"/en/eligibility/rules/{version.pk}/retire/", {"version": version.version})
    version.refresh_from_db()
    assert version.state == RuleState.RETIRED
    assert response.status_code == 302


def test_published_versions_are_read_only(client, personas):
    client.force_login(personas.administrator)
    published = RuleVersion.objects.get(reference_key="cnie-2024")
    page = client.get(f"/en/eligibility/rules/{published.pk}/").content.decode()
    assert "fieldset disabled" in page
    assert 'data-passed="false"' not in page


def test_list_shows_services_and_versions_in_constant_queries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.administrator)
    with django_assert_max_num_queries(15):
        response = client.get("/en/eligibility/rules/")
    assert response.status_code == 200
    assert 'data-testid="version-link"' in response.content.decode()


@pytest.mark.parametrize("who", ["agent_a", "regional", "auditor", "focal_point"])
def test_only_administrators_see_or_write_rules(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get("/en/eligibility/rules/").status_code == 403
    assert (
        client.post("/en/eligibility/rules/new/", _post_data(service=VOCATIONAL)).status_code == 403
    )
    version = RuleVersion.objects.get(reference_key="cnie-2024")
    assert (
        client.post(
            f"/en/eligibility/rules/{version.pk}/retire/", {"version": version.version}
        ).status_code
        == 403
    )


def test_new_version_form_offers_the_service(client, personas):
    client.force_login(personas.administrator)
    service = Service.objects.get(pk=VOCATIONAL)
    page = client.get(f"/ar/eligibility/rules/new/?service={service.pk}").content.decode()
    assert 'id="rule-vocabulary"' in page
    assert 'dir="rtl"' in page


def test_administrator_sets_a_parameter_value_from_a_date(client, personas):
    from mouwakaba.eligibility.models import Parameter, parameters_on

    client.force_login(personas.administrator)
    parameter = Parameter.objects.get(code="school_age_max")
    response = client.post(
        f"/en/eligibility/parameters/{parameter.pk}/",
        {"valid_from": "2030-09-01", "value": "16", "reference": "New law"},
    )
    assert response.status_code == 302
    assert parameters_on(date(2030, 9, 1))["school_age_max"] == 16
    assert parameters_on(date(2030, 8, 31))["school_age_max"] == 15
    assert AuditEvent.objects.filter(
        object_id=str(parameter.pk), object_type="eligibility.parameter"
    ).exists()
    client.force_login(personas.agent_a)
    assert (
        client.post(
            f"/en/eligibility/parameters/{parameter.pk}/",
            {"valid_from": "2030-09-01", "value": "1"},
        ).status_code
        == 403
    )


def test_a_stale_draft_is_not_overwritten(client, personas):
    client.force_login(personas.administrator)
    version = _create(client, examples=[{}])
    opened_at = version.version
    client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {**_post_data(examples=[{}], reference="First"), "version": opened_at, "intent": "save"},
    )
    response = client.post(
        f"/en/eligibility/rules/{version.pk}/",
        {**_post_data(examples=[{}], reference="Second"), "version": opened_at, "intent": "save"},
    )
    assert response.status_code == 400
    assert "since you opened it" in response.content.decode()
    version.refresh_from_db()
    assert version.reference == "First"


def test_django_admin_shows_rules_read_only(client, personas):
    from mouwakaba.accounts.tests.factories import make_user

    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    version = RuleVersion.objects.get(reference_key="cnie-2024")
    assert client.get("/admin/eligibility/ruleversion/").status_code == 200
    assert client.get(f"/admin/eligibility/ruleversion/{version.pk}/change/").status_code == 200
    assert client.get("/admin/eligibility/ruleversion/add/").status_code == 403
