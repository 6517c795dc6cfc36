"""Command, what-if, explanations and validation behaviour."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from craftpath.engines.ladder.command import run_eligibility
from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.explain import explain_code
from craftpath.engines.ladder.inputs import InputError, LadderInputs
from craftpath.engines.ladder.synthetic import synthetic_inputs
from craftpath.engines.ladder.whatif import compare_rulebooks
from craftpath.engines.rules import load_rulebook, load_rulebook_text

CASE = {
    "as_of": "2025-06-30",
    "member": {
        "member_id": 1,
        "birth_date": "1990-05-01",
        "histories": [{"occupation_code": "6-18-02-04", "start": "2015-03-01", "end": None}],
        "certificates": [{"occupation_code": "6-18-02-04", "grade": "初级工", "issued_on": "2019-03-01"}],
    },
}


def test_command_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    assert run_eligibility([str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    first = out["eligibility"][0]
    assert first["target_grade"] == 2
    assert first["eligible"] is True
    assert first["route"] in out["clauses"]
    assert out["clauses"][first["route"]]["source"]


def test_command_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(CASE)))
    assert run_eligibility(["-"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2025-06-30"


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"member": {"member_id": 1}}), "missing as_of"),
        (json.dumps({**CASE, "as_of": "30/06/2025"}), "YYYY-MM-DD"),
        (
            json.dumps(
                {
                    "as_of": "2025-01-01",
                    "member": {
                        "member_id": 1,
                        "birth_date": "2010-01-01",
                        "certificates": [{"occupation_code": "6-18-02-04", "grade": 1, "issued_on": "2020-01-01"}],
                    },
                }
            ),
            "16",
        ),
    ],
)
def test_command_errors_are_bilingual(
    doc: str, needle: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(doc))
    assert run_eligibility(["-"]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "错误" in err
    assert "Error" in err


def test_what_if_shorter_years_gains_members() -> None:
    base = load_rulebook()
    text = (Path(base.files[0])).read_text(encoding="utf-8").replace("years_in_occupation: 6", "years_in_occupation: 5")
    proposed = replace(base, ladder=load_rulebook_text(text, "proposal.yaml")["ladder"])
    inputs = synthetic_inputs(400, seed=9)
    cmp = compare_rulebooks(inputs, base, proposed, dt.date(2025, 6, 30), by="org_id")
    assert cmp.changes.height > 0
    assert set(cmp.changes["change"].unique()) <= {"gains", "earlier"}
    assert cmp.summary["gains"].sum() == (cmp.changes["change"] == "gains").sum()
    assert cmp.summary.columns == ["org_id", "gains", "loses", "earlier", "later", "members"]


def test_every_missing_code_has_both_languages() -> None:
    inputs = synthetic_inputs(300, seed=4)
    out = evaluate(inputs, load_rulebook(), dt.date(2025, 6, 30))
    codes = set(out["missing"].explode().drop_nulls()) | set(out["flags"].explode().drop_nulls())
    for code in codes:
        zh, en = explain_code(code)
        assert zh != code, code
        assert en != code, code


def test_flag_mode_keeps_going_and_error_mode_refuses() -> None:
    inputs = LadderInputs.build(
        members=[{"member_id": 1, "birth_date": dt.date(1990, 1, 1)}],
        histories=[
            {"member_id": 1, "occupation_code": "6-18-02-04", "start": dt.date(2024, 1, 1), "end": dt.date(2023, 1, 1)},
            {"member_id": 1, "occupation_code": "6-18-02-04", "start": dt.date(2020, 1, 1), "end": None},
            {"member_id": 2, "occupation_code": "6-18-02-04", "start": dt.date(2020, 1, 1), "end": None},
        ],
    )
    with pytest.raises(InputError) as info:
        evaluate(inputs, load_rulebook(), dt.date(2025, 1, 1))
    assert {p.code for p in info.value.problems} == {"history_end_before_start", "unknown_member"}
    assert "请更正" in str(info.value)
    assert "fix them" in str(info.value)
    out = evaluate(inputs, load_rulebook(), dt.date(2025, 1, 1), on_bad_input="flag")
    assert out["member_id"].unique().to_list() == [1]
    assert out["flags"].to_list()[0] == ["history_end_before_start"]
    assert out.filter(pl.col("target_grade") == 1)["eligible"][0]


def test_known_occupation_list_is_checked() -> None:
    inputs = LadderInputs.build(
        members=[{"member_id": 1, "birth_date": dt.date(1990, 1, 1)}],
        histories=[{"member_id": 1, "occupation_code": "9-99-99-99", "start": dt.date(2020, 1, 1), "end": None}],
    )
    with pytest.raises(InputError, match="unknown_occupation_code"):
        evaluate(inputs, load_rulebook(), dt.date(2025, 1, 1), occupations=pl.Series(["6-18-02-04"]))


def test_command_reports_a_bad_rulebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: ladder\nid: x\nsource: s\nvalid_from: 2018-01-01\ngrades: [{grade: 2}]\n", encoding="utf-8")
    assert run_eligibility([str(case), "--rulebook", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "规则文件有误" in err
    assert "bad.yaml: grades[0] (clause x): missing required key 'routes'" in err
