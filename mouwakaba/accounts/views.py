from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from mouwakaba.core import audit
from mouwakaba.core.middleware import public_page
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.territories.models import Cell

from .forms import LOCKED_OUT, LoginForm
from .models import Membership, Role, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            action=AuditAction.PASSWORD_CHANGE, actor=self.request.user, request=self.request
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Answer instead of the login once too many attempts failed (django-axes)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(LOCKED_OUT)}, status=429)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, where you work, and what you can do from here."""
    user = cast(User, request.user)  # login_required: a real user
    membership = user.membership
    context: dict[str, Any] = {"membership": membership}
    if membership is not None and membership.cell is not None:
        context["colleagues"] = (
            User.objects.filter(
                is_active=True,
                memberships__in=Membership.objects.current().filter(cell=membership.cell),
            )
            .exclude(pk=user.pk)
            .order_by("last_name", "first_name")
        )
    elif membership is not None and membership.territory is not None:
        context["cells"] = (
            Cell.objects.active()
            .within(membership.territory)
            .select_related("cell_type", "territory")
        )
    # Cells, provinces and the region follow their figures on the indicators dashboard.
    context["has_dashboard"] = user.has_role(
        Role.CELL_AGENT, Role.CELL_HEAD, Role.PROVINCIAL_COORDINATOR, Role.REGIONAL_COORDINATOR
    )
    if user.can_read_audit:
        since = timezone.now() - timedelta(days=1)
        recent = AuditEvent.objects.filter(at__gte=since)
        context["failed_logins_today"] = recent.filter(action=AuditAction.LOGIN_FAILED).count()
        context["events_today"] = recent.count()
    return render(request, "accounts/home.html", context)


@public_page
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Show the same page in another language, and remember the choice for e-mails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        isinstance(user, User)
        and language in settings.INTERNAL_LANGUAGES
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
        audit.record(
            action=AuditAction.UPDATE, actor=user, target=user, details={"fields": ["language"]}
        )
    return response
