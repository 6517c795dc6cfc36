"""Rulebook loading: shipped files validate; bad files fail naming file, path and clause."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from craftpath.engines.ladder.plan import build_plan
from craftpath.engines.rules import RulebookError, load_rulebook, load_rulebook_text
from craftpath.engines.rules.model import Dated, DatedValue

HEAD = """
kind: ladder
id: t
source: test
valid_from: 2018-01-01
grades:
"""


def _ladder(body: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(body), "  ")


def test_shipped_rulebook_has_a_source_on_every_clause() -> None:
    rb = load_rulebook()
    assert all(c.source for c in rb.clauses())
    assert {t.jurisdiction for t in rb.competitions} == {"national", "120000", "610000", "460000"}
    assert all(v.status == "unconfirmed" for p in rb.posts for v in p.min_years_in_grade.values)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "- grade: 2\n  routes:\n    - {id: a, source: s, conditions: [{certficate: {grade: 1}}]}\n",
            "unknown condition 'certficate'",
        ),
        (
            "- grade: 2\n  routes:\n    - {id: a, conditions: [{years_in_occupation: 6}]}\n",
            "missing required key 'source'",
        ),
        ("- grade: 9\n  routes: []\n", "expected a grade rank 1-5"),
        (
            "- grade: 2\n  routes:\n    - {id: a, source: s, conditions: [{certificate: {grade: 2}}]}\n",
            "must be below the target grade",
        ),
        ("- grade: 2\n  routes:\n    - {id: a, source: s, conditions: [{years_in_occupation: -1}]}\n", "non-negative"),
        (
            "- grade: 2\n  routes:\n    - {id: a, source: s, valid_from: '2020-13-01',"
            " conditions: [{years_in_occupation: 1}]}\n",
            "expected a date",
        ),
    ],
)
def test_errors_name_file_path_and_clause(body: str, message: str) -> None:
    with pytest.raises(RulebookError) as info:
        load_rulebook_text(_ladder(body), "my.yaml")
    text = str(info.value)
    assert text.startswith("my.yaml: ")
    assert message in text
    assert "grades[0]" in text


def test_error_names_the_clause() -> None:
    body = "- grade: 2\n  routes:\n    - {id: national/2/x, source: s, conditions: [{diploma: {kinds: [college]}}]}\n"
    with pytest.raises(RulebookError) as info:
        load_rulebook_text(_ladder(body), "my.yaml")
    assert info.value.clause == "national/2/x"
    assert info.value.path == "grades[0].routes[0].conditions[0].diploma.kinds"


def test_dated_parameter_lookup_and_plan_uses_value_in_force() -> None:
    body = """
    - grade: 2
      routes:
        - id: a
          source: s
          conditions:
            - certificate:
                grade: 1
                years_after:
                  - {value: 4, valid_from: 2018-01-01, valid_to: 2025-12-31, source: old}
                  - {value: 3, valid_from: 2026-01-01, source: new, status: unconfirmed}
    """
    parts = load_rulebook_text(_ladder(body), "dated.yaml")
    ladder = parts["ladder"]
    dated = ladder.routes[0].conditions[0].params["years_after"]
    assert dated.at(dt.date(2025, 12, 31)) == 4
    assert dated.at(dt.date(2026, 1, 1)) == 3
    assert dated.entry_at(dt.date(2026, 1, 1)).source == "new"
    rb = load_rulebook()
    from dataclasses import replace

    plan = build_plan(replace(rb, ladder=ladder, overrides=()), dt.date(2026, 6, 1))
    assert plan.cert_needs == frozenset({(1, 3)})


def test_overlapping_dated_values_are_refused() -> None:
    body = """
    - grade: 1
      routes:
        - id: a
          source: s
          conditions:
            - years_in_occupation:
                - {value: 1, valid_from: 2018-01-01, source: x}
                - {value: 2, valid_from: 2019-01-01, source: y}
    """
    with pytest.raises(RulebookError, match="dated values overlap"):
        load_rulebook_text(_ladder(body), "o.yaml")


def test_missing_value_in_force_is_a_clear_lookup_error() -> None:
    d = Dated.of([DatedValue(1, dt.date(2020, 1, 1), dt.date(2020, 12, 31), "s")], "p")
    with pytest.raises(LookupError, match="parameter p has no value in force on 2021-01-01"):
        d.at(dt.date(2021, 1, 1))


def test_route_out_of_force_is_not_used() -> None:
    body = """
    - grade: 1
      routes:
        - {id: old, source: s, valid_to: 2019-12-31, conditions: [{years_in_occupation: 1}]}
        - {id: new, source: s, valid_from: 2020-01-01, conditions: [{years_in_occupation: 2}]}
    """
    ladder = load_rulebook_text(_ladder(body), "f.yaml")["ladder"]
    assert [r.clause.id for r in ladder.routes_for(1, dt.date(2019, 6, 1))] == ["old"]
    assert [r.clause.id for r in ladder.routes_for(1, dt.date(2020, 6, 1))] == ["new"]


def test_unknown_kind() -> None:
    with pytest.raises(RulebookError, match="unknown kind 'ladders'"):
        load_rulebook_text("kind: ladders\nid: x\nsource: s\nvalid_from: 2020-01-01\n", "k.yaml")


def test_yaml_date_out_of_range_is_a_rulebook_error() -> None:
    with pytest.raises(RulebookError, match="not valid YAML"):
        load_rulebook_text("kind: ladder\nvalid_from: 2020-13-01\n", "d.yaml")
