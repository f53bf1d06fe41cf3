"""The referral pages: the form on the case page, the referral form with eligibility,
the cell's list (with "past their delay"), the providers' portal with only what it needs,
look-up by code within the provider's own referrals, the slip — each read within scope,
audited, at a constant query cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import OTHER_ORG, make_user
from mouwakaba.cases import actions as case_actions
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.directory.models import ServiceAtLocation
from mouwakaba.referrals import actions
from mouwakaba.referrals.models import Referral, ReferralStatus
from mouwakaba.referrals.tests.factories import CONSULTATIONS, make_referral

pytestmark = pytest.mark.django_db


def _late(referral: Referral) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    return Referral.objects.get(pk=referral.pk)


def test_the_case_page_lists_referrals_and_offers_the_form(client, personas):
    referral = make_referral(personas.agent_a)
    client.force_login(personas.agent_a)
    page = client.get(f"/fr/cases/{referral.case_id}/").content.decode()
    assert 'data-testid="case-referrals"' in page
    assert referral.code in page
    assert 'data-testid="refer-form"' in page
    assert str(CONSULTATIONS) in page  # the hospital's consultations answer the health need


def test_the_coordinator_sees_the_referrals_of_a_case_without_the_form(client, personas):
    referral = make_referral(personas.agent_a)
    client.force_login(personas.coordinator_oujda)
    page = client.get(f"/fr/cases/{referral.case_id}/").content.decode()
    assert referral.code in page
    assert 'data-testid="refer-form"' not in page


def test_the_referral_form_shows_eligibility_and_sends(client, personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    need = case.needs.get()
    client.force_login(personas.agent_a)
    url = f"/en/referrals/new/?case={case.pk}&need={need.pk}&service={CONSULTATIONS}"
    page = client.get(url).content.decode()
    assert 'data-testid="eligibility-status"' in page
    response = client.post(
        "/en/referrals/new/",
        {
            "case": case.pk,
            "need": need.pk,
            "service": CONSULTATIONS,
            "service_at_location": ServiceAtLocation.objects.filter(service_id=CONSULTATIONS)
            .first()
            .pk,
            "send": "1",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/referrals/{referral.pk}/"
    assert referral.status == ReferralStatus.SENT


def test_the_referral_form_without_consent_keeps_nothing(client, personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")], sharing=False)
    need = case.needs.get()
    client.force_login(personas.agent_a)
    place = ServiceAtLocation.objects.filter(service_id=CONSULTATIONS).first()
    response = client.post(
        "/fr/referrals/new/",
        {
            "case": case.pk,
            "need": need.pk,
            "service": CONSULTATIONS,
            "service_at_location": place.pk,
            "send": "1",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Referral.objects.exists()


def test_the_coordinator_cannot_refer(client, personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    client.force_login(personas.coordinator_oujda)
    url = f"/fr/referrals/new/?case={case.pk}&need={case.needs.get().pk}&service={CONSULTATIONS}"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["agent_b", "coordinator_nador", "focal_point", "auditor"])
def test_the_referral_form_is_404_outside_the_case_scope(client, personas, persona):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    client.force_login(getattr(personas, persona))
    url = f"/fr/referrals/new/?case={case.pk}&need={case.needs.get().pk}&service={CONSULTATIONS}"
    assert client.get(url).status_code == 404


def test_the_cell_list_filters_referrals_past_their_delay(client, personas):
    late = _late(make_referral(personas.agent_a))
    on_time = make_referral(personas.agent_a)
    client.force_login(personas.agent_a)
    everything = client.get("/fr/referrals/").content.decode()
    assert late.code in everything and on_time.code in everything
    past = client.get("/fr/referrals/?past_delay=on").content.decode()
    assert late.code in past and on_time.code not in past
    by_code = client.get(f"/fr/referrals/?q={on_time.code.lower()}").content.decode()
    assert on_time.code in by_code and late.code not in by_code


def test_another_cell_sees_none_of_the_referrals(client, personas):
    referral = make_referral(personas.agent_a)
    client.force_login(personas.agent_b)
    assert referral.code not in client.get("/fr/referrals/").content.decode()
    assert client.get(f"/fr/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/fr/referrals/{referral.pk}/slip/").status_code == 404
    assert client.post(f"/fr/referrals/{referral.pk}/cancel/").status_code == 404


def test_the_list_costs_the_same_number_of_queries_for_more_rows(client, personas):
    make_referral(personas.agent_a)
    client.force_login(personas.agent_a)
    with CaptureQueriesContext(connection) as few:
        client.get("/fr/referrals/")
    for _ in range(4):
        make_referral(personas.agent_a)
    with CaptureQueriesContext(connection) as many:
        client.get("/fr/referrals/")
    assert len(many) == len(few)


def test_the_portal_lists_only_the_providers_sent_referrals(client, personas):
    sent = make_referral(personas.agent_a)
    draft = make_referral(personas.agent_a, send=False)
    client.force_login(personas.focal_point)
    assert client.get("/fr/referrals/").status_code == 302  # focal points use the portal
    page = client.get("/fr/referrals/portal/").content.decode()
    assert sent.code in page and draft.code not in page
    assert client.get(f"/fr/referrals/{draft.pk}/").status_code == 404
    with CaptureQueriesContext(connection) as few:
        client.get("/fr/referrals/portal/")
    for _ in range(3):
        make_referral(personas.agent_a)
    with CaptureQueriesContext(connection) as many:
        client.get("/fr/referrals/portal/")
    assert len(many) == len(few)


def test_the_focal_point_sees_only_what_serves_the_person(client, personas):
    referral = make_referral(personas.agent_a, pregnancy=True, phone="0661 23 45 67", sex="F")
    note = "Family conflict at home"
    case_actions.add_note(case=referral.case, by=personas.agent_a, text=note)
    client.force_login(personas.focal_point)
    page = client.get(f"/en/referrals/{referral.pk}/").content.decode()
    assert "Benali" in page and "0661 23 45 67" in page
    assert 'data-testid="portal-person"' in page
    assert note not in page
    assert "pregnancy" not in page  # not shared for this referral
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(referral.pk), details__portal=True
    ).exists()
    # The person's own file stays closed to the provider.
    assert client.get(f"/en/people/{referral.case.person_id}/").status_code == 404
    assert client.get(f"/en/cases/{referral.case_id}/").status_code == 404


def test_vulnerabilities_show_when_the_cell_shares_them(client, personas):
    referral = make_referral(personas.agent_a, pregnancy=True, sex="F")
    Referral.objects.filter(pk=referral.pk).update(share_vulnerabilities=True)
    client.force_login(personas.focal_point)
    assert "pregnancy" in client.get(f"/en/referrals/{referral.pk}/").content.decode()


def test_the_focal_point_answers_from_the_portal(client, personas):
    referral = make_referral(personas.agent_a)
    client.force_login(personas.focal_point)
    client.post(f"/fr/referrals/{referral.pk}/accept/", {"version": referral.version})
    response = client.post(
        f"/fr/referrals/{referral.pk}/complete/",
        {
            "version": referral.version + 1,
            "delivered_on": timezone.localdate().isoformat(),
            "outcome": "Consultation done",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.need.status == "met"


def test_a_refused_move_on_the_page_is_a_message_not_a_change(client, personas):
    referral = make_referral(personas.agent_a)
    actions.cancel(referral=referral, by=personas.agent_a)
    client.force_login(personas.focal_point)
    response = client.post(f"/fr/referrals/{referral.pk}/accept/", follow=True)
    assert response.status_code == 200
    assert "message error" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CANCELLED


def test_look_up_by_code_finds_only_the_providers_own(client, personas):
    referral = make_referral(personas.agent_a)
    other_focal = make_user(role=Role.FOCAL_POINT, organization=OTHER_ORG, username="focal_x")
    client.force_login(personas.focal_point)
    found = client.get(
        "/fr/referrals/portal/code/", {"code": referral.code.replace("-", " ").lower()}
    )
    assert found.status_code == 302 and found["Location"] == f"/fr/referrals/{referral.pk}/"
    client.force_login(other_focal)
    assert client.get("/fr/referrals/portal/code/", {"code": referral.code}).status_code == 404
    assert client.get(f"/fr/referrals/{referral.pk}/").status_code == 404
    assert client.get("/fr/referrals/portal/code/", {"code": "ZZZZ-ZZZZ"}).status_code == 404


def test_the_slip_is_bilingual_with_the_code_and_its_qr_and_is_audited(client, personas):
    referral = make_referral(personas.agent_a, phone="0661 23 45 67")
    client.force_login(personas.agent_a)
    response = client.get(f"/fr/referrals/{referral.pk}/slip/")
    page = response.content.decode()
    assert response.status_code == 200
    assert referral.code in page
    assert "<svg" in page  # the QR code, inline
    assert 'lang="ar" dir="rtl"' in page and 'lang="fr" dir="ltr"' in page
    assert "Benali" in page and "بن علي" in page
    assert "Consultations spécialisées" in page and "الاستشارات الطبية المتخصصة" in page
    assert "0661" not in page  # no other personal data
    assert "1990" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(referral.pk), details__slip=True
    ).exists()


def test_the_dashboard_tag_counts_waiting_and_late_in_scope(rf, personas):
    from django.template import Context, Template

    _late(make_referral(personas.agent_a))
    make_referral(personas.agent_a)
    request = rf.get("/fr/")
    request.user = personas.agent_a
    html = Template("{% load referrals_tags %}{% referrals_waiting %}").render(
        Context({"request": request})
    )
    assert 'data-testid="waiting-count">2<' in html
    assert 'data-testid="late-count">1<' in html
    request.user = personas.agent_b
    html = Template("{% load referrals_tags %}{% referrals_waiting %}").render(
        Context({"request": request})
    )
    assert 'data-testid="waiting-count">0<' in html
