"""Engine inputs built from the database, and the words that explain engine outcomes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

import polars as pl

from craftpath.competitions.models import CompetitionResult
from craftpath.engines.grades import Grade
from craftpath.engines.ladder.explain import explain_code
from craftpath.engines.ladder.inputs import AWARD_SCHEMA
from craftpath.engines.rules import Rulebook, load_rulebook
from craftpath.engines.rules.trace import clause_table

__all__ = [
    "as_of_today",
    "awards_frame",
    "default_rulebook",
    "describe_missing",
    "describe_outcome",
    "describe_trace",
    "year_cap",
]


@cache
def default_rulebook() -> Rulebook:
    """The shipped rulebook (competition tables and posts among it), loaded once."""
    return load_rulebook()


def as_of_today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def awards_frame(results: Iterable[CompetitionResult]) -> pl.DataFrame:
    """The engine's ``awards`` frame; ``competition_id`` is the result's primary key as text so
    every engine row maps back to exactly one result."""
    rows = [
        {
            "member_id": r.member_id,
            "competition_id": str(r.pk),
            "jurisdiction": r.competition.jurisdiction_id,
            "tier": r.competition.tier,
            "event_size": r.competition.event_size,
            "rank": r.rank,
            "entrants": r.competition.entrants,
            "prize": r.prize,
            "is_student": r.is_student,
            "held_on": r.competition.held_on,
            "occupation_code": r.competition.occupation_id,
        }
        for r in results
    ]
    return pl.DataFrame(rows, schema=AWARD_SCHEMA)


def table_for(rulebook: Rulebook, tier: str, jurisdiction: str | None, held_on: dt.date) -> Any:
    """The competition table the engine applies to such an award (same rule as the engine)."""
    key = "national" if tier == "national" else f"{(jurisdiction or '')[:2]}0000"
    found = None
    for table in rulebook.competitions:
        clause = table.clause
        if (
            table.jurisdiction == key
            and held_on >= clause.valid_from
            and (clause.valid_to is None or held_on <= clause.valid_to)
        ):
            found = table
    return found


def year_cap(rulebook: Rulebook, tier: str, jurisdiction: str | None, held_on: dt.date) -> tuple[int | None, str]:
    """(promotions allowed per calendar year or None, table id) for such an award."""
    table = table_for(rulebook, tier, jurisdiction, held_on)
    if table is None:
        return None, ""
    year = held_on.year
    entry = table.max_per_year.entry_at(dt.date(year, 12, 31)) or table.max_per_year.entry_at(dt.date(year, 1, 1))
    value = entry.value if entry is not None else None
    return (int(value) if value is not None else None), table.clause.id


def describe_missing(code: str) -> dict[str, str]:
    try:
        zh, en = explain_code(code)
    except (ValueError, IndexError):
        zh = en = code
    return {"code": code, "zh": zh, "en": en}


@cache
def _clauses() -> dict[str, dict[str, Any]]:
    return {row["clause"]: row for row in clause_table(default_rulebook()).to_dicts()}


def describe_trace(trace: list[str]) -> list[dict[str, Any]]:
    clauses = _clauses()
    out = []
    for item in trace:
        row = clauses.get(item, {})
        out.append(
            {
                "clause": item,
                "source": row.get("source") or "",
                "status": row.get("status") or "",
                "valid_from": row.get("valid_from"),
            }
        )
    return out


def _grade(value: int | None) -> tuple[str, str]:
    if value is None:
        return "无证书", "no certificate"
    g = Grade(value)
    return g.zh, g.en


def describe_outcome(status: str, new_grade: int | None = None, note: str = "") -> dict[str, str]:
    """A promotion outcome in Chinese and English (``note`` is added as it is)."""
    nz, ne = _grade(new_grade)
    texts = {
        "promoted": (f"晋升为{nz}，已发证。", f"Promoted to {ne}; the certificate is recorded."),
        "capped_this_year": (
            "同一年度内通过竞赛只能晋升一次，本年度已晋升（或有更有利的成绩），本次不再晋升。",
            "Only one competition promotion is allowed per calendar year; this year's promotion was already "
            "given (or a more favourable result takes it), so this result gives none.",
        ),
        "no_band": (
            "名次或奖项未达到本竞赛的晋升条件。",
            "The rank or prize does not reach a promotion band of this competition's table.",
        ),
        "at_or_above_band": (
            "已持有本竞赛可晋升的等级或更高等级（竞赛晋升最高至高级技师，特级技师、首席技师只能聘任）。",
            "Already holds the grade this result promotes to, or higher (competitions promote up to "
            "高级技师 only; 特级技师 and 首席技师 are appointed posts).",
        ),
        "no_table": (
            "该地区没有竞赛晋升规则，不能晋升。",
            "There is no competition promotion table for this jurisdiction, so no promotion applies.",
        ),
        "after_as_of": ("竞赛日期晚于评估日期，暂不处理。", "The competition is after the evaluation date."),
    }
    zh, en = texts.get(status, (status, status))
    if note:
        zh, en = f"{zh}{note}", f"{en} {note}"
    return {"status": status, "zh": zh, "en": en}
