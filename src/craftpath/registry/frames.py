"""Engine input frames built from the registry (see ``craftpath.engines.ladder.inputs``).

Any app may build the advancement engine's inputs from here; batch work walks members in
primary-key ranges so memory stays flat however large the registry is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db.models import Max, Min, QuerySet

from craftpath.engines.ladder import LadderInputs
from craftpath.registry.models import Certificate, Diploma, Member, OccupationHistory


def _province(region_code: str | None) -> str | None:
    return f"{region_code[:2]}0000" if region_code else None


def inputs_for_members(members: QuerySet[Member]) -> LadderInputs:
    """Input frames for the given members (any size the caller is willing to hold)."""
    rows = list(members.values_list("id", "birth_date", "union__region_id", "union_id"))
    ids = [r[0] for r in rows]
    member_frame = pl.DataFrame(
        {
            "member_id": [r[0] for r in rows],
            "birth_date": [r[1] for r in rows],
            "jurisdiction": [_province(r[2]) for r in rows],
            "org_id": [r[3] for r in rows],
        },
        schema={"member_id": pl.Int64, "birth_date": pl.Date, "jurisdiction": pl.Utf8, "org_id": pl.Int64},
    )
    histories = _frame(
        OccupationHistory.objects.filter(member_id__in=ids).values_list("member_id", "occupation_id", "start", "end"),
        ["member_id", "occupation_code", "start", "end"],
    )
    certificates = _frame(
        Certificate.objects.filter(member_id__in=ids).values_list(
            "member_id", "occupation_id", "grade", "issued_on", "how"
        ),
        ["member_id", "occupation_code", "grade", "issued_on", "how"],
    )
    diplomas = _frame(
        Diploma.objects.filter(member_id__in=ids).values_list(
            "member_id", "kind", "occupation_id", "graduated_on", "assessed_level"
        ),
        ["member_id", "kind", "occupation_code", "graduated_on", "assessed_level"],
    )
    return LadderInputs.build(members=member_frame, histories=histories, certificates=certificates, diplomas=diplomas)


def _frame(rows: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def inputs_in_ranges(members: QuerySet[Member], chunk: int = 20_000) -> Iterator[tuple[int, LadderInputs]]:
    """Yield (member count, inputs) per primary-key range of about ``chunk`` members."""
    bounds = members.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return
    start = bounds["lo"]
    while start <= bounds["hi"]:
        part = members.filter(id__gte=start, id__lt=start + chunk)
        inputs = inputs_for_members(part)
        if inputs.members.height:
            yield inputs.members.height, inputs
        start += chunk
