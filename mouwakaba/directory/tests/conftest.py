"""The directory's tests run against the reference directory of the deployment
(data/directory/services.json), loaded once per session on top of the territories."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    from mouwakaba.directory import reference

    with django_db_blocker.unblock():
        reference.load(settings.DATA_DIR)


@pytest.fixture
def hospital(db):
    from mouwakaba.accounts.tests.factories import HEALTH_ORG
    from mouwakaba.directory.models import Organization

    return Organization.objects.get(pk=HEALTH_ORG)


@pytest.fixture
def emergency(hospital):
    return hospital.services.get(name_en="Emergency department")
