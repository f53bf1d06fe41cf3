"""Export the whole directory as one HSDS 3.0 JSON document."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from tqdm import tqdm

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.hsds import export, importer
from mouwakaba.directory.models import Service

PROGRESS_FROM = 50


class Command(BaseCommand):
    help = (
        "Write the directory (taxonomies, organisations with their locations, fully nested "
        "services) as an HSDS 3.0 JSON file, validated against the HSDS schemas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write; '-' for standard output.")
        parser.add_argument(
            "--language",
            choices=["ar", "fr", "en"],
            default="fr",
            help="The language of the plain texts (all three are in 'translations').",
        )

    def handle(self, *args: Any, file: Path, language: str, **options: Any) -> None:
        show = int(options.get("verbosity", 1)) > 0 and str(file) != "-"
        total = Service.objects.count()

        def progress(items: Any) -> Any:
            return tqdm(
                items,
                total=total,
                desc="services",
                unit="service",
                file=sys.stderr,
                disable=not show or total < PROGRESS_FROM,
            )

        with translation.override(language):
            document = export.dataset(progress=progress)
        problems = importer.problems(document)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("The export does not conform to HSDS 3.0: nothing was written.")
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if str(file) == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                file.write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {file}: {error}") from error
        counts = {key: len(document[key]) for key in importer.SECTIONS}
        audit.record(
            action=AuditAction.EXPORT,
            object_type="directory.export",
            object_id=file.name[:64] if str(file) != "-" else "stdout",
            actor_username="export_hsds",
            details=counts,
        )
        if str(file) != "-":
            self.stdout.write(
                ", ".join(f"{count} {key}" for key, count in counts.items()) + f" written to {file}"
            )
