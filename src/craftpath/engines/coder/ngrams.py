"""Character n-gram analysis and TF-IDF matrices (SciPy sparse, no scikit-learn).

Chinese runs give character 1-3 grams; Latin and digit runs give whole words, so
"java开发" yields ``java`` plus ``开``, ``发``, ``开发``.

Examples:
    >>> sorted(analyze("java开发"))
    ['w:java', '发', '开', '开发']
    >>> vocab = Vocabulary.build([["焊工"], ["电焊工"]])
    >>> m = vocab.tfidf([["焊工"], ["电焊工"]])
    >>> m.shape[0]
    2
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Vocabulary", "analyze", "tfidf_rows"]

_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9.#+]+")


def analyze(text: str, n_max: int = 3) -> list[str]:
    """Character 1..n grams of Chinese runs plus whole Latin/digit words (``w:`` prefix)."""
    grams: list[str] = []
    for run in _RUN_RE.findall(text):
        if run.isascii():
            if len(run) > 1 or run.isalpha():
                grams.append("w:" + run)
            continue
        n = len(run)
        for size in range(1, n_max + 1):
            for i in range(n - size + 1):
                grams.append(run[i : i + size])
    return grams


@dataclass
class Vocabulary:
    """A gram → column index map shared by all the matrices of one coder."""

    index: dict[str, int]

    @classmethod
    def build(cls, docs: Iterable[Sequence[str]]) -> Vocabulary:
        index: dict[str, int] = {}
        for doc in docs:
            for text in doc:
                for g in analyze(text):
                    if g not in index:
                        index[g] = len(index)
        return cls(index)

    @classmethod
    def build_with_counts(
        cls, collections: Sequence[Sequence[str]], start: dict[str, int] | None = None
    ) -> tuple[Vocabulary, list[sp.csr_matrix]]:
        """Build the vocabulary of several collections of texts and count each, in one pass.

        ``start``: an existing gram index to extend (it is copied). Matrices built against
        the smaller index stay valid: new grams only add columns.
        """
        index: dict[str, int] = dict(start or {})
        setdefault = index.setdefault
        mats = []
        for texts in collections:
            indptr = [0]
            indices: list[int] = []
            values: list[int] = []
            for text in texts:
                row = Counter(setdefault(g, len(index)) for g in analyze(text))
                indices.extend(row.keys())
                values.extend(row.values())
                indptr.append(len(indices))
            mats.append((values, indices, indptr))
        out = [
            sp.csr_matrix(
                (
                    np.asarray(v, dtype=np.float32),
                    np.asarray(i, dtype=np.int32),
                    np.asarray(p, dtype=np.int64),
                ),
                shape=(len(p) - 1, len(index)),
            )
            for v, i, p in mats
        ]
        return cls(index), out

    def __len__(self) -> int:
        return len(self.index)

    def counts(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Raw gram counts, one row per document (a document is a list of strings)."""
        return self.count_grams(
            [analyze(doc[0]) if len(doc) == 1 else [g for t in doc for g in analyze(t)] for doc in docs]
        )

    def count_grams(self, grams_per_doc: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """:meth:`counts` of documents already analysed (:func:`analyze`), so that one analysis
        serves several vocabularies; grams not in this one are left out."""
        indptr = [0]
        indices: list[int] = []
        values: list[int] = []
        get = self.index.get
        for grams in grams_per_doc:
            row = Counter(j for j in map(get, grams) if j is not None)
            indices.extend(row.keys())
            values.extend(row.values())
            indptr.append(len(indices))
        return sp.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(grams_per_doc), len(self.index)),
        )

    def tfidf(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF rows with this collection's own IDF (see :func:`tfidf_rows`)."""
        counts = self.counts(docs)
        return tfidf_rows(counts, idf(counts))


def idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column."""
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
    n = counts.shape[0]
    return (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)


def tfidf_rows(counts: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF, each row L2-normalised (empty rows stay empty)."""
    m = counts.copy().astype(np.float32)
    m.data = (1.0 + np.log(m.data)) * weights[m.indices]
    sq = np.asarray(m.multiply(m).sum(axis=1)).ravel()
    norm = np.sqrt(sq, dtype=np.float32)
    norm[norm == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norm) @ m, dtype=np.float32)
