"""Synthetic seekers and jobs for tests and benchmarks (seeded, no I/O)."""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["synthetic_market"]


def synthetic_market(
    occupation_competencies: pl.DataFrame,
    n_seekers: int,
    n_jobs: int,
    *,
    seed: int = 0,
    regions: np.ndarray | None = None,
    unknown_share: float = 0.02,
) -> dict[str, pl.DataFrame]:
    """Random seekers (1–2 occupations, some course competencies) and jobs.

    Occupations are drawn with a skew (a few common trades hold many seekers and jobs) and
    regions from ``regions`` (default: 40 districts in 4 cities of 2 provinces).
    """
    rng = np.random.default_rng(seed)
    occ = occupation_competencies["occupation_code"].unique().sort().to_numpy()
    weights = rng.pareto(1.5, len(occ)) + 0.05
    weights /= weights.sum()
    if regions is None:
        regions = np.array([p * 10000 + c * 100 + d for p in (44, 45) for c in (1, 3) for d in range(1, 11)])
    comps = occupation_competencies["competency_id"].to_numpy()

    def region_col(n: int) -> list[str | None]:
        r = rng.choice(regions, n).astype(str).astype(object)
        r[rng.random(n) < unknown_share] = None
        return r.tolist()

    seeker_id = np.arange(1, n_seekers + 1, dtype=np.int64)
    seekers = pl.DataFrame(
        {
            "seeker_id": seeker_id,
            "region_code": region_col(n_seekers),
            "pay_expectation": np.round(rng.lognormal(8.6, 0.3, n_seekers), -2),
        }
    )
    n2 = rng.random(n_seekers) < 0.3
    so_s = np.concatenate([seeker_id, seeker_id[n2]])
    so_o = rng.choice(occ, len(so_s), p=weights)
    grade = rng.integers(-1, 6, len(so_s))
    seeker_occupations = pl.DataFrame(
        {
            "seeker_id": so_s,
            "occupation_code": so_o,
            "grade": pl.Series(grade, dtype=pl.Int64).set(pl.Series(grade < 0), None),
        }
    ).unique(["seeker_id", "occupation_code"], keep="first", maintain_order=True)
    held = seeker_occupations.join(
        occupation_competencies.select("occupation_code", "competency_id"), on="occupation_code"
    ).sort(["seeker_id", "competency_id"])
    # drop a few held competencies, add a few from courses
    held = held.filter(pl.Series(rng.random(held.height) > 0.1))
    extra_s = rng.choice(seeker_id, n_seekers // 5)
    extra = pl.DataFrame({"seeker_id": extra_s, "competency_id": rng.choice(comps, len(extra_s))})
    seeker_competencies = pl.concat([held.select("seeker_id", "competency_id"), extra]).unique()
    jobs = pl.DataFrame(
        {
            "job_id": np.arange(1, n_jobs + 1, dtype=np.int64) * 7 % (10 * n_jobs + 1),
            "occupation_code": rng.choice(occ, n_jobs, p=weights),
            "required_grade": pl.Series(g := rng.integers(-1, 6, n_jobs), dtype=pl.Int64).set(pl.Series(g < 0), None),
            "region_code": region_col(n_jobs),
            "pay": np.round(rng.lognormal(8.6, 0.3, n_jobs), -2),
        }
    )
    return {
        "seekers": seekers,
        "jobs": jobs,
        "seeker_occupations": seeker_occupations,
        "seeker_competencies": seeker_competencies,
    }
