"""A person's first minutes with Mouwakaba: log in in Arabic, see their cell, switch to
French, log out — on a desktop and on a phone."""

import pytest

from e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_logs_in_in_arabic_switches_to_french_and_logs_out(page, site):
    page.goto(f"{site}/ar/accounts/login/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    screenshot(page, "login-ar")

    log_in(page, site, "agent_oujda", "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("[data-testid=cell]").inner_text() == "خلية الاستقبال بجماعة وجدة"
    # Right to left for real: the brand sits at the right edge of the header.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    screenshot(page, "home-agent-ar")

    page.click("button[name=language][value=fr]")
    page.wait_for_url(f"{site}/fr/")
    assert page.get_attribute("html", "dir") == "ltr"
    assert (
        page.locator("[data-testid=cell]").inner_text() == "Cellule d'accueil de la commune d'Oujda"
    )
    assert page.locator("[data-testid=role]").inner_text() == "Agent de cellule"
    screenshot(page, "home-agent-fr")

    page.click("[data-testid=logout]")
    page.wait_for_url(f"{site}/fr/accounts/login/")
    page.goto(f"{site}/fr/")
    assert "/accounts/login/" in page.url


def test_a_wrong_password_is_explained_in_arabic(page, site):
    page.goto(f"{site}/ar/accounts/login/")
    page.fill("input[name=username]", "agent_oujda")
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    alert = page.locator("[role=alert]").inner_text()
    assert "كلمة المرور" in alert
    screenshot(page, "login-error-ar")


def test_the_login_form_works_with_the_keyboard_alone(page, site):
    page.goto(f"{site}/fr/accounts/login/")
    page.keyboard.type("coord_nador")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("mouwakaba-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/fr/")
    assert "Province de Nador" in page.locator("[data-testid=territory]").inner_text()


def test_on_a_phone_the_pages_fit_the_screen(phone, site):
    log_in(phone, site, "agent_figuig", "ar")
    assert "بوعرفة" in phone.locator("[data-testid=cell]").inner_text()
    for path in ("/ar/", "/ar/cells/", "/fr/cells/"):
        phone.goto(f"{site}{path}")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    screenshot(phone, "cells-phone-fr")


def test_the_auditor_finds_a_failed_login_in_the_trail(page, site):
    page.goto(f"{site}/fr/accounts/login/")
    page.fill("input[name=username]", "agent_nador")
    page.fill("input[name=password]", "wrong")
    page.click("main button[type=submit]")
    log_in(page, site, "auditor", "fr")
    page.click("a[href='/fr/audit/']")
    page.select_option("select[name=action]", "login_failed")
    page.click("form.filters button[type=submit]")
    row = page.locator("table tbody tr").first
    assert "agent_nador" in row.inner_text()
    screenshot(page, "audit-fr")
