"""Career pathways: an occupation graph from shared competencies and classification structure.

Each occupation is the text of its competencies (tasks). Texts become TF-IDF vectors —
character 2–3-grams for Chinese, words for English — and the edge weight between two
occupations is their cosine similarity plus a small bonus when they share a minor group
(or, smaller, a medium group). :func:`next_occupations` ranks a worker's possible next
occupations by how much carries over and lists what is missing.

Examples:
    >>> oc = pl.DataFrame({"occupation_code": ["6-31-01-01", "6-31-01-02", "4-01-02-01"],
    ...     "competency_id": ["a#1", "b#1", "c#1"],
    ...     "text": ["操作车床加工金属零件", "操作铣床加工金属零件", "收银结算与商品陈列"]})
    >>> g = build_occupation_graph(oc, k=2)
    >>> g.filter(pl.col("source") == "6-31-01-01").select("target", "structure").rows()
    [('6-31-01-02', 'same_minor_group')]
    >>> wo = pl.DataFrame({"worker_id": [1], "occupation_code": ["6-31-01-01"]})
    >>> nxt = next_occupations(wo, g, oc, k=3)
    >>> nxt.select("occupation_code", "competencies_missing").rows()
    [('6-31-01-02', ['b#1'])]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl
import scipy.sparse as sp

from craftpath.engines.matching._hierarchy import occupation_prefixes

__all__ = [
    "build_occupation_graph",
    "next_occupations",
    "occupation_texts",
    "recall_at_k",
    "tfidf_matrix",
]

_PUNCT = re.compile(r"[\s\d\W_]+", re.UNICODE)
_WORD = re.compile(r"[a-z][a-z\-]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "etc",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "other",
        "such",
        "that",
        "the",
        "their",
        "this",
        "to",
        "use",
        "used",
        "using",
        "well",
        "with",
        "within",
    }
)


def _tokens(text: str, analyzer: str, ngram: tuple[int, int]) -> list[str]:
    if analyzer == "word":
        return [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    out: list[str] = []
    for piece in _PUNCT.split(text):
        for n in range(ngram[0], ngram[1] + 1):
            out.extend(piece[i : i + n] for i in range(len(piece) - n + 1))
    return out


def tfidf_matrix(texts: Sequence[str], analyzer: str = "char", ngram: tuple[int, int] = (2, 3)) -> sp.csr_matrix:
    """Sublinear-tf, smoothed-idf TF-IDF rows, L2-normalised.

    Args:
        texts: One document per row.
        analyzer: ``"char"`` (n-grams of non-punctuation runs, for Chinese) or ``"word"``.
        ngram: Character n-gram lengths.

    Examples:
        >>> m = tfidf_matrix(["车床加工", "铣床加工"])
        >>> round(float((m @ m.T).toarray()[0, 1]), 3)
        0.432
    """
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        counts: dict[int, int] = {}
        for tok in _tokens(text or "", analyzer, ngram):
            j = vocab.setdefault(tok, len(vocab))
            counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            rows.append(r)
            cols.append(j)
            vals.append(1.0 + math.log(c))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float64)
    df = np.bincount(m.indices, minlength=len(vocab))
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    m = m @ sp.diags(idf)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def occupation_texts(occupation_competencies: pl.DataFrame) -> pl.DataFrame:
    """``occupation_code, text`` with each occupation's competency texts joined, sorted by code."""
    return (
        occupation_competencies.group_by("occupation_code").agg(pl.col("text").str.join("。")).sort("occupation_code")
    )


def build_occupation_graph(
    occupation_competencies: pl.DataFrame,
    *,
    analyzer: str = "char",
    ngram: tuple[int, int] = (2, 3),
    k: int = 20,
    minor_bonus: float = 0.1,
    medium_bonus: float = 0.05,
) -> pl.DataFrame:
    """Top-k neighbours of every occupation.

    Args:
        occupation_competencies: ``occupation_code, competency_id, text``.
        analyzer: ``"char"`` for Chinese task text, ``"word"`` for English.
        ngram: Character n-gram lengths.
        k: Neighbours kept per occupation.
        minor_bonus: Added when source and target share a minor group.
        medium_bonus: Added when they share only a medium group.

    Returns:
        ``source, target, rank: i32, similarity, text_similarity: f64, structure: str``
        (``same_minor_group``, ``same_medium_group`` or ``none``), by source then rank
        (similarity descending, then target code).
    """
    docs = occupation_texts(occupation_competencies)
    codes = docs["occupation_code"].to_list()
    n = len(codes)
    X = tfidf_matrix(docs["text"].to_list(), analyzer, ngram)
    pref = [occupation_prefixes(c) for c in codes]
    med = np.unique([p[0] for p in pref], return_inverse=True)[1]
    mnr = np.unique([p[1] for p in pref], return_inverse=True)[1]
    src, dst, sim, txt, struct = [], [], [], [], []
    kk = min(k, max(n - 1, 0))
    for a in range(0, n, 512):
        b = min(a + 512, n)
        T = np.asarray((X[a:b] @ X.T).toarray())
        same_minor = mnr[a:b, None] == mnr[None, :]
        same_medium = med[a:b, None] == med[None, :]
        S = T + np.where(same_minor, minor_bonus, np.where(same_medium, medium_bonus, 0.0))
        S[np.arange(b - a), np.arange(a, b)] = -np.inf
        order = np.lexsort((np.broadcast_to(np.arange(n), S.shape), -S), axis=1)[:, :kk]
        for r in range(b - a):
            for j in order[r]:
                if not np.isfinite(S[r, j]):
                    continue
                src.append(a + r)
                dst.append(int(j))
                sim.append(float(S[r, j]))
                txt.append(float(T[r, j]))
                struct.append(
                    "same_minor_group" if same_minor[r, j] else "same_medium_group" if same_medium[r, j] else "none"
                )
    code_s = pl.Series(codes, dtype=pl.String)
    out = pl.DataFrame(
        {
            "source": code_s.gather(src) if src else code_s.clear(),
            "target": code_s.gather(dst) if dst else code_s.clear(),
            "similarity": pl.Series(sim, dtype=pl.Float64),
            "text_similarity": pl.Series(txt, dtype=pl.Float64),
            "structure": pl.Series(struct, dtype=pl.String),
        }
    )
    out = out.filter((pl.col("text_similarity") > 0) | (pl.col("structure") != "none"))
    return out.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("source").alias("rank")).select(
        "source", "target", "rank", "similarity", "text_similarity", "structure"
    )


def next_occupations(
    worker_occupations: pl.DataFrame,
    graph: pl.DataFrame,
    occupation_competencies: pl.DataFrame,
    *,
    worker_competencies: pl.DataFrame | None = None,
    k: int = 10,
) -> pl.DataFrame:
    """Rank next occupations for each worker.

    ``carry_over`` is the larger of the graph similarity from any held occupation and the
    share of the target's competencies the worker already holds. Ranked by carry-over, then
    fewer missing competencies, then code.

    Args:
        worker_occupations: ``worker_id, occupation_code``.
        graph: Output of :func:`build_occupation_graph`.
        occupation_competencies: ``occupation_code, competency_id, text``.
        worker_competencies: ``worker_id, competency_id`` (optional).
        k: Results per worker.

    Returns:
        ``worker_id, rank: i32, occupation_code, from_occupation, similarity, carry_over: f64,
        competencies_held: i64, competencies_missing: list[str]``.
    """
    wo = worker_occupations.select("worker_id", pl.col("occupation_code").cast(pl.String))
    cand = (
        wo.join(graph, left_on="occupation_code", right_on="source")
        .rename({"occupation_code": "from_occupation", "target": "occupation_code"})
        .join(wo, on=["worker_id", "occupation_code"], how="anti")
        .sort(["worker_id", "occupation_code", "similarity", "from_occupation"], descending=[False, False, True, False])
        .unique(["worker_id", "occupation_code"], keep="first", maintain_order=True)
    )
    req = cand.select("worker_id", "occupation_code").join(
        occupation_competencies.select("occupation_code", "competency_id"), on="occupation_code"
    )
    if worker_competencies is not None:
        held = (
            worker_competencies.select("worker_id", "competency_id").unique().with_columns(pl.lit(True).alias("_held"))
        )
        req = req.join(held, on=["worker_id", "competency_id"], how="left")
    else:
        req = req.with_columns(pl.lit(None, dtype=pl.Boolean).alias("_held"))
    agg = req.group_by(["worker_id", "occupation_code"]).agg(
        pl.col("_held").fill_null(False).sum().cast(pl.Int64).alias("competencies_held"),
        pl.len().alias("_n"),
        pl.col("competency_id").filter(~pl.col("_held").fill_null(False)).sort().alias("competencies_missing"),
    )
    out = (
        cand.join(agg, on=["worker_id", "occupation_code"], how="left")
        .with_columns(
            pl.col("competencies_held").fill_null(0),
            pl.col("competencies_missing").fill_null([]),
        )
        .with_columns(
            pl.max_horizontal(
                "similarity",
                (pl.col("competencies_held") / pl.col("_n")).fill_null(0.0),
            ).alias("carry_over"),
            pl.col("competencies_missing").list.len().alias("_miss"),
        )
        .sort(["worker_id", "carry_over", "_miss", "occupation_code"], descending=[False, True, False, False])
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("worker_id").alias("rank"))
        .filter(pl.col("rank") <= k)
    )
    return out.select(
        "worker_id",
        "rank",
        "occupation_code",
        "from_occupation",
        "similarity",
        "carry_over",
        "competencies_held",
        "competencies_missing",
    )


def recall_at_k(predicted: pl.DataFrame, truth: Iterable[tuple[str, str]], k: int = 10) -> float:
    """Mean over sources with ground truth of ``|top-k ∩ truth| / |truth|``.

    Args:
        predicted: ``source, target, rank``.
        truth: ``(source, target)`` pairs.
        k: Cut-off.

    Examples:
        >>> pred = pl.DataFrame({"source": ["a", "a"], "target": ["b", "c"], "rank": [1, 2]})
        >>> recall_at_k(pred, [("a", "b"), ("a", "d")], k=10)
        0.5
    """
    rel: dict[str, set[str]] = {}
    for s, t in truth:
        rel.setdefault(s, set()).add(t)
    top: dict[str, set[str]] = {}
    for s, t in predicted.filter(pl.col("rank") <= k).select("source", "target").iter_rows():
        top.setdefault(s, set()).add(t)
    scores = [len(top.get(s, set()) & ts) / len(ts) for s, ts in rel.items() if ts]
    return float(np.mean(scores)) if scores else 0.0
