"""Date arithmetic of the compiled kernel against Python's calendar."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from craftpath.engines.ladder.dates import add_years
from craftpath.engines.ladder.kernel import NULL_DAY, add_years_days, civil_from_days, days_from_civil

EPOCH = dt.date(1970, 1, 1)


@given(st.dates(min_value=dt.date(1001, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_civil_round_trip(day: dt.date) -> None:
    n = (day - EPOCH).days
    assert civil_from_days(n) == (day.year, day.month, day.day)
    assert days_from_civil(day.year, day.month, day.day) == n


@given(st.dates(min_value=dt.date(1001, 1, 1), max_value=dt.date(2899, 12, 31)), st.integers(0, 99))
def test_add_years_matches_the_shared_definition(day: dt.date, years: int) -> None:
    assert add_years_days((day - EPOCH).days, years) == (add_years(day, years) - EPOCH).days


def test_leap_day_and_missing_dates() -> None:
    leap = (dt.date(2024, 2, 29) - EPOCH).days
    assert civil_from_days(add_years_days(leap, 1)) == (2025, 2, 28)
    assert civil_from_days(add_years_days(leap, 4)) == (2028, 2, 29)
    assert add_years_days(NULL_DAY, 3) == NULL_DAY
