"""A day at the Oujda cell, in Arabic: receive a person with an Arabic-only name, register
them, open a case with two needs, add a task; add the Latin spelling and find them by it.
An agent of another cell cannot open the file. A transfer to Nador, accepted there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def register_arabic_only_person(page, site) -> str:
    page.goto(f"{site}/ar/people/")
    page.click("[data-testid=register]")
    page.wait_for_url(f"{site}/ar/people/new/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("input[name=given_name_ar]", "آمنة")
    page.fill("input[name=family_name_ar]", "بوزيان")
    page.check("input[name=sex][value=F]")
    page.fill("input[name=estimated_age]", "41")
    page.check("input[name=population][value=returnee]")
    page.fill("input[name=phone]", "0661 12 34 56")
    page.check("input[name=consent_processing]")
    page.check("input[name=consent_sharing]")
    screenshot(page, "register-ar")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{site}/ar/people/*/")
    assert page.locator("[data-testid=person-name]").inner_text() == "آمنة بوزيان"
    return page.url


def test_an_agent_registers_opens_a_case_and_finds_the_person_by_latin_spelling(page, site):
    log_in(page, site, "agent_oujda", "ar")
    person_url = register_arabic_only_person(page, site)

    page.click("[data-testid=open-case]")
    page.check("input[name=domains][value=health]")
    page.check("input[name=domains][value=papers]")
    page.fill("textarea[name=description]", "موعد طبي وتجديد بطاقة التعريف")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{site}/ar/cases/*/")
    needs = page.locator("[data-testid=needs] tbody tr")
    assert needs.count() == 2

    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    page.select_option("select[name=kind]", "appointment")
    page.fill("input[name=title]", "موعد بالمستشفى")
    page.fill("input[name=due_on]", due)
    page.click("[data-testid=add-task]")
    page.wait_for_url(f"{site}/ar/cases/*/")
    assert "موعد بالمستشفى" in page.locator("[data-testid=tasks]").inner_text()
    screenshot(page, "case-ar")

    page.goto(person_url.replace("/people/", "/people/") + "edit/")
    page.fill("input[name=given_name_lat]", "Amina")
    page.fill("input[name=family_name_lat]", "Bouziane")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(person_url)

    page.goto(f"{site}/ar/people/")
    page.fill("input[name=q]", "bouziane")
    page.wait_for_selector("[data-testid=results] a")
    assert "Amina Bouziane" in page.locator("[data-testid=results]").inner_text()
    screenshot(page, "search-latin-from-ar")
    page.click("[data-testid=results] a")
    page.wait_for_url(person_url)

    # An agent of another cell: the file does not exist for them.
    log_out(page)
    log_in(page, site, "agent_nador", "ar")
    response = page.goto(person_url)
    assert response is not None and response.status == 404
    screenshot(page, "not-found-ar")


def test_a_transfer_from_oujda_to_nador_is_accepted_by_the_nador_head(page, site):
    log_in(page, site, "agent_oujda", "fr")
    page.goto(f"{site}/fr/people/new/")
    page.fill("input[name=given_name_lat]", "Ousmane")
    page.fill("input[name=family_name_lat]", "Diallo")
    page.check("input[name=sex][value=M]")
    page.fill("input[name=birth_year]", "1996")
    page.check("input[name=population][value=foreign]")
    page.select_option("select[name=legal_status]", "asylum_seeker")
    page.check("input[name=consent_processing]")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{site}/fr/people/*/")
    page.click("[data-testid=open-case]")
    page.check("input[name=domains][value=legal_aid]")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{site}/fr/cases/*/")
    case_url = page.url

    form = page.locator("#transfer-form")
    form.locator("select[name=to_cell]").select_option(
        label="Cellule d'accueil des MRE et des migrants – Province de Nador"
    )
    form.locator("textarea[name=reason]").fill("Installé à Nador")
    page.click("[data-testid=request-transfer]")
    page.wait_for_url(case_url)
    screenshot(page, "transfer-requested-fr")
    assert (
        "transfer is requested" in page.locator("main").inner_text().lower()
        or "transfert est demandé" in page.locator("main").inner_text()
    )
    log_out(page)

    log_in(page, site, "head_nador", "ar")
    page.goto(f"{site}/ar/cases/transfers/")
    card = page.locator("[data-testid=incoming-transfer]")
    assert "Ousmane Diallo" in card.inner_text()
    screenshot(page, "transfer-ar")
    card.locator("button[value=accept]").click()
    page.wait_for_url(case_url.replace("/fr/", "/ar/"))
    assert "الناظور" in page.locator("main").inner_text()

    log_out(page)
    log_in(page, site, "agent_oujda", "fr")
    response = page.goto(case_url)
    assert response is not None and response.status == 404
