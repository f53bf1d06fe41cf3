"""The versioned data of the matcher agree with its code."""

import csv
import json
import math

import pytest

from mouwakaba.people.matching import MatchModel, VariantTable
from mouwakaba.people.matching.comparisons import BIRTH_LEVELS, CLOSE, NAME_LEVELS
from mouwakaba.people.matching.matcher import COMPARISONS, CROSS, FAMILY_NAME, GIVEN_NAME
from mouwakaba.people.matching.model import DEFAULT_WEIGHTS_FILE, LevelWeight
from mouwakaba.people.matching.variants import DATA_DIR, DEFAULT_VARIANT_FILES

PRODUCIBLE = {
    "given_name": NAME_LEVELS,
    "family_name": NAME_LEVELS,
    "given_name" + CROSS: NAME_LEVELS[1:],
    "family_name" + CROSS: NAME_LEVELS[1:],
    "name_order": ("straight", "swapped"),
    "birth": BIRTH_LEVELS,
    "sex": ("agree", "disagree"),
    "nationality": ("agree", "disagree"),
    "phone": ("agree", "disagree"),
    "documents": ("agree", CLOSE, "disagree"),
}


def test_every_level_the_code_produces_has_a_weight():
    model = MatchModel.from_json()
    assert set(COMPARISONS) | {GIVEN_NAME + CROSS, FAMILY_NAME + CROSS} == set(PRODUCIBLE)
    for table, levels in PRODUCIBLE.items():
        for level in levels:
            mu = model.levels[table][level]
            assert 0 < mu.m <= 1 and 0 < mu.u <= 1, (table, level)
        assert model.weight(table, None) == 0


def test_weights_say_agreement_is_evidence_for_and_disagreement_against():
    model = MatchModel.from_json()
    for table in ("given_name", "family_name", "sex", "nationality", "phone", "documents"):
        assert (
            model.weight(table, "disagree")
            < 0
            < model.weight(table, "exact" if "name" in table else "agree")
        )
    assert model.weight("birth", "date_exact") > model.weight("birth", "year") > 0
    assert model.weight("birth", "disagree") < 0
    assert model.weight("name_order", "swapped") <= model.weight("name_order", "straight")


def test_the_weights_file_says_where_it_comes_from():
    data = json.loads(DEFAULT_WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert data["registry"]["generator"] == "bench/matching_data.py"
    assert 0 < data["duplicates_per_record"] < 1


def test_variant_files_are_group_spelling_tables():
    for name in DEFAULT_VARIANT_FILES:
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        assert all(row["group"] and row["spelling"] for row in rows), name
    assert len(VariantTable.default()) > 10_000


def test_the_derived_table_keeps_its_licence_notice():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "arabic-name-romanizer" in readme
    assert "MIT License" in readme
    assert "Copyright (c) 2026 UNICEF" in readme


def test_a_fitted_weight_is_the_levels_weight_and_term_frequencies_adjust_it():
    levels = {
        "exact": LevelWeight(m=0.6, u=0.01, fitted=3.0),
        "variant": LevelWeight(m=0.1, u=0.01),
    }
    model = MatchModel(duplicates_per_record=0.3, levels={"given_name": levels})
    assert model.weight("given_name", "exact") == 3.0
    assert model.weight("given_name", "variant") == pytest.approx(math.log2(10))
    agree = ("exact", "variant")  # agreeing by chance: 0.02 on average
    assert model.frequency_weight("given_name", "exact", agree, 0.02) == pytest.approx(3.0)
    assert model.frequency_weight("given_name", "exact", agree, 0.04) == pytest.approx(2.0)
    assert model.frequency_weight("given_name", "exact", agree, 0.005) == pytest.approx(5.0)
    # A value so rare that u would fall below the floor weighs no more than the floor says.
    floored = model.frequency_weight("given_name", "exact", agree, 1e-9)
    assert floored == pytest.approx(3.0 + math.log2(0.01 / model.u_floor))


def test_the_weights_file_gives_every_level_its_weight():
    data = json.loads(DEFAULT_WEIGHTS_FILE.read_text(encoding="utf-8"))
    model = MatchModel.from_json()
    for table, levels in data["comparisons"].items():
        for level, mu in levels.items():
            expected = mu["weight"] if "weight" in mu else math.log2(mu["m"] / mu["u"])
            assert model.weight(table, level) == pytest.approx(expected), (table, level)
