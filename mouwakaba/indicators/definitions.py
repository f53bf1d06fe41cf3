"""Indicator definitions, read from ``data/indicators/definitions.json``: what each
indicator counts, its names in the three languages, its unit and the splits that make
sense for it. The data says *what*; ``compute.MEASURES`` says *how*."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

DEFINITIONS_FILE = Path(settings.BASE_DIR) / "data" / "indicators" / "definitions.json"


@dataclass(frozen=True)
class Indicator:
    code: str
    measure: str
    unit: str
    hxl: str
    dimensions: tuple[str, ...]
    names: dict[str, str]
    descriptions: dict[str, str]

    def _in_language(self, texts: dict[str, str], language: str | None) -> str:
        language = (language or get_language() or "en").split("-")[0]
        return texts.get(language) or texts.get("en") or self.code

    def name(self, language: str | None = None) -> str:
        return self._in_language(self.names, language)

    def description(self, language: str | None = None) -> str:
        return self._in_language(self.descriptions, language)

    @property
    def label(self) -> str:
        """The name in the active language (for templates)."""
        return self.name()

    @property
    def explanation(self) -> str:
        return self.description()

    @property
    def is_count(self) -> bool:
        return self.unit not in ("percent", "days")


@cache
def all_indicators() -> tuple[Indicator, ...]:
    entries = json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Indicator(
            code=entry["code"],
            measure=entry["measure"],
            unit=entry["unit"],
            hxl=entry["hxl"],
            dimensions=tuple(entry["dimensions"]),
            names=dict(entry["name"]),
            descriptions=dict(entry["description"]),
        )
        for entry in entries
    )


def get(code: str) -> Indicator | None:
    return next((indicator for indicator in all_indicators() if indicator.code == code), None)


def require(code: str) -> Indicator:
    """An indicator the code relies on (a KeyError means the data file lost it)."""
    indicator = get(code)
    if indicator is None:
        raise KeyError(f"indicator {code!r} is missing from {DEFINITIONS_FILE}")
    return indicator
