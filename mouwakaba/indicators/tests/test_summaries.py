"""Figures computed ahead: the pages show what was stored while it is fresh — the same
figures a live computation gives — say when it was computed, and count again once it is
stale; ``refresh_indicators`` stores them for every territory."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mouwakaba.cases.tests.factories import make_case
from mouwakaba.indicators import areas, dashboards, gender, periods, summaries
from mouwakaba.indicators.management.commands.refresh_indicators import recent_periods
from mouwakaba.indicators.models import Summary

from .world import build

Q3 = periods.parse("2026-Q3")


@pytest.fixture
def world(personas):
    return build(personas)


@pytest.fixture
def kept(settings):
    """Stored figures stay fresh for the length of a test."""
    settings.INDICATORS_MAX_AGE_RUNNING = timedelta(hours=1)
    settings.INDICATORS_MAX_AGE_FINISHED = timedelta(hours=26)


def tiles(response):
    return {
        tile.indicator.code: (tile.total, tile.women, tile.men)
        for tile in response.context["tiles"]
    }


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get("/en/indicators/dashboard/", {"period": "2026-Q3", **params})
    assert response.status_code == 200
    return response


def refresh(*args):
    call_command("refresh_indicators", *args, verbosity=0)


def test_a_stored_figure_is_shown_until_it_is_refreshed(client, personas, world, kept):
    refresh("--period", "2026-Q3", "--area", "MA-02")
    before = tiles(dashboard(client, personas.regional, territory="MA-02"))
    assert before["cases_opened"] == (5, 3, 2)

    # Two more cases for the quarter: the stored figures do not know them yet...
    for sex in "FM":
        case = make_case(personas.agent_b, sex=sex, needs=[("health", "")])
        type(case).objects.filter(pk=case.pk).update(opened_at=world.cases["c4"].opened_at)
    response = dashboard(client, personas.regional, territory="MA-02")
    assert tiles(response) == before
    assert 'data-testid="figures-as-of"' in response.content.decode()

    # ...until the next refresh.
    refresh("--period", "2026-Q3", "--area", "MA-02")
    after = tiles(dashboard(client, personas.regional, territory="MA-02"))
    assert after["cases_opened"] == (7, 4, 3)


def test_a_stale_figure_is_counted_again(client, personas, world, kept, settings):
    refresh("--period", "2026-Q3", "--area", "MA-02")
    for sex in "FM":
        case = make_case(personas.agent_b, sex=sex, needs=[("health", "")])
        type(case).objects.filter(pk=case.pk).update(opened_at=world.cases["c4"].opened_at)
    settings.INDICATORS_MAX_AGE_FINISHED = timedelta(0)
    response = dashboard(client, personas.regional, territory="MA-02")
    assert tiles(response)["cases_opened"] == (7, 4, 3)
    assert 'data-testid="figures-as-of"' not in response.content.decode()


def test_stored_figures_are_the_live_figures(personas, world, kept):
    """Every page, for the region, a province and a cell: what the stored figures give
    is what a live computation gives."""
    wanted = {"MA-02", "MA-OUJ", personas.cell_a.code}
    for area in [a for a in areas.every_area() if a.code in wanted]:
        live_dashboard = dashboards.dashboard_figures(Q3, area, figure="needs", rtl=False)
        live_report = dashboards.report(Q3, area, rtl=False)
        live_gaps = gender.gender_gaps(Q3, area)
        with summaries.refreshing(area):
            dashboards.dashboard_figures(Q3, area, figure="needs", rtl=False)
            dashboards.report(Q3, area, rtl=False)
        with summaries.reading(area, [Q3, Q3.previous()]) as session:
            stored_dashboard = dashboards.dashboard_figures(Q3, area, figure="needs", rtl=False)
            stored_report = dashboards.report(Q3, area, rtl=False)
            stored_gaps = gender.gender_gaps(Q3, area)
        assert not session.computed, area.code  # nothing counted live
        assert [t.__dict__ for t in stored_dashboard["tiles"]] == [
            t.__dict__ for t in live_dashboard["tiles"]
        ]
        assert stored_dashboard["monthly"].rows == live_dashboard["monthly"].rows
        assert stored_dashboard.get("map_rows") == live_dashboard.get("map_rows")
        for stored, live in zip(stored_report["sections"], live_report["sections"], strict=True):
            assert stored.tile.__dict__ == live.tile.__dict__
            assert [t.rows for t in stored.tables] == [t.rows for t in live.tables]
        assert [(r.service_type, r.territory, r.gap, r.trend) for r in stored_gaps] == [
            (r.service_type, r.territory, r.gap, r.trend) for r in live_gaps
        ]


def test_medians_keep_their_histogram(personas, world, kept):
    from mouwakaba.indicators import compute, definitions

    area = areas.every_area()[0]
    indicator = definitions.require("median_days_to_service")
    live = compute.breakdown(indicator, Q3, area, ["province"])
    with summaries.refreshing(area):
        summaries.breakdown(indicator, Q3, area, ["province"])
    with summaries.reading(area, [Q3]):
        stored = summaries.breakdown(indicator, Q3, area, ["province"])
    assert stored.total.value == live.total.value
    assert stored.total.extra == live.total.extra
    # Folding stored rows (a province's median) reads the histogram's days as numbers.
    assert compute.fold(stored.splits["province"], ["province"], "median")[0].value == (
        compute.fold(live.splits["province"], ["province"], "median")[0].value
    )


def test_the_regional_pages_read_stored_figures_without_counting(client, personas, world, kept):
    refresh("--period", "2026-Q3", "--area", "MA-02")
    client.force_login(personas.regional)
    for page in ("dashboard/", "report/", "gender-gap/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/en/indicators/{page}", {"period": "2026-Q3"})
        assert response.status_code == 200
        counted = [
            q["sql"]
            for q in queries.captured_queries
            if any(t in q["sql"] for t in ('"cases_case"', '"cases_need"', '"referrals_referral"'))
        ]
        assert counted == [], page
        assert len(queries) <= 15, page


def test_a_custom_range_is_computed_live_and_not_stored(client, personas, world, kept):
    client.force_login(personas.regional)
    response = client.get("/en/indicators/dashboard/", {"from": "2026-07-01", "to": "2026-09-30"})
    assert response.status_code == 200
    assert tiles(response)["cases_opened"] == (5, 3, 2)
    assert not Summary.objects.exists()


def test_a_page_stores_what_it_computed(client, personas, world, kept):
    """Without a refresh, the first view computes and stores; the next one reads."""
    dashboard(client, personas.regional, territory="MA-02")
    assert Summary.objects.filter(area="MA-02", period="2026-Q3").exists()
    with CaptureQueriesContext(connection) as queries:
        dashboard(client, personas.regional, territory="MA-02")
    assert not any('"cases_case"' in q["sql"] for q in queries.captured_queries)


def test_the_cells_work_today_is_always_live(client, personas, world, kept):
    refresh("--period", "2026-Q3", "--area", personas.cell_a.code)
    before = dashboard(client, personas.agent_a).context["caseload"]["active"]
    make_case(personas.agent_a, sex="F", needs=[("health", "")])
    assert dashboard(client, personas.agent_a).context["caseload"]["active"] == before + 1


def test_refresh_covers_every_territory_and_is_idempotent(personas, world):
    out = StringIO()
    call_command("refresh_indicators", "--period", "2026-Q3", stdout=out)
    every = areas.every_area()
    assert {"MA-02", "MA-OUJ", "MA-NAD", personas.cell_a.code} <= {a.code for a in every}
    stored = set(Summary.objects.values_list("area", flat=True))
    assert stored == {a.code for a in every}
    count = Summary.objects.count()
    assert f"{count} results stored for 1 periods and {len(every)} areas" in out.getvalue()
    refresh("--period", "2026-Q3")
    assert Summary.objects.count() == count


def test_refresh_by_default_takes_the_recent_months_quarters_and_years():
    from datetime import date

    codes = [p.code for p in recent_periods(date(2027, 1, 15), 2)]
    assert codes == ["2026", "2027", "2026-Q4", "2027-Q1", "2026-12", "2027-01"]


def test_refresh_refuses_bad_arguments(db):
    with pytest.raises(CommandError, match="Give a period"):
        refresh("--period", "2026-Q9")
    with pytest.raises(CommandError, match="Unknown territory"):
        refresh("--area", "MA-XX")
    with pytest.raises(CommandError, match="1 or more"):
        refresh("--months", "0")


def test_nothing_personal_is_stored(personas, world):
    refresh("--period", "2026-Q3")
    text = " ".join(str(data) for data in Summary.objects.values_list("data", flat=True))
    for person in world.persons.values():
        for value in (person.given_name_lat, person.family_name_lat, str(person.pk)):
            if value:
                assert value not in text
