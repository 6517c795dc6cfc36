"""The vectorized engine and the per-member reference must agree on every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from craftpath.engines.ladder.evaluate import evaluate, evaluate_partitioned
from craftpath.engines.ladder.inputs import InputError, LadderInputs
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


@pytest.mark.parametrize(
    ("seed", "as_of"), [(21, dt.date(2025, 6, 30)), (22, dt.date(2020, 2, 29)), (23, dt.date(2018, 12, 31))]
)
def test_compiled_and_frame_engines_agree(seed: int, as_of: dt.date) -> None:
    inputs = synthetic_inputs(900, seed=seed, as_of=as_of)
    _assert_same(
        evaluate(inputs, RULEBOOK, as_of, engine="compiled", on_bad_input="flag"),
        evaluate(inputs, RULEBOOK, as_of, engine="polars", sort=True, on_bad_input="flag"),
    )


def test_row_order_of_the_input_does_not_matter() -> None:
    as_of = dt.date(2025, 6, 30)
    inputs = synthetic_inputs(300, seed=8, as_of=as_of)
    shuffled = LadderInputs(
        **{name: frame.sample(fraction=1.0, shuffle=True, seed=3) for name, frame in inputs.frames().items()}
    )
    _assert_same(evaluate(shuffled, RULEBOOK, as_of), evaluate(inputs, RULEBOOK, as_of))


def test_implausible_dates_agree_with_reference() -> None:
    """Centuries-old dates (bad data that validation lets through) are computed, not clipped."""
    as_of = dt.date(2025, 6, 30)
    inputs = LadderInputs.build(
        members=[
            {"member_id": 1, "birth_date": dt.date(1500, 1, 1)},
            {"member_id": 2, "birth_date": None},
        ],
        histories=[
            {
                "member_id": 1,
                "occupation_code": "6-31-01-03",
                "start": dt.date(1600, 2, 29),
                "end": dt.date(1601, 1, 1),
            },
            {"member_id": 2, "occupation_code": "6-31-01-03", "start": dt.date(1100, 3, 1), "end": dt.date(1100, 6, 1)},
        ],
        certificates=[
            {"member_id": 1, "occupation_code": "6-31-01-03", "grade": 1, "issued_on": dt.date(1520, 5, 5)},
        ],
    )
    got = evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag")
    _assert_same(got, reference_evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag"))
    by_member = {(r["member_id"], r["target_grade"]): r for r in got.to_dicts()}
    assert by_member[(1, 2)]["eligible"] is True
    assert by_member[(2, 1)]["missing"] == ["years_in_occupation:0.2/1"]


def test_members_without_records_and_empty_frames() -> None:
    as_of = dt.date(2025, 6, 30)
    only_members = LadderInputs.build(members=[{"member_id": 5, "birth_date": dt.date(1990, 1, 1)}])
    assert evaluate(only_members, RULEBOOK, as_of).height == 0
    nobody = LadderInputs.build(members=[])
    out = evaluate(nobody, RULEBOOK, as_of)
    assert out.height == 0
    assert out.schema == evaluate(only_members, RULEBOOK, as_of).schema


def test_partitioned_threads_keep_member_order() -> None:
    as_of = dt.date(2025, 6, 30)
    inputs = synthetic_inputs(1000, seed=9, as_of=as_of)
    parts = list(evaluate_partitioned(inputs, RULEBOOK, as_of, partition_size=97, workers=3))
    firsts = [p["member_id"][0] for p in parts if p.height]
    assert firsts == sorted(firsts)
    _assert_same(pl.concat(parts), evaluate(inputs, RULEBOOK, as_of))


def test_presorted_parquet_is_read_once_and_equals_whole(tmp_path: Path) -> None:
    as_of = dt.date(2025, 6, 30)
    inputs = synthetic_inputs(800, seed=10, as_of=as_of)
    lazy = {}
    for name, frame in inputs.frames().items():
        for j, chunk in enumerate(frame.sort("member_id").iter_slices(150)):
            chunk.write_parquet(tmp_path / f"{name}-{j:03d}.parquet")
        lazy[name] = pl.scan_parquet(tmp_path / f"{name}-*.parquet") if frame.height else frame.lazy()
    parts = list(evaluate_partitioned(lazy, RULEBOOK, as_of, partition_size=111, presorted=True))
    _assert_same(pl.concat(parts), evaluate(inputs, RULEBOOK, as_of))
    shuffled = {**lazy, "histories": lazy["histories"].sort("start")}
    with pytest.raises(ValueError, match="member_id order"):
        list(evaluate_partitioned(shuffled, RULEBOOK, as_of, partition_size=111, presorted=True))


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


def _two_members(**extra: list[dict[str, Any]]) -> LadderInputs:
    hist = [
        {"member_id": 1, "occupation_code": "6-31-01-03", "start": dt.date(2023, 1, 1), "end": None},
        {"member_id": 2, "occupation_code": "6-31-01-03", "start": dt.date(2010, 1, 1), "end": None},
    ]
    members = [{"member_id": 1, "birth_date": dt.date(1990, 1, 1)}, {"member_id": 2, "birth_date": dt.date(1985, 1, 1)}]
    return LadderInputs.build(members=members + extra.get("members", []), histories=hist + extra.get("histories", []))


def test_member_rows_without_id_are_refused_or_dropped() -> None:
    as_of = dt.date(2024, 1, 1)
    inputs = _two_members(members=[{"member_id": None, "birth_date": dt.date(1990, 1, 1)}])
    with pytest.raises(InputError, match="member_id_missing"):
        evaluate(inputs, RULEBOOK, as_of)
    got = evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag")
    assert set(got["member_id"].to_list()) == {1, 2}
    _assert_same(got, evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag", engine="polars", sort=True))


def test_records_without_member_id_never_count_for_someone_else() -> None:
    as_of = dt.date(2024, 1, 1)
    stray = {"member_id": None, "occupation_code": "4-01-02-01", "start": dt.date(2010, 1, 1), "end": None}
    inputs = _two_members(histories=[stray])
    with pytest.raises(InputError, match="unknown_member"):
        evaluate(inputs, RULEBOOK, as_of)
    got = evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag")
    assert "4-01-02-01" not in got["occupation_code"].to_list()
    _assert_same(got, reference_evaluate(_two_members(), RULEBOOK, as_of))


def test_a_member_listed_twice_is_evaluated_once_and_flagged() -> None:
    as_of = dt.date(2024, 1, 1)
    inputs = _two_members(members=[{"member_id": 2, "birth_date": dt.date(1950, 1, 1)}])
    with pytest.raises(InputError, match="duplicate_member"):
        evaluate(inputs, RULEBOOK, as_of)
    got = evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag")
    assert got.filter(pl.col("member_id") == 2).height == got.filter(pl.col("member_id") == 1).height
    assert got.filter(pl.col("member_id") == 2)["flags"].to_list()[0] == ["duplicate_member"]
    _assert_same(got, reference_evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag"))
    _assert_same(got, evaluate(inputs, RULEBOOK, as_of, on_bad_input="flag", engine="polars", sort=True))


def _set(frame: pl.DataFrame, row: int, **values: Any) -> pl.DataFrame:
    """``frame`` with ``values`` written into row ``row`` (types kept)."""
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c)
        for c, v in values.items()
    )


_AS_OF = dt.date(2025, 6, 30)
_CORRUPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "history without start": ("histories", {"start": None}),
    "malformed occupation": ("histories", {"occupation_code": "6-31-1-03"}),
    "occupation with a trailing newline": ("histories", {"occupation_code": "6-31-01-03\n"}),
    "history without occupation": ("histories", {"occupation_code": None}),
    "history ending before it starts": ("histories", {"start": dt.date(2020, 1, 2), "end": dt.date(2020, 1, 1)}),
    "history starting after as_of": ("histories", {"start": dt.date(2025, 7, 1), "end": None}),
    "history ending after as_of (assumption)": (
        "histories",
        {"start": dt.date(2020, 1, 1), "end": dt.date(2026, 1, 2)},
    ),
    "certificate without date": ("certificates", {"issued_on": None}),
    "grade out of range": ("certificates", {"grade": 9}),
    "grade missing": ("certificates", {"grade": None}),
    "unknown way of award": ("certificates", {"how": "bought"}),
    "certificate after as_of": ("certificates", {"issued_on": dt.date(2025, 7, 1)}),
    "certificate before age 16": ("certificates", {"issued_on": dt.date(1960, 1, 1)}),
    "certificate with malformed occupation": ("certificates", {"occupation_code": "63101003"}),
    "unknown diploma kind": ("diplomas", {"kind": "diploma_mill"}),
    "diploma without kind": ("diplomas", {"kind": None}),
    "diploma with malformed specialty": ("diplomas", {"occupation_code": "x-31-01-03"}),
    "diploma without specialty (assumption)": ("diplomas", {"occupation_code": None}),
    "diploma without graduation date (assumption)": ("diplomas", {"graduated_on": None}),
    "apprenticeship without date": ("apprenticeships", {"completed_on": None}),
    "apprenticeship with malformed occupation": ("apprenticeships", {"occupation_code": "apprentice"}),
    "record of an unknown member": ("histories", {"member_id": 10_000_000}),
    "record without member": ("certificates", {"member_id": None}),
    "member without birth date (assumption)": ("members", {"birth_date": None}),
    "member without id": ("members", {"member_id": None}),
    "member listed twice": ("members", {"member_id": 1}),
}


@pytest.mark.parametrize("case", list(_CORRUPTIONS))
def test_quick_check_lets_no_bad_row_through(case: str) -> None:
    """The compiled engine checks clean-looking inputs on its grouped arrays and only sends the
    rest through ``validate_inputs``; whatever is wrong, it must give exactly what validation
    followed by evaluation gives (validation's flags and dropped rows, or its error)."""
    from craftpath.engines.ladder.compiled import evaluate_checked, evaluate_compiled
    from craftpath.engines.ladder.inputs import validate_inputs
    from craftpath.engines.ladder.plan import build_plan

    frame, values = _CORRUPTIONS[case]
    base = synthetic_inputs(200, seed=31, as_of=_AS_OF, first_id=1)
    # the target row: the first record of a member who holds a certificate and has result rows
    target = getattr(base, frame)
    holders = base.certificates.join(evaluate(base, RULEBOOK, _AS_OF).select("member_id").unique(), on="member_id")
    row = int(target.with_row_index().filter(pl.col("member_id").is_in(holders["member_id"].implode()))["index"][0])
    member = values.get("member_id", target["member_id"][row])
    inputs = LadderInputs(**(base.frames() | {frame: _set(target, row, **values)}))
    plan = build_plan(RULEBOOK, _AS_OF)
    for mode in ("error", "flag"):
        try:
            expected = evaluate_compiled(*validate_inputs(inputs, _AS_OF, on_bad_input=mode), plan)
        except InputError as exc:
            message = str(exc)
            with pytest.raises(InputError) as got_exc:
                evaluate_checked(inputs, plan, on_bad_input=mode)
            assert str(got_exc.value) == message
            continue
        _assert_same(evaluate_checked(inputs, plan, on_bad_input=mode), expected)
        if mode == "flag" and member is not None and member < 10_000_000:  # the member carries a flag either way
            flagged = evaluate_checked(inputs, plan, on_bad_input=mode).filter(pl.col("member_id") == member)
            assert flagged["flags"].list.len().max(), case


def test_quick_check_respects_the_list_of_known_occupations() -> None:
    from craftpath.engines.ladder.compiled import evaluate_checked

    inputs = synthetic_inputs(100, seed=32, as_of=_AS_OF)
    plan_args = (RULEBOOK, _AS_OF)
    known = pl.concat([f["occupation_code"] for f in (inputs.histories, inputs.certificates)]).drop_nulls().unique()
    assert evaluate(inputs, *plan_args, occupations=known).height > 0
    one_less = known.filter(known != inputs.histories["occupation_code"][0])
    with pytest.raises(InputError, match="unknown_occupation_code"):
        evaluate(inputs, *plan_args, occupations=one_less)
    from craftpath.engines.ladder.plan import build_plan

    flagged = evaluate_checked(inputs, build_plan(*plan_args), on_bad_input="flag", occupations=one_less)
    assert flagged.height > 0
    assert inputs.histories["occupation_code"][0] not in flagged["occupation_code"].to_list()
    first = inputs.histories["member_id"][0]
    assert "unknown_occupation_code" in flagged.filter(pl.col("member_id") == first)["flags"].explode().to_list()


@pytest.mark.parametrize(
    "code",
    [
        "６-31-01-03",  # full-width digit: a Unicode digit, accepted like validation's pattern accepts it
        "6-31-01-0３",
        "6-31-01-03 ",
        "6—31-01-03",
        "6-31-01",
        "",
        "6-31-01-03-01",
        "6-31-01-03 (lathe operator)",  # longer than a string view holds inline
        "6a31-01-03",
    ],
)
def test_odd_occupation_codes_are_read_like_validation_reads_them(code: str) -> None:
    from craftpath.engines.ladder.compiled import evaluate_checked, evaluate_compiled
    from craftpath.engines.ladder.inputs import validate_inputs
    from craftpath.engines.ladder.plan import build_plan

    base = synthetic_inputs(60, seed=33, as_of=_AS_OF)
    row = 4
    histories = _set(base.histories, row, occupation_code=code)
    # a slice of a longer frame: the string views start at an offset
    padded = pl.concat([base.histories.head(7), histories]).slice(7)
    plan = build_plan(RULEBOOK, _AS_OF)
    for frame in (histories, padded):
        inputs = LadderInputs(**(base.frames() | {"histories": frame}))
        for known in (None, pl.concat([base.histories["occupation_code"], pl.Series([code])]).unique()):
            expected = evaluate_compiled(*validate_inputs(inputs, _AS_OF, on_bad_input="flag", occupations=known), plan)
            _assert_same(evaluate_checked(inputs, plan, on_bad_input="flag", occupations=known), expected)


def test_large_inputs_are_evaluated_in_member_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above two slices, members are cut into id ranges evaluated in threads: same rows, and a
    problem anywhere is reported for the whole input, as if it had not been cut."""
    from craftpath.engines.ladder import compiled
    from craftpath.engines.ladder.inputs import validate_inputs
    from craftpath.engines.ladder.plan import build_plan

    plan = build_plan(RULEBOOK, _AS_OF)
    inputs = synthetic_inputs(700, seed=34, as_of=_AS_OF)  # diplomas and apprenticeships not in member order
    whole = compiled.evaluate_checked(inputs, plan)
    monkeypatch.setattr(compiled, "SLICE", 64)
    assert len(compiled._member_slices(inputs) or []) == 11
    sliced = compiled.evaluate_checked(inputs, plan)
    assert sliced.n_chunks() > 1  # it was cut
    _assert_same(sliced, whole)
    _assert_same(sliced, reference_evaluate(inputs, RULEBOOK, _AS_OF))
    # a record of an unknown member and a bad date in two different slices
    bad = LadderInputs(
        **(
            inputs.frames()
            | {
                "histories": _set(_set(inputs.histories, 10, member_id=100_000), 1500, start=dt.date(2030, 1, 1)),
            }
        )
    )
    with pytest.raises(InputError) as whole_error:
        validate_inputs(bad, _AS_OF)
    message = str(whole_error.value)
    with pytest.raises(InputError) as got:
        compiled.evaluate_checked(bad, plan)
    assert str(got.value) == message
    flagged = compiled.evaluate_checked(bad, plan, on_bad_input="flag")
    _assert_same(flagged, compiled.evaluate_compiled(*validate_inputs(bad, _AS_OF, on_bad_input="flag"), plan))
