"""Traces: turn the clause ids an engine cites into clause records with their sources.

Engines keep traces as lists of clause ids (cheap to carry over millions of rows); these
helpers expand them on demand.

Examples:
    >>> import polars as pl
    >>> from craftpath.engines.rules import load_rulebook
    >>> rb = load_rulebook()
    >>> df = pl.DataFrame({"trace": [["national-2018", "national-2018/2/years"]]})
    >>> out = attach_sources(df, rb)
    >>> out["trace"][0][1]["clause"], out["trace"][0][1]["status"]
    ('national-2018/2/years', 'confirmed')
    >>> clause_table(rb).filter(pl.col("clause") == "posts/special-technician")["valid_from"].to_list()
    [datetime.date(2022, 4, 27)]
"""

from __future__ import annotations

import polars as pl

from craftpath.engines.rules.model import Rulebook

__all__ = ["attach_sources", "clause_table"]


def clause_table(rulebook: Rulebook) -> pl.DataFrame:
    """One row per clause: ``clause, source, valid_from, valid_to, status, file``."""
    rows = [
        {
            "clause": c.id,
            "source": c.source,
            "valid_from": c.valid_from,
            "valid_to": c.valid_to,
            "status": c.status,
            "file": c.file,
        }
        for c in rulebook.clauses()
    ]
    return pl.DataFrame(
        rows,
        schema={
            "clause": pl.Utf8,
            "source": pl.Utf8,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "status": pl.Utf8,
            "file": pl.Utf8,
        },
    )


def attach_sources(frame: pl.DataFrame, rulebook: Rulebook, column: str = "trace") -> pl.DataFrame:
    """Replace a ``List[Utf8]`` of clause ids by a list of structs
    ``{clause, source, valid_from, valid_to, status}`` (order kept; unknown ids keep null fields)."""
    table = clause_table(rulebook).drop("file")
    idx = frame.with_row_index("_row").select("_row", pl.col(column)).explode(column)
    idx = idx.with_row_index("_pos").join(table, left_on=column, right_on="clause", how="left").sort("_pos")
    nested = idx.group_by("_row", maintain_order=True).agg(
        pl.struct(pl.col(column).alias("clause"), "source", "valid_from", "valid_to", "status")
        .filter(pl.col(column).is_not_null())
        .alias(column)
    )
    return (
        frame.with_row_index("_row")
        .drop(column)
        .join(nested, on="_row", how="left")
        .sort("_row")
        .drop("_row")
        .select(frame.columns)
    )
