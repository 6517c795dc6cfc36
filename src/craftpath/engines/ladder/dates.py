"""How years are counted (one definition shared by the vectorized engine and the reference).

- **Years after a date** (a certificate's issue date, a graduation, a birth date) are whole
  years by calendar anniversary: N years after ``d`` is reached on ``d`` + N years. A 29 February
  date reaches its anniversary on **28 February** in non-leap years (Polars ``offset_by``
  semantics). Conditions are inclusive ("N 年(含)以上"): the anniversary day itself qualifies.
- **Cumulative years in the occupation or a related one.** A history row covers the days
  ``start`` … ``end`` inclusive (``end`` null = still working). Rows are merged so overlapping
  or back-to-back time counts once. N cumulative years are reached on the date a member working
  without gaps since their first start would reach the N-year anniversary, pushed back by the
  total length of the gaps before it: ``first_start + N years + gap days``. One unbroken
  history therefore reaches N years exactly on its anniversary.
- **Displayed years** (``4.2/6`` in missing codes) are days / 365.25 rounded *down* to one
  decimal, so a display never shows the full count before the condition is met.

Examples:
    >>> import datetime as dt
    >>> add_years(dt.date(2020, 2, 29), 1)
    datetime.date(2021, 2, 28)
    >>> add_years(dt.date(2020, 2, 29), 4)
    datetime.date(2024, 2, 29)
    >>> years_display(1460)
    '3.9'
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

__all__ = ["DAYS_PER_YEAR", "add_years", "add_years_expr", "years_display", "years_display_expr"]

DAYS_PER_YEAR = 365.25


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` + ``years`` calendar years; 29 Feb falls back to 28 Feb."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_years_expr(expr: pl.Expr, years: int) -> pl.Expr:
    """Vectorized :func:`add_years`."""
    return expr if years == 0 else expr.dt.offset_by(f"{years}y")


def years_display(days: int) -> str:
    """Days shown as years, rounded down to one decimal."""
    return f"{math.floor(max(days, 0) * 10 / DAYS_PER_YEAR) / 10:.1f}"


def years_display_expr(days: pl.Expr) -> pl.Expr:
    """Vectorized :func:`years_display`."""
    tenths = (days.clip(lower_bound=0) * 10 / DAYS_PER_YEAR).floor().cast(pl.Int64)
    return pl.format("{}.{}", tenths // 10, tenths % 10)
