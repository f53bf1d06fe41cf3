from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

LOCKED_OUT = _("Too many failed attempts. Wait a few minutes before trying again.")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "This username and password do not match. Check them and try again; "
            "after several failed attempts the account waits a few minutes."
        ),
        "inactive": _("This account is inactive. Ask your administrator."),
    }
