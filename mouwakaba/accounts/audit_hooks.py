"""Logins, failed logins and logouts go to the audit trail, whichever door they use."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.dispatch import receiver
from django.http import HttpRequest

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction


@receiver(signals.user_logged_in, dispatch_uid="audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(action=AuditAction.LOGIN, actor=user, request=request, details={"via": "page"})


@receiver(signals.user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(signals.user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username tried is kept (the auditor needs it to see an attack); the password,
    # already masked by Django, is not.
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        actor_username=str(credentials.get("username", ""))[:150],
        request=request,
        details={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )
