"""The daily check of referrals (run it from cron, e.g. ``15 7 * * * manage.py
remind_referrals``): referrals past their answer delay expire (and their agent is told),
the focal points of referrals due today or on the next working day are reminded.

Idempotent: a referral expires once, a reminder goes out at most once a day, so running
it twice, or after a missed day, does no harm."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.referrals import actions, notifications
from mouwakaba.referrals.models import Referral, ReferralStatus
from mouwakaba.referrals.workdays import add_working_days


class Command(BaseCommand):
    help = "Expire referrals past their answer delay and remind focal points of those due soon."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Run as if today were this date (YYYY-MM-DD); for catching up or testing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given = options.get("date")
        try:
            today = date.fromisoformat(given) if given else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD, not {given!r}") from error
        expired = self._expire(today)
        reminded = self._remind(today)
        audit.record(
            action=AuditAction.UPDATE,
            object_type="referrals.referral",
            actor_username="remind_referrals",
            details={"expired": expired, "reminded": reminded, "on": today.isoformat()},
        )
        self.stdout.write(
            self.style.SUCCESS(f"{today}: {expired} referral(s) expired, {reminded} reminded.")
        )

    def _expire(self, today: date) -> int:
        late = Referral.objects.filter(status=ReferralStatus.SENT, due_on__lt=today)
        total = late.count()
        self.stdout.write(f"Referrals past their delay: {total}")
        done = 0
        for index, referral in enumerate(late.order_by("due_on", "pk").iterator(), start=1):
            try:
                actions.expire(referral=referral, on=today)
            except actions.IllegalTransition:
                continue  # answered a moment ago: nothing to expire
            done += 1
            if index % 100 == 0:
                self.stdout.write(f"  expired {index}/{total}")
        return done

    def _remind(self, today: date) -> int:
        horizon = add_working_days(today, 1)
        soon = (
            Referral.objects.filter(
                status=ReferralStatus.SENT, due_on__gte=today, due_on__lte=horizon
            )
            .exclude(last_reminded_on=today)
            .select_related("service__organization", "cell", "created_by")
        )
        total = soon.count()
        self.stdout.write(f"Referrals due by {horizon}: {total} to remind")
        done = 0
        for index, referral in enumerate(soon.order_by("due_on", "pk").iterator(), start=1):
            if not actions.mark_reminded(referral=referral, on=today):
                continue
            notifications.reminder(referral, due_today=referral.due_on == today)
            done += 1
            if index % 100 == 0:
                self.stdout.write(f"  reminded {index}/{total}")
        return done
