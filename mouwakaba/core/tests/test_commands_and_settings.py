"""Demo data, and production settings that refuse to run unsafe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from mouwakaba.accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "admin": ("administrator", None),
    "coordinator": ("regional_coordinator", "MA-02"),
    "coord_nador": ("provincial_coordinator", "MA-NAD"),
    "head_oujda": ("cell_head", "commune-oujda"),
    "agent_oujda": ("cell_agent", "commune-oujda"),
    "agent_nador": ("cell_agent", "mre-nador"),
    "head_nador": ("cell_head", "mre-nador"),
    "agent_figuig": ("cell_agent", "commune-bouarfa"),
    "focal_health": ("focal_point", None),
    "auditor": ("auditor", None),
}


def test_demo_creates_the_accounts_of_the_design_once(capsys):
    call_command("load_demo")
    for username, (role, anchor) in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert user.check_password("mouwakaba-demo")
        assert user.role == role
        membership = user.membership
        if anchor:
            assert anchor in (
                getattr(membership.cell, "code", None),
                getattr(membership.territory, "code", None),
            )
    hashes = dict(User.objects.values_list("username", "password"))
    call_command("load_demo")
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "0 demo accounts created, 10 already there" in capsys.readouterr().out


def test_demo_is_refused_outside_development(settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "MOUWAKABA_TESTING"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "MOUWAKABA_ENV": "production",
    "SECRET_KEY": "k" * 20 + "not-a-real-secret-but-long-enough-for-the-check-0123456789",
    "ALLOWED_HOSTS": "mouwakaba.example.org",
    "DATABASE_URL": "sqlite:////tmp/mouwakaba-deploy-check.sqlite3",
}


def test_production_settings_pass_the_deployment_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    environment = {k: v for k, v in os.environ.items() if k not in (missing, "MOUWAKABA_TESTING")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert missing in result.stderr
