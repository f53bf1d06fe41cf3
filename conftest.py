"""Shared test setup: the reference data of the deployment, and the personas every app's
tests use — an agent of cell A, a colleague in A, an agent of cell B who must see nothing
of A, coordinators, a focal point, an auditor, an administrator."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The region's territories and cells, loaded once from the real data files."""
    from django.conf import settings

    from mouwakaba.territories import reference

    with django_db_blocker.unblock():
        reference.load(settings.DATA_DIR)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def personas(db):
    from mouwakaba.accounts.tests.factories import make_personas

    return make_personas()
