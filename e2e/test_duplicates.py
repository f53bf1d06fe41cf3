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


def test_the_regional_coordinator_pages_and_filters_the_queue_on_a_phone_in_arabic(phone, site):
    """A queue of 70 pairs (60 likely, 10 possible): by likelihood, a page at a time."""
    from itertools import combinations

    from mouwakaba.accounts.models import User
    from mouwakaba.people.duplicates import ordered
    from mouwakaba.people.models import DuplicatePair
    from mouwakaba.people.tests.factories import make_person

    agent = User.objects.get(username="agent_oujda")
    families = "Alaoui Tazi Idrissi Bennani Amrani Saidi Mansouri Tahiri Naciri Hassani Berrada Fassi Slaoui"
    persons = [make_person(agent, family_name_lat=family).pk for family in families.split()]
    for k, (one, other) in enumerate(list(combinations(persons, 2))[:70]):
        first, second = ordered(one, other)
        DuplicatePair.objects.create(
            first_id=first,
            second_id=second,
            score=0.999 - k / 10_000 if k < 60 else 0.5 - k / 1000,
            level="match" if k < 60 else "possible",
        )
    log_in(phone, site, "coordinator", "ar")
    phone.goto(f"{site}/ar/people/duplicates/")
    assert phone.get_attribute("html", "dir") == "rtl"
    assert "70" in phone.inner_text("[data-testid=queue-count]")
    assert phone.locator("[data-testid=duplicate-cluster] .pair").count() == 50
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the queue scrolls sideways on a phone"
    screenshot(phone, "duplicate-queue-ar-phone")

    phone.select_option("select[name=level]", "possible")
    phone.click("[data-testid=filter]")
    phone.wait_for_url(f"{site}/ar/people/duplicates/?level=possible")
    assert "10" in phone.inner_text("[data-testid=queue-count]")
    assert phone.locator("[data-testid=duplicate-cluster] .pair").count() == 10

    phone.select_option("select[name=level]", "match")
    phone.click("[data-testid=filter]")
    phone.click("[data-testid=next-page]")
    phone.wait_for_url(f"{site}/ar/people/duplicates/?level=match&page=2")
    assert phone.locator("[data-testid=duplicate-cluster] .pair").count() == 10
