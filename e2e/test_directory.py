"""A visitor, without an account, finds a service and what to bring: on a phone in
Spanish, then in Arabic, right to left."""

import re

import pytest

from e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_visitor_finds_a_health_service_in_spanish_on_a_phone(phone, site):
    phone.goto(f"{site}/es/directory/")
    assert phone.get_attribute("html", "lang") == "es"
    assert phone.get_attribute("html", "dir") == "ltr"
    assert phone.locator("h1").inner_text() == "Buscar un servicio"
    phone.select_option("select[name=need]", "health")
    phone.select_option("select[name=province]", "MA-OUJ")
    phone.click("form.filters button[type=submit]")
    phone.wait_for_url(re.compile(r"need=health.*province=MA-OUJ"))
    assert "Oujda-Angad" in phone.locator("[data-testid=result-count]").inner_text()
    cards = phone.locator(".service-card")
    assert cards.count() >= 5
    for tags in cards.locator(".tags").all_inner_texts():
        assert "Salud" in tags
    _fits(phone)
    screenshot(phone, "directory-phone-es")

    phone.locator(".service-card h2 a", has_text=re.compile(r"^Urgences$")).click()
    phone.wait_for_url(re.compile(r"/es/directory/services/"))
    assert phone.locator("h1").inner_text() == "Urgences"
    assert phone.locator("#documents").inner_text() == "Documentos que hay que llevar"
    documents = phone.locator("[data-testid=documents] li")
    assert documents.count() == 2
    assert "pièce d'identité" in documents.first.inner_text()  # texts are in ar, fr, en
    assert phone.locator("[data-testid=sample-notice]").is_visible()
    assert "todos los días, las 24 horas" in phone.locator(".place").inner_text()
    assert phone.locator("a[href='tel:141']").count() == 1
    _fits(phone)
    screenshot(phone, "service-phone-es")


def test_in_arabic_the_directory_reads_right_to_left(page, site):
    page.goto(f"{site}/ar/directory/?need=health")
    assert page.get_attribute("html", "dir") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > width / 2
    # The first card sits at the right edge, where an Arabic reader starts.
    card = page.locator(".service-card").first.bounding_box()
    assert card["x"] + card["width"] > width * 0.6
    screenshot(page, "directory-ar")

    page.locator(".service-card h2 a", has_text="المستعجلات").first.click()
    page.wait_for_url(re.compile(r"/ar/directory/services/"))
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("[data-testid=documents] li").count() == 2
    assert "وثيقة هوية" in page.locator("[data-testid=documents]").inner_text()
    # The list's bullets stand at the right of its text.
    item = page.locator("[data-testid=documents] li").first.bounding_box()
    heading = page.locator("h1").bounding_box()
    assert abs((item["x"] + item["width"]) - (heading["x"] + heading["width"])) < 40
    screenshot(page, "service-ar")


def test_the_language_switch_of_a_public_page_offers_four_languages(phone, site):
    phone.goto(f"{site}/fr/directory/?need=education")
    buttons = phone.locator("button[name=language]")
    assert sorted(buttons.evaluate_all("els => els.map(e => e.value)")) == ["ar", "en", "es", "fr"]
    phone.click("button[name=language][value=es]")
    phone.wait_for_url(f"{site}/es/directory/?need=education")
    assert "Educación" in phone.locator(".need-chips [aria-current=true]").inner_text()


def test_from_spanish_the_switch_leads_to_arabic(phone, site):
    phone.goto(f"{site}/es/directory/?need=education")
    phone.click("button[name=language][value=ar]")
    phone.wait_for_url(f"{site}/ar/directory/?need=education", timeout=5000)
    assert phone.get_attribute("html", "dir") == "rtl"
