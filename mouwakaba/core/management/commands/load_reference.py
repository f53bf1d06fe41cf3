"""Load every app's reference data (territories, cells, later services and rules) from the
versioned files under ``data/``. Idempotent: run it after every deployment."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Load reference data (territories, cells, ...) from the versioned data files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=settings.DATA_DIR)

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        if not data_dir.is_dir():
            raise CommandError(f"No data folder at {data_dir}")
        # Each app that has reference data says so with a ``reference`` module whose
        # ``load(data_dir)`` returns counts per file; apps load in INSTALLED_APPS order,
        # which follows the dependency order of DESIGN.md.
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.reference")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.reference":
                    raise
                continue
            try:
                report = module.load(data_dir)
            except ValueError as error:
                raise CommandError(f"{config.label}: {error}") from error
            for filename, counts in report.items():
                if options["verbosity"] == 0:
                    continue
                self.stdout.write(
                    f"{filename}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged"
                )
