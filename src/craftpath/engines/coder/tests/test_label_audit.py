"""The label audits of the dev titles describe the shipped data and the classification.

The audits (``data/eval/csco_titles_dev_audit.csv``, ``…_audit_rest.csv`` and
``…_misses_audit.csv``) and the corrections drawn from them carry the accuracy figures
against audited labels in docs/coder.md and decide what the packaged coder learns from; if
the dev titles, their codes or the table changed under them, those figures would silently
stop meaning anything.
"""

from __future__ import annotations

import io
from importlib.resources import files

import polars as pl
import pytest

from craftpath.engines.coder import Coder, occupation_table
from craftpath.engines.coder.resources import evaluation_titles, label_corrections, labelled_titles

VERDICTS = {"right", "defensible", "wrong"}
# The two blind audits (no coder output in view): together every level-4 label, once.
AUDITS = ("csco_titles_dev_audit.csv", "csco_titles_dev_audit_rest.csv")


def _eval_csv(name: str) -> pl.DataFrame:
    data = files("craftpath.data.eval").joinpath(name).read_bytes()
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)


@pytest.fixture(scope="module")
def table() -> Coder:
    """A coder over the classification alone: its leaves, their levels and code index."""
    return Coder(occupation_table(), None)


@pytest.fixture(scope="module")
def dev() -> pl.DataFrame:
    return _eval_csv("csco_titles_dev.csv")


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("csco_titles_dev_audit.csv", 200),
        ("csco_titles_dev_misses_audit.csv", 319),
        ("csco_titles_dev_audit_rest.csv", 2311),
        ("csco_titles_dev_audit_second.csv", 627),
    ],
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


def test_random_audit_is_level4_and_its_corrections_are_leaves(table: Coder) -> None:
    audit = _eval_csv("csco_titles_dev_audit.csv")
    coder = table
    leaves = set(coder.codes)
    level4 = {c for c, lv in zip(coder.codes, coder.levels, strict=True) if lv == 4}
    assert set(audit["expected_code"]) <= level4
    better = audit.filter(pl.col("better_code").is_not_null())
    assert better.height > 0
    assert set(better["better_code"]) <= leaves
    # Corrections are given only where the label was judged wrong, and differ from it.
    assert (better["verdict"] == "wrong").all()
    assert (better["better_code"] != better["expected_code"]).all()


def test_every_wrong_label_has_one_correction(table: Coder) -> None:
    fixes = label_corrections()
    assert fixes["job_name"].n_unique() == fixes.height
    wrong = set()
    for name in AUDITS:
        audit = _eval_csv(name)
        wrong |= set(audit.filter(pl.col("verdict") == "wrong")["job_name"])
    assert set(fixes["job_name"]) == wrong
    random_audit = _eval_csv("csco_titles_dev_audit.csv").filter(pl.col("verdict") == "wrong")
    joined = random_audit.join(fixes, on="job_name")
    assert (joined["better_code"].fill_null("") == joined["corrected_code"].fill_null("")).all()
    leaves = set(table.codes)
    assert set(fixes["corrected_code"].drop_nulls()) <= leaves


def test_the_coder_learns_from_corrected_labels_and_is_scored_on_published_ones() -> None:
    published = labelled_titles(corrected=False)
    learnt = labelled_titles()
    fixes = label_corrections()
    dropped = fixes.filter(pl.col("corrected_code").is_null())["job_name"]
    assert learnt.height == published.height - dropped.len()
    assert not learnt["job_name"].is_in(dropped.to_list()).any()
    fixed = fixes.filter(pl.col("corrected_code").is_not_null())
    got = dict(learnt.filter(pl.col("job_name").is_in(fixed["job_name"].to_list())).iter_rows())
    assert got == dict(fixed.select("job_name", "corrected_code").iter_rows())
    untouched = published.filter(~pl.col("job_name").is_in(fixes["job_name"].to_list()))
    assert untouched.join(learnt, on=["job_name", "code"]).height == untouched.height
    scored = evaluation_titles()
    assert scored.select("job_name", "code").equals(published)
    assert scored["train_code"].null_count() == dropped.len()


def test_packaged_coder_does_not_repeat_labels_found_wrong(cheap_coder: Coder) -> None:
    # Before the corrections the coder memorised them: 电脑技术学徒 → 心电学技师 (0.87).
    fixes = label_corrections()
    titles = fixes["job_name"].to_list()
    out = cheap_coder.code(titles, k=5, min_confidence=0.0, evidence=False)
    top1 = dict(out.filter(pl.col("rank") == 1).select("input_index", "code").iter_rows())
    wrong = fixes["expected_code"].to_list()
    repeated = sum(top1.get(i) == wrong[i] for i in range(len(titles)))
    assert repeated / len(titles) <= 0.25
    better = fixes["corrected_code"].to_list()
    top5 = out.group_by("input_index").agg("code")
    hits = sum(better[i] in codes for i, codes in top5.iter_rows() if better[i] is not None)
    assert hits / sum(b is not None for b in better) >= 0.8


def test_the_audits_cover_every_level4_label(dev: pl.DataFrame, table: Coder) -> None:
    coder = table
    level4 = {c for c, lv in zip(coder.codes, coder.levels, strict=True) if lv == 4}
    titles = set(dev.filter(pl.col("expected_code").is_in(list(level4)))["job_name"])
    audited: set[str] = set()
    for name in AUDITS:
        audited |= set(_eval_csv(name)["job_name"])
    assert titles <= audited
    assert not set(_eval_csv(AUDITS[0])["job_name"]) & set(_eval_csv(AUDITS[1])["job_name"])
    rest = _eval_csv("csco_titles_dev_audit_rest.csv")
    fixed = rest.filter(pl.col("better_code").is_not_null())
    assert (fixed["verdict"] == "wrong").all()
    assert set(fixed["better_code"]) <= set(coder.codes)


def test_second_reading_is_a_stratified_sample_and_agrees_as_documented() -> None:
    # Every label the first reading found wrong, and 150 each of right and defensible,
    # read again blind to the first verdicts (data/eval/README.md, "Second reading").
    first = pl.concat([_eval_csv(name) for name in AUDITS]).select("job_name", first="verdict")
    second = _eval_csv("csco_titles_dev_audit_second.csv")
    joined = second.join(first, on="job_name", how="left")
    assert joined["first"].null_count() == 0
    sizes = dict(joined.group_by("first").len().iter_rows())
    assert sizes == {"wrong": 327, "right": 150, "defensible": 150}
    cross = {(a, b): n for a, b, n in joined.group_by("first", "verdict").len().iter_rows()}
    assert cross.get(("wrong", "wrong"), 0) == 326
    assert cross.get(("wrong", "right"), 0) == 0
    assert cross.get(("right", "wrong"), 0) == 0
    assert cross.get(("defensible", "wrong"), 0) == 22
    better = second.filter(pl.col("better_code").is_not_null())
    assert (better["verdict"] == "wrong").all()
    assert set(better["better_code"]) <= set(occupation_table()["code"])
