"""Figures in the browser: the regional coordinator opens the region's dashboard and map,
filters by a period, reads the gender gaps and exports a CSV; a cell agent sees only
their cell's dashboard; the programme report in Arabic."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = ["Amina", "Fatima", "Khadija", "Awa", "Mariam", "Youssef", "Omar", "Moussa"]


@pytest.fixture
def cases(site):
    """A few cases at the Oujda cell and one at Nador, opened today."""
    from mouwakaba.accounts.models import User
    from mouwakaba.cases.tests.factories import make_case

    oujda = User.objects.get(username="agent_oujda")
    nador = User.objects.get(username="agent_nador")
    for number, sex in enumerate("FFFFFMMM"):
        make_case(oujda, sex=sex, given_name_lat=NAMES[number], needs=[("health", "")])
    make_case(nador, sex="F", needs=[("papers", "")])
    return timezone.localdate()


def test_the_regional_coordinator_reads_the_region_and_exports(page, site, cases):
    month = f"{cases:%Y-%m}"
    log_in(page, site, "coordinator", "fr")
    page.click("[data-testid=open-dashboard]")
    page.wait_for_url(f"{site}/fr/indicators/dashboard/?territory=MA-02")
    assert page.locator("[data-testid=region-map] svg path.province").count() == 8
    assert "ODbL" in page.locator("[data-testid=region-map]").inner_text()

    page.fill("input[name=period]", month)
    page.click("[data-testid=apply-filters]")
    page.wait_for_url(f"{site}/fr/indicators/dashboard/?period={month}*")
    assert page.locator("[data-testid=tile-cases_opened] data").inner_text() == "9"
    table = page.locator("[data-testid=map-table]")
    assert table.locator("tr[data-code=MA-OUJ] td").inner_text() == "8"
    screenshot(page, "indicators-region-fr")

    # The URL reproduces the view: open it afresh.
    url = page.url
    page.goto(url)
    assert page.locator("[data-testid=tile-cases_opened] data").inner_text() == "9"

    page.click("[data-testid=nav-gender-gap]")
    page.wait_for_url(f"{site}/fr/indicators/gender-gap/?*period={month}*")
    gaps = page.locator("[data-testid=gaps-table] tbody tr")
    assert gaps.count() >= 1
    assert "62,5" in page.locator("[data-testid=gaps-table]").inner_text()  # 5 women of 8
    screenshot(page, "indicators-gender-gap-fr")

    page.click("[data-testid=nav-export]")
    page.select_option("select[name=indicator]", "cases_opened")
    page.check("input[name=by][value=sex]")
    page.check("input[name=by][value=province]")
    page.select_option("select[name=format]", "csv")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "MA-OUJ" in content and "MA-NAD" in content
    assert "<5" in content  # 1 woman at Nador, 3 men at Oujda
    assert ",5\r\n" in content or ",5\n" in content  # 5 women at Oujda


def test_a_cell_agent_sees_only_their_cell(page, site, cases):
    log_in(page, site, "agent_oujda", "fr")
    page.click("[data-testid=open-dashboard]")
    page.wait_for_url(f"{site}/fr/indicators/dashboard/?territory=*")
    assert page.locator("[data-testid=caseload]").is_visible()
    assert page.locator("[data-testid=region-map]").count() == 0
    assert page.locator("[data-testid=tile-cases_opened] data").inner_text() == "8"
    screenshot(page, "indicators-cell-fr")
    response = page.goto(f"{site}/fr/indicators/dashboard/?territory=MA-02")
    assert response is not None and response.status == 403


def test_the_programme_report_in_arabic(page, site, cases):
    log_in(page, site, "coordinator", "ar")
    page.goto(f"{site}/ar/indicators/report/?period={cases:%Y}&territory=MA-02")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "جهة الشرق" in page.locator("[data-testid=report-title]").inner_text()
    summary = page.locator("[data-testid=summary]")
    assert summary.locator("tbody tr").count() >= 12
    assert "<5" in summary.inner_text()  # the Nador woman, the Oujda men, suppressed
    screenshot(page, "indicators-report-ar")


def test_the_region_dashboard_in_arabic_on_a_phone(phone, site, cases):
    log_in(phone, site, "coordinator", "ar")
    phone.goto(f"{site}/ar/indicators/dashboard/?period={cases:%Y-%m}&territory=MA-02")
    assert phone.get_attribute("html", "dir") == "rtl"
    assert phone.locator("[data-testid=region-map] svg path.province").count() == 8
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page does not scroll sideways on a phone"
    screenshot(phone, "indicators-region-ar-phone")
