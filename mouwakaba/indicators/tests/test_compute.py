"""Every indicator and every split, against figures counted by hand on the small world
described in ``world.py`` (2026-Q3 unless said otherwise)."""

from __future__ import annotations

from typing import Any

import pytest

from mouwakaba.indicators import areas, compute, definitions, periods

from .world import build, referrals_ready

Q3 = periods.parse("2026-Q3")


@pytest.fixture
def world(personas):
    return build(personas)


def figures(
    user: Any, code: str, by: str = "", territory: str = "MA-02", period: str = "2026-Q3"
) -> Any:
    indicator = definitions.get(code)
    assert indicator is not None
    rows = compute.compute(
        indicator,
        periods.parse(period),
        areas.resolve(user, territory),
        [d for d in by.split(",") if d],
    )
    if not by:
        return rows[0].value
    dims = by.split(",")
    return {
        (row.keys[dims[0]] if len(dims) == 1 else tuple(row.keys[d] for d in dims)): row.value
        for row in rows
    }


def test_cases_opened_in_total_and_by_every_split(personas, world):
    user = personas.regional
    assert figures(user, "cases_opened") == 5  # c1 c2 c3 c4 c7
    assert figures(user, "cases_opened", "sex") == {"F": 3, "M": 2}
    assert figures(user, "cases_opened", "age_group") == {
        "0-17": 1,
        "18-24": 1,
        "25-59": 2,
        "60+": 1,
    }
    assert figures(user, "cases_opened", "population") == {"mre": 1, "returnee": 1, "foreign": 3}
    assert figures(user, "cases_opened", "legal_status") == {
        "asylum_seeker": 1,
        "refugee": 2,
        "unknown": 2,
    }
    assert figures(user, "cases_opened", "nationality") == {"CI": 1, "MA": 2, "SN": 2}
    assert figures(user, "cases_opened", "need_domain") == {
        "papers": 1,
        "health": 4,
        "education": 1,
        "employment": 1,
    }
    assert figures(user, "cases_opened", "province") == {"MA-NAD": 1, "MA-OUJ": 4}
    assert figures(user, "cases_opened", "cell") == {"commune-oujda": 4, "mre-nador": 1}
    assert figures(user, "cases_opened", "sex,province") == {
        ("F", "MA-OUJ"): 3,
        ("M", "MA-NAD"): 1,
        ("M", "MA-OUJ"): 1,
    }


def test_a_case_opened_late_on_the_last_evening_counts_in_its_local_day(personas, world):
    # c3 opened 30 September at 22:00 in Casablanca: in Q3, not in October.
    assert figures(personas.regional, "cases_opened", period="2026-09") == 2  # c3 c7
    assert figures(personas.regional, "cases_opened", period="2026-10") == 1  # c5


def test_persons_received_counts_each_person_once(personas, world):
    user = personas.regional
    assert figures(user, "persons_received") == 4  # P1 (two cases) P2 P3 P4
    assert figures(user, "persons_received", "sex") == {"F": 2, "M": 2}
    assert figures(user, "persons_received", "province") == {"MA-NAD": 1, "MA-OUJ": 3}
    assert figures(user, "persons_received", "population") == {
        "mre": 1,
        "returnee": 1,
        "foreign": 2,
    }
    assert figures(user, "persons_received", "legal_status") == {
        "asylum_seeker": 1,
        "refugee": 1,
        "unknown": 2,
    }
    assert figures(user, "persons_received", "nationality") == {"CI": 1, "MA": 2, "SN": 1}
    assert figures(user, "persons_received", "cell") == {"commune-oujda": 3, "mre-nador": 1}
    assert figures(user, "persons_received", "age_group") == {
        "0-17": 1,
        "18-24": 1,
        "25-59": 1,
        "60+": 1,
    }


def test_registrations_count_the_registering_cell(personas, world):
    user = personas.regional
    assert figures(user, "registrations") == 3  # P1 P2 P4
    assert figures(user, "registrations", "sex") == {"F": 2, "M": 1}
    assert figures(user, "registrations", "cell") == {"commune-oujda": 2, "mre-nador": 1}
    assert figures(user, "registrations", "population") == {"mre": 1, "foreign": 2}
    assert figures(user, "registrations", "nationality") == {"CI": 1, "MA": 1, "SN": 1}
    assert figures(user, "registrations", "legal_status") == {
        "asylum_seeker": 1,
        "refugee": 1,
        "unknown": 1,
    }
    assert figures(user, "registrations", "age_group") == {"0-17": 1, "18-24": 1, "25-59": 1}
    assert figures(user, "registrations", "province") == {"MA-NAD": 1, "MA-OUJ": 2}


def test_cases_closed(personas, world):
    user = personas.regional
    assert figures(user, "cases_closed") == 2  # c1 c6
    assert figures(user, "cases_closed", "sex") == {"F": 1, "M": 1}
    assert figures(user, "cases_closed", "need_domain") == {"papers": 2, "health": 1}
    # c1 (P1: foreign refugee SN, 36) and c6 (P6: returnee MA, 36), both at Oujda.
    assert figures(user, "cases_closed", "province") == {"MA-OUJ": 2}
    assert figures(user, "cases_closed", "cell") == {"commune-oujda": 2}
    assert figures(user, "cases_closed", "population") == {"returnee": 1, "foreign": 1}
    assert figures(user, "cases_closed", "legal_status") == {"refugee": 1, "unknown": 1}
    assert figures(user, "cases_closed", "nationality") == {"MA": 1, "SN": 1}
    assert figures(user, "cases_closed", "age_group") == {"25-59": 2}


def test_needs_by_domain_and_sex(personas, world):
    user = personas.regional
    assert figures(user, "needs") == 7
    assert figures(user, "needs", "need_domain") == {
        "papers": 1,
        "health": 4,
        "education": 1,
        "employment": 1,
    }
    assert figures(user, "needs", "service_type") == figures(user, "needs", "need_domain")
    assert figures(user, "needs", "sex") == {"F": 4, "M": 3}
    assert figures(user, "needs", "sex,need_domain") == {
        ("F", "papers"): 1,
        ("F", "health"): 2,
        ("F", "education"): 1,
        ("M", "health"): 2,
        ("M", "employment"): 1,
    }
    assert figures(user, "needs", "population") == {"mre": 2, "returnee": 1, "foreign": 4}
    assert figures(user, "needs", "age_group") == {"0-17": 1, "18-24": 2, "25-59": 3, "60+": 1}
    assert figures(user, "needs", "legal_status") == {
        "asylum_seeker": 1,
        "refugee": 3,
        "unknown": 3,
    }
    assert figures(user, "needs", "nationality") == {"CI": 1, "MA": 3, "SN": 3}
    assert figures(user, "needs", "province") == {"MA-NAD": 2, "MA-OUJ": 5}
    assert figures(user, "needs", "cell") == {"commune-oujda": 5, "mre-nador": 2}


def test_transfers_count_accepted_ones_at_the_cell_that_handed_over(personas, world):
    user = personas.regional
    assert figures(user, "transfers") == 1
    assert figures(user, "transfers", "province") == {"MA-NAD": 1}
    assert figures(user, "transfers", "sex") == {"M": 1}
    assert figures(user, "transfers", period="2026-10") == 1
    # c4: P4, a man of 22, MRE, Moroccan, handed over by the Nador cell.
    assert figures(user, "transfers", "cell") == {"mre-nador": 1}
    assert figures(user, "transfers", "population") == {"mre": 1}
    assert figures(user, "transfers", "age_group") == {"18-24": 1}
    assert figures(user, "transfers", "nationality") == {"MA": 1}
    assert figures(user, "transfers", "legal_status") == {"unknown": 1}


def test_open_cases_with_an_overdue_task_at_the_end_of_the_period(personas, world):
    user = personas.regional
    # 30 September: c2 (due 09-01, never done) and c7 (due 09-25, done only on 10-02);
    # c1 was closed, c4's task was done in time, c3's falls due later.
    assert figures(user, "open_cases_overdue") == 2
    assert figures(user, "open_cases_overdue", "sex") == {"F": 2}
    assert figures(user, "open_cases_overdue", "age_group") == {"0-17": 1, "25-59": 1}
    assert figures(user, "open_cases_overdue", "population") == {"foreign": 2}
    assert figures(user, "open_cases_overdue", "nationality") == {"CI": 1, "SN": 1}
    assert figures(user, "open_cases_overdue", "legal_status") == {"asylum_seeker": 1, "refugee": 1}
    assert figures(user, "open_cases_overdue", "province") == {"MA-OUJ": 2}
    assert figures(user, "open_cases_overdue", "cell") == {"commune-oujda": 2}
    # At the end of August: c1 (due 08-01, open until 09-15) and c2 (due 09-01) not yet.
    assert figures(user, "open_cases_overdue", period="2026-08") == 1


def test_a_province_sees_its_own_cells(personas, world):
    assert figures(personas.coordinator_oujda, "cases_opened", territory="MA-OUJ") == 4
    assert figures(personas.coordinator_nador, "cases_opened", "sex", territory="MA-NAD") == {
        "M": 1
    }
    assert figures(personas.agent_a, "cases_opened", territory=str(personas.cell_a.pk)) == 4


def test_an_empty_split_gives_no_rows_and_an_empty_total_gives_zero(personas, world):
    user = personas.regional
    assert figures(user, "cases_opened", period="2025") == 0
    assert figures(user, "cases_opened", "sex", period="2025") == {}


def test_an_unknown_split_is_refused(personas, world):
    indicator = definitions.get("registrations")
    assert indicator is not None
    with pytest.raises(compute.UnknownDimension):
        compute.compute(indicator, Q3, areas.resolve(personas.regional, "MA-02"), ["need_domain"])


def test_the_median_of_a_histogram():
    assert compute.median({}) is None
    assert compute.median({4: 1}) == 4.0
    assert compute.median({4: 1, 10: 1}) == 7.0
    assert compute.median({4: 1, 10: 2}) == 10.0
    assert compute.median({1: 2, 3: 1, 9: 1}) == 2.0


def test_referral_indicators(personas, world):
    if not referrals_ready():
        pytest.skip("the referrals app has no migration yet")
    user = personas.regional
    assert figures(user, "referrals_made") == 4  # r1 r2 r3 r4
    assert figures(user, "referrals_made", "sex") == {"F": 3, "M": 1}
    assert figures(user, "referrals_made", "service_type") == {"health": 3, "education": 1}
    assert figures(user, "referrals_made", "need_domain") == {"health": 3, "education": 1}
    assert figures(user, "referrals_made", "province") == {"MA-NAD": 1, "MA-OUJ": 3}
    assert figures(user, "referrals_made", "age_group") == {"0-17": 1, "18-24": 1, "25-59": 2}
    assert figures(user, "referrals_completed") == 3  # r1 r2 r5 (delivered in Q3)
    assert figures(user, "referrals_completed", "sex") == {"F": 2, "M": 1}
    assert figures(user, "referrals_completed", "sex,service_type") == {
        ("F", "health"): 1,
        ("F", "education"): 1,
        ("M", "health"): 1,
    }
    assert figures(user, "referral_completion_rate") == 50.0  # r1 r2 of r1..r4
    assert figures(user, "referral_completion_rate", "sex") == {"F": 66.7, "M": 0.0}
    assert figures(user, "median_days_to_service") == 10.0  # 10, 4, 10 days
    assert figures(user, "median_days_to_service", "sex") == {"F": 7.0, "M": 10.0}
    assert figures(user, "median_days_to_service", "service_type") == {
        "health": 10.0,
        "education": 4.0,
    }
    assert figures(user, "expired_referrals") == 1
    assert figures(user, "expired_referrals", "province") == {"MA-NAD": 1}
    assert figures(user, "expired_referrals", "sex,service_type") == {("M", "health"): 1}
    assert figures(user, "referrals_completed", "province") == {"MA-OUJ": 3}
    assert figures(user, "referrals_completed", "age_group") == {"0-17": 1, "25-59": 1, "60+": 1}
    assert figures(user, "referral_completion_rate", "service_type") == {
        "health": 33.3,
        "education": 100.0,
    }
    assert figures(user, "median_days_to_service", "province") == {"MA-OUJ": 10.0}
    assert figures(user, "referrals_made", "cell") == {"commune-oujda": 3, "mre-nador": 1}
    assert figures(user, "referrals_made", "population") == {"mre": 1, "foreign": 3}
    assert figures(user, "referrals_made", "legal_status") == {
        "asylum_seeker": 1,
        "refugee": 2,
        "unknown": 1,
    }
    assert figures(user, "referrals_made", "nationality") == {"CI": 1, "MA": 1, "SN": 2}


def test_a_breakdown_sums_one_fine_query_into_every_split(personas, world):
    indicator = definitions.require("cases_opened")
    area = areas.resolve(personas.regional, "MA-02")
    result = compute.breakdown(
        indicator, Q3, area, ["province", "cell", "age_group", "nationality", "need_domain"]
    )
    assert result.total.value == 5
    assert {row.keys["sex"]: row.value for row in result.by_sex} == {"F": 3, "M": 2}

    def split(name):
        return {(row.keys["sex"], row.keys[name]): row.value for row in result.splits[name]}

    assert split("province") == {("F", "MA-OUJ"): 3, ("M", "MA-NAD"): 1, ("M", "MA-OUJ"): 1}
    assert split("cell") == {
        ("F", "commune-oujda"): 3,
        ("M", "mre-nador"): 1,
        ("M", "commune-oujda"): 1,
    }
    assert split("age_group") == {
        ("F", "0-17"): 1,
        ("F", "25-59"): 2,
        ("M", "18-24"): 1,
        ("M", "60+"): 1,
    }
    assert split("nationality") == {("F", "CI"): 1, ("F", "SN"): 2, ("M", "MA"): 2}
    # c1 has two needs (health, papers) but counts once in each domain.
    assert split("need_domain") == {
        ("F", "papers"): 1,
        ("F", "health"): 2,
        ("F", "education"): 1,
        ("M", "health"): 2,
        ("M", "employment"): 1,
    }


def test_a_breakdown_of_persons_counts_each_person_once(personas, world):
    indicator = definitions.require("persons_received")
    area = areas.resolve(personas.regional, "MA-02")
    result = compute.breakdown(indicator, Q3, area, ["province", "population"])
    assert result.total.value == 4  # P1 twice at Oujda, once here
    population = {
        (row.keys["sex"], row.keys["population"]): row.value for row in result.splits["population"]
    }
    assert population == {("F", "foreign"): 2, ("M", "mre"): 1, ("M", "returnee"): 1}
    province = {
        (row.keys["sex"], row.keys["province"]): row.value for row in result.splits["province"]
    }
    assert province == {("F", "MA-OUJ"): 2, ("M", "MA-NAD"): 1, ("M", "MA-OUJ"): 1}


def test_a_breakdown_of_rates_and_medians_sums_their_parts(personas, world):
    if not referrals_ready():
        pytest.skip("the referrals app has no migration yet")
    area = areas.resolve(personas.regional, "MA-02")
    rate = compute.breakdown(
        definitions.require("referral_completion_rate"), Q3, area, ["province"]
    )
    assert rate.total.value == 50.0
    # Oujda: r1 r2 completed, r4 not (2 of 3); Nador: r3 expired (0 of 1).
    by_province = {
        row.keys["province"]: row.value
        for row in compute.fold(rate.splits["province"], ["province"], "rate")
    }
    assert by_province == {"MA-NAD": 0.0, "MA-OUJ": 66.7}
    days = compute.breakdown(definitions.require("median_days_to_service"), Q3, area, ["province"])
    assert days.total.value == 10.0
    assert {row.keys["sex"]: row.value for row in days.by_sex} == {"F": 7.0, "M": 10.0}
