"""E-mails about referrals, through Django's mail framework (the console in development,
SMTP when the settings say so), each in its recipient's language (``User.language``).

They carry the referral's code, the service and a link, never the person's name or any
other personal data: an e-mail leaves the system and its one door. Sent once the
transaction that changed the referral has committed, so nothing is announced that did
not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mouwakaba.accounts.models import User

from .models import Referral, ReferralEvent

logger = logging.getLogger(__name__)


def _link(referral: Referral) -> str:
    # SITE_URL (e.g. https://mouwakaba.example.ma) makes the link absolute when set.
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("referrals:detail", args=[referral.pk])


def _send(template: str, recipients: Iterable[User], context: dict[str, Any]) -> int:
    sent = 0
    for user in recipients:
        if not user.email or not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            referral = context["referral"]
            body_context = {**context, "user": user, "link": _link(referral)}
            subject = render_to_string(f"referrals/email/{template}_subject.txt", body_context)
            body = render_to_string(f"referrals/email/{template}.txt", body_context)
        try:
            sent += send_mail(
                " ".join(subject.split()),
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except OSError:  # SMTP down: the referral stands, the next reminder will tell
            logger.exception("referral e-mail %s not sent (referral %s)", template, referral.pk)
    return sent


def focal_points_of(referral: Referral) -> list[User]:
    return list(referral.service.organization.focal_points())


def new_referral(referral: Referral) -> int:
    return _send("new_referral", focal_points_of(referral), {"referral": referral})


def answer(referral: Referral, event: ReferralEvent) -> int:
    return _send("answer", [referral.created_by], {"referral": referral, "event": event})


def expired(referral: Referral) -> int:
    return _send("expired", [referral.created_by], {"referral": referral})


def reminder(referral: Referral, *, due_today: bool) -> int:
    return _send(
        "reminder", focal_points_of(referral), {"referral": referral, "due_today": due_today}
    )


def _fresh(referral: Referral) -> Referral:
    return Referral.objects.select_related(
        "service__organization", "cell", "created_by", "service_at_location__location"
    ).get(pk=referral.pk)


def on_commit_new_referral(referral: Referral) -> None:
    transaction.on_commit(lambda: new_referral(_fresh(referral)))


def on_commit_answer(referral: Referral, event: ReferralEvent) -> None:
    transaction.on_commit(lambda: answer(_fresh(referral), event))


def on_commit_expired(referral: Referral) -> None:
    transaction.on_commit(lambda: expired(_fresh(referral)))
