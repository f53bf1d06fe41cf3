"""A referral from the Oujda cell to the regional hospital, end to end: the agent refers
a health need, sees the eligibility, sends and prints the bilingual slip; the hospital's
focal point finds it by the slip's code, accepts it and records the delivery; the agent
sees it completed and the need met. Another provider's focal point gets 404. The cell's
list and its dashboard show the referrals past their delay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from e2e.conftest import PHONE, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

CONSULTATIONS = "427e0398-85fa-54f8-8417-a4f74df8db8c"  # Al Farabi hospital, Oujda


def log_out(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _case_of_agent_oujda():
    from mouwakaba.accounts.models import User
    from mouwakaba.cases.tests.factories import make_case

    agent = User.objects.get(username="agent_oujda")
    return make_case(agent, needs=[("health", "consultation"), ("papers", "residence card")])


def test_refer_print_accept_complete_and_see_it_met(page, site, browser):
    case = _case_of_agent_oujda()
    health = case.needs.get(domain="health")

    # The agent refers the health need to the hospital's consultations.
    log_in(page, site, "agent_oujda", "fr")
    page.goto(f"{site}/fr/cases/{case.pk}/")
    form = page.locator("[data-testid=refer-form]")
    form.locator("select[name=need]").select_option(str(health.pk))
    form.locator("select[name=service]").select_option(CONSULTATIONS)
    page.click("[data-testid=refer]")
    page.wait_for_url(f"{site}/fr/referrals/new/*")
    assert page.locator("[data-testid=eligibility-status]").is_visible()
    screenshot(page, "referral-form-fr")
    page.click("[data-testid=save-and-send]")
    page.wait_for_url(f"{site}/fr/referrals/*/")
    referral_url = page.url
    code = page.locator("[data-testid=referral-code]").inner_text().strip()
    assert page.locator("[data-testid=referral-status]").get_attribute("class").endswith("sent")

    # The slip: Arabic and French side by side, the code and its QR, ready to print.
    page.click("[data-testid=slip-link]")
    page.wait_for_url(f"{site}/fr/referrals/*/slip/")
    assert page.locator("[data-testid=slip-code]").inner_text().strip() == code
    assert page.locator(".qr svg").count() == 1
    assert page.locator("section.column[lang=ar][dir=rtl]").count() == 1
    assert "Consultations spécialisées" in page.inner_text("[data-testid=slip]")
    assert "الاستشارات الطبية المتخصصة" in page.inner_text("[data-testid=slip]")
    page.emulate_media(media="print")
    assert not page.locator(".toolbar").is_visible()
    screenshot(page, "referral-slip-print")
    page.emulate_media(media="screen")
    page.goto(referral_url)
    log_out(page)

    # The hospital's focal point, in Arabic on a phone, finds it by the slip's code.
    context = browser.new_context(viewport=PHONE, locale="ar-MA")
    phone = context.new_page()
    log_in(phone, site, "focal_health", "ar")
    phone.goto(f"{site}/ar/referrals/portal/")
    assert code in phone.inner_text("[data-testid=referrals]")
    phone.fill("input[name=code]", code.replace("-", "").lower())
    phone.click("[data-testid=code-form] button[type=submit]")
    phone.wait_for_url(f"{site}/ar/referrals/*/")
    person = phone.inner_text("[data-testid=portal-person]")
    assert "Benali" in person
    screenshot(phone, "portal-referral-ar-phone")
    phone.click("[data-testid=accept]")
    phone.wait_for_url(f"{site}/ar/referrals/*/")
    phone.fill("input[name=delivered_on]", timezone.localdate().isoformat())
    phone.fill("textarea[name=outcome]", "استشارة طبية منجزة")
    phone.click("[data-testid=complete]")
    phone.wait_for_url(f"{site}/ar/referrals/*/")
    assert (
        phone.locator("[data-testid=referral-status]").get_attribute("class").endswith("completed")
    )
    context.close()

    # The agent sees the referral completed and the need met.
    log_in(page, site, "agent_oujda", "fr")
    page.goto(f"{site}/fr/cases/{case.pk}/")
    status = page.locator("[data-testid=case-referrals] [data-testid=referral-status]")
    assert status.get_attribute("class").endswith("completed")
    need_row = page.locator("[data-testid=needs] tbody tr").filter(has_text="Santé")
    assert need_row.locator("select[name=status]").input_value() == "met"
    screenshot(page, "case-referral-completed-fr")


def test_another_providers_focal_point_gets_404(page, site):
    from mouwakaba.accounts.models import Role, User
    from mouwakaba.accounts.tests.factories import OTHER_ORG, PASSWORD, make_user
    from mouwakaba.directory.models import Service
    from mouwakaba.referrals import actions

    case = _case_of_agent_oujda()
    agent = User.objects.get(username="agent_oujda")
    referral = actions.create_referral(
        case=case,
        need=case.needs.get(domain="health"),
        by=agent,
        service=Service.objects.get(pk=CONSULTATIONS),
    )
    actions.send(referral=referral, by=agent)
    make_user(role=Role.FOCAL_POINT, organization=OTHER_ORG, username="focal_other")

    page.goto(f"{site}/fr/accounts/login/")
    page.fill("input[name=username]", "focal_other")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/fr/")
    response = page.goto(f"{site}/fr/referrals/{referral.pk}/")
    assert response.status == 404
    response = page.goto(f"{site}/fr/referrals/portal/code/?code={referral.code}")
    assert response.status == 404
    response = page.goto(f"{site}/fr/referrals/{referral.pk}/slip/")
    assert response.status == 404


def test_the_cell_lists_the_referrals_past_their_delay(page, site):
    from mouwakaba.accounts.models import User
    from mouwakaba.directory.models import Service
    from mouwakaba.referrals import actions
    from mouwakaba.referrals.models import Referral

    agent = User.objects.get(username="agent_oujda")
    codes = []
    for _ in range(2):
        case = _case_of_agent_oujda()
        referral = actions.create_referral(
            case=case,
            need=case.needs.get(domain="health"),
            by=agent,
            service=Service.objects.get(pk=CONSULTATIONS),
        )
        actions.send(referral=referral, by=agent)
        codes.append(referral.code)
    Referral.objects.filter(code=codes[0]).update(due_on=timezone.localdate() - timedelta(days=2))

    log_in(page, site, "agent_oujda", "ar")
    page.goto(f"{site}/ar/referrals/")
    table = page.inner_text("[data-testid=referrals]")
    assert codes[0] in table and codes[1] in table
    page.click("[data-testid=tab-past-delay]")
    page.wait_for_url(f"{site}/ar/referrals/?past_delay=on")
    table = page.inner_text("[data-testid=referrals]")
    assert codes[0] in table and codes[1] not in table
    screenshot(page, "referrals-past-delay-ar")

    # The cell's dashboard shows them too (through the referrals_waiting section).
    page.goto(f"{site}/ar/indicators/dashboard/")
    late = page.inner_text("[data-testid=late-referrals]")
    assert codes[0] in late and codes[1] not in late
    assert page.inner_text("[data-testid=late-count]").strip() == "1"
