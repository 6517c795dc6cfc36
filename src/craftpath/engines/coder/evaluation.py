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

from .core import CHEAP_FEATURES, FULL_FEATURES, N_CANDIDATES, Coder, RankerWeights
from .embed import Embedder, EmbeddingCache
from .ranker import fit_calibration, fit_weights, softmax_rows

__all__ = ["CVFeatures", "cv_features", "fit_ranker", "fold_ids", "group_prob", "predict", "topk_hits"]


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


def cv_features(
    occupations: pl.DataFrame,
    labelled: pl.DataFrame,
    n_folds: int = 5,
    seed: int = 0,
    embeddings: EmbeddingCache | None = None,
    embedder: Embedder | None = None,
    **settings: float,
) -> CVFeatures:
    """Cheap and full features of each labelled title, the kNN trained on the other folds."""
    labelled = labelled.filter(pl.col("job_name").is_not_null())
    folds = fold_ids(labelled.height, n_folds, seed)
    probe = Coder(occupations, None)
    codes = [c or "" for c in labelled["code"].to_list()]
    y_leaf = np.array([probe.code_index.get(c, -1) for c in codes])
    y_group = np.array([probe.group_index.get(c[:7], -1) if c else -1 for c in codes])
    y_level4 = np.array([probe.levels[i] == 4 if i >= 0 else False for i in y_leaf])
    n, n_leaf = labelled.height, len(probe.codes)
    c = N_CANDIDATES
    cand_cheap = np.zeros((n, c), np.int64)
    cand_full = np.zeros((n, c), np.int64)
    X_cheap = np.zeros((n, c, len(CHEAP_FEATURES)), np.float32)
    X_full = np.zeros((n, c, len(FULL_FEATURES)), np.float32)
    del n_leaf
    queries = probe._prepare(labelled["job_name"].to_list())
    for f in range(n_folds):
        train = labelled.filter(pl.Series(folds != f))
        test = np.flatnonzero(folds == f)
        coder = Coder(occupations, train, embeddings=embeddings, embedder=embedder)
        coder.query_cache = True
        for key, value in settings.items():
            setattr(coder, key, value)
        for start in range(0, len(test), 512):
            rows = test[start : start + 512]
            qs = [queries[i] for i in rows]
            cheap = coder._cheap(qs)
            feats = dict(cheap["feats"])
            qvec = coder.embed_queries(qs)
            feats.update(coder._emb(qvec)["feats"])
            cand_cheap[rows], X_cheap[rows] = coder.candidates(feats, CHEAP_FEATURES)
            cand_full[rows], X_full[rows] = coder.candidates(feats, FULL_FEATURES)
    return CVFeatures(
        cand_cheap, X_cheap, cand_full, X_full, y_leaf, y_group, y_level4, folds, queries, probe.leaf_group
    )


def _position(cand: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where the true leaf sits in each candidate list (-1 when absent)."""
    hit = cand == y[:, None]
    return np.where(hit.any(axis=1), hit.argmax(axis=1), -1)


def fit_ranker(cv: CVFeatures, rows: np.ndarray | None = None, l2: float = 1e-4) -> RankerWeights:
    """Fit both rankers and their calibration on the leaf-labelled ``rows`` (default all).

    Rows whose true leaf is not shortlisted cannot teach the ranker; they still count
    (as misses) when fitting the calibration.
    """
    mask = (cv.y_leaf >= 0) & np.array([bool(q) for q in cv.queries])
    if rows is not None:
        sel = np.zeros_like(mask)
        sel[rows] = True
        mask &= sel
    idx = np.flatnonzero(mask)
    weights = []
    calib = []
    for cand, X in ((cv.cand_cheap, cv.X_cheap), (cv.cand_full, cv.X_full)):
        pos = _position(cand[idx], cv.y_leaf[idx])
        ok = pos >= 0
        w = fit_weights(X[idx[ok]], pos[ok], l2)
        p = softmax_rows(X[idx] @ w.astype(np.float32))
        calib.append(fit_calibration(p.max(axis=1), p.argmax(axis=1) == pos))
        weights.append(w)
    return RankerWeights(weights[0], weights[1], calib[0], calib[1])


def predict(cv: CVFeatures, weights: RankerWeights, full: bool, rows: np.ndarray) -> np.ndarray:
    """Leaf indices ranked best-first (the candidate lists reordered) for ``rows``."""
    cand, X, w = (cv.cand_full, cv.X_full, weights.full) if full else (cv.cand_cheap, cv.X_cheap, weights.cheap)
    p = softmax_rows(X[rows] @ w.astype(np.float32))
    order = np.argsort(-p, axis=1)
    return np.take_along_axis(cand[rows], order, axis=1)


def topk_hits(prob: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Whether the true index is among the k most probable, per row."""
    top = np.argsort(-prob, axis=1)[:, :k]
    return (top == y[:, None]).any(axis=1)


def group_prob(prob: np.ndarray, leaf_group: np.ndarray, n_groups: int) -> np.ndarray:
    """Probability of each minor group: the sum over its leaves."""
    out = np.zeros((prob.shape[0], n_groups), np.float32)
    np.add.at(out.T, leaf_group, prob.T)
    return out
