"""Errors that business operations raise, shared by every app."""

from typing import Any

from django.core.exceptions import ValidationError


class NotAllowed(PermissionError):
    """The user's role or scope does not allow this operation (HTTP 403 in the API)."""


class Conflict(ValidationError):
    """The record is no longer in a state that allows this operation — someone else acted
    first (HTTP 409 in the API; on pages, an error message like any refusal)."""

    def as_dict(self) -> dict[str, Any]:
        return {"detail": self.messages[0]}
