"""Referrals: the promise a cell makes to a person that a provider of the directory will
see them for one of their needs — and its history, from the draft to the outcome.

A referral is seen by the cell that made it (and that cell's coordinators) and, once it is
sent, by the focal points of the provider organisation it is addressed to
(``Referral.objects.visible_to(user)``, core's one door). Every change of state goes
through :mod:`mouwakaba.referrals.actions` and leaves a :class:`ReferralEvent`.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mouwakaba.cases.models import Case, Need
from mouwakaba.core.scope import ScopedQuerySet
from mouwakaba.directory.models import Organization, Service, ServiceAtLocation
from mouwakaba.territories.models import Cell

# No 0/O, 1/I/L, U: a code read out over the phone or typed from a crumpled slip.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def normalize_code(value: str) -> str:
    """«k7m4 pq2x», «K7M4-PQ2X» → «K7M4-PQ2X»; "" when it cannot be a code."""
    raw = _NOT_CODE.sub("", value.upper())
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return ""
    return f"{raw[:4]}-{raw[4:]}"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent, waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    COMPLETED = "completed", _("service delivered")
    NOT_DELIVERED = "not_delivered", _("not delivered")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired without an answer")


# Where each state may go; anything else is refused (actions.IllegalTransition).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.DRAFT: frozenset({ReferralStatus.SENT, ReferralStatus.CANCELLED}),
    ReferralStatus.SENT: frozenset(
        {
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
            ReferralStatus.CANCELLED,
            ReferralStatus.EXPIRED,
        }
    ),
    ReferralStatus.ACCEPTED: frozenset(
        {ReferralStatus.COMPLETED, ReferralStatus.NOT_DELIVERED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.NOT_DELIVERED: frozenset(),
    ReferralStatus.CANCELLED: frozenset(),
    ReferralStatus.EXPIRED: frozenset(),
}
OPEN_STATUSES = (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
CLOSED_STATUSES = tuple(s for s in ReferralStatus if s not in OPEN_STATUSES)
# How long an expired referral stays on the cell's "past their delay" list.
EXPIRED_SHOWN_DAYS = 30


class EligibilityStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    TO_VERIFY = "to_verify", _("to verify")


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    scope_every_row_has_a_cell = True  # through its case, which always has a cell
    # The cell that holds the case now: after a transfer, the referrals follow the case.
    scope_cell_lookups = ("case__cell_id",)
    # ``addressed_to`` is written when the referral is sent: a provider's focal points
    # never see a draft (law: nothing is shared before the person agreed and the cell sent).
    scope_organization_lookups = ("addressed_to_id",)

    def waiting(self) -> ReferralQuerySet:
        """Sent, no answer yet."""
        return self.filter(status=ReferralStatus.SENT)

    def past_delay(self, on: date | None = None) -> ReferralQuerySet:
        """Unanswered past the service's delay: still waiting (the daily command has not
        run yet) or marked expired in the last days."""
        on = on or timezone.localdate()
        recent = timezone.now() - timedelta(days=EXPIRED_SHOWN_DAYS)
        return self.filter(
            Q(status=ReferralStatus.SENT, due_on__lt=on)
            | Q(status=ReferralStatus.EXPIRED, closed_at__gte=recent)
        )

    def for_lists(self) -> ReferralQuerySet:
        return self.select_related(
            "case__person",
            "need",
            "service__organization",
            "service_at_location__location__commune",
            "cell",
        )


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("referral code"), max_length=12, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    cell = models.ForeignKey(
        Cell, verbose_name=_("referring cell"), on_delete=models.PROTECT, related_name="referrals"
    )
    addressed_to = models.ForeignKey(
        Organization,
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    due_on = models.DateField(
        _("answer due on"),
        null=True,
        blank=True,
        help_text=_("The date sent plus the service's answer delay, in working days."),
    )
    delivered_on = models.DateField(_("service delivered on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    eligibility_status = models.CharField(
        _("eligibility"), max_length=16, choices=EligibilityStatus.choices, blank=True
    )
    # The decision of the rules as it stood when the referral was made (rule version,
    # reasons, missing information): the record of why the cell referred.
    eligibility = models.JSONField(_("eligibility decision"), default=dict, blank=True)
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_("Why you refer a person the rules say is not eligible."),
    )
    share_vulnerabilities = models.BooleanField(
        _("share the vulnerabilities with the provider"),
        default=False,
        help_text=_(
            "Tick only if the provider needs them to serve the person, and the person agrees."
        ),
    )
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["cell", "status", "-created_at"], name="referral_cell_status"),
            models.Index(
                fields=["addressed_to", "status", "-created_at"], name="referral_provider_status"
            ),
            models.Index(fields=["status", "due_on"], name="referral_status_due"),
            models.Index(fields=["sent_at"], name="referral_sent_at"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_past_delay(self) -> bool:
        return (
            self.status == ReferralStatus.SENT
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    @property
    def reasons(self) -> list[dict[str, Any]]:
        """The reasons of the stored eligibility decision, for display."""
        found = self.eligibility.get("reasons") if isinstance(self.eligibility, dict) else None
        return [r for r in found or [] if isinstance(r, dict)]


class ReferralEvent(models.Model):
    """One change of state of a referral: from, to, when, by whom (nobody for the daily
    command), and the reason or outcome given."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_at")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"
