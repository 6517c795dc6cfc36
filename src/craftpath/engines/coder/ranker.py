"""A conditional-logit ranker: one weight per signal, softmax over all occupations.

Every query scores every candidate occupation with ``X @ w``; the probabilities are a
softmax over the candidates, and the weights maximise the log-likelihood of the labelled
code (L2-regularised, L-BFGS). A Platt step then maps the top probability to the chance
that the top code is right (the calibrated confidence).

Examples:
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 6, 2)).astype(np.float32)
    >>> y = np.argmax(X[:, :, 0] * 3 + rng.normal(size=(200, 6)), axis=1)
    >>> w = fit_weights(X, y)
    >>> bool(w[0] > w[1])
    True
"""

from __future__ import annotations

import numpy as np
import scipy.optimize

__all__ = ["fit_calibration", "fit_weights", "softmax_rows"]


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
