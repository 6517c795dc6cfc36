"""Evaluate the occupation-graph method on O*NET against O*NET's Related_Occupations.

Builds the graph from O*NET Task_Statements (English word TF-IDF, cosine, plus the SOC
structure bonus) and measures recall@10 against the expert-curated related occupations,
side by side with baselines.

    .venv/bin/python benchmarks/pathways.py --onet /work/shared/data/onet
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from craftpath.engines.matching import load_csco_occupations, occupation_competencies
from craftpath.engines.matching._hierarchy import occupation_prefixes
from craftpath.engines.matching.packs import load_onet_pack
from craftpath.engines.matching.pathways import build_occupation_graph, recall_at_k


def random_within(codes: list[str], group: Mapping[str, Any], k: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    by: dict[object, list[str]] = {}
    for c in codes:
        by.setdefault(group[c], []).append(c)
    rows: list[tuple[str, str, int]] = []
    for c in codes:
        pool = [x for x in by[group[c]] if x != c]
        rng.shuffle(pool)
        rows.extend((c, t, r + 1) for r, t in enumerate(pool[:k]))
    return pl.DataFrame(rows, schema={"source": pl.String, "target": pl.String, "rank": pl.Int64}, orient="row")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--onet", default="/work/shared/data/onet")
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args()
    print(f"date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; O*NET from {a.onet}")
    pack = load_onet_pack(a.onet)
    comps = pack["competencies"]
    codes = sorted(set(comps["occupation_code"].to_list()))
    rel = pack["related"].filter(pl.col("occupation_code").is_in(codes) & pl.col("related_code").is_in(codes))
    primary = [
        tuple(r)
        for r in rel.filter(pl.col("tier").str.starts_with("Primary"))
        .select("occupation_code", "related_code")
        .iter_rows()
    ]
    every = [tuple(r) for r in rel.select("occupation_code", "related_code").iter_rows()]
    print(
        f"{len(codes)} occupations with tasks, {comps.height} task statements; "
        f"truth: {len(primary)} primary pairs, {len(every)} pairs in all tiers"
    )
    results = []

    def report(name: str, pred: pl.DataFrame) -> None:
        r1, r2 = recall_at_k(pred, primary, 10), recall_at_k(pred, every, 10)
        results.append((name, r1, r2))
        print(f"  {name:<55} recall@10 primary {r1:.3f}   all tiers {r2:.3f}")

    t = time.perf_counter()
    g_text = build_occupation_graph(comps, analyzer="word", k=10, minor_bonus=0, medium_bonus=0)
    print(f"graph (text only) built in {time.perf_counter() - t:.1f}s")
    report("task TF-IDF cosine (words)", g_text)
    g = build_occupation_graph(comps, analyzer="word", k=10)
    report("task TF-IDF cosine + SOC structure bonus (default)", g)
    minor = {c: occupation_prefixes(c)[0] for c in codes}
    broad = {c: occupation_prefixes(c)[1] for c in codes}
    zones = dict(pack["job_zones"].select("occupation_code", "job_zone").iter_rows())
    zone = {c: zones.get(c, 0) for c in codes}
    for name, grp in (
        ("baseline: same SOC minor group, random order", minor),
        ("baseline: same job zone, random order", zone),
    ):
        vals = [recall_at_k(random_within(codes, grp, 10, s), primary, 10) for s in range(a.seeds)]
        vals2 = [recall_at_k(random_within(codes, grp, 10, s), every, 10) for s in range(a.seeds)]
        results.append((name, float(np.mean(vals)), float(np.mean(vals2))))
        print(
            f"  {name:<55} recall@10 primary {np.mean(vals):.3f}   all tiers {np.mean(vals2):.3f}"
            f"  (mean of {a.seeds} seeds)"
        )
    # broad occupation first, then minor group, random inside each
    rng = np.random.default_rng(0)
    rows: list[tuple[str, str, int]] = []
    for c in codes:
        pool = [x for x in codes if x != c and minor[x] == minor[c]]
        rng.shuffle(pool)
        pool.sort(key=lambda x: broad[x] != broad[c])
        rows.extend((c, t, r + 1) for r, t in enumerate(pool[:10]))
    report(
        "baseline: same SOC broad group, then minor group",
        pl.DataFrame(rows, schema={"source": pl.String, "target": pl.String, "rank": pl.Int64}, orient="row"),
    )
    # the Chinese graph for the record (no ground truth)
    t = time.perf_counter()
    oc = occupation_competencies(load_csco_occupations())
    gz = build_occupation_graph(oc, analyzer="char", k=10)
    share = gz.filter(pl.col("rank") <= 10)["structure"].value_counts().sort("count", descending=True)
    print(
        f"CSCO 2022 graph (char 2–3-grams): {oc['occupation_code'].n_unique()} occupations, "
        f"{gz.height} edges in {time.perf_counter() - t:.1f}s; structure of top-10 edges: "
        f"{dict(share.iter_rows())}"
    )


if __name__ == "__main__":
    main()
