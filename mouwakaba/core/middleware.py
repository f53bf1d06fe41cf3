from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.translation import get_language

View = Callable[..., HttpResponse]


def public_page(view: View) -> View:
    """Mark a view as public: it is offered in every language, Spanish included."""
    view.public_page = True  # type: ignore[attr-defined]
    return view


class InternalLanguagesMiddleware:
    """Staff pages exist in the internal languages only: a staff page asked for in a
    public-only language (Spanish) is sent to the same page in the default language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: View, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        public = bool(getattr(view, "public_page", False))
        request.is_public_page = public  # type: ignore[attr-defined]
        language = get_language()
        prefixed = request.path_info.startswith(f"/{language}/")
        if public or not prefixed or language in settings.INTERNAL_LANGUAGES:
            return None
        return HttpResponseRedirect(translate_url(request.get_full_path(), settings.LANGUAGE_CODE))
