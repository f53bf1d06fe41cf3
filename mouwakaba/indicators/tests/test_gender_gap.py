"""The gender-gap view, counted by hand on the world of ``world.py`` (2026-Q3)."""

from __future__ import annotations

import pytest

from mouwakaba.indicators import areas, gender, periods

from .world import build, referrals_ready


@pytest.fixture
def world(personas):
    return build(personas)


def test_shares_and_gaps_of_needs_per_service_type_and_province(personas, world):
    rows = gender.gender_gaps(periods.parse("2026-Q3"), areas.resolve(personas.regional, "MA-02"))
    table = {(row.service_type, row.territory): row for row in rows}
    # Health needs in Q3: women c1, c7 (Oujda); men c3 (Oujda), c4 (Nador).
    health = table[("health", "all")].needs
    assert (health.women, health.men, health.women_share, health.men_share) == (2, 2, 50.0, 50.0)
    oujda = table[("health", "MA-OUJ")].needs
    assert (oujda.women, oujda.men, oujda.women_share) == (2, 1, 66.7)
    assert table[("health", "MA-NAD")].needs.gap == -100.0
    if not referrals_ready():
        assert table[("health", "MA-NAD")].gap == -100.0
        assert table[("health", "all")].gap == 0.0
    # Largest gaps first.
    gaps = [abs(row.gap) for row in rows if row.gap is not None]
    assert gaps == sorted(gaps, reverse=True)


def test_the_trend_compares_with_the_previous_period(personas, world):
    rows = gender.gender_gaps(periods.parse("2026-10"), areas.resolve(personas.regional, "MA-02"))
    table = {(row.service_type, row.territory): row for row in rows}
    # October: one housing need, a woman's (c5). September: c3 (man) and c7 (woman), health.
    assert table[("housing", "all")].gap == 100.0
    assert table[("housing", "all")].trend is None  # nothing in September to compare
    assert table[("health", "all")].gap is None
    assert table[("health", "all")].previous["needs"].gap == 0.0
    # With referrals, September's furthest stage is r4 (a woman's health referral).
    assert table[("health", "all")].previous_gap == (100.0 if referrals_ready() else 0.0)


def test_referrals_and_services_received(personas, world):
    if not referrals_ready():
        pytest.skip("the referrals app has no migration yet")
    rows = gender.gender_gaps(periods.parse("2026-Q3"), areas.resolve(personas.regional, "MA-02"))
    table = {(row.service_type, row.territory): row for row in rows}
    health = table[("health", "all")]
    # Health referrals sent in Q3: r1 (F), r3 (M), r4 (F); received: r1 (F), r5 (M).
    assert (health.referrals.women, health.referrals.men) == (2, 1)
    assert (health.services.women, health.services.men) == (1, 1)
    assert health.gap == 0.0
    education = table[("education", "all")]
    assert (education.services.women, education.services.men, education.gap) == (1, 0, 100.0)
