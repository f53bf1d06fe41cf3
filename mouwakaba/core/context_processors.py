from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def languages(request: HttpRequest) -> dict[str, list[str]]:
    """The languages offered by the language switch: all of them on public pages, the
    staff's languages elsewhere."""
    public = bool(getattr(request, "is_public_page", False))
    codes = [code for code, _name in settings.LANGUAGES]
    return {"switch_languages": codes if public else list(settings.INTERNAL_LANGUAGES)}
