"""Eligibility in the browser: an administrator writes a rule version with its examples,
sees a failing example block publication, fixes it and publishes; an agent then sees the
new result on a case, with its reasons, in Arabic; a visitor uses the public
questionnaire in Spanish on a phone."""

import re

import pytest

from e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# Psychosocial support for migrants and refugees (Orient-Occident Foundation, Oujda): no
# conditions in the reference file, so the administrator writes the first version.
PSYCHOSOCIAL = "1e4c3190-d0d7-5a12-a550-7a80e7096a54"


def log_out(page) -> None:
    page.click("[data-testid=logout]")


def _fill_example(page, index: int, label: str, expected: str) -> None:
    prefix = f"#id_examples-{index}"
    page.fill(f"{prefix}-label", label)
    page.select_option(f"{prefix}-population", "foreign")
    page.fill(f"{prefix}-birth_date", "1995-04-01")
    page.select_option(f"{prefix}-expected_status", expected)


def test_rule_version_from_draft_to_an_agents_case_in_arabic(page, site):
    log_in(page, site, "admin", lang="fr")
    page.goto(f"{site}/fr/eligibility/rules/?q=psychosocial")
    page.click(f"a[href='/fr/eligibility/rules/new/?service={PSYCHOSOCIAL}']")
    assert page.locator("select[name=service]").input_value() == PSYCHOSOCIAL

    # The conditions editor: one condition, "population is one of: migrant from another
    # country", built without touching the JSON.
    page.click("[data-testid=add-criterion]")
    row = page.locator("[data-testid=criterion-row]")
    assert row.count() == 1
    row.locator("input[type=checkbox][value=foreign]").check()
    rule = page.locator("textarea[name=rule]").input_value()
    assert '"population_in"' in rule and '"foreign"' in rule
    page.fill("textarea[name=reference]", "Programme decision, 2026")

    # An example with the wrong expectation.
    _fill_example(page, 0, "Adult migrant", "not_eligible")
    page.click("button[name=intent][value=save]")
    page.wait_for_url(re.compile(r"/fr/eligibility/rules/\d+/$"))
    assert page.locator("[data-testid=version-state]").inner_text().strip() != ""
    assert page.locator("[data-testid=criterion-row]").count() == 1

    page.click("[data-testid=publish]")
    runs = page.locator("[data-testid=example-run]")
    assert runs.count() == 1
    assert runs.first.get_attribute("data-passed") == "false"
    assert page.locator(".message.error, .messages .error, [role=alert]").count() >= 1
    screenshot(page, "eligibility-publication-refused")

    # Fixed: the example now expects "eligible"; publication goes through.
    page.select_option("#id_examples-0-expected_status", "eligible")
    page.click("[data-testid=run-examples]")
    assert page.locator("[data-testid=example-run]").first.get_attribute("data-passed") == "true"
    page.click("[data-testid=publish]")
    page.wait_for_url(re.compile(r"/fr/eligibility/rules/\d+/$"))
    assert page.locator("fieldset[disabled]").count() >= 1
    screenshot(page, "eligibility-published")
    log_out(page)

    # The agent's case: a migrant with a psychosocial need.
    from mouwakaba.accounts.models import User
    from mouwakaba.cases.tests.factories import make_case

    agent = User.objects.get(username="agent_oujda")
    case = make_case(
        agent,
        needs=[("psychosocial", "support")],
        given_name_ar="أمادو",
        family_name_ar="ديالو",
        given_name_lat="Amadou",
        family_name_lat="Diallo",
        population="foreign",
        nationality="SN",
    )
    log_in(page, site, "agent_oujda", lang="ar")
    page.goto(f"{site}/ar/cases/{case.pk}/")
    assert page.get_attribute("html", "dir") == "rtl"
    line = page.locator(f"[data-testid=service-eligibility][data-service='{PSYCHOSOCIAL}']")
    assert line.get_attribute("data-status") == "eligible"
    line.locator("summary").click()
    reason = line.locator("[data-testid=reasons] li").first
    assert reason.get_attribute("data-criterion") == "population_in"
    # The values of the reason are in Arabic ("migrant from another country").
    assert "مهاجر من بلد آخر" in reason.inner_text()
    screenshot(page, "eligibility-case-ar")


def test_a_visitor_asks_what_they_could_be_entitled_to_in_spanish(phone, site):
    phone.goto(f"{site}/es/directory/")
    phone.click("[data-testid=entitled-link]")
    phone.wait_for_url(f"{site}/es/directory/entitled/")
    assert phone.get_attribute("html", "lang") == "es"
    phone.select_option("select[name=population]", "foreign")
    phone.select_option("select[name=legal_status]", "refugee")
    phone.select_option("select[name=status_valid]", "yes")
    phone.fill("input[name=age]", "30")
    phone.select_option("select[name=sex]", "F")
    phone.check("input[name=documents][value=refugee_card]")
    phone.select_option("select[name=commune]", "MA-02/MA-OUJ/OUJ-OUJDA/")
    phone.click("[data-testid=questionnaire] button[type=submit]")
    results = phone.locator("[data-testid=entitled-service]")
    assert results.count() >= 5
    # Her answers are not in the address: nothing to keep in a log or a history.
    assert phone.url == f"{site}/es/directory/entitled/"
    statuses = set(results.evaluate_all("rows => rows.map(r => r.dataset.status)"))
    assert statuses <= {"eligible", "to_verify"}
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "eligibility-entitled-es")
