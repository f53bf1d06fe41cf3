"""Nador registered "Mohamed Benali"; in Oujda, an agent types «محمد بن علي» in Arabic:
before a second file is made, the registry shows him, with the cell that holds him."""

import pytest

from e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def register(page, site, lang, fields, radios):
    page.goto(f"{site}/{lang}/people/new/")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    for name, value in radios.items():
        page.check(f"input[name={name}][value={value}]")
    page.check("input[name=consent_processing]")
    page.click("main form button[type=submit].primary")


def test_a_person_registered_in_nador_is_recognised_in_oujda_across_scripts(page, site):
    log_in(page, site, "agent_nador", "fr")
    register(
        page,
        site,
        "fr",
        {"given_name_lat": "Mohamed", "family_name_lat": "Benali", "birth_year": "1990"},
        {"sex": "M", "population": "returnee"},
    )
    page.wait_for_url(f"{site}/fr/people/*/")
    page.click("[data-testid=logout]")

    log_in(page, site, "agent_oujda", "ar")
    register(
        page,
        site,
        "ar",
        {"given_name_ar": "محمد", "family_name_ar": "بن علي", "birth_year": "1990"},
        {"sex": "M", "population": "returnee"},
    )
    candidates = page.locator("[data-testid=candidates]")
    candidates.wait_for()
    assert "Mohamed Benali" in candidates.inner_text()
    assert "الناظور" in candidates.inner_text()  # the cell that holds him
    screenshot(page, "duplicate-candidates-ar")
    page.click("[data-testid=same-person]")
    page.wait_for_url(f"{site}/ar/people/*/elsewhere/")
    assert "الناظور" in page.locator("[data-testid=holding-cell]").inner_text()
    assert "Benali" not in page.locator("main").inner_text()
    screenshot(page, "duplicate-elsewhere-ar")
