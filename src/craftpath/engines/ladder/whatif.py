"""What-if: evaluate the same members under two rulebooks and show who changes status.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> from craftpath.engines.ladder.synthetic import synthetic_inputs
    >>> inp = synthetic_inputs(200, seed=2)
    >>> same = compare_rulebooks(inp, load_rulebook(), load_rulebook(), dt.date(2025, 6, 30))
    >>> same.changes.height
    0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.inputs import LadderInputs
from craftpath.engines.rules.model import Rulebook

__all__ = ["Comparison", "compare_rulebooks"]


@dataclass(frozen=True)
class Comparison:
    """``changes``: one row per member × occupation × target whose outcome differs;
    ``summary``: counts per group (``gains``, ``loses``, ``earlier``, ``later``, ``members``)."""

    changes: pl.DataFrame
    summary: pl.DataFrame


def compare_rulebooks(
    inputs: LadderInputs,
    rulebook_a: Rulebook,
    rulebook_b: Rulebook,
    as_of: dt.date,
    by: str = "org_id",
    *,
    on_bad_input: str = "error",
) -> Comparison:
    """Who gains or loses eligibility, or qualifies earlier or later, under ``rulebook_b``.

    Args:
        inputs: the population.
        rulebook_a: current rules.
        rulebook_b: proposed rules.
        as_of: evaluation date for both.
        by: a ``members`` column to group counts by (``org_id``, ``jurisdiction``).
    """
    key = ["member_id", "occupation_code", "target_grade"]
    cols = ["eligible", "earliest_date", "route"]
    a = evaluate(inputs, rulebook_a, as_of, on_bad_input=on_bad_input, sort=False).select(*key, *cols)
    b = evaluate(inputs, rulebook_b, as_of, on_bad_input=on_bad_input, sort=False).select(*key, *cols)
    j = a.join(b, on=key, how="full", coalesce=True, suffix="_b").rename({c: f"{c}_a" for c in cols})
    ea, eb = pl.col("eligible_a").fill_null(False), pl.col("eligible_b").fill_null(False)
    da, db = pl.col("earliest_date_a"), pl.col("earliest_date_b")
    change = (
        pl.when(~ea & eb)
        .then(pl.lit("gains"))
        .when(ea & ~eb)
        .then(pl.lit("loses"))
        .when(db.is_not_null() & (da.is_null() | (db < da)))
        .then(pl.lit("earlier"))
        .when(da.is_not_null() & (db.is_null() | (db > da)))
        .then(pl.lit("later"))
        .otherwise(None)
    )
    groups = inputs.members.select("member_id", pl.col(by))
    changes = (
        j.with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .join(groups, on="member_id", how="left")
        .sort(key)
    )
    summary = (
        changes.group_by(by)
        .agg(
            *[(pl.col("change") == c).sum().alias(c) for c in ("gains", "loses", "earlier", "later")],
            pl.col("member_id").n_unique().alias("members"),
        )
        .sort(by, nulls_last=True)
    )
    return Comparison(changes, summary)
