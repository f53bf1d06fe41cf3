"""Errors that business operations raise, shared by every app."""


class NotAllowed(PermissionError):
    """The user's role or scope does not allow this operation (HTTP 403 in the API)."""
