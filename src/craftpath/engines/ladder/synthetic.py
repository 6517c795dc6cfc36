"""Synthetic member populations for agreement tests and benchmarks (no real people).

Data are deliberately awkward: overlapping and interrupted histories, related occupations in
the same minor group, leap-day dates, certificates on anniversaries, diplomas of every kind.

Examples:
    >>> import datetime as dt
    >>> inp = synthetic_inputs(100, seed=1, as_of=dt.date(2025, 6, 30))
    >>> inp.members.height
    100
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from craftpath.engines.ladder.dates import add_years
from craftpath.engines.ladder.inputs import DIPLOMA_KINDS, LadderInputs

__all__ = ["OCCUPATIONS", "synthetic_inputs"]

# a few minor groups with several occupations each, plus the override examples
OCCUPATIONS = (
    "6-31-01-02",
    "6-31-01-03",
    "6-31-01-10",
    "6-18-02-04",
    "6-18-02-01",
    "4-09-09-00",
    "4-10-01-01",
    "2-02-11-01",
)


def _dates(rng: np.random.Generator, lo: dt.date, hi: dt.date, n: int) -> np.ndarray:
    days = rng.integers((lo - dt.date(1970, 1, 1)).days, (hi - dt.date(1970, 1, 1)).days, n)
    # one in 20 dates is a 29 February
    leap = rng.random(n) < 0.05
    years = rng.choice([2000, 2004, 2008, 2012, 2016, 2020, 2024], n)
    feb29 = np.array([(dt.date(int(y), 2, 29) - dt.date(1970, 1, 1)).days for y in years])
    days = np.where(leap, np.minimum(feb29, (hi - dt.date(1970, 1, 1)).days), days)
    return days.astype("datetime64[D]")


def synthetic_inputs(
    n_members: int,
    *,
    seed: int = 0,
    as_of: dt.date = dt.date(2025, 6, 30),
    histories_per_member: int = 3,
    certificates_per_member: int = 2,
    diploma_share: float = 0.2,
    first_id: int = 1,
) -> LadderInputs:
    """Random but valid inputs for ``n_members`` members with ids ``first_id``…"""
    rng = np.random.default_rng(seed)
    ids = np.arange(first_id, first_id + n_members, dtype=np.int64)
    occ = np.array(OCCUPATIONS)
    birth = _dates(rng, dt.date(1965, 1, 1), dt.date(2004, 1, 1), n_members)
    members = pl.DataFrame(
        {
            "member_id": ids,
            "birth_date": birth,
            "jurisdiction": rng.choice(["120000", "610000", "460000", "110000"], n_members),
            "org_id": rng.integers(1, 50, n_members),
        }
    )
    # each member has a "main" occupation; histories mostly in it or its minor group
    main = rng.integers(0, len(occ), n_members)
    nh = n_members * histories_per_member
    hm = np.repeat(np.arange(n_members), histories_per_member)
    hocc = np.where(rng.random(nh) < 0.7, main[hm], rng.integers(0, len(occ), nh))
    born = birth[hm].astype("datetime64[D]").astype(np.int64)
    as_of_d = (as_of - dt.date(1970, 1, 1)).days
    start = np.maximum(born + 16 * 366, as_of_d - rng.integers(0, 25 * 365, nh))
    start = np.minimum(start, as_of_d)
    length = rng.integers(0, 12 * 365, nh)
    end = start + length
    ongoing = (rng.random(nh) < 0.4) | (end > as_of_d)
    histories = pl.DataFrame(
        {
            "member_id": ids[hm],
            "occupation_code": occ[hocc],
            "start": start.astype("datetime64[D]"),
            "end": np.where(ongoing, np.datetime64("NaT"), end.astype("datetime64[D]")),
        }
    ).with_columns(pl.col("start").cast(pl.Date), pl.col("end").cast(pl.Date))
    nc = n_members * certificates_per_member
    cm = np.repeat(np.arange(n_members), certificates_per_member)
    cborn = birth[cm].astype("datetime64[D]").astype(np.int64)
    issued = np.maximum(cborn + 17 * 366, as_of_d - rng.integers(0, 20 * 365, nc))
    issued = np.minimum(issued, as_of_d)
    # a share of issue dates land exactly N years before as_of (boundary cases)
    exact = rng.random(nc) < 0.1
    back = rng.integers(1, 7, nc)
    exact_days = np.array([(add_years(as_of, -int(b)) - dt.date(1970, 1, 1)).days for b in back])
    issued = np.where(exact & (exact_days >= cborn + 17 * 366), exact_days, issued)
    certificates = pl.DataFrame(
        {
            "member_id": ids[cm],
            "occupation_code": occ[np.where(rng.random(nc) < 0.85, main[cm], rng.integers(0, len(occ), nc))],
            "grade": rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5], nc).astype(np.int8),
            "issued_on": issued.astype("datetime64[D]"),
            "how": rng.choice(["assessment", "competition", "legacy"], nc),
        }
    ).with_columns(pl.col("issued_on").cast(pl.Date))
    nd = int(n_members * diploma_share)
    dm = rng.integers(0, n_members, nd)
    grad_days = as_of_d - rng.integers(-200, 15 * 365, nd)
    diplomas = (
        pl.DataFrame(
            {
                "member_id": ids[dm],
                "kind": rng.choice(np.array(DIPLOMA_KINDS), nd),
                "occupation_code": occ[main[dm]],
                "_specialty_known": rng.random(nd) < 0.9,
                "graduated_on": np.where(rng.random(nd) < 0.1, np.datetime64("NaT"), grad_days.astype("datetime64[D]")),
                "assessed_level": rng.choice([2, 3, 4], nd).astype(np.int8),
            }
        )
        .with_columns(
            pl.col("graduated_on").cast(pl.Date),
            pl.col("assessed_level").cast(pl.Int8),
            pl.when(pl.col("_specialty_known")).then(pl.col("occupation_code")).alias("occupation_code"),
        )
        .drop("_specialty_known")
    )
    na = max(1, n_members // 20)
    am = rng.integers(0, n_members, na)
    apprenticeships = pl.DataFrame(
        {
            "member_id": ids[am],
            "occupation_code": occ[main[am]],
            "completed_on": (as_of_d - rng.integers(-100, 5 * 365, na)).astype("datetime64[D]"),
        }
    ).with_columns(pl.col("completed_on").cast(pl.Date))
    return LadderInputs.build(
        members=members.with_columns(pl.col("birth_date").cast(pl.Date)),
        histories=histories,
        certificates=certificates,
        diplomas=diplomas,
        apprenticeships=apprenticeships,
    )
