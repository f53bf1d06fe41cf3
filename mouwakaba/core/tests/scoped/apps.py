from django.apps import AppConfig


class ScopedTestConfig(AppConfig):
    """Installed only under test (settings.TESTING): stands for personal data."""

    name = "mouwakaba.core.tests.scoped"
    label = "scoped"
