"""Token authentication, /me, and what the API says of scope bounds."""

import pytest
from rest_framework.test import APIClient

from mouwakaba.accounts.tests.factories import HEALTH_ORG, PASSWORD
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_token_is_given_for_good_credentials_and_works(api, personas):
    response = api.post(
        "/api/v1/auth/token/", {"username": "agent_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "agent_a"
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor=personas.agent_a, details__via="api"
    ).exists()


def test_bad_credentials_get_a_translated_error(api, personas):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "agent_a", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "ne correspondent pas" in response.json()["detail"]
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor_username="agent_a"
    ).exists()


def test_missing_fields_are_named(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_the_token_endpoint_is_throttled_too(api, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "agent_a", "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "agent_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "token" not in response.json()


def test_me_requires_authentication(api):
    assert api.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("persona", "role", "bound"),
    [
        ("agent_a", "cell_agent", "cell"),
        ("head_a", "cell_head", "cell"),
        ("coordinator_nador", "provincial_coordinator", "territory"),
        ("regional", "regional_coordinator", "territory"),
        ("focal_point", "focal_point", "organization"),
        ("auditor", "auditor", None),
        ("administrator", "administrator", None),
    ],
)
def test_me_tells_the_role_and_the_one_bound_that_applies(api, personas, persona, role, bound):
    user = getattr(personas, persona)
    api.force_authenticate(user)
    body = api.get("/api/v1/me/").json()
    assert body["username"] == user.username
    assert body["role"] == role
    for key in ("cell", "territory", "organization"):
        assert (body[key] is not None) == (key == bound), key
    if bound == "cell":
        assert body["cell"] == personas.cell_a.pk
    if bound == "organization":
        assert body["organization"] == str(HEALTH_ORG)
    if persona == "coordinator_nador":
        assert body["territory"] == Territory.objects.get(code="MA-NAD").pk


def test_me_for_an_account_without_role(api, personas):
    api.force_authenticate(personas.no_role)
    body = api.get("/api/v1/me/").json()
    assert body["role"] is None
    assert body["cell"] is body["territory"] is body["organization"] is None


def test_the_schema_describes_the_api(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/me/", "/api/v1/auth/token/", "/api/v1/territories/", "/api/v1/cells/"):
        assert path in paths
