"""Matching: parts, explanations, fairness, exactness against brute force, validity of inputs."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftpath.engines.matching import (
    brute_force_matches,
    load_csco_occupations,
    match_jobs_for_seekers,
    match_seekers_for_jobs,
    occupation_competencies,
    worker_profile,
)
from craftpath.engines.matching._hierarchy import region_code_int, region_tiers
from craftpath.engines.matching._synthetic import synthetic_market

CORE = ["seeker_id", "job_id", "rank", "score"]


@functools.cache
def csco_competencies() -> pl.DataFrame:
    return occupation_competencies(load_csco_occupations())


@functools.cache
def market(n_seekers: int = 600, n_jobs: int = 400, seed: int = 3) -> dict[str, pl.DataFrame]:
    return synthetic_market(csco_competencies(), n_seekers, n_jobs, seed=seed)


def kwargs(m: dict[str, pl.DataFrame]) -> dict[str, Any]:
    return {
        "seeker_occupations": m["seeker_occupations"],
        "seeker_competencies": m["seeker_competencies"],
        "occupation_competencies": csco_competencies(),
    }


def small_case() -> dict[str, pl.DataFrame]:
    oc = pl.DataFrame(
        {
            "occupation_code": ["6-31-01-03"] * 4 + ["6-31-01-04"] * 2,
            "competency_id": ["t#1", "t#2", "t#3", "t#4", "m#1", "m#2"],
            "text": ["识读图样", "操作车床", "测量零件", "维护设备", "操作铣床", "测量"],
        }
    )
    seekers = pl.DataFrame({"seeker_id": [1, 2], "region_code": ["440305", "999999"], "pay_expectation": [8000, 5000]})
    so = pl.DataFrame({"seeker_id": [1, 2], "occupation_code": ["6-31-01-03", "6-31-01-04"], "grade": [3, 1]})
    sc = pl.DataFrame({"seeker_id": [1, 1, 1, 2], "competency_id": ["t#1", "t#2", "t#3", "m#1"]})
    jobs = pl.DataFrame(
        {
            "job_id": ["J1", "J2", "J3"],
            "occupation_code": ["6-31-01-03", "6-31-01-04", "4-01-02-01"],
            "required_grade": [4, None, 2],
            "region_code": ["440306", "440305", "440305"],
            "pay": [6000, 9000, 7000],
        }
    )
    return {"oc": oc, "seekers": seekers, "so": so, "sc": sc, "jobs": jobs}


def test_score_parts_and_explanation() -> None:
    c = small_case()
    r = match_jobs_for_seekers(
        c["seekers"],
        c["jobs"],
        seeker_occupations=c["so"],
        seeker_competencies=c["sc"],
        occupation_competencies=c["oc"],
        k=5,
    )
    one = r.filter(pl.col("seeker_id") == 1).sort("rank")
    assert one["job_id"].to_list() == ["J1", "J2"]  # J3 unrelated occupation: not a candidate
    j1 = one.row(0, named=True)
    assert j1["occupation_points"] == 35.0
    assert j1["occupation_tier"] == "same_occupation"
    assert j1["competency_points"] == 22.5  # 3 of 4
    assert j1["competencies_covered"] == ["t#1", "t#2", "t#3"]
    assert j1["competencies_missing"] == ["t#4"]
    assert j1["grade_points"] == 10.0  # needs 技师 (4), holds 高级工 (3)
    assert j1["region_points"] == 8.0
    assert j1["region_tier"] == "same_city"
    assert j1["pay_points"] == 6.0  # 6000 of 8000
    assert j1["score"] == pytest.approx(35 + 22.5 + 10 + 8 + 6)
    assert "技能覆盖 3/4" in j1["explanation_zh"]
    assert "6-31-01-03" in j1["explanation_zh"]
    assert "要求技师，持有高级工" in j1["explanation_zh"]
    assert "competencies 3/4" in j1["explanation_en"]
    j2 = one.row(1, named=True)
    assert j2["occupation_tier"] == "same_minor_group"
    assert j2["grade_points"] == 15.0


def test_unknown_region_is_neutral_and_flagged() -> None:
    c = small_case()
    r = match_jobs_for_seekers(
        c["seekers"],
        c["jobs"],
        seeker_occupations=c["so"],
        seeker_competencies=c["sc"],
        occupation_competencies=c["oc"],
    )
    two = r.filter(pl.col("seeker_id") == 2)
    assert set(two["region_tier"]) == {"unknown"}
    assert set(two["region_points"]) == {6.0}
    assert all("region_unknown" in f for f in two["flags"].to_list())
    assert region_code_int(["440305", "", "abc", None, "1101", "440305001"]).tolist() == [
        440305,
        -1,
        -1,
        -1,
        110100,
        440305,
    ]
    assert region_code_int(["440305", "440399"], known=[440305]).tolist() == [440305, -1]
    assert region_tiers(np.array([-1]), np.array([-1])).tolist() == [0]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    sexes=st.lists(st.sampled_from(["M", "F", "男", "女", ""]), min_size=1, max_size=3),
    ethnicities=st.lists(st.sampled_from(["汉族", "回族", "藏族", "维吾尔族", "壮族"]), min_size=1),
    max_age=st.integers(16, 90),
)
def test_protected_traits_change_nothing(seed: int, sexes: list[str], ethnicities: list[str], max_age: int) -> None:
    m = market()
    n = m["seekers"].height
    rng = np.random.default_rng(seed)
    base = match_jobs_for_seekers(m["seekers"], m["jobs"], explain=False, **kwargs(m))
    with_traits = m["seekers"].with_columns(
        pl.Series("sex", rng.choice(sexes, n)),
        pl.Series("age", rng.integers(16, max_age + 1, n)),
        pl.Series("ethnicity", rng.choice(ethnicities, n)),
        pl.Series("birth_date", [dt.date(1950, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 20000, n)]),
        pl.Series("性别", rng.choice(sexes, n)),
    )
    again = match_jobs_for_seekers(with_traits, m["jobs"], explain=False, **kwargs(m))
    assert again.equals(base)
    back = match_seekers_for_jobs(with_traits, m["jobs"], explain=False, **kwargs(m))
    assert back.equals(match_seekers_for_jobs(m["seekers"], m["jobs"], explain=False, **kwargs(m)))


def test_signature_has_no_protected_parameters() -> None:
    import inspect

    for fn in (match_jobs_for_seekers, match_seekers_for_jobs):
        params = set(inspect.signature(fn).parameters)
        assert not params & {"sex", "gender", "age", "ethnicity", "birth_date", "nation"}


@pytest.mark.parametrize(("block_size", "budget", "n_jobs"), [(1, 64, 1), (7, 500, 2), (4096, 1 << 22, 1)])
def test_jobs_for_seekers_block_invariant_and_exact(block_size: int, budget: int, n_jobs: int) -> None:
    m = market()
    ref = brute_force_matches(m["seekers"], m["jobs"], k=10, **kwargs(m))
    got = match_jobs_for_seekers(
        m["seekers"],
        m["jobs"],
        k=10,
        block_size=block_size,
        budget=budget,
        n_jobs=n_jobs,
        explain=False,
        **kwargs(m),
    )
    assert got.select(CORE).equals(ref)


@pytest.mark.parametrize(("block_size", "budget"), [(1, 50), (3, 1000), (512, 1 << 22)])
def test_seekers_for_jobs_block_invariant_and_exact(block_size: int, budget: int) -> None:
    m = market()
    ref = brute_force_matches(m["seekers"], m["jobs"], k=7, direction="seekers_for_jobs", **kwargs(m))
    got = match_seekers_for_jobs(
        m["seekers"], m["jobs"], k=7, block_size=block_size, budget=budget, explain=False, **kwargs(m)
    )
    assert got.select("job_id", "seeker_id", "rank", "score").equals(ref)


def test_input_order_does_not_matter() -> None:
    m = market()
    a = match_jobs_for_seekers(m["seekers"], m["jobs"], explain=False, **kwargs(m))
    b = match_jobs_for_seekers(
        m["seekers"].sample(fraction=1.0, shuffle=True, seed=1),
        m["jobs"].sample(fraction=1.0, shuffle=True, seed=2),
        explain=False,
        **kwargs(m),
    )
    assert a.equals(b)


def test_parts_sum_to_score() -> None:
    m = market()
    r = match_jobs_for_seekers(m["seekers"], m["jobs"], explain=False, **kwargs(m))
    parts = r.select(
        pl.sum_horizontal("occupation_points", "competency_points", "grade_points", "region_points", "pay_points")
    ).to_series()
    assert np.allclose(parts.to_numpy(), r["score"].to_numpy())
    assert (r["score"] <= 100).all()


@pytest.mark.parametrize("kind", ["expired", "revoked", "not_yet_issued", "status"])
def test_invalid_certificate_never_raises_scores(kind: str) -> None:
    c = small_case()
    as_of = dt.date(2025, 6, 1)
    base_certs = pl.DataFrame(
        {
            "worker_id": [1],
            "certificate_id": ["c0"],
            "occupation_code": ["6-31-01-03"],
            "grade": [3],
            "issued_on": [dt.date(2020, 1, 1)],
            "expires_on": [None],
            "revoked_on": [None],
            "status": ["valid"],
        },
        schema_overrides={"expires_on": pl.Date, "revoked_on": pl.Date},
    )
    bad: dict[str, object] = {
        "expired": {"expires_on": dt.date(2024, 1, 1)},
        "revoked": {"revoked_on": dt.date(2025, 1, 1)},
        "not_yet_issued": {"issued_on": dt.date(2026, 1, 1)},
        "status": {"status": "revoked"},
    }[kind]  # type: ignore[assignment]
    row = {**base_certs.row(0, named=True), "certificate_id": "c1", "occupation_code": "6-31-01-03", "grade": 7, **bad}
    extra = pl.DataFrame([row], schema=base_certs.schema)
    cert_comps = pl.DataFrame({"certificate_id": ["c1"], "competency_id": ["t#4"]})

    def scores(certs: pl.DataFrame) -> pl.DataFrame:
        prof = worker_profile(
            as_of=as_of,
            occupation_competencies=c["oc"],
            certificates=certs,
            certificate_competencies=cert_comps,
        )
        return match_jobs_for_seekers(
            c["seekers"].filter(pl.col("seeker_id") == 1),
            c["jobs"],
            seeker_occupations=prof.grades.rename({"worker_id": "seeker_id"}),
            seeker_competencies=prof.competencies.rename({"worker_id": "seeker_id"}),
            occupation_competencies=c["oc"],
            explain=False,
        ).select("job_id", "score")

    before = scores(base_certs)
    after = scores(pl.concat([base_certs, extra]))
    assert after.equals(before)
    # the same certificate, valid, does raise the score
    good = pl.DataFrame(
        [{**row, **{"expires_on": None, "revoked_on": None, "status": "valid", "issued_on": dt.date(2020, 1, 1)}}],
        schema=base_certs.schema,
    )
    raised = scores(pl.concat([base_certs, good]))
    assert raised["score"].sum() > before["score"].sum()


def test_worker_profile_sources() -> None:
    oc = small_case()["oc"]
    prof = worker_profile(
        as_of=dt.date(2025, 1, 1),
        occupation_competencies=oc,
        worker_occupations=pl.DataFrame({"worker_id": [1], "occupation_code": ["6-31-01-04"], "grade": [2]}),
        course_completions=pl.DataFrame(
            {"worker_id": [1, 1], "course_id": ["K1", "K2"], "completed_on": [dt.date(2024, 5, 1), dt.date(2025, 5, 1)]}
        ),
        course_competencies=pl.DataFrame({"course_id": ["K1", "K2"], "competency_id": ["t#1", "t#2"]}),
    )
    got = dict(prof.competencies.select("competency_id", "source").iter_rows())
    assert got == {"m#1": "occupation", "m#2": "occupation", "t#1": "course"}
    assert prof.grades.rows() == [(1, "6-31-01-04", 2, "occupation")]


def test_empty_inputs() -> None:
    c = small_case()
    r = match_jobs_for_seekers(c["seekers"], c["jobs"].clear(), seeker_occupations=c["so"])
    assert r.height == 0
    r = match_seekers_for_jobs(c["seekers"], c["jobs"])  # no occupations held: nothing matches
    assert r.height == 0


@pytest.mark.slow
def test_larger_market_exact() -> None:
    m = synthetic_market(csco_competencies(), 20_000, 5_000, seed=11)
    ref = brute_force_matches(m["seekers"], m["jobs"], seeker_sample=list(range(1, 401)), **kwargs(m))
    got = match_jobs_for_seekers(m["seekers"], m["jobs"], explain=False, **kwargs(m))
    assert got.filter(pl.col("seeker_id") <= 400).select(CORE).equals(ref)
