from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mouwakaba.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Django's authentication signals are the one hook shared by every way in (pages,
        # admin, API token); the audit trail listens to them there.
        from . import audit_hooks  # noqa: F401
