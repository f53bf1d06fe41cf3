"""Working days in Morocco: weekends and the public holidays of data/calendar/ skipped."""

from datetime import date

from mouwakaba.referrals.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_are_skipped():
    friday = date(2026, 1, 23)
    assert add_working_days(friday, 1) == date(2026, 1, 26)  # Monday
    assert add_working_days(friday, 5) == date(2026, 1, 30)


def test_fixed_holidays_are_skipped():
    # 1 May 2026 is a Friday: sent Thursday 30 April, one working day → Monday 4 May.
    assert not is_working_day(date(2026, 5, 1))
    assert add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 4)


def test_the_amazigh_new_year_counts_from_2024_only():
    assert not is_working_day(date(2025, 1, 14))
    assert is_working_day(date(2021, 1, 14))


def test_islamic_holidays_come_from_the_data():
    assert not is_working_day(date(2025, 3, 31))  # Eid al-Fitr 1446
    assert not is_working_day(date(2025, 6, 27))  # 1 Muharram 1447, a Friday
    # Sent Thursday 26 June 2025: Friday is a holiday, so five working days end on 4 July.
    assert add_working_days(date(2025, 6, 26), 5) == date(2025, 7, 4)


def test_working_days_between_counts_after_the_start():
    assert working_days_between(date(2026, 1, 23), date(2026, 1, 26)) == 1
    assert working_days_between(date(2026, 1, 26), date(2026, 1, 23)) == 0
