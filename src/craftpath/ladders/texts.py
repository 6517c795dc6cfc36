"""Turning the engine's machine-readable codes into sentences a member can read.

Missing-condition codes look like ``years_in_occupation:4.2/6``,
``years_since_certificate:3:1.5/5``, ``needs_certificate:3``, ``needs_diploma:技师学院``,
``needs_apprenticeship`` and ``min_age:15.2/16``; flags are the engine's input-problem codes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from craftpath.engines.grades import Grade
from craftpath.engines.ladder.inputs import PROBLEMS
from craftpath.engines.rules.trace import clause_table
from craftpath.ladders.queries import default_rulebook


def _grade(rank: str) -> Grade | None:
    try:
        return Grade(int(rank))
    except (ValueError, TypeError):
        return None


def describe_missing(code: str) -> dict[str, str]:
    """A code → ``{"code", "zh", "en"}``; unknown codes are shown as they are, never dropped."""
    kind, _, rest = code.partition(":")
    if kind == "years_in_occupation":
        have, _, need = rest.partition("/")
        return {
            "code": code,
            "zh": f"从事本职业或相关职业累计需满 {need} 年，目前约 {have} 年。继续从事本职业即可逐步满足。",
            "en": f"Needs {need} years in this or a related occupation; you have about {have}. "
            "Time in the occupation closes this.",
        }
    if kind == "years_since_certificate":
        grade_rank, _, counts = rest.partition(":")
        have, _, need = counts.partition("/")
        g = _grade(grade_rank)
        zh_name, en_name = (g.zh, g.en) if g else (grade_rank, grade_rank)
        return {
            "code": code,
            "zh": f"取得{zh_name}证书后需满 {need} 年，目前约 {have} 年。",
            "en": f"Needs {need} years after the {en_name} certificate; you have about {have}.",
        }
    if kind == "needs_certificate":
        g = _grade(rest)
        zh_name, en_name = (g.zh, g.en) if g else (rest, rest)
        return {
            "code": code,
            "zh": f"需要先取得本职业的{zh_name}证书。可报名相应培训和评价。",
            "en": f"Needs the {en_name} certificate in this occupation first; training and an assessment lead to it.",
        }
    if kind == "needs_diploma":
        return {"code": code, "zh": f"此途径需要{rest}毕业证书。", "en": f"This route needs a diploma: {rest}."}
    if kind == "needs_apprenticeship":
        return {"code": code, "zh": "此途径需要学徒期满。", "en": "This route needs a completed apprenticeship."}
    if kind == "min_age":
        have, _, need = rest.partition("/")
        return {"code": code, "zh": f"需年满 {need} 周岁。", "en": f"You need to be at least {need} years old."}
    if code in PROBLEMS:
        zh, en = PROBLEMS[code]
        return {
            "code": code,
            "zh": zh + "，请核对登记信息。",
            "en": en[:1].upper() + en[1:] + "; please check the record.",
        }
    return {"code": code, "zh": code, "en": code}


@cache
def _clauses() -> dict[str, dict[str, Any]]:
    return {row["clause"]: row for row in clause_table(default_rulebook()).to_dicts()}


def describe_trace(trace: list[str]) -> list[dict[str, Any]]:
    """Clause ids, in the order the engine used them, with each clause's source and status."""
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
