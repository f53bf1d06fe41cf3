"""The translation check reads the catalogues; it never rewrites them."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def test_the_check_leaves_the_repository_catalogues_as_they_are(capsys):
    catalogues = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
    before = {path: path.read_bytes() for path in catalogues}
    call_command("check_translations")
    assert "Translations complete" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in catalogues} == before
