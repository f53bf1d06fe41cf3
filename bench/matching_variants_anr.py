"""Derive data/matching/name_variants_anr.csv from the arabic-name-romanizer index.

    .venv/bin/pip install arabic-name-romanizer==0.2.0   # MIT; only for this script
    .venv/bin/python bench/matching_variants_anr.py           # check the file is current
    .venv/bin/python bench/matching_variants_anr.py --write   # regenerate it
    .venv/bin/python bench/matching_variants_anr.py --skeletons  # the figure in names.py

arabic-name-romanizer (https://github.com/unicef/arabic_name_romanizer, MIT) ships an
index of attested Arabic → Latin spellings of name parts, with the country of the person
and how often each was seen (Wikidata, CC0, and the Algerian DziriNames benchmark, MIT).
The matcher does not depend on the package; it reads this compact file derived from it.

Kept: name parts of people from Arabic-speaking countries (the Persian-script rows are
left out), spellings seen at least ``MIN_COUNT`` times that make at least
``MIN_SHARE`` of their Arabic name's attestations in the Maghreb or in the other
countries, and whose skeleton is not far from the
Arabic one (``MIN_SKELETON_SIMILARITY``: "France" is attested for «يوسف» in the index,
by a misalignment, and must not make the two one name). One group per Arabic name (its
canonical form); the Arabic spelling belongs to it too. Output is sorted, so the file
changes only when the index or these rules do.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import sqlite3
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

from rapidfuzz.distance import Indel

from mouwakaba.people.matching.names import coarse, join_skeletons, skeleton, tokenize
from mouwakaba.people.matching.variants import DATA_DIR, variant_key

OUTPUT = DATA_DIR / "name_variants_anr.csv"
PACKAGE_VERSION = "0.2.0"
PERSIAN_SCRIPT_COUNTRIES = ("AF", "IR", "PK")
MAGHREB = ("DZ", "MA", "TN", "MR")
MIN_COUNT = 2
MIN_SHARE = 0.02
MIN_GROUP_COUNT = 3
MIN_SKELETON_SIMILARITY = 0.5


def index_path(*, required: bool = True) -> Path | None:
    try:
        import arabic_name_romanizer
    except ImportError:
        message = (
            "arabic-name-romanizer is not installed: "
            f".venv/bin/pip install arabic-name-romanizer=={PACKAGE_VERSION}"
        )
        if required:
            sys.exit(message)
        print(f"{OUTPUT.name} not checked: {message}")
        return None
    version = getattr(arabic_name_romanizer, "__version__", "")
    if version != PACKAGE_VERSION:
        sys.exit(f"arabic-name-romanizer {version} found, {PACKAGE_VERSION} expected")
    return Path(str(resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"))


def derive(path: Path) -> list[tuple[str, str, int]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT arabic_key, latin, country, SUM(count) FROM units "
        "WHERE country NOT IN (?, ?, ?) GROUP BY arabic_key, latin, country",
        PERSIAN_SCRIPT_COUNTRIES,
    ).fetchall()
    connection.close()

    # Arabic spellings that fold to one canonical form are one name. Counts are kept by
    # region: Maghrebi spellings ("M'hamed", "Lahcen") are rare among all the world's
    # Muhammads and Hassans, and would not pass a share computed over all countries.
    spellings: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    arabic_forms: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for arabic, latin, country, count in rows:
        group = variant_key(arabic)
        if not group or not latin.strip():
            continue
        region = "maghreb" if country in MAGHREB else "other"
        spellings[group][region][latin.strip()] += int(count)
        arabic_forms[group][arabic] += int(count)

    kept: list[tuple[str, str, int]] = []
    for group in sorted(spellings):
        arabic = max(sorted(arabic_forms[group]), key=lambda form: arabic_forms[group][form])
        arabic_skeleton = coarse(skeleton(arabic))
        # Spellings that are one canonical form ("Abdelkader", "Abd El-Kader") are one
        # row, shown in their commonest written form.
        counts: dict[str, int] = defaultdict(int)
        shown: dict[str, tuple[int, str]] = {}
        for region in sorted(spellings[group]):
            latin_counts = spellings[group][region]
            total = sum(latin_counts.values())
            if total < MIN_GROUP_COUNT:
                continue
            for latin, count in sorted(latin_counts.items()):
                if count < MIN_COUNT or count / total < MIN_SHARE:
                    continue
                similarity = Indel.normalized_similarity(arabic_skeleton, coarse(skeleton(latin)))
                key = variant_key(latin)
                if similarity < MIN_SKELETON_SIMILARITY or not key:
                    continue
                counts[key] += count
                if key not in shown or count > shown[key][0]:
                    shown[key] = (count, latin)
        if not counts:
            continue
        kept.append((group, arabic, sum(arabic_forms[group].values())))
        kept.extend((group, shown[key][1], counts[key]) for key in sorted(counts))
    return kept


def measure_skeletons(path: Path) -> None:
    """How often the skeletons of an attested Arabic spelling and its Latin spelling meet
    (Maghreb rows, weighted by count): the figure quoted in names.py."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT arabic_key, latin, SUM(count) FROM units "
        "WHERE country IN (?, ?, ?, ?) GROUP BY arabic_key, latin",
        MAGHREB,
    ).fetchall()
    connection.close()

    def readings(text: str) -> set[str]:
        tokens = tokenize(text)
        combos = itertools.islice(itertools.product(*(t.skeletons for t in tokens)), 8)
        return {join_skeletons(combo) for combo in combos}

    total = fine = rough = 0
    for arabic, latin, count in rows:
        a, b = readings(arabic), readings(latin)
        total += count
        fine += count * bool(a & b)
        rough += count * bool({coarse(x) for x in a} & {coarse(x) for x in b})
    print(
        f"{len(rows)} attested spellings ({total} attestations): skeletons meet for "
        f"{fine / total:.1%}, coarse skeletons for {rough / total:.1%}"
    )


def render(rows: list[tuple[str, str, int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["group", "spelling", "count"])
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUTPUT}")
    parser.add_argument("--skeletons", action="store_true", help="measure how often skeletons meet")
    args = parser.parse_args()
    path = index_path(required=args.write or args.skeletons)
    if path is None:
        return  # a plain check (as `make bench` runs it) without the package: skipped
    if args.skeletons:
        measure_skeletons(path)
        return
    text = render(derive(path))
    groups = len({line.split(",", 1)[0] for line in text.splitlines()[1:]})
    rows = len(text.splitlines()) - 1
    if args.write:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"{OUTPUT}: {rows} spellings in {groups} groups, {len(text.encode()) // 1024} KB")
    elif OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text:
        print(f"{OUTPUT} is up to date ({rows} spellings in {groups} groups)")
    else:
        print(f"{OUTPUT} differs from what the index gives; run with --write")


if __name__ == "__main__":
    main()
