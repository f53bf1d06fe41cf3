"""Fail when a message of the code has no Arabic or French translation, or a fuzzy one.

The catalogues are refreshed from the code in a scratch copy, so the check sees strings
added since the last ``make messages`` without touching the files in the repository.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

CHECKED = ("ar", "fr")
IGNORED = [".venv", "var", "e2e", "bench", "node_modules"]


class Command(BaseCommand):
    help = "Check that every message has an Arabic and a French translation (none fuzzy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--languages", nargs="+", default=list(CHECKED))

    def handle(self, *args: Any, languages: list[str], **options: Any) -> None:
        source = Path(settings.LOCALE_PATHS[0])
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as scratch:
            locale = Path(scratch) / "locale"
            shutil.copytree(source, locale) if source.exists() else locale.mkdir()
            # makemessages writes each source file's messages to the locale directory
            # beside it, and always counts ./locale: run it from the scratch directory,
            # which reaches the code through a link, so that the repository's catalogues
            # are left as they are.
            code = Path(settings.BASE_DIR) / "mouwakaba"
            (Path(scratch) / code.name).symlink_to(code, target_is_directory=True)
            with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(scratch):
                call_command(
                    "makemessages",
                    locale=languages,
                    ignore_patterns=IGNORED,
                    no_obsolete=True,
                    symlinks=True,
                    verbosity=0,
                )
            for language in languages:
                po = locale / language / "LC_MESSAGES" / "django.po"
                for option, what in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
                    for msgid in _msgids(po, option):
                        problems.append(f"{language}: {what}: {msgid}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} message(s) lack a translation: run `make messages`, "
                "translate them in locale/ar and locale/fr, and run this again."
            )
        self.stdout.write(f"Translations complete for {', '.join(languages)}.")


def _msgids(po: Path, option: str) -> list[str]:
    """Message ids that msgattrib selects with ``option`` (the header excepted)."""
    output = subprocess.run(  # noqa: S603 - fixed arguments, a file we wrote
        ["msgattrib", option, "--no-obsolete", "--no-wrap", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ids = []
    for line in output.splitlines():
        if line.startswith("msgid ") and line != 'msgid ""':
            ids.append(line[len("msgid ") :].strip('"'))
    return ids
