"""The vectorized engine and the per-member reference must agree on every row."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from craftpath.engines.ladder.evaluate import evaluate, evaluate_partitioned
from craftpath.engines.ladder.reference import reference_evaluate
from craftpath.engines.ladder.synthetic import synthetic_inputs
from craftpath.engines.rules import load_rulebook

RULEBOOK = load_rulebook()


def _assert_same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.schema == b.schema
    assert a.height == b.height
    if not a.equals(b):
        diff = a.with_row_index().join(b.with_row_index(), on="index", suffix="_ref")
        for col in a.columns:
            bad = (
                diff.filter(
                    pl.col(col).cast(pl.Utf8, strict=False).ne_missing(pl.col(f"{col}_ref").cast(pl.Utf8, strict=False))
                )
                if a.schema[col] != pl.List(pl.Utf8)
                else diff.filter(pl.col(col).list.join("|") != pl.col(f"{col}_ref").list.join("|"))
            )
            assert bad.height == 0, f"{col} differs, e.g. {bad.head(3).to_dicts()}"


@pytest.mark.parametrize(
    ("seed", "as_of"), [(11, dt.date(2025, 6, 30)), (12, dt.date(2024, 2, 29)), (13, dt.date(2021, 3, 1))]
)
def test_agrees_with_reference_on_random_members(seed: int, as_of: dt.date) -> None:
    inputs = synthetic_inputs(700, seed=seed, as_of=as_of)
    _assert_same(evaluate(inputs, RULEBOOK, as_of), reference_evaluate(inputs, RULEBOOK, as_of))


def test_partitioned_equals_whole() -> None:
    as_of = dt.date(2025, 6, 30)
    inputs = synthetic_inputs(600, seed=5, as_of=as_of)
    parts = pl.concat(list(evaluate_partitioned(inputs, RULEBOOK, as_of, partition_size=128, sort=True)))
    _assert_same(parts, evaluate(inputs, RULEBOOK, as_of))


def test_one_member_frame_equals_batch_row() -> None:
    as_of = dt.date(2025, 6, 30)
    inputs = synthetic_inputs(50, seed=6, as_of=as_of)
    batch = evaluate(inputs, RULEBOOK, as_of)
    for mid in (1, 17, 42):
        single = evaluate(inputs.filter_members([mid]), RULEBOOK, as_of)
        _assert_same(single, batch.filter(pl.col("member_id") == mid))


@pytest.mark.slow
def test_agrees_with_reference_on_one_million_members() -> None:
    as_of = dt.date(2025, 6, 30)
    for first in range(1, 1_000_001, 100_000):
        inputs = synthetic_inputs(100_000, seed=first, as_of=as_of, first_id=first)
        _assert_same(evaluate(inputs, RULEBOOK, as_of), reference_evaluate(inputs, RULEBOOK, as_of))
