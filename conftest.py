"""Shared test setup: the reference data of the deployment, and the personas every app's
tests use — an agent of cell A, a colleague in A, an agent of cell B who must see nothing
of A, coordinators, a focal point, an auditor, an administrator."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The deployment's reference data (territories, cells, the service directory), loaded
    once from the real data files by the real command."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised outside a request come in English, the source language; a request
    still speaks the language of its URL or Accept-Language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def personas(db):
    from mouwakaba.accounts.tests.factories import make_personas

    return make_personas()
