"""Login, logout and password change in three languages, throttled and audited."""

import pytest

from mouwakaba.accounts.tests.factories import PASSWORD
from mouwakaba.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "title"), [("ar", "تسجيل الدخول"), ("fr", "Connexion"), ("en", "Log in")]
)
def test_the_login_page_speaks_the_language_of_its_url(client, lang, title):
    response = client.get(f"/{lang}/accounts/login/")
    assert response.status_code == 200
    assert title in response.content.decode()


def test_a_good_login_opens_the_home_page_and_is_audited(client, personas):
    response = client.post("/fr/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).latest("at")
    assert event.actor == personas.agent_a
    assert event.ip_address == "127.0.0.1"


def test_a_wrong_password_is_explained_in_french_and_audited(client, personas):
    response = client.post("/fr/accounts/login/", {"username": "agent_a", "password": "nope"})
    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("at")
    assert event.actor is None
    assert event.actor_username == "agent_a"
    assert "nope" not in str(event.details)


def test_after_five_failures_even_the_right_password_waits(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/ar/accounts/login/", {"username": "agent_a", "password": "wrong"})
    response = client.post("/ar/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "محاولات كثيرة" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_one_account_do_not_lock_another(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/fr/accounts/login/", {"username": "agent_a", "password": "wrong"})
    response = client.post("/fr/accounts/login/", {"username": "agent_b", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_a_post_and_is_audited(client, personas):
    client.force_login(personas.agent_a)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=personas.agent_a).exists()
    assert client.get("/en/").status_code == 302


def test_password_change_works_and_is_audited(client, personas):
    client.force_login(personas.agent_a)
    new = "a new long pass phrase 2026"
    response = client.post(
        "/fr/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    personas.agent_a.refresh_from_db()
    assert personas.agent_a.check_password(new)
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_CHANGE, actor=personas.agent_a
    ).exists()


def test_a_wrong_old_password_changes_nothing(client, personas):
    client.force_login(personas.agent_a)
    response = client.post(
        "/fr/accounts/password/",
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 200
    personas.agent_a.refresh_from_db()
    assert personas.agent_a.check_password(PASSWORD)
