"""Create the demo data: the demo accounts now, and persons, cases and referrals at any
volume as the apps that hold them add their ``demo`` module. Deterministic for a seed.
Refused outside development: demo accounts share one published password."""

from __future__ import annotations

import random
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create demo accounts (and, as apps provide it, demo persons and cases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons",
            type=int,
            default=0,
            help="How many demo persons to create (apps permitting).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: same seed, same data."
        )

    def handle(self, *args: Any, persons: int, seed: int, **options: Any) -> None:
        if settings.ENVIRONMENT != "development":
            raise CommandError(
                "Demo data is for development only (MOUWAKABA_ENV is "
                f"{settings.ENVIRONMENT!r}): it creates accounts with a published password."
            )
        if persons < 0:
            raise CommandError("--persons must be zero or more.")
        builders = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            builders.append((config.label, module))
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        for label, module in builders:
            summary = module.build(persons=persons, rng=rng, stdout=self.stdout)
            self.stdout.write(f"{label}: {summary}")
        if persons and not any(hasattr(m, "BUILDS_PERSONS") for _, m in builders):
            self.stderr.write("No installed app creates demo persons yet; only accounts were made.")
