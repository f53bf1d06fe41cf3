"""Known spellings of one name, as data: «محمد», Mohamed, Mohammed, M'hamed, Mhamed ...

A variant table maps the canonical form of a spelling (see ``names.tokenize``) to the
groups it belongs to. Two spellings that share a group are the same name, whatever their
skeletons say ("Moha" and «محمد»); two spellings that are both known but share no group
are different names even when their skeletons meet ("Mahmoud" and «محمد» are both mhmd).

The tables are CSV files under ``data/matching/`` with the columns ``group`` and
``spelling`` (more columns are allowed and ignored): ``name_variants.csv`` is written by
hand, ``name_variants_anr.csv`` is derived from the arabic-name-romanizer index by
``bench/matching_variants_anr.py`` (see ``data/matching/README.md``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from .names import tokenize

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "matching"
DEFAULT_VARIANT_FILES = ("name_variants.csv", "name_variants_anr.csv")

_NO_GROUPS: frozenset[str] = frozenset()


def variant_key(text: str) -> str:
    """The form under which a spelling is looked up: its canonical words, joined."""
    return "".join(token.text for token in tokenize(text))


class VariantTable:
    """Spellings → the name groups they belong to. Immutable once built."""

    __slots__ = ("_groups",)

    def __init__(self, groups: Mapping[str, frozenset[str]]) -> None:
        self._groups = dict(groups)

    @classmethod
    def empty(cls) -> VariantTable:
        return cls({})

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> VariantTable:
        """From (group, spelling) pairs; a spelling may belong to several groups."""
        groups: dict[str, set[str]] = {}
        for group, spelling in pairs:
            key = variant_key(spelling)
            if key and group:
                groups.setdefault(key, set()).add(group)
        return cls({key: frozenset(value) for key, value in groups.items()})

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> VariantTable:
        pairs: list[tuple[str, str]] = []
        for path in paths:
            # Group ids are namespaced by file, so that two files may use the same id
            # for different names without merging them.
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    group = (row.get("group") or "").strip()
                    spelling = (row.get("spelling") or "").strip()
                    if group and spelling:
                        pairs.append((f"{path.stem}:{group}", spelling))
        return cls.from_pairs(pairs)

    @classmethod
    def default(cls, data_dir: Path = DATA_DIR) -> VariantTable:
        return cls.from_files(
            data_dir / name for name in DEFAULT_VARIANT_FILES if (data_dir / name).exists()
        )

    def groups(self, key: str) -> frozenset[str]:
        """The groups of a canonical form (``variant_key``); empty when unknown."""
        return self._groups.get(key, _NO_GROUPS)

    def __len__(self) -> int:
        return len(self._groups)
