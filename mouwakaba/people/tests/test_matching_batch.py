"""The batch check in arrays finds the very pairs, with the very scores, that the engine
gives one pair at a time: ``candidate_pairs`` and ``Matcher.score``."""

from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mouwakaba.people.matching import Matcher, PersonRecord, RegistryStats, default_matcher
from mouwakaba.people.matching.batch import score_registry
from mouwakaba.people.tests.factories import bench_module, record_strategy


def fresh_matcher():
    """A matcher with empty caches, so that neither side reads what the other computed."""
    engine = default_matcher()
    return Matcher(model=engine.model, variants=engine.variants)


def one_pair_at_a_time(records, stats=None):
    matcher = fresh_matcher()
    prepared = [matcher.prepare(record) for record in records]
    if stats is None:
        counts = Counter(key for record in prepared for key in matcher.frequency_keys(record))
        stats = RegistryStats(size=len(prepared), counts=counts)
    pairs = list(matcher.candidate_pairs(prepared))
    return pairs, [matcher.score(prepared[i], prepared[j], stats) for i, j in pairs]


def assert_same(found, pairs, scores):
    assert list(zip(found.i.tolist(), found.j.tolist(), strict=True)) == pairs
    assert found.score.tolist() == pytest.approx(scores, rel=1e-12, abs=1e-15)


@pytest.fixture(scope="module")
def registry():
    return bench_module("matching_data").generate(6000, seed=11).records


@pytest.fixture(scope="module")
def expected(registry):
    return one_pair_at_a_time(registry)


def test_a_generated_registry_gives_the_engines_pairs_and_scores(registry, expected):
    pairs, scores = expected
    assert len(pairs) > 4000  # enough pairs that every branch is taken
    found = score_registry(registry, matcher=fresh_matcher())
    assert_same(found, pairs, scores)


def test_forked_processes_give_the_same_result(registry, expected):
    # Small blocks: the columns are built in two processes and merged, the blocks
    # scored in two processes.
    found = score_registry(registry, matcher=fresh_matcher(), jobs=2, chunk=700)
    assert_same(found, *expected)


def test_only_pairs_scoring_the_floor_are_kept(registry, expected):
    pairs, scores = expected
    found = score_registry(registry, matcher=fresh_matcher(), min_score=0.2, chunk=2500)
    kept = [(pair, score) for pair, score in zip(pairs, scores, strict=True) if score >= 0.2]
    assert 0 < len(found) < len(pairs)
    assert_same(found, [pair for pair, _ in kept], [score for _, score in kept])


def test_given_stats_are_used_instead_of_counting(registry):
    stats = RegistryStats(size=1_000_000, counts={"gn:mhmd": 40_000, "fn:lwi": 9_000})
    found = score_registry(registry[:1500], matcher=fresh_matcher(), stats=stats)
    assert_same(found, *one_pair_at_a_time(registry[:1500], stats))


def test_progress_is_reported_up_to_every_record(registry):
    seen = []
    score_registry(
        registry[:2000], matcher=fresh_matcher(), chunk=600, progress=lambda *a: seen.append(a)
    )
    assert seen == [
        ("read", 600, 2000),
        ("read", 1200, 2000),
        ("read", 1800, 2000),
        ("read", 2000, 2000),
        ("compare", 600, 2000),
        ("compare", 1200, 2000),
        ("compare", 1800, 2000),
        ("compare", 2000, 2000),
    ]


def test_no_records_no_pairs():
    found = score_registry([], matcher=fresh_matcher())
    assert len(found) == 0
    assert found.score.dtype == np.float64


# Records built to take every branch: both scripts, articles, swapped names, every kind
# of birth date, documents one character apart, shared and missing phones.
GIVEN = ["محمد", "Mohamed", "M'hamed", "حسن", "الحسن", "Hassan", "Fatima Zahra", "فاطمة", "Aya", ""]
FAMILY = ["بن علي", "Benali", "El Idrissi", "Idrissi", "الإدريسي", "Diallo", "Alaoui", ""]
names = st.sampled_from(GIVEN + FAMILY)
records = record_strategy(
    names,
    birth_dates=st.none()
    | st.sampled_from([date(1990, 3, 4), date(1990, 4, 3), date(1990, 3, 5), date(1991, 3, 4)])
    | st.dates(min_value=date(1988, 1, 1), max_value=date(1992, 12, 31)),
    birth_years=st.none() | st.integers(min_value=1984, max_value=1996),
    nationalities=["MA", "DZ", "SN", ""],
    documents=["AB123456", "AB123457", "ab 123 456", "CD998877", "X99"],
)


@settings(max_examples=60, deadline=None)
@given(st.lists(records, min_size=2, max_size=40))
def test_any_records_give_the_engines_pairs_and_scores(batch):
    found = score_registry(batch, matcher=fresh_matcher(), chunk=7)
    assert_same(found, *one_pair_at_a_time(batch))


def test_a_score_does_not_depend_on_what_was_compared_before():
    # «حسن» and «الحسن» are one word, but only the second may read "Lhassan": the
    # comparisons remembered for one were once served for the other.
    someone = PersonRecord(given_name_ar="حسن", family_name_lat="Lhassani", birth_year=1990)
    other = PersonRecord(given_name_lat="Lhassan", family_name_ar="الحساني", birth_year=1990)
    with_article = PersonRecord(given_name_ar="الحسن", family_name_lat="Lhassani", birth_year=1990)
    alone = fresh_matcher().score(someone, other)
    matcher = fresh_matcher()
    matcher.score(with_article, other)
    assert matcher.score(someone, other) == alone
