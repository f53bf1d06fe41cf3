"""Queue the likely duplicates of the registry for review (run it from cron, nightly).

Incremental: each run looks again only at the files created or changed since the last
run; ``--full`` looks at every file (after a change of thresholds or of the engine).
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
        with tqdm(desc="files", unit="f", disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done)

            run = run_batch(full=full, progress=progress)
        if not quiet:
            self.stdout.write(
                f"{run.checked} files checked, {run.found} new possible duplicates queued"
            )
