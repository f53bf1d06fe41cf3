"""Splink (DuckDB) on the same synthetic registry, for bench/matching_quality.py.

Configured as a fair practitioner would, without knowledge of Arabic script or Maghrebi
spellings: names cleaned (case, accents, punctuation), the Latin name used when a record
has one and the Arabic one otherwise; blocking rules on given name + birth year, family
name + birth year, both names, and phone; Jaro-Winkler levels on each name, birth date
(exact date, same year, a year apart), sex, nationality, phone and document number exact;
the prior from deterministic rules, u by random sampling, m by expectation maximisation
on two blocking passes. Splink is a benchmark-only extra (``pip install 'splink>=4,<5'``).

Run in its own process (``run_in_subprocess``) so that its time and peak memory are its own.
"""

from __future__ import annotations

import csv
import logging
import multiprocessing
import re
import resource
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mouwakaba.people.matching import PersonRecord

COLUMNS = (
    "unique_id",
    "given_name",
    "family_name",
    "birth_date",
    "birth_year",
    "sex",
    "nationality",
    "phone",
    "document",
)


def available() -> bool:
    try:
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^\w]+", " ", text).strip()


def _phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("212"):
        digits = "0" + digits[3:]
    return digits


def write_csv(records: Sequence[PersonRecord], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, r in enumerate(records):
            writer.writerow(
                (
                    index,
                    _clean(r.given_name_lat or r.given_name_ar),
                    _clean(r.family_name_lat or r.family_name_ar),
                    r.birth_date.isoformat() if r.birth_date else "",
                    r.year_of_birth if r.year_of_birth is not None else "",
                    r.sex,
                    r.nationality,
                    _phone(r.phone),
                    r.document_numbers[0].upper() if r.document_numbers else "",
                )
            )


def _run(csv_path: str, out_path: str, floor: float) -> dict[str, Any]:
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.disable(logging.INFO)  # Splink narrates every training step
    start = time.perf_counter()
    con = duckdb.connect()
    table = con.read_csv(csv_path, header=True, all_varchar=True).df()
    for column in COLUMNS[1:]:
        table[column] = table[column].replace("", None)
    table["birth_year"] = table["birth_year"].astype("Int64")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "birth_year"),
            block_on("family_name", "birth_year"),
            block_on("given_name", "family_name"),
            block_on("phone"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.95, 0.88, 0.8]),
            cl.JaroWinklerAtThresholds("family_name", [0.95, 0.88, 0.8]),
            cl.CustomComparison(
                output_column_name="birth",
                comparison_levels=[
                    cll.NullLevel("birth_year"),
                    cll.ExactMatchLevel("birth_date"),
                    cll.ExactMatchLevel("birth_year"),
                    cll.AbsoluteDifferenceLevel("birth_year", 1),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("document"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(table, settings, db_api=DuckDBAPI(connection=con))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date"), block_on("document")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=floor)
    # Our own temporary paths and Splink's own table name: nothing from outside.
    con.sql(
        "copy (select unique_id_l, unique_id_r, match_probability "  # noqa: S608
        f"from {predictions.physical_name}) to '{out_path}' (format csv, header false)"
    )
    end = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": end - start, "train_seconds": trained - start, "peak_mb": peak}


def run_in_subprocess(
    records: Sequence[PersonRecord], workdir: Path, floor: float
) -> tuple[dict[str, Any], list[tuple[int, int, float]]]:
    """Run Splink on ``records`` in a fresh process; its stats and the scored pairs
    (i < j, match probability ≥ ``floor``)."""
    csv_path, out_path = workdir / "splink_input.csv", workdir / "splink_pairs.csv"
    write_csv(records, csv_path)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        stats = pool.apply(_run, (str(csv_path), str(out_path), floor))
    scored: list[tuple[int, int, float]] = []
    with out_path.open(encoding="utf-8") as handle:
        for line in handle:
            left, right, probability = line.rstrip("\n").split(",")
            i, j = int(left), int(right)
            scored.append((min(i, j), max(i, j), float(probability)))
    return stats, scored
