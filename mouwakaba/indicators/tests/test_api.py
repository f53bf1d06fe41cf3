"""GET /api/v1/indicators/ and /api/v1/indicators/{code}/values/: exact figures within
the caller's scope, in the shape the issue fixes."""

from __future__ import annotations

import pytest

from .world import build


@pytest.fixture
def world(personas):
    return build(personas)


def values(client, user, code, **params):
    client.force_login(user)
    return client.get(f"/api/v1/indicators/{code}/values/", params)


def test_definitions_list_every_indicator_in_three_languages(client, personas):
    client.force_login(personas.agent_a)
    response = client.get("/api/v1/indicators/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    codes = {entry["code"] for entry in response.json()}
    assert {
        "persons_received",
        "registrations",
        "cases_opened",
        "cases_closed",
        "needs",
        "referrals_made",
        "referrals_completed",
        "referral_completion_rate",
        "median_days_to_service",
        "transfers",
        "expired_referrals",
        "open_cases_overdue",
    } <= codes
    opened = next(entry for entry in response.json() if entry["code"] == "cases_opened")
    assert opened["name"] == "Dossiers ouverts"
    assert set(opened["names"]) == {"ar", "fr", "en"}


def test_values_by_sex_and_province_in_the_documented_shape(client, personas, world):
    response = values(
        client,
        personas.regional,
        "cases_opened",
        period="2026-Q3",
        territory="MA-02",
        by="sex,province",
    )
    assert response.status_code == 200
    assert response.json() == {
        "indicator": "cases_opened",
        "period": "2026-Q3",
        "territory": "MA-02",
        "by": ["sex", "province"],
        "rows": [
            {"sex": "F", "province": "MA-OUJ", "value": 3},
            {"sex": "M", "province": "MA-NAD", "value": 1},
            {"sex": "M", "province": "MA-OUJ", "value": 1},
        ],
    }


def test_small_counts_are_exact_in_the_authenticated_api(client, personas, world):
    response = values(client, personas.regional, "transfers", period="2026-Q3")
    assert response.json()["rows"] == [{"value": 1}]


def test_a_month_a_year_and_dates(client, personas, world):
    user = personas.regional
    assert values(client, user, "cases_opened", period="2026-10").json()["rows"] == [{"value": 1}]
    assert values(client, user, "cases_opened", period="2026").json()["rows"] == [{"value": 7}]
    response = values(client, user, "cases_opened", **{"from": "2026-07-01", "to": "2026-07-31"})
    assert response.json()["period"] == "2026-07-01/2026-07-31"
    assert response.json()["rows"] == [{"value": 2}]  # c1 c4


def test_a_commune_and_a_cell(client, personas, world):
    user = personas.regional
    commune = personas.cell_a.territory.code
    assert values(client, user, "cases_opened", period="2026-Q3", territory=commune).json()[
        "rows"
    ] == [{"value": 4}]
    response = values(client, user, "cases_opened", period="2026-Q3", territory=personas.cell_b.pk)
    assert response.json()["territory"] == "mre-nador"
    assert response.json()["rows"] == [{"value": 1}]


def test_the_caller_defaults_to_their_own_scope(client, personas, world):
    response = values(client, personas.agent_b, "cases_opened", period="2026-Q3")
    assert response.json()["territory"] == "mre-nador"
    assert response.json()["rows"] == [{"value": 1}]


def test_outside_the_scope_is_forbidden(client, personas, world):
    assert values(client, personas.agent_a, "cases_opened", territory="MA-02").status_code == 403
    assert (
        values(client, personas.coordinator_nador, "needs", territory="MA-OUJ").status_code == 403
    )
    assert values(client, personas.auditor, "needs").status_code == 403
    assert values(client, personas.focal_point, "needs").status_code == 403
    client.logout()
    assert client.get("/api/v1/indicators/cases_opened/values/").status_code in (401, 403)


def test_bad_requests_say_what_is_wrong(client, personas, world):
    user = personas.regional
    assert values(client, user, "cases_opened", period="2026-Q9").status_code == 400
    assert values(client, user, "cases_opened", territory="MA-99").status_code == 400
    response = values(client, user, "registrations", by="service_type")
    assert response.status_code == 400
    assert "by" in response.json()
    assert values(client, user, "no_such_thing").status_code == 404
