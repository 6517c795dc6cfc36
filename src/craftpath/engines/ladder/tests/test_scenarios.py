"""Run every YAML scenario in ``ladder/scenarios``: officers can read and review these."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from craftpath.engines.ladder.bridge import title_bridge
from craftpath.engines.ladder.cases import parse_case
from craftpath.engines.ladder.competition import promote_by_competition
from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.inputs import InputError
from craftpath.engines.ladder.posts import post_nomination_eligibility
from craftpath.engines.rules import load_rulebook

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
RULEBOOK = load_rulebook()


def _scenarios() -> list[Any]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for sc in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]:
            out.append(pytest.param(sc, id=f"{path.stem}: {sc['name']}"))
    return out


def _norm(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def _check(frame: pl.DataFrame, expected: list[dict[str, Any]], keys: tuple[str, ...], what: str) -> None:
    rows = frame.to_dicts()
    for exp in expected:
        sel = {k: _norm(exp[k]) for k in keys if k in exp}
        hits = [r for r in rows if all(r[k] == v for k, v in sel.items())]
        assert len(hits) == 1, f"{what}: expected one row for {sel}, found {len(hits)} in {rows}"
        got = hits[0]
        for field, value in exp.items():
            assert got[field] == _norm(value), (
                f"{what} {sel}: {field} is {got[field]!r}, expected {value!r}\nrow: {got}"
            )


@pytest.mark.parametrize("scenario", _scenarios())
def test_scenario(scenario: dict[str, Any]) -> None:
    expected = scenario["expected"]
    case = parse_case(scenario)
    if "error" in expected:
        with pytest.raises(InputError) as info:
            evaluate(case.inputs, RULEBOOK, case.as_of, on_bad_input=case.on_bad_input)
        assert expected["error"] in {p.code for p in info.value.problems}
        return
    result = evaluate(case.inputs, RULEBOOK, case.as_of, on_bad_input=case.on_bad_input)
    if "eligibility_count" in expected:
        assert result.height == expected["eligibility_count"]
    if "eligibility" in expected:
        _check(result, expected["eligibility"], ("member_id", "occupation_code", "target_grade"), "eligibility")
    if "competition" in expected:
        comp = promote_by_competition(
            case.inputs.members, case.inputs.certificates, case.inputs.awards, RULEBOOK, case.as_of
        )
        _check(comp, expected["competition"], ("competition_id",), "competition")
    if "posts" in expected:
        posts = post_nomination_eligibility(case.inputs.certificates, case.posts, RULEBOOK, case.as_of)
        _check(posts, expected["posts"], ("member_id", "post_grade"), "posts")
    if "title_bridge" in expected:
        tb = title_bridge(case.inputs.certificates, RULEBOOK, case.as_of)
        _check(tb, expected["title_bridge"], ("member_id", "title"), "title_bridge")
