"""Turning the engine's machine-readable codes into sentences a member can read.

Missing-condition codes look like ``years_in_occupation:4.2/6``,
``years_since_certificate:3:1.5/5``, ``needs_certificate:3`` or ``needs_apprenticeship``; flags
are the engine's input-problem codes. The wording lives with the engine
(``craftpath.engines.ladder.explain``) so every surface says the same thing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from craftpath.engines.ladder.explain import explain_code
from craftpath.engines.rules.trace import clause_table
from craftpath.ladders.queries import default_rulebook


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
                "valid_from": row.get("valid_from"),
            }
        )
    return out
