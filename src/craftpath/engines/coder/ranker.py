"""A conditional-logit ranker: one weight per signal, softmax over all occupations.

Every query scores every candidate occupation with ``X @ w``; the probabilities are a
softmax over the candidates, and the weights maximise the log-likelihood of the labelled
code (L2-regularised, L-BFGS). A Platt step then maps the top probability to the chance
that the top code is right (the calibrated confidence). :class:`GbmRanker` is the
gradient-boosted alternative (LightGBM lambdarank) used where it ranks better.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 6, 2)).astype(np.float32)
    >>> y = np.argmax(X[:, :, 0] * 3 + rng.normal(size=(200, 6)), axis=1)
    >>> w = fit_weights(X, y)
    >>> bool(w[0] > w[1])
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.optimize

__all__ = ["GbmRanker", "fit_calibration", "fit_weights", "softmax_rows", "top_candidates"]


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, numerically stable."""
    z = scores - scores.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_weights(X: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Fit softmax-ranker weights. ``X``: (queries, candidates, features); ``y``: true index."""
    n, _, f = X.shape
    rows = np.arange(n)
    x_true = X[rows, y].astype(np.float64)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = X @ w.astype(np.float32)
        m = s.max(axis=1, keepdims=True)
        e = np.exp(s - m)
        z = e.sum(axis=1, keepdims=True)
        p = e / z
        lse = (np.log(z) + m).ravel()
        nll = float(np.mean(lse - s[rows, y])) + l2 * float(w @ w)
        expected = np.einsum("nc,ncf->nf", p, X, dtype=np.float64)
        grad = (expected - x_true).mean(axis=0) + 2 * l2 * w
        return nll, grad

    res = scipy.optimize.minimize(loss, np.zeros(f), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return np.asarray(res.x, dtype=np.float64)


def fit_calibration(top_prob: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """Platt scaling of ``logit(top_prob)`` to P(top code correct); returns (a, b)."""
    p = np.clip(top_prob.astype(np.float64), 1e-6, 1 - 1e-6)
    x = np.log(p / (1 - p))
    t = correct.astype(np.float64)

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
        z = ab[0] * x + ab[1]
        q = 1 / (1 + np.exp(-z))
        eps = 1e-9
        nll = -float(np.mean(t * np.log(q + eps) + (1 - t) * np.log(1 - q + eps)))
        g = q - t
        return nll, np.array([np.mean(g * x), np.mean(g)])

    res = scipy.optimize.minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


GBM_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "verbose": -1,
    "seed": 0,
    "deterministic": True,
}


class GbmRanker:
    """Gradient-boosted trees (LightGBM lambdarank) scoring each candidate from its signals.

    ``scores`` returns one number per (query, candidate); a softmax over the shortlist turns
    them into probabilities, as for the linear ranker. With ``top`` set, only that many
    candidates per query (the best by the linear ranker) are scored by the trees, which
    keeps the cost per title low.
    """

    def __init__(self, model: str, top: int | None = None) -> None:
        import lightgbm

        self.model = model
        self.top = top
        self.booster = lightgbm.Booster(model_str=model)
        self.n_features = int(self.booster.num_feature())

    @classmethod
    def fit(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        *,
        rounds: int = 300,
        learning_rate: float = 0.05,
        top: int | None = None,
        threads: int = 2,
    ) -> GbmRanker:
        """``X``: (queries, candidates, features), already cut to ``top``; ``y``: index of the true candidate."""
        import lightgbm

        n, c, f = X.shape
        label = np.zeros((n, c), np.float32)
        label[np.arange(n), y] = 1.0
        data = lightgbm.Dataset(X.reshape(-1, f), label.ravel(), group=np.full(n, c))
        params = {**GBM_PARAMS, "learning_rate": learning_rate, "num_threads": threads}
        booster = lightgbm.train(params, data, rounds)
        return cls(booster.model_to_string(), top)

    def scores(self, X: np.ndarray) -> np.ndarray:
        n, c, f = X.shape
        if n == 0:
            return np.zeros((0, c), np.float32)
        s = self.booster.predict(X.reshape(-1, f), num_threads=1)
        return np.asarray(s, dtype=np.float32).reshape(n, c)


def top_candidates(X: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` best candidates of each query by the linear scores ``X @ w``."""
    s = X @ w.astype(np.float32)
    if k >= s.shape[1]:
        return np.broadcast_to(np.arange(s.shape[1]), s.shape).copy()
    return np.argpartition(-s, k - 1, axis=1)[:, :k]
