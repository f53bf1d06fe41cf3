from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Adds this app's API endpoints under /api/v1/."""
