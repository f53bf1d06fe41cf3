"""Writing to the audit trail. Every write operation and every read of a person's file
calls :func:`record` inside its own transaction, so that the event and the change land
together or not at all."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AuditAction, AuditEvent


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def record(
    *,
    action: AuditAction,
    actor: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event. ``details`` must hold no personal data."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if target is not None:
        object_type = object_type_of(target)
        object_id = str(target.pk)
    username = actor.get_username() if actor is not None else actor_username
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=username[:150],
        object_type=object_type,
        object_id=object_id[:64],
        ip_address=client_ip(request) if request is not None else None,
        details=details or {},
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it. Behind a proxy, set the proxy to pass
    REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips), never trust a header here."""
    address = request.META.get("REMOTE_ADDR")
    return address or None
