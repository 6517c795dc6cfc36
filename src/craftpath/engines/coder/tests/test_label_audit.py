"""The label audits of the dev titles describe the shipped data and the classification.

The audits (``data/eval/csco_titles_dev_audit.csv`` and ``…_misses_audit.csv``) carry the
accuracy figures against judged labels in docs/coder.md; if the dev titles, their codes or
the table changed under them, those figures would silently stop meaning anything.
"""

from __future__ import annotations

import io
from importlib.resources import files

import polars as pl
import pytest

from craftpath.engines.coder import Coder, occupation_table

VERDICTS = {"right", "defensible", "wrong"}


def _eval_csv(name: str) -> pl.DataFrame:
    data = files("craftpath.data.eval").joinpath(name).read_bytes()
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)


@pytest.fixture(scope="module")
def dev() -> pl.DataFrame:
    return _eval_csv("csco_titles_dev.csv")


@pytest.mark.parametrize(
    ("name", "rows"), [("csco_titles_dev_audit.csv", 200), ("csco_titles_dev_misses_audit.csv", 319)]
)
def test_audit_rows_are_dev_titles_with_their_labels(dev: pl.DataFrame, name: str, rows: int) -> None:
    audit = _eval_csv(name)
    assert audit.height == rows
    assert audit["job_name"].n_unique() == rows
    joined = audit.join(dev, on="job_name", how="left", suffix="_dev")
    assert joined["expected_code_dev"].null_count() == 0, "an audited title is not in the dev set"
    assert (joined["expected_code"] == joined["expected_code_dev"]).all(), "an audited label differs from the dev set"
    assert set(audit["verdict"].unique()) <= VERDICTS
    assert audit["reason"].null_count() == 0


def test_random_audit_is_level4_and_its_corrections_are_leaves() -> None:
    audit = _eval_csv("csco_titles_dev_audit.csv")
    coder = Coder(occupation_table(), None)
    leaves = set(coder.codes)
    level4 = {c for c, lv in zip(coder.codes, coder.levels, strict=True) if lv == 4}
    assert set(audit["expected_code"]) <= level4
    better = audit.filter(pl.col("better_code").is_not_null())
    assert better.height > 0
    assert set(better["better_code"]) <= leaves
    # Corrections are given only where the label was judged wrong, and differ from it.
    assert (better["verdict"] == "wrong").all()
    assert (better["better_code"] != better["expected_code"]).all()
