"""The compiled jobs-for-seekers pass against the full score matrix on adversarial markets.

The kernel skips occupations, job classes and the tails of classes by upper bounds; these tests
build small markets full of ties (few pay levels, few regions, shared minor and medium groups,
unknown and invalid values) with random weights, so that every bound is tested at equality.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftpath.engines.matching import brute_force_matches, match_jobs_for_seekers, match_seekers_for_jobs
from craftpath.engines.matching._hierarchy import region_code_int, region_tiers
from craftpath.engines.matching.scoring import (
    MatchWeights,
    _pay_point,
    _pay_points,
    _region_tier,
)

CORE = ["seeker_id", "job_id", "rank", "score"]
OCCUPATIONS = [
    "6-31-01-03",
    "6-31-01-04",
    "6-31-01-05",
    "6-31-02-01",
    "6-31-02-02",
    "6-32-01-01",
    "4-01-02-01",
    "4-01-02-02",
    "2-02-01-00",
]
REGIONS = [None, "440305", "440306", "440300", "4403", "440101", "450101", "110101", "999999", "44"]
PAYS = [None, 0.0, -100.0, 3000.0, 4500.0, 6000.0, 6000.5, 9000.0, float("nan")]


@st.composite
def markets(draw: Any) -> dict[str, Any]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_s = draw(st.integers(1, 40))
    n_j = draw(st.integers(0, 60))
    n_comp = rng.integers(0, 5, len(OCCUPATIONS))
    oc = pl.DataFrame(
        {
            "occupation_code": [o for o, n in zip(OCCUPATIONS, n_comp, strict=True) for _ in range(n)],
            "competency_id": [f"{o}#{i}" for o, n in zip(OCCUPATIONS, n_comp, strict=True) for i in range(n)],
        },
        schema={"occupation_code": pl.String, "competency_id": pl.String},
    )
    comps = oc["competency_id"].to_list()
    occ_p = rng.dirichlet(np.ones(len(OCCUPATIONS)) * 0.5)
    seekers = pl.DataFrame(
        {
            "seeker_id": rng.permutation(n_s) * 3 + 1,
            "region_code": [REGIONS[i] for i in rng.integers(0, len(REGIONS), n_s)],
            "pay_expectation": [PAYS[i] for i in rng.integers(0, len(PAYS), n_s)],
        },
        schema={"seeker_id": pl.Int64, "region_code": pl.String, "pay_expectation": pl.Float64},
    )
    n_so = int(rng.integers(0, 2 * n_s + 1))
    so = pl.DataFrame(
        {
            "seeker_id": rng.integers(0, n_s, n_so) * 3 + 1,
            "occupation_code": rng.choice(OCCUPATIONS, n_so, p=occ_p),
            "grade": [None if g < 0 else int(g) for g in rng.integers(-2, 8, n_so)],
        },
        schema={"seeker_id": pl.Int64, "occupation_code": pl.String, "grade": pl.Int64},
    )
    n_sc = int(rng.integers(0, 4 * n_s + 1)) if comps else 0
    sc = pl.DataFrame(
        {"seeker_id": rng.integers(0, n_s, n_sc) * 3 + 1, "competency_id": rng.choice(comps or ["x"], n_sc)},
        schema={"seeker_id": pl.Int64, "competency_id": pl.String},
    )
    jobs = pl.DataFrame(
        {
            "job_id": rng.permutation(n_j) * 7 + 2,
            "occupation_code": rng.choice(OCCUPATIONS, n_j, p=occ_p),
            "required_grade": [None if g < 0 else int(g) for g in rng.integers(-2, 8, n_j)],
            "region_code": [REGIONS[i] for i in rng.integers(0, len(REGIONS), n_j)],
            "pay": [PAYS[i] for i in rng.integers(0, len(PAYS), n_j)],
        },
        schema={
            "job_id": pl.Int64,
            "occupation_code": pl.String,
            "required_grade": pl.Int64,
            "region_code": pl.String,
            "pay": pl.Float64,
        },
    )
    if draw(st.booleans()):
        weights = MatchWeights()
    else:
        weights = MatchWeights(
            occupation=tuple(sorted(int(x) for x in rng.integers(0, 5, 4) * 1000)),  # type: ignore[arg-type]
            competencies=int(rng.integers(0, 4)) * 7_000,
            grade=int(rng.integers(0, 4)) * 5_000,
            grade_step=int(rng.integers(0, 3)) * 2_500,
            region=tuple(int(x) for x in rng.integers(0, 4, 5) * 2_000),  # type: ignore[arg-type]
            pay=int(rng.integers(0, 3)) * 4_001,
        )
    return {
        "seekers": seekers,
        "jobs": jobs,
        "kw": {
            "seeker_occupations": so,
            "seeker_competencies": sc,
            "occupation_competencies": oc,
            "weights": weights,
            "k": draw(st.integers(1, 12)),
        },
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(), st.sampled_from([(1, 1), (3, 2), (1024, 1), (5, 3)]))
def test_kernel_equals_full_sort(m: dict[str, Any], chunk_threads: tuple[int, int]) -> None:
    block_size, n_jobs = chunk_threads
    ref = brute_force_matches(m["seekers"], m["jobs"], **m["kw"])
    got = match_jobs_for_seekers(
        m["seekers"], m["jobs"], block_size=block_size, n_jobs=n_jobs, explain=False, **m["kw"]
    )
    assert got.select(CORE).equals(ref)
    # the parts the kernel hands over (tier, held grade, competency count) match a recomputation
    w = m["kw"]["weights"]
    parts = ["occupation_points", "competency_points", "grade_points", "region_points", "pay_points"]
    assert np.allclose(got.select(pl.sum_horizontal(parts)).to_series().to_numpy(), got["score"].to_numpy())
    assert (got["score"] <= (max(w.occupation) + w.competencies + w.grade + max(w.region) + w.pay) / 1000).all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(), st.sampled_from([1, 4, 256]))
def test_seekers_for_jobs_kernel_equals_full_sort(m: dict[str, Any], block_size: int) -> None:
    """The per-job candidate scan (stages, bound-sorted candidates) against the full matrix."""
    ref = brute_force_matches(m["seekers"], m["jobs"], direction="seekers_for_jobs", **m["kw"])
    got = match_seekers_for_jobs(m["seekers"], m["jobs"], block_size=block_size, explain=False, **m["kw"])
    assert got.select("job_id", "seeker_id", "rank", "score").equals(ref)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets())
def test_kernel_parts_match_explained_recomputation(m: dict[str, Any]) -> None:
    """With ``explain`` the covered/missing lists agree with the kernel's competency count."""
    got = match_jobs_for_seekers(m["seekers"], m["jobs"], n_jobs=1, explain=True, **m["kw"])
    assert (got["competencies_covered"].list.len() == got["competencies_held"]).all()
    assert (
        got["competencies_covered"].list.len() + got["competencies_missing"].list.len() == got["competencies_required"]
    ).all()


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=20),
    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=20),
)
def test_scalar_region_tier_equals_vectorised(a: list[str | None], b: list[str | None]) -> None:
    ra, rb = region_code_int(a), region_code_int(b)
    vec = region_tiers(ra[:, None], rb[None, :])
    for i, x in enumerate(ra.tolist()):
        for j, y in enumerate(rb.tolist()):
            assert _region_tier(x, y) == vec[i, j]


SPECIAL = st.sampled_from([*PAYS[1:], float("inf"), -float("inf"), 1e-300])
AMOUNT = st.one_of(st.floats(min_value=-1e12, max_value=1e12), SPECIAL)  # monthly CNY, far beyond real values


@settings(deadline=None)  # the first call loads the compiled function
@given(AMOUNT, AMOUNT, st.sampled_from([0, 1, 7, 8_000, 8_001]))
def test_scalar_pay_point_equals_vectorised(e: float, pay: float, full: int) -> None:
    with np.errstate(all="ignore"):
        assert _pay_point(e, pay, full) == int(_pay_points(np.array([e]), np.array([pay]), full)[0])


def test_pay_is_monotone_inside_a_class() -> None:
    """The class scan stops at the first job below the k-th score: pay points never grow as pay falls."""
    e = np.array([1.0, 333.0, 4500.0, 6000.0, 7777.7, 1e9])[:, None]
    pays = np.sort(np.r_[np.linspace(0, 2e4, 2001), 4499.99, 6000.5, 7777.69])[::-1][None, :]
    pts = _pay_points(e, pays, 8000)
    assert (np.diff(pts, axis=1) <= 0).all()


def test_unknown_pay_keeps_an_occupation_whose_known_pays_are_low() -> None:
    """An occupation's pay bound must cover its unknown-pay openings (neutral points)."""
    oc = pl.DataFrame({"occupation_code": ["6-31-01-04", "6-31-01-04"], "competency_id": ["m#1", "m#2"]})
    seekers = pl.DataFrame({"seeker_id": [1], "region_code": ["440305"], "pay_expectation": [8000.0]})
    so = pl.DataFrame({"seeker_id": [1], "occupation_code": ["6-31-01-03"], "grade": [3]})
    sc = pl.DataFrame({"seeker_id": [1, 1], "competency_id": ["m#1", "m#2"]})
    jobs = pl.DataFrame(
        {
            "job_id": [1, 2, 3],
            # own occupation (no competencies listed): pay 0 and pay unknown; other occupation of the minor group
            "occupation_code": ["6-31-01-03", "6-31-01-03", "6-31-01-04"],
            "required_grade": [None, None, None],
            "region_code": ["440305", "440305", "440306"],
            "pay": [0.0, None, 1000.0],
        }
    )
    kw: dict[str, Any] = {"seeker_occupations": so, "seeker_competencies": sc, "occupation_competencies": oc, "k": 1}
    got = match_jobs_for_seekers(seekers, jobs, explain=False, **kw)
    assert got.select(CORE).equals(brute_force_matches(seekers, jobs, **kw))
    assert got.select("job_id", "score").rows() == [(2, 81.0)]


def _tiny_market() -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    oc = pl.DataFrame({"occupation_code": ["6-31-01-03"], "competency_id": ["m#1"]})
    seekers = pl.DataFrame(
        {"seeker_id": [1, 2], "region_code": ["440305", "440306"], "pay_expectation": [8000.0, 9e12]}
    )
    so = pl.DataFrame({"seeker_id": [1, 2], "occupation_code": ["6-31-01-03", "6-31-01-03"], "grade": [3, 2]})
    jobs = pl.DataFrame(
        {
            "job_id": [1, 2, 3],
            "occupation_code": ["6-31-01-03", "6-31-01-03", "6-31-01-04"],
            "required_grade": [3, None, 2],
            "region_code": ["440305", "440306", "440305"],
            "pay": [9000.0, 3e305, 7000.0],
        }
    )
    return seekers, jobs, {"seeker_occupations": so, "occupation_competencies": oc}


def test_weights_that_would_break_the_exact_bounds_are_refused() -> None:
    for bad in (
        {"grade": -1},
        {"grade_step": -5},
        {"pay": -8000},
        {"occupation": (0, 30_000, 20_000, 35_000)},  # medium group above minor group
        {"region": (6_000, 0, 4_000, 8_000)},  # four tiers instead of five
    ):
        with pytest.raises(ValueError, match="MatchWeights"):
            MatchWeights(**bad)


def test_k_below_one_is_refused_in_every_direction() -> None:
    seekers, jobs, kw = _tiny_market()
    for fn in (match_jobs_for_seekers, match_seekers_for_jobs, brute_force_matches):
        with pytest.raises(ValueError, match="k must be"):
            fn(seekers, jobs, k=0, **kw)


def test_absurd_pay_counts_as_unknown_on_every_path() -> None:
    seekers, jobs, kw = _tiny_market()
    got = match_jobs_for_seekers(seekers, jobs, k=3, explain=False, **kw)
    assert got.select(CORE).equals(brute_force_matches(seekers, jobs, k=3, **kw))
    back = match_seekers_for_jobs(seekers, jobs, k=2, explain=False, **kw)
    assert back.select(back.columns[:4]).equals(
        brute_force_matches(seekers, jobs, k=2, direction="seekers_for_jobs", **kw)
    )
    assert "pay_unknown" in got.filter(pl.col("seeker_id") == 2)["flags"].to_list()[0]
