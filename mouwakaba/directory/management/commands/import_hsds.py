"""Import an HSDS 3.0 JSON document into the directory, all or nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.hsds import importer
from mouwakaba.directory.hsds.schemas import HSDSValidationError

# Below this many services the import is quick enough to need no progress bar.
PROGRESS_FROM = 50


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 JSON file (the export of export_hsds, or services as an HSDS "
        "API gives them). Validated against the HSDS schemas first; an invalid file "
        "imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--language",
            choices=["ar", "fr", "en"],
            default="fr",
            help="The language of texts that carry no translations (default: fr).",
        )

    def handle(self, *args: Any, file: Path, language: str, **options: Any) -> None:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"No file at {file}") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from error
        show = int(options.get("verbosity", 1)) > 0

        def progress(items: list[dict[str, Any]]) -> Any:
            return tqdm(
                items,
                desc="services",
                unit="service",
                file=sys.stderr,
                disable=not show or len(items) < PROGRESS_FROM,
            )

        try:
            with transaction.atomic():
                report = importer.import_document(document, language=language, progress=progress)
                audit.record(
                    action=AuditAction.UPDATE,
                    object_type="directory.import",
                    object_id=file.name[:64],
                    actor_username="import_hsds",
                    details=report.total(),
                )
        except HSDSValidationError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{file} does not conform to HSDS 3.0 ({len(error.problems)} problem(s)); "
                "nothing was imported."
            ) from error
        except importer.ImportProblem as error:
            raise CommandError(f"{file}: {error}; nothing was imported.") from error
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for kind, counts in report.counts.items():
            if sum(counts.values()):
                self.stdout.write(
                    f"{kind}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged"
                )
