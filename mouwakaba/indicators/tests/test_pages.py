"""The dashboards, the gender-gap view and the report: who sees which, and what."""

from __future__ import annotations

import pytest

from .world import build


@pytest.fixture
def world(personas):
    return build(personas)


def get(client, user, name, lang="en", **params):
    client.force_login(user)
    return client.get(f"/{lang}/indicators/{name}", params)


def test_regional_dashboard_shows_every_province_on_the_map(client, personas, world):
    response = get(client, personas.regional, "dashboard/", period="2026-Q3", territory="MA-02")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="region-map"' in html
    for code in ("MA-OUJ", "MA-BER", "MA-NAD", "MA-DRI", "MA-TAI", "MA-JRA", "MA-GUF", "MA-FIG"):
        assert f'data-code="{code}"' in html
    assert "ODbL" in html


def test_cell_dashboard(client, personas, world):
    response = get(client, personas.agent_a, "dashboard/", period="2026-Q3")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="caseload"' in html
    assert 'data-testid="region-map"' not in html


def test_agent_cannot_open_another_territory(client, personas, world):
    assert get(client, personas.agent_a, "dashboard/", territory="MA-02").status_code == 403
    assert get(client, personas.agent_b, "dashboard/", territory="commune-oujda").status_code == 403
    assert (
        get(client, personas.coordinator_oujda, "dashboard/", territory="MA-NAD").status_code == 403
    )


def test_gender_gap_and_report(client, personas, world):
    response = get(client, personas.regional, "gender-gap/", period="2026-Q3")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="gaps-chart"' in html and "<svg" in html and 'class="series-f"' in html
    response = get(client, personas.regional, "report/", "ar", period="2026-Q3")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_the_dashboard_and_the_report_read_a_constant_number_of_queries(client, personas, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mouwakaba.cases.tests.factories import make_case

    client.force_login(personas.regional)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"period": "2026", "territory": "MA-02"}).status_code == 200
        return len(queries)

    before = {path: count(path) for path in ("/en/indicators/dashboard/", "/en/indicators/report/")}
    for sex in "FMFMFM":
        make_case(personas.agent_b, sex=sex, needs=[("health", ""), ("housing", "")])
    after = {path: count(path) for path in before}
    assert after == before
    assert before["/en/indicators/dashboard/"] <= 45


def test_a_provincial_coordinator_sees_the_cells_of_the_province(client, personas, world):
    response = get(client, personas.coordinator_oujda, "dashboard/", period="2026-Q3")
    assert response.status_code == 200
    html = response.content.decode()
    assert personas.cell_a.name in html
    assert 'data-testid="region-map"' not in html
    assert response.context["area"].code == "MA-OUJ"
    tiles = {tile.indicator.code: tile for tile in response.context["tiles"]}
    assert (
        tiles["cases_opened"].total,
        tiles["cases_opened"].women,
        tiles["cases_opened"].men,
    ) == (4, 3, 1)


def test_the_dashboard_opens_on_the_users_own_territory(client, personas, world):
    client.force_login(personas.coordinator_nador)
    response = client.get("/en/indicators/")
    assert response.status_code == 302
    assert response["Location"].endswith("?territory=MA-NAD")


def test_roles_without_cells_get_no_figures(client, personas, world):
    for user in (personas.auditor, personas.focal_point, personas.administrator, personas.no_role):
        assert get(client, user, "dashboard/").status_code == 403
        assert get(client, user, "report/").status_code == 403
        assert get(client, user, "export/", indicator="needs", format="csv").status_code == 403


def test_the_map_shades_the_chosen_figure(client, personas, world):
    response = get(client, personas.regional, "dashboard/", period="2026-Q3", figure="needs")
    assert response.context["map_figure"].code == "needs"
    rows = {code: value for code, _name, value in response.context["map_rows"]}
    assert rows == {
        "MA-OUJ": 5,
        "MA-NAD": 2,
        "MA-BER": 0,
        "MA-DRI": 0,
        "MA-TAI": 0,
        "MA-JRA": 0,
        "MA-GUF": 0,
        "MA-FIG": 0,
    }


def test_a_bad_period_falls_back_with_a_message(client, personas, world):
    response = get(client, personas.regional, "dashboard/", period="2026-Q7")
    assert response.status_code == 200
    assert "Give a period as a month" in response.content.decode()


def test_the_report_suppresses_small_counts(client, personas, world):
    response = get(client, personas.regional, "report/", "fr", period="2026-Q3")
    sections = {section.indicator.code: section for section in response.context["sections"]}
    tile = sections["needs"].tile
    assert (tile.total, tile.women, tile.men) == (7, "<5", "<5")
    assert "&lt;5" in response.content.decode()


def test_the_home_page_links_to_the_dashboard(client, personas):
    client.force_login(personas.agent_a)
    assert 'data-testid="open-dashboard"' in client.get("/en/").content.decode()
    client.force_login(personas.auditor)
    assert 'data-testid="open-dashboard"' not in client.get("/en/").content.decode()
