"""Queue the likely duplicates of the registry for review (run it from cron, nightly).

Incremental: each run looks again only at the files created or changed since the last
run; ``--full`` looks at every file (after a change of thresholds), comparing the whole
registry with itself in memory (about 3 minutes and 3 GB for a million files on two
cores; ``MATCHING_JOBS`` processes). After a change of the engine's blocking keys
(``BLOCKING_VERSION``), the first run recomputes every stored key and checks every file.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from mouwakaba.people.duplicates import run_batch


class Command(BaseCommand):
    help = "Find possible duplicate persons across the registry and queue them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="Check every file, not only the changed ones."
        )

    def handle(self, *args: Any, full: bool, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        with (
            tqdm(desc="match keys", unit="f", disable=quiet, leave=False) as keys_bar,
            tqdm(desc="files", unit="f", disable=quiet) as bar,
        ):

            def rekey_progress(done: int, total: int) -> None:
                keys_bar.total = total
                keys_bar.update(done)

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done)

            run = run_batch(full=full, progress=progress, rekey_progress=rekey_progress)
        if not quiet:
            self.stdout.write(
                f"{run.checked} files checked, {run.found} new possible duplicates queued"
            )
