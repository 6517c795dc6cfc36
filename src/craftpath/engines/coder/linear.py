"""A fastText-style supervised classifier: n-gram vectors averaged, then a softmax over classes.

``p(c | x) = softmax(W · (x E) + b)``, with ``x`` the L2-normalised TF-IDF row of a text,
``E`` a (grams × dim) embedding and ``W`` a (dim × classes) output layer. Trained with
Adam on mini-batches (NumPy, SciPy sparse), L2 on both matrices. Low rank keeps it small
(1,693 classes × tens of thousands of grams would not fit as a full matrix).

Examples:
    >>> import scipy.sparse as sp
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 3, 300)
    >>> X = sp.csr_matrix(np.eye(3, dtype=np.float32)[y] + rng.random((300, 3), dtype=np.float32) * 0.5)
    >>> model = fit_softmax(X, y, 3, dim=4, epochs=30, seed=0)
    >>> float((model.predict_log_proba(X).argmax(axis=1) == y).mean()) > 0.9
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["SoftmaxModel", "fit_softmax"]


@dataclass
class SoftmaxModel:
    """Gram embedding ``E``, output layer ``W`` and bias ``b``."""

    E: np.ndarray
    W: np.ndarray
    b: np.ndarray

    def logits(self, X: sp.csr_matrix) -> np.ndarray:
        """Class scores (rows × classes) of TF-IDF rows ``X``."""
        n = min(X.shape[1], self.E.shape[0])
        h = np.asarray(X[:, :n] @ self.E[:n], dtype=np.float32) if X.shape[1] != n else X @ self.E
        return np.asarray(h @ self.W + self.b, dtype=np.float32)

    def predict_log_proba(self, X: sp.csr_matrix) -> np.ndarray:
        s = self.logits(X)
        s -= s.max(axis=1, keepdims=True)
        return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def fit_softmax(
    X: sp.csr_matrix,
    y: np.ndarray,
    n_classes: int,
    *,
    sample_weight: np.ndarray | None = None,
    dim: int = 64,
    epochs: int = 20,
    batch: int = 128,
    lr: float = 0.01,
    l2: float = 1e-6,
    seed: int = 0,
) -> SoftmaxModel:
    """Fit the classifier on rows ``X`` (csr, float32) with labels ``y`` in ``[0, n_classes)``."""
    rng = np.random.default_rng(seed)
    n, v = X.shape
    X = sp.csr_matrix(X, dtype=np.float32)
    sw = np.ones(n, np.float32) if sample_weight is None else np.asarray(sample_weight, np.float32)
    E = (rng.standard_normal((v, dim)) / np.sqrt(dim)).astype(np.float32)
    W = np.zeros((dim, n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    mE, vE = np.zeros_like(E), np.zeros_like(E)
    dense = [W, b]
    m1 = [np.zeros_like(p) for p in dense]
    m2 = [np.zeros_like(p) for p in dense]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb = X[idx]
            cols = np.unique(xb.indices)
            xs = xb[:, cols]
            Eb = E[cols]
            h = np.asarray(xs @ Eb, dtype=np.float32)
            s = h @ W + b
            s -= s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(idx)), y[idx]] -= 1.0
            p *= (sw[idx] / sw[idx].sum())[:, None]
            gW = h.T @ p + l2 * W
            gb = p.sum(axis=0)
            gE = np.asarray(xs.T @ (p @ W.T), dtype=np.float32) + l2 * Eb
            step += 1
            c1 = 1 - beta1**step
            c2 = 1 - beta2**step
            for param, g, a, q in zip(dense, (gW, gb), m1, m2, strict=True):
                a *= beta1
                a += (1 - beta1) * g
                q *= beta2
                q += (1 - beta2) * g * g
                param -= lr * (a / c1) / (np.sqrt(q / c2) + eps)
            # Lazy Adam for the gram rows: only the grams of this batch move.
            a = mE[cols] * beta1 + (1 - beta1) * gE
            q = vE[cols] * beta2 + (1 - beta2) * gE * gE
            mE[cols], vE[cols] = a, q
            E[cols] = Eb - lr * (a / c1) / (np.sqrt(q / c2) + eps)
    E[np.bincount(X.indices, minlength=v) == 0] = 0.0  # grams never seen in training say nothing
    return SoftmaxModel(E, W, b)
