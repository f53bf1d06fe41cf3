"""Optimistic concurrency for records that several people edit.

Each editable record carries a ``version``. A save names the version it started from; if
someone saved in between, :class:`StaleVersion` says who, when and which fields they
changed (read from the audit trail, which records field names, never values), and the
caller keeps the user's input so that nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .models import AuditAction, AuditEvent


@dataclass
class StaleVersion(Exception):
    current_version: int
    changed_by: str
    changed_at: datetime | None
    fields: list[str] = field(default_factory=list)

    def message(self, labels: dict[str, str] | None = None) -> str:
        labels = labels or {}
        names = ", ".join(str(labels.get(name, name)) for name in self.fields) or "—"
        return _(
            "Changed by %(user)s at %(time)s since you opened it (%(fields)s). Your input "
            "is kept below: check it against the current values and save again."
        ) % {
            "user": self.changed_by or "?",
            "time": self.changed_at.strftime("%Y-%m-%d %H:%M") if self.changed_at else "?",
            "fields": names,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": self.message(),
            "current_version": self.current_version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "changed_fields": self.fields,
        }


def check_version(obj: models.Model, expected: int | None) -> None:
    """Raise :class:`StaleVersion` if ``obj`` (freshly read, locked) moved past ``expected``."""
    current = int(getattr(obj, "version", 0))
    if expected is None or int(expected) == current:
        return
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=AuditAction.UPDATE,
        details__version__gt=int(expected),
    ).order_by("at", "id")
    fields: list[str] = []
    last: AuditEvent | None = None
    for event in events:
        last = event
        for name in event.details.get("fields", []):
            if name not in fields:
                fields.append(name)
    raise StaleVersion(
        current_version=current,
        changed_by=last.actor_username if last else "",
        changed_at=last.at if last else None,
        fields=fields,
    )
