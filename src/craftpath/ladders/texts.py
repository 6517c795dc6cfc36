"""Turning the engine's machine-readable codes into sentences a member can read.

Missing-condition codes look like ``years_in_occupation:4.2/6``,
``years_since_certificate:3:1.5/5``, ``needs_certificate:3`` or ``needs_apprenticeship``; flags
are the engine's input-problem codes. The wording lives with the engine
(``craftpath.engines.ladder.explain``) so every surface says the same thing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import pgettext_lazy

from craftpath.engines.grades import Grade
from craftpath.engines.ladder.explain import _DIPLOMA, explain_code
from craftpath.engines.rules.model import Route
from craftpath.engines.rules.trace import clause_table
from craftpath.ladders.queries import default_rulebook

# The engineering titles of the skills–title pathway (title-bridge.yaml names them by code).
TITLES: dict[str, tuple[str, str]] = {
    "assistant_engineer": ("助理工程师", "Assistant engineer"),
    "engineer": ("工程师", "Engineer"),
    "senior_engineer": ("高级工程师", "Senior engineer"),
}

# Conditions of the title pathway the engine cannot see (``unchecked_conditions``).
UNCHECKED: dict[str, tuple[str, str]] = {
    "frontline_engineering_post": (
        "在生产一线从事与本职业相关的工程技术工作",
        "working on the front line in engineering work related to this occupation",
    ),
    "annual_appraisal_passed_3y": (
        "近三年年度考核均为合格及以上",
        "passed the annual appraisal in each of the last three years",
    ),
    "continuing_education_done": ("按规定完成继续教育", "completed the required continuing education"),
}

# How sure the rule text is (a clause's ``status``); "confirmed" is not shown.
CLAUSE_STATUS = {
    "confirmed": pgettext_lazy("rule status", "confirmed"),
    "unconfirmed": pgettext_lazy("rule status", "unconfirmed"),
    "assumed": pgettext_lazy("rule status", "assumed"),
    "example": pgettext_lazy("rule status", "example"),
}


def describe_title(code: str, title_zh: str = "") -> dict[str, str]:
    """A title code → ``{"code", "zh", "en"}``; an unknown code keeps the rulebook's Chinese name."""
    zh, en = TITLES.get(code, (title_zh or code, code.replace("_", " ").capitalize()))
    return {"code": code, "zh": title_zh or zh, "en": en}


def describe_unchecked(code: str) -> dict[str, str]:
    zh, en = UNCHECKED.get(code, (code, code.replace("_", " ")))
    return {"code": code, "zh": zh, "en": en}


def describe_missing(code: str) -> dict[str, str]:
    """A code → ``{"code", "zh", "en"}`` (the engine's wording); unknown codes are shown as they are."""
    try:
        zh, en = explain_code(code)
    except (ValueError, IndexError):
        zh = en = code
    return {"code": code, "zh": zh, "en": en}


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
                "status_label": CLAUSE_STATUS.get(row.get("status") or "", row.get("status") or ""),
                "valid_from": row.get("valid_from"),
            }
        )
    return out


@cache
def _routes() -> dict[str, Route]:
    book = default_rulebook()
    routes = list(book.ladder.routes)
    for override in book.overrides:
        routes += list(override.routes)
    return {r.clause.id: r for r in routes}


def _years_en(n: Any) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _grade_zh(grade: Grade) -> str:
    return f"{grade.zh}（{grade.national_label}）" if grade.national_label else grade.zh


def _condition_text(kind: str, get: Any) -> tuple[str, str]:
    if kind == "years_in_occupation":
        n = get("years")
        return f"本职业或相关职业工作满 {n} 年", f"{_years_en(n)} of work in this or a related occupation"
    if kind == "certificate":
        grade = Grade(int(get("grade")))
        years = get("years_after")
        if years:
            return f"取得{_grade_zh(grade)}证书后满 {years} 年", f"{_years_en(years)} after the {grade.en} certificate"
        return f"持有{_grade_zh(grade)}证书", f"the {grade.en} certificate"
    if kind == "diploma":
        names = [_DIPLOMA.get(k, (k, k)) for k in get("kinds") or []]
        zh = "、".join(z for z, _ in names)
        en = ", ".join(e for _, e in names[:-1]) + (" or " if len(names) > 1 else "") + names[-1][1] if names else ""
        level = get("assessed_level_min")
        if level:
            grade = Grade(int(level))
            zh += f"（经评估按{_grade_zh(grade)}水平培养）"
            en += f" (assessed as training to {grade.en} level)"
        return f"本专业或相关专业的{zh}学历", f"a diploma in a related specialty from a {en}"
    if kind == "apprenticeship":
        return "本职业学徒期满", "a completed apprenticeship in this occupation"
    if kind == "min_age":
        n = get("years")
        return f"年满 {n} 周岁", f"aged {n} or over"
    return kind, kind


def describe_route(route_id: str | None, as_of: Any) -> dict[str, str] | None:
    """The route a grade was (or can be) reached by, as the conditions it asks for in zh and en."""
    if not route_id:
        return None
    route = _routes().get(route_id)
    if route is None:
        return {"code": route_id, "zh": route_id, "en": route_id}
    parts = [_condition_text(c.kind, lambda key, c=c: c.value(key, as_of)) for c in route.conditions]
    return {
        "code": route_id,
        "zh": "；".join(zh for zh, _ in parts),
        "en": "; ".join(en for _, en in parts),
    }
