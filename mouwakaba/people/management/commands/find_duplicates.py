"""Queue the likely duplicates of the registry for review (run it from cron, nightly).

Incremental: each run looks again only at the files created or changed since the last
run; ``--full`` looks at every file (after a change of thresholds), comparing the whole
registry with itself in memory (measured on PostgreSQL with a million files, two cores:
under 4 minutes and 3 GB from start to end; ``MATCHING_JOBS`` processes). After a change
of the engine's blocking keys (``BLOCKING_VERSION``), the first run recomputes every stored
key, in one transaction, and checks every file: about 15 minutes for a million files (21
million keys; 14 min 20 s measured, before the 44 s of VACUUM ANALYZE that now follow the
keys), 2.8 GB.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from mouwakaba.people.duplicates import run_batch

# What each stage of a run counts (see ``run_batch``).
STAGES = {
    "keys": "match keys filed",
    "read": "files read",
    "compare": "files compared",
    "save": "pairs queued",
    "files": "files looked up",
}


class Command(BaseCommand):
    help = "Find possible duplicate persons across the registry and queue them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="Check every file, not only the changed ones."
        )

    def handle(self, *args: Any, full: bool, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(desc=STAGES[stage], unit="f", disable=quiet)
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            run = run_batch(full=full, progress=progress)
        finally:
            for bar in bars.values():
                bar.close()
        if not quiet:
            self.stdout.write(
                f"{run.checked} files checked, {run.found} new possible duplicates queued"
            )
