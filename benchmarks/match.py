"""Two-way matching benchmark: 1,000,000 seekers × 100,000 openings, exact top-10 both ways.

Runs the block-wise engine and, in the same run, the brute-force full score matrix on a sample
(seekers for jobs-for-seekers, openings for seekers-for-jobs) and checks they agree exactly.

    .venv/bin/python benchmarks/match.py --seekers 1000000 --jobs 100000 --threads 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
from typing import Any

import numpy as np
import polars as pl

from craftpath.engines.matching import (
    brute_force_matches,
    load_csco_occupations,
    match_jobs_for_seekers,
    match_seekers_for_jobs,
    occupation_competencies,
)
from craftpath.engines.matching._synthetic import synthetic_market


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seekers", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--sample", type=int, default=1000, help="seekers checked by brute force")
    ap.add_argument("--job-sample", type=int, default=100, help="openings checked by brute force")
    ap.add_argument("--budget", type=int, default=1 << 21)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    print(f"date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
        f"python {platform.python_version()} numpy {np.__version__} polars {pl.__version__}"
    )
    print("load average (1, 5, 15 min) " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    oc = occupation_competencies(load_csco_occupations())
    # the kernels are compiled once (numba, cached on disk): load them outside the timings
    t = time.perf_counter()
    tiny = synthetic_market(oc, 50, 50, seed=0)
    for fn in (match_jobs_for_seekers, match_seekers_for_jobs):
        fn(
            tiny["seekers"],
            tiny["jobs"],
            seeker_occupations=tiny["seeker_occupations"],
            seeker_competencies=tiny["seeker_competencies"],
            occupation_competencies=oc,
            explain=False,
        )
    print(f"compiled kernels loaded (or compiled) in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    m = synthetic_market(oc, a.seekers, a.jobs, seed=a.seed)
    print(
        f"synthetic market: {a.seekers:,} seekers, {a.jobs:,} openings, "
        f"{m['seeker_occupations'].height:,} seeker occupations, "
        f"{m['seeker_competencies'].height:,} seeker competencies "
        f"({time.perf_counter() - t:.1f}s); peak RSS after building the data {peak_rss_mb():,.0f} MB"
    )
    kw: dict[str, Any] = dict(
        seeker_occupations=m["seeker_occupations"],
        seeker_competencies=m["seeker_competencies"],
        occupation_competencies=oc,
        k=a.k,
    )
    for name, fn in (("jobs for seekers", match_jobs_for_seekers), ("seekers for jobs", match_seekers_for_jobs)):
        load0 = os.getloadavg()[0]
        t, c = time.perf_counter(), time.process_time()
        res = fn(m["seekers"], m["jobs"], explain=False, n_jobs=a.threads, budget=a.budget, **kw)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"{name}: {res.height:,} rows in {wall:.1f}s wall, {cpu:.1f}s CPU (all threads), "
            f"peak RSS {peak_rss_mb():,.0f} MB, load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        rng = np.random.default_rng(a.seed)
        t = time.perf_counter()
        if name == "jobs for seekers":
            ids = rng.choice(m["seekers"]["seeker_id"].to_numpy(), a.sample, replace=False)
            ref = brute_force_matches(m["seekers"], m["jobs"], seeker_sample=ids.tolist(), **kw)
            got = res.filter(pl.col("seeker_id").is_in(ids.tolist()))
            cols = ["seeker_id", "job_id", "rank", "score"]
            what = f"{a.sample} seekers × {a.jobs:,} openings"
        else:
            ids = rng.choice(m["jobs"]["job_id"].to_numpy(), a.job_sample, replace=False)
            sub = m["jobs"].filter(pl.col("job_id").is_in(ids.tolist()))
            ref = brute_force_matches(m["seekers"], sub, direction="seekers_for_jobs", rows_per_block=4096, **kw)
            got = res.filter(pl.col("job_id").is_in(ids.tolist()))
            cols = ["job_id", "seeker_id", "rank", "score"]
            what = f"{a.seekers:,} seekers × {a.job_sample} openings"
        same = got.select(cols).sort([*cols[:1], "rank"]).equals(ref.select(cols).sort([*cols[:1], "rank"]))
        print(f"  brute force on {what}: {time.perf_counter() - t:.1f}s, {ref.height:,} rows, identical={same}")
        if not same:
            raise SystemExit("MISMATCH against brute force")
        del res
    t = time.perf_counter()
    small = match_jobs_for_seekers(m["seekers"].head(10_000), m["jobs"], explain=True, n_jobs=a.threads, **kw)
    print(f"with explanations, 10,000 seekers: {small.height:,} rows in {time.perf_counter() - t:.1f}s")
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
