"""Reads: the advancement engine's verdict for one member, occupation and grade."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import polars as pl

from craftpath.engines.ladder import evaluate
from craftpath.engines.rules import Rulebook, load_rulebook
from craftpath.registry.frames import inputs_for_members
from craftpath.registry.models import Certificate, Member


@cache
def rulebook() -> Rulebook:
    return load_rulebook()


def check_eligibility(member: Member, occupation_code: str, grade: int, as_of: dt.date) -> dict[str, Any]:
    """``{eligible, route, missing, trace, current_grade}`` for applying for ``grade``.

    Uses the same one-member frame as the advancement pages, so the answer cannot differ from
    what the member sees under "my next grade".
    """
    inputs = inputs_for_members(Member.objects.filter(pk=member.pk))
    result = evaluate(inputs, rulebook(), as_of, on_bad_input="flag")
    target = (
        result.filter((pl.col("occupation_code").cast(pl.Utf8) == occupation_code) & (pl.col("target_grade") == grade))
        if result.height
        else result
    )
    if target.height:
        row = target.row(0, named=True)
        return {
            "eligible": bool(row["eligible"]),
            "route": row["route"],
            "missing": list(row["missing"] or []),
            "trace": list(row["trace"] or []) + [f"flag:{f}" for f in row["flags"] or []],
            "current_grade": row["current_grade"],
        }
    held = (
        Certificate.objects.filter(member=member, occupation_id=occupation_code, grade__gte=grade).exists()
        if grade >= 0
        else False
    )
    code = "already_held" if held else "no_record"
    return {
        "eligible": False,
        "route": None,
        "missing": [code],
        "trace": [f"no-target-row:{code}"],
        "current_grade": None,
    }
