"""Write operations on referrals: the only way a referral is made or changes state.

Each transition runs in a transaction that locks the referral's row (``select_for_update``)
and checks, under the lock, that the move is allowed from the state the row is in *now*.
Two people acting at once — a focal point accepting while the agent cancels — are thus
served one after the other: the first wins, the second finds the new state and is refused
with :class:`IllegalTransition` (409 in the API), and the history holds one event.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mouwakaba.accounts.models import Role, User
from mouwakaba.cases.actions import meet_need_by_referral
from mouwakaba.cases.models import ACTIVE_STATUSES, Case, Need, NeedStatus
from mouwakaba.core import audit
from mouwakaba.core.errors import Conflict, NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.models import Service, ServiceAtLocation
from mouwakaba.eligibility.decisions import decide
from mouwakaba.people.models import ConsentKind, Person
from mouwakaba.territories.models import Territory

from . import notifications
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    EligibilityStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from .workdays import add_working_days

DEFAULT_ANSWER_DELAY = 5


class IllegalTransition(Conflict):
    """The referral is not (or no longer) in a state that allows this move."""

    def __init__(self, message: str, *, current_status: str) -> None:
        super().__init__(message, code="illegal_transition")
        self.current_status = current_status

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "status": self.current_status}


# --- Helpers -----------------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def check_cell_member(user: User, cell_id: int) -> None:
    """Refers and cancels: an agent or head of the cell that holds the case."""
    membership = user.membership
    if (
        not user.is_active
        or membership is None
        or membership.role not in (Role.CELL_AGENT, Role.CELL_HEAD)
        or membership.cell_id != cell_id
    ):
        raise NotAllowed(_("Only the cell that holds this case can refer or cancel."))


def _focal_point(user: User, referral: Referral) -> None:
    membership = user.membership
    if (
        not user.is_active
        or membership is None
        or membership.role != Role.FOCAL_POINT
        or referral.addressed_to_id is None
        or membership.organization != referral.addressed_to_id
    ):
        raise NotAllowed(
            _("Only a focal point of the organisation the referral is addressed to can answer it.")
        )


_REFUSALS = {
    ReferralStatus.SENT: gettext_lazy("Only a draft can be sent; this referral is “%(status)s”."),
    ReferralStatus.ACCEPTED: gettext_lazy(
        "Only a referral waiting for an answer can be accepted; this one is “%(status)s”."
    ),
    ReferralStatus.DECLINED: gettext_lazy(
        "Only a referral waiting for an answer can be declined; this one is “%(status)s”."
    ),
    ReferralStatus.COMPLETED: gettext_lazy(
        "Only an accepted referral can be marked as delivered; this one is “%(status)s”."
    ),
    ReferralStatus.NOT_DELIVERED: gettext_lazy(
        "Only an accepted referral can be marked as not delivered; this one is “%(status)s”."
    ),
    ReferralStatus.CANCELLED: gettext_lazy(
        "This referral is “%(status)s”: it can no longer be cancelled."
    ),
    ReferralStatus.EXPIRED: gettext_lazy(
        "Only a referral waiting for an answer can expire; this one is “%(status)s”."
    ),
}


def _last_change(referral: Referral) -> str:
    last = referral.events.select_related("actor").order_by("-at", "-id").first()
    if last is None or last.to_status != referral.status:
        return ""
    who = (
        (last.actor.get_full_name() or last.actor.username) if last.actor else _("the daily check")
    )
    return " " + _("Last change: %(when)s, by %(who)s.") % {
        "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M"),
        "who": who,
    }


def _refuse(referral: Referral, to: str) -> IllegalTransition:
    # _REFUSALS holds lazy strings evaluated here, in the language of the request.
    message = str(_REFUSALS[ReferralStatus(to)]) % {"status": referral.get_status_display()}
    return IllegalTransition(message + _last_change(referral), current_status=referral.status)


def _changed(referral: Referral) -> IllegalTransition:
    message = _(
        "This referral changed since you opened it: it is now “%(status)s”. Nothing was "
        "done: look at it again before acting."
    ) % {"status": referral.get_status_display()}
    return IllegalTransition(message + _last_change(referral), current_status=referral.status)


def _lock(referral: Referral, to: str, expected_version: int | None) -> Referral:
    """The referral's row, locked until the transaction ends, if it may move to ``to``."""
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__person", "need", "service__organization", "cell")
        .get(pk=referral.pk)
    )
    if not locked.can_move_to(to):
        raise _refuse(locked, to)
    # The caller acted on the version they saw: if someone moved the referral since (an
    # accepted referral may still be cancelled, say), theirs is not the move they meant.
    if expected_version is not None and int(expected_version) != locked.version:
        raise _changed(locked)
    return locked


def _move(
    referral: Referral,
    *,
    to: str,
    by: User | None,
    note: str = "",
    fields: list[str] | None = None,
) -> ReferralEvent:
    """Record the move of a locked referral: status, version, event, audit."""
    event = ReferralEvent.objects.create(
        referral=referral, from_status=referral.status, to_status=to, actor=by, note=note
    )
    previous = referral.status
    referral.status = to
    referral.version += 1
    referral.save()
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        actor_username="" if by else "remind_referrals",
        target=referral,
        details={
            "fields": ["status", *(fields or [])],
            "version": referral.version,
            "from": previous,
            "to": to,
        },
    )
    return event


def nearest_location(service: Service, commune: Territory | None) -> ServiceAtLocation | None:
    """Where the person should go for ``service``: a location in their commune, else in
    their province, else any (by commune and name, so the same one every time)."""
    links = list(
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location__commune")
        .order_by("location__commune__path", "location__name_fr", "pk")
    )
    if not links:
        return None
    if commune is not None:
        for link in links:
            if link.location.commune_id == commune.pk:
                return link
        for link in links:
            location_commune = link.location.commune
            if location_commune is not None and location_commune.parent_id == commune.parent_id:
                return link
    return links[0]


def has_sharing_consent(person: Person) -> bool:
    latest = person.consents.filter(kind=ConsentKind.SHARING).order_by("-recorded_at").first()
    return latest is not None and latest.withdrawn_at is None


# --- Making a referral ---------------------------------------------------------------------


@transaction.atomic
def create_referral(
    *,
    case: Case,
    need: Need,
    by: User,
    service: Service | None = None,
    service_at_location: ServiceAtLocation | None = None,
    justification: str = "",
    share_vulnerabilities: bool = False,
) -> Referral:
    """A draft referral of ``need`` to a service at a location. The eligibility decision
    of the rules is computed now and stored with it; referring a person the rules say is
    not eligible needs a written justification (recorded in the audit trail)."""
    check_cell_member(by, case.cell_id)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person__commune")
        .get(pk=case.pk)
    )
    if case.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This case is closed: reopen it first."))
    if need.case_id != case.pk:
        raise ValidationError({"need": _("This need is not part of the case.")})
    if need.status not in (NeedStatus.OPEN, NeedStatus.IN_PROGRESS):
        raise ValidationError({"need": _("This need is already met, not met or cancelled.")})
    if service_at_location is not None:
        if service is not None and service_at_location.service_id != service.pk:
            raise ValidationError(
                {"service_at_location": _("This place does not provide the chosen service.")}
            )
        service = service_at_location.service
    if service is None:
        raise ValidationError({"service": _("Choose the service to refer to.")})
    if not service.is_listed:
        raise ValidationError({"service": _("This service is not active in the directory.")})
    if not Service.objects.for_domain(need.domain).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("This service does not answer this kind of need.")})
    if service_at_location is None:
        service_at_location = nearest_location(service, case.person.commune)
        if service_at_location is None:
            raise ValidationError(
                {"service": _("The directory gives no place where this service is provided.")}
            )
    if Referral.objects.filter(
        need=need,
        service=service,
        status__in=[ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    ).exists():
        raise ValidationError(
            {"service": _("This need already has an open referral to this service.")}
        )
    decision = decide(case.person, service)
    justification = justification.strip()
    if decision.status == EligibilityStatus.NOT_ELIGIBLE and not justification:
        raise ValidationError(
            {
                "justification": _(
                    "The rules say this person is not eligible for this service: write why "
                    "you refer them all the same."
                )
            }
        )
    referral = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    code=new_code(),
                    case=case,
                    need=need,
                    service=service,
                    service_at_location=service_at_location,
                    cell_id=case.cell_id,
                    created_by=by,
                    eligibility_status=decision.status,
                    eligibility=decision.as_record(),
                    justification=justification,
                    share_vulnerabilities=share_vulnerabilities,
                )
            break
        except IntegrityError:  # a code drawn twice: draw again
            continue
    if referral is None:
        raise RuntimeError("could not draw a unique referral code")
    ReferralEvent.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.DRAFT, actor=by
    )
    details: dict[str, Any] = {
        "version": 1,
        "case": str(case.pk),
        "service": str(service.pk),
        "eligibility": decision.status,
        "rule_version": str(decision.rule_version_id or ""),
    }
    if decision.status == EligibilityStatus.NOT_ELIGIBLE:
        # Overriding the rules is a decision someone answers for.
        details["eligibility_override"] = True
    audit.record(action=AuditAction.CREATE, actor=by, target=referral, details=details)
    return referral


# --- Transitions -----------------------------------------------------------------------------


@transaction.atomic
def send(*, referral: Referral, by: User, expected_version: int | None = None) -> Referral:
    """The cell sends the referral to the provider: due in the service's answer delay, in
    working days. Refused without the person's consent to sharing with providers."""
    check_cell_member(by, referral.cell_id)
    referral = _lock(referral, ReferralStatus.SENT, expected_version)
    person = referral.case.person
    if not has_sharing_consent(person):
        raise ValidationError(
            _(
                "The person has not agreed to share their data with service providers (or "
                "withdrew their consent): record their consent on their file before sending."
            ),
            code="no_consent",
        )
    if referral.case.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This case is closed: reopen it first."))
    now = timezone.now()
    referral.sent_at = now
    referral.due_on = add_working_days(
        timezone.localdate(now), referral.service.answer_delay_days or DEFAULT_ANSWER_DELAY
    )
    referral.addressed_to_id = referral.service.organization_id
    _move(referral, to=ReferralStatus.SENT, by=by, fields=["sent_at", "due_on"])
    notifications.on_commit_new_referral(referral)
    return referral


@transaction.atomic
def accept(*, referral: Referral, by: User, expected_version: int | None = None) -> Referral:
    _focal_point(by, referral)
    referral = _lock(referral, ReferralStatus.ACCEPTED, expected_version)
    referral.answered_at = timezone.now()
    event = _move(referral, to=ReferralStatus.ACCEPTED, by=by, fields=["answered_at"])
    notifications.on_commit_answer(referral, event)
    return referral


@transaction.atomic
def decline(
    *, referral: Referral, by: User, reason: str, expected_version: int | None = None
) -> Referral:
    _focal_point(by, referral)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    referral = _lock(referral, ReferralStatus.DECLINED, expected_version)
    referral.answered_at = referral.closed_at = timezone.now()
    referral.reason = reason
    event = _move(
        referral,
        to=ReferralStatus.DECLINED,
        by=by,
        note=reason,
        fields=["answered_at", "closed_at", "reason"],
    )
    notifications.on_commit_answer(referral, event)
    return referral


@transaction.atomic
def complete(
    *,
    referral: Referral,
    by: User,
    delivered_on: date,
    outcome: str,
    expected_version: int | None = None,
) -> Referral:
    """The service was delivered: the need it answered is met."""
    _focal_point(by, referral)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say what was done for the person.")})
    referral = _lock(referral, ReferralStatus.COMPLETED, expected_version)
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("This date cannot be in the future.")})
    if referral.sent_at is not None and delivered_on < timezone.localdate(referral.sent_at):
        raise ValidationError(
            {
                "delivered_on": _(
                    "The service cannot be delivered before %(date)s, when it was sent."
                )
                % {"date": date_format(timezone.localdate(referral.sent_at), "SHORT_DATE_FORMAT")}
            }
        )
    referral.closed_at = timezone.now()
    referral.delivered_on = delivered_on
    referral.outcome = outcome
    event = _move(
        referral,
        to=ReferralStatus.COMPLETED,
        by=by,
        note=outcome,
        fields=["closed_at", "delivered_on", "outcome"],
    )
    meet_need_by_referral(need=referral.need, by=by, referral_code=referral.code)
    notifications.on_commit_answer(referral, event)
    return referral


@transaction.atomic
def not_delivered(
    *, referral: Referral, by: User, reason: str, expected_version: int | None = None
) -> Referral:
    _focal_point(by, referral)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the service was not delivered.")})
    referral = _lock(referral, ReferralStatus.NOT_DELIVERED, expected_version)
    referral.closed_at = timezone.now()
    referral.reason = reason
    event = _move(
        referral,
        to=ReferralStatus.NOT_DELIVERED,
        by=by,
        note=reason,
        fields=["closed_at", "reason"],
    )
    notifications.on_commit_answer(referral, event)
    return referral


@transaction.atomic
def cancel(
    *, referral: Referral, by: User, reason: str = "", expected_version: int | None = None
) -> Referral:
    """The cell withdraws the referral (the person found another way, moved away...)."""
    check_cell_member(by, referral.cell_id)
    referral = _lock(referral, ReferralStatus.CANCELLED, expected_version)
    referral.closed_at = timezone.now()
    referral.reason = reason.strip()
    _move(
        referral,
        to=ReferralStatus.CANCELLED,
        by=by,
        note=reason.strip(),
        fields=["closed_at", "reason"],
    )
    return referral


@transaction.atomic
def expire(*, referral: Referral, on: date | None = None) -> Referral:
    """The daily command: a referral sent and not answered past its delay expires."""
    referral = _lock(referral, ReferralStatus.EXPIRED, None)
    on = on or timezone.localdate()
    if referral.due_on is None or referral.due_on >= on:
        raise ValidationError(_("This referral is not past its delay."))
    referral.closed_at = timezone.now()
    _move(referral, to=ReferralStatus.EXPIRED, by=None, fields=["closed_at"])
    notifications.on_commit_expired(referral)
    return referral


@transaction.atomic
def mark_reminded(*, referral: Referral, on: date) -> bool:
    """Record that today's reminder went out; False if it already had (run twice a day)."""
    updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SENT).exclude(
        last_reminded_on=on
    )
    return bool(updated.update(last_reminded_on=on))
