"""A referral from the draft to the outcome: eligibility stored, consent required to send,
the answer delay in working days, each move an event, illegal moves refused and changing
nothing, the need met when the service is delivered, e-mails in the recipient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import OTHER_ORG, make_user
from mouwakaba.cases.models import CaseEvent, NeedStatus
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.directory.models import Service
from mouwakaba.people.models import ConsentKind
from mouwakaba.referrals import actions
from mouwakaba.referrals.models import Referral, ReferralStatus
from mouwakaba.referrals.tests.factories import CNIE, CONSULTATIONS, make_referral
from mouwakaba.referrals.workdays import add_working_days

pytestmark = pytest.mark.django_db


def _moves(referral: Referral) -> list[tuple[str, str]]:
    return list(referral.events.order_by("at", "id").values_list("from_status", "to_status"))


def test_a_draft_stores_the_eligibility_decision_and_is_invisible_to_the_provider(personas):
    referral = make_referral(personas.agent_a, send=False)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.eligibility_status == "eligible"
    assert referral.eligibility["status"] == "eligible"
    assert len(referral.code) == 9 and referral.code[4] == "-"
    assert referral.service_at_location.service_id == CONSULTATIONS
    assert _moves(referral) == [("", "draft")]
    assert not Referral.objects.visible_to(personas.focal_point).exists()
    assert Referral.objects.visible_to(personas.agent_a).filter(pk=referral.pk).exists()


def test_sending_sets_the_due_date_and_tells_the_focal_point_in_their_language(
    personas, django_capture_on_commit_callbacks
):
    personas.focal_point.email = "focal@example.ma"
    personas.focal_point.language = "ar"
    personas.focal_point.save()
    referral = make_referral(personas.agent_a, send=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.send(referral=referral, by=personas.agent_a)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    delay = Service.objects.get(pk=CONSULTATIONS).answer_delay_days
    assert referral.due_on == add_working_days(timezone.localdate(referral.sent_at), delay)
    assert Referral.objects.visible_to(personas.focal_point).filter(pk=referral.pk).exists()
    [message] = mail.outbox
    assert message.to == ["focal@example.ma"]
    assert referral.code in message.subject
    assert f"/ar/referrals/{referral.pk}/" in message.body  # the recipient's language
    # No personal data leaves by e-mail.
    assert "Benali" not in message.body and "بن علي" not in message.body


def test_no_sending_without_consent_to_sharing(personas):
    referral = make_referral(personas.agent_a, send=False, sharing=False)
    with pytest.raises(ValidationError, match="not agreed to share"):
        actions.send(referral=referral, by=personas.agent_a)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.sent_at is None
    assert _moves(referral) == [("", "draft")]


def test_a_withdrawn_consent_blocks_sending(personas):
    referral = make_referral(personas.agent_a, send=False)
    consent = referral.case.person.consents.get(kind=ConsentKind.SHARING)
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = personas.agent_a
    consent.save()
    with pytest.raises(ValidationError, match="not agreed to share"):
        actions.send(referral=referral, by=personas.agent_a)


def test_not_eligible_needs_a_justification_and_the_override_is_audited(personas):
    # The national identity card is for Moroccans: a Senegalese migrant is not eligible.
    case = make_case(
        personas.agent_a,
        needs=[("papers", "identity card")],
        population="foreign",
        nationality="SN",
        legal_status="regular",
    )
    need = case.needs.get()
    service = Service.objects.get(pk=CNIE)
    with pytest.raises(ValidationError) as refused:
        actions.create_referral(case=case, need=need, by=personas.agent_a, service=service)
    assert "justification" in refused.value.message_dict
    assert not Referral.objects.exists()
    referral = actions.create_referral(
        case=case,
        need=need,
        by=personas.agent_a,
        service=service,
        justification="The consulate asked the police to see her.",
    )
    assert referral.eligibility_status == "not_eligible"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(referral.pk))
    assert event.details["eligibility_override"] is True
    assert "consulate" not in str(event.details)  # the justification stays with the referral


def test_a_service_that_does_not_answer_the_need_is_refused(personas):
    case = make_case(personas.agent_a, needs=[("papers", "identity card")])
    with pytest.raises(ValidationError, match="does not answer"):
        actions.create_referral(
            case=case,
            need=case.needs.get(),
            by=personas.agent_a,
            service=Service.objects.get(pk=CONSULTATIONS),
        )


def test_the_full_path_to_delivery_meets_the_need(personas, django_capture_on_commit_callbacks):
    personas.agent_a.email = "agent@example.ma"
    personas.agent_a.language = "fr"
    personas.agent_a.save()
    referral = make_referral(personas.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(referral=referral, by=personas.focal_point)
        actions.complete(
            referral=referral,
            by=personas.focal_point,
            delivered_on=timezone.localdate(),
            outcome="Seen by the cardiologist",
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.delivered_on == timezone.localdate()
    assert referral.closed_at is not None and referral.answered_at is not None
    assert _moves(referral) == [
        ("", "draft"),
        ("draft", "sent"),
        ("sent", "accepted"),
        ("accepted", "completed"),
    ]
    assert referral.events.get(to_status="accepted").actor == personas.focal_point
    referral.need.refresh_from_db()
    assert referral.need.status == NeedStatus.MET
    assert CaseEvent.objects.filter(case=referral.case, kind="need_changed").exists()
    # The agent hears of every answer, in French here.
    assert len(mail.outbox) == 2
    assert all(m.to == ["agent@example.ma"] for m in mail.outbox)
    assert f"/fr/referrals/{referral.pk}/" in mail.outbox[0].body


def test_decline_and_not_delivered_need_a_reason(personas):
    referral = make_referral(personas.agent_a)
    with pytest.raises(ValidationError):
        actions.decline(referral=referral, by=personas.focal_point, reason="  ")
    actions.decline(referral=referral, by=personas.focal_point, reason="No specialist now")
    referral.refresh_from_db()
    assert (referral.status, referral.reason) == ("declined", "No specialist now")

    other = make_referral(personas.agent_a)
    actions.accept(referral=other, by=personas.focal_point)
    with pytest.raises(ValidationError):
        actions.not_delivered(referral=other, by=personas.focal_point, reason="")
    actions.not_delivered(referral=other, by=personas.focal_point, reason="Did not come")
    other.refresh_from_db()
    assert other.status == ReferralStatus.NOT_DELIVERED


@pytest.mark.parametrize(
    ("operation", "status"),
    [
        ("complete", ReferralStatus.SENT),  # not accepted yet
        ("accept", ReferralStatus.DECLINED),
        ("send", ReferralStatus.SENT),
        ("cancel", ReferralStatus.COMPLETED),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(personas, operation, status):
    referral = make_referral(personas.agent_a)
    if status == ReferralStatus.DECLINED:
        actions.decline(referral=referral, by=personas.focal_point, reason="full")
    if status == ReferralStatus.COMPLETED:
        actions.accept(referral=referral, by=personas.focal_point)
        actions.complete(
            referral=referral,
            by=personas.focal_point,
            delivered_on=timezone.localdate(),
            outcome="done",
        )
    before = Referral.objects.get(pk=referral.pk)
    events = referral.events.count()
    by = personas.agent_a if operation in ("send", "cancel") else personas.focal_point
    kwargs = (
        {"delivered_on": timezone.localdate(), "outcome": "done"} if operation == "complete" else {}
    )
    with pytest.raises(actions.IllegalTransition) as refused:
        getattr(actions, operation)(referral=referral, by=by, **kwargs)
    assert refused.value.current_status == status
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert referral.events.count() == events


def test_only_the_addressed_provider_answers_and_only_the_cell_sends(personas):
    other_focal = make_user(role=Role.FOCAL_POINT, organization=OTHER_ORG, username="focal_other")
    referral = make_referral(personas.agent_a, send=False)
    with pytest.raises(NotAllowed):
        actions.send(referral=referral, by=personas.agent_b)
    actions.send(referral=referral, by=personas.agent_a)
    with pytest.raises(NotAllowed):
        actions.accept(referral=referral, by=other_focal)
    with pytest.raises(NotAllowed):
        actions.accept(referral=referral, by=personas.agent_a)
    with pytest.raises(NotAllowed):
        actions.cancel(referral=referral, by=personas.focal_point)


def test_the_delivery_date_cannot_be_in_the_future_or_before_sending(personas):
    referral = make_referral(personas.agent_a)
    actions.accept(referral=referral, by=personas.focal_point)
    for day in (timezone.localdate() + timedelta(days=1), timezone.localdate() - timedelta(days=3)):
        with pytest.raises(ValidationError):
            actions.complete(
                referral=referral, by=personas.focal_point, delivered_on=day, outcome="x"
            )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_a_move_on_a_referral_changed_since_it_was_read_is_refused(personas):
    referral = make_referral(personas.agent_a)
    seen = referral.version
    actions.accept(referral=referral, by=personas.focal_point, expected_version=seen)
    # Cancelling an accepted referral is allowed, but not by someone who saw it waiting.
    with pytest.raises(actions.IllegalTransition, match="changed since you opened it"):
        actions.cancel(referral=referral, by=personas.agent_a, expected_version=seen)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_the_cell_cancels_an_open_referral(personas):
    referral = make_referral(personas.agent_a)
    actions.cancel(referral=referral, by=personas.colleague_a, reason="Moved to Nador")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    assert referral.events.last().actor == personas.colleague_a


def test_one_open_referral_per_need_and_service(personas):
    referral = make_referral(personas.agent_a)
    with pytest.raises(ValidationError, match="already has an open referral"):
        actions.create_referral(
            case=referral.case, need=referral.need, by=personas.agent_a, service=referral.service
        )
    actions.decline(referral=referral, by=personas.focal_point, reason="full")
    again = actions.create_referral(
        case=referral.case, need=referral.need, by=personas.agent_a, service=referral.service
    )
    assert again.status == ReferralStatus.DRAFT
