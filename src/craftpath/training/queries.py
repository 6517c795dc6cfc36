"""Finding courses: by occupation, grade, region and missing competency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet

from craftpath.engines.ladder import evaluate
from craftpath.engines.rules import load_rulebook
from craftpath.registry.frames import inputs_for_members
from craftpath.registry.models import Member
from craftpath.training.models import Course, Enrolment


def region_filter(code: str) -> Q:
    """A province (``320000``) or city (``320100``) code matches every region under it."""
    code = code.replace("\x00", "").strip()
    if len(code) == 6 and code.endswith("0000"):
        return Q(region__code__startswith=code[:2])
    if len(code) == 6 and code.endswith("00"):
        return Q(region__code__startswith=code[:4])
    return Q(region_id=code)


def list_courses(
    courses: QuerySet[Course],
    *,
    occupation: str = "",
    grade: int | None = None,
    region: str = "",
    task: int | None = None,
    open_only: bool = True,
) -> QuerySet[Course]:
    qs = courses.select_related("provider", "occupation", "region")
    if open_only:
        qs = qs.filter(is_open=True)
    if occupation:
        qs = qs.filter(occupation_id=occupation.replace("\x00", "").strip())  # PostgreSQL refuses NUL
    if grade is not None:
        qs = qs.filter(target_grade=grade)
    if region:
        qs = qs.filter(region_filter(region))
    if task is not None:
        qs = qs.filter(tasks__contains=[task]) if _json_contains_supported() else qs.filter(pk__in=_with_task(qs, task))
    return qs.annotate(
        taken=Count("enrolments", filter=Q(enrolments__status__in=[Enrolment.Status.ENROLLED, "completed"])),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
    )


def _json_contains_supported() -> bool:
    from django.db import connection

    return bool(connection.features.supports_json_field_contains)


def _with_task(qs: QuerySet[Course], task: int) -> list[int]:
    # SQLite has no JSON containment; course lists are small enough to filter here.
    return [pk for pk, tasks in qs.values_list("pk", "tasks") if task in (tasks or [])]


def missing_targets(member: Member, as_of: dt.date) -> list[dict[str, Any]]:
    """The member's next grades per occupation (from the advancement engine), nearest first."""
    inputs = inputs_for_members(Member.objects.filter(pk=member.pk))
    result = evaluate(inputs, load_rulebook(), as_of, on_bad_input="flag")
    if result.is_empty():
        return []
    nxt = result.sort("occupation_code", "target_grade").group_by("occupation_code", maintain_order=True).first()
    return nxt.select("occupation_code", "target_grade", "eligible", pl.col("missing")).to_dicts()


def courses_for_member(
    courses: QuerySet[Course], member: Member, as_of: dt.date
) -> list[tuple[dict[str, Any], list[Course]]]:
    """For each occupation, the next grade the member lacks and the open courses towards it."""
    out = []
    for target in missing_targets(member, as_of):
        found = list(list_courses(courses, occupation=target["occupation_code"], grade=target["target_grade"])[:20])
        out.append((target, found))
    return out
