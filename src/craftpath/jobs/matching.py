"""Matching, training plans and career moves: the engine's answers for the jobs pages and API.

All scoring happens in :mod:`craftpath.engines.matching`; this module only builds inputs (via
``queries``), calls the engine and attaches names and database objects to its rows.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl
from django.db.models import QuerySet

from craftpath.core.problems import Problem, ProblemError
from craftpath.engines.grades import Grade
from craftpath.engines.matching import match_jobs_for_seekers, match_seekers_for_jobs
from craftpath.engines.matching.pathways import next_occupations
from craftpath.engines.matching.training import plan_training
from craftpath.jobs import queries
from craftpath.jobs.models import JobOpening, JobSeeker
from craftpath.registry.models import Member
from craftpath.training.models import Course, CourseSession

PART_NAMES = ("occupation_points", "competency_points", "grade_points", "region_points", "pay_points")


def explanation_parts(text: str | None, *, zh: bool) -> list[str]:
    """An explanation (its label already dropped) as a list of parts."""
    if not text:
        return []
    return text.split("；" if zh else "; ")


def _engine_kwargs(inputs: queries.SeekerInputs, k: int) -> dict[str, Any]:
    return {
        "seeker_occupations": inputs.occupations,
        "seeker_competencies": inputs.competencies,
        "occupation_competencies": queries.occupation_competencies(),
        "k": k,
        "n_jobs": 1,
    }


def match_frame_for_seekers(
    seekers: QuerySet[JobSeeker] | queries.SeekerInputs, as_of: dt.date, k: int = 10, *, explain: bool = True
) -> pl.DataFrame:
    """Top-k open openings for every seeker (engine columns; ``seeker_id`` = JobSeeker pk)."""
    inputs = seekers if isinstance(seekers, queries.SeekerInputs) else queries.inputs_for_seekers(seekers, as_of)
    jobs = queries.openings_frame(queries.matchable_openings(as_of))
    if inputs.seekers.is_empty() or jobs.is_empty():
        return pl.DataFrame(schema={"seeker_id": pl.Int64, "job_id": pl.Int64, "rank": pl.Int32, "score": pl.Float64})
    return drop_row_labels(match_jobs_for_seekers(inputs.seekers, jobs, explain=explain, **_engine_kwargs(inputs, k)))


# The engine labels each explanation with its own row ids ("岗位 12（6-18-01-01）：…"); here
# those are primary keys, which mean nothing to a reader, and every row already names its
# opening and occupation, so the label is dropped.
_LABELS = {"explanation_zh": r"^岗位 [^（]*（[^）]*）：", "explanation_en": r"^job [^(]*\([^)]*\): "}


def drop_row_labels(frame: pl.DataFrame) -> pl.DataFrame:
    present = [c for c in _LABELS if c in frame.columns]
    return (
        frame.with_columns(pl.col(c).cast(pl.String).str.replace(_LABELS[c], "") for c in present) if present else frame
    )


def _row(r: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    return {
        "rank": r["rank"],
        "score": r["score"],
        "parts": {n: r[n] for n in PART_NAMES},
        "occupation_tier": r["occupation_tier"],
        "region_tier": r["region_tier"],
        "competencies_held": r["competencies_held"],
        "competencies_required": r["competencies_required"],
        "competencies_missing": [{"id": c, "text": texts.get(c, c)} for c in (r.get("competencies_missing") or [])],
        "flags": r["flags"],
        "explanation_zh": r.get("explanation_zh") or "",
        "explanation_en": r.get("explanation_en") or "",
        "reasons_zh": explanation_parts(r.get("explanation_zh"), zh=True),
        "reasons_en": explanation_parts(r.get("explanation_en"), zh=False),
    }


def jobs_for_member(member: Member, as_of: dt.date, k: int = 10) -> list[dict[str, Any]]:
    """Recommended openings for one member, best first, with the opening objects attached."""
    inputs = queries.inputs_for_member(member, as_of)
    frame = match_frame_for_seekers(inputs, as_of, k)
    return _attach_openings(frame)


def _attach_openings(frame: pl.DataFrame) -> list[dict[str, Any]]:
    if frame.is_empty():
        return []
    rows = frame.to_dicts()
    openings = JobOpening.objects.select_related("employer", "union", "occupation", "region").in_bulk(
        [r["job_id"] for r in rows]
    )
    texts = queries.competency_texts(c for r in rows for c in r.get("competencies_missing") or [])
    return [{**_row(r, texts), "seeker_id": r["seeker_id"], "opening": openings[r["job_id"]]} for r in rows]


def jobs_for_seekers(seekers: QuerySet[JobSeeker], as_of: dt.date, k: int = 3) -> dict[int, list[dict[str, Any]]]:
    """Top-k openings per seeker pk (for the caseload list).

    Only seekers who consent to job matching now are matched: consent may be withdrawn after
    registering, and from then on nobody (staff included) gets matches computed for them.
    """
    out: dict[int, list[dict[str, Any]]] = {}
    consenting = seekers.filter(member__consent_job_matching=True)
    for r in _attach_openings(match_frame_for_seekers(consenting, as_of, k)):
        out.setdefault(r["seeker_id"], []).append(r)
    return out


def candidates_for_opening(
    opening: JobOpening, pool: QuerySet[JobSeeker], as_of: dt.date, k: int = 10
) -> list[dict[str, Any]]:
    """Top-k seekers from ``pool`` for one opening (nothing if it is closed, expired or uncoded)."""
    jobs = queries.openings_frame(queries.matchable_openings(as_of).filter(pk=opening.pk))
    if jobs.is_empty():
        return []
    inputs = queries.inputs_for_seekers(pool, as_of)
    if inputs.seekers.is_empty():
        return []
    frame = drop_row_labels(match_seekers_for_jobs(inputs.seekers, jobs, **_engine_kwargs(inputs, k)))
    rows = frame.to_dicts()
    seekers = JobSeeker.objects.select_related("member", "member__union").in_bulk([r["seeker_id"] for r in rows])
    texts = queries.competency_texts(c for r in rows for c in r.get("competencies_missing") or [])
    return [{**_row(r, texts), "seeker": seekers[r["seeker_id"]]} for r in rows]


# --------------------------------------------------------------------------- training plans


def next_grade_targets(member: Member, as_of: dt.date) -> list[tuple[str, int]]:
    """``(occupation, grade)`` one step above what the member holds, for each of their occupations."""
    profile = queries.worker_profiles([member.pk], as_of)
    out = []
    for code, grade in profile.grades.select("occupation_code", "grade").iter_rows():
        grades = [g for g in queries.occupation_grades(code) if 1 <= g <= 5]
        higher = [g for g in grades if grade is None or g > grade]
        if higher:
            out.append((code, higher[0]))
    return out


def check_hour_value(value: Any) -> float:
    """The yuan a member puts on an hour of training time: a finite number, 0 or more."""
    try:
        number = float(str(value).strip() or 0)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ProblemError(Problem("jobs.hour_value", {"value": str(value)[:40]}, "hour_value"))
    return number


def training_plan(
    member: Member, *, occupation: str, grade: int | None, as_of: dt.date, hour_value: float = 0.0
) -> dict[str, Any]:
    """The missing competencies for a target and the cheapest courses that close the gap.

    Cost is money after subsidies; ``hour_value`` (yuan per hour, the member's own figure — no
    sourced value of a trainee's hour is on file) adds the time spent, so a dearer but shorter
    course can win. Between plans of equal cost the one with fewer hours wins.

    With ``grade`` (the next grade in an occupation) a task counts as held when a certificate at
    that grade or above, or a completed course at that grade or above, covers it; the courses
    considered are that occupation's courses at exactly that grade. Without ``grade`` (moving to
    another occupation) a task counts as held when anything the member has done covers it, and
    every open course in the occupation is considered.
    """
    required = queries.occupation_competencies().filter(pl.col("occupation_code") == occupation)
    if grade is None:
        held = set(queries.worker_profiles([member.pk], as_of).competencies["competency_id"].to_list())
    else:
        held = _held_at_grade(member, occupation, grade)
    missing = [c for c in required["competency_id"].to_list() if c not in held]
    frames = queries.courses_frames(occupation, as_of, grade)
    plan = plan_training(
        missing,
        frames["courses"],
        course_competencies=frames["course_competencies"],
        sessions=frames["sessions"],
        completed=queries.completed_courses(member),
        as_of=as_of,
        hour_cost=hour_value,
    )
    texts = dict(required.select("competency_id", "text").iter_rows())
    rows = plan.courses.to_dicts()
    courses = Course.objects.select_related("provider").in_bulk([int(r["course_id"]) for r in rows])
    sessions = CourseSession.objects.in_bulk([int(r["session_id"]) for r in rows if r["session_id"]])
    return {
        "occupation_code": occupation,
        "occupation_name": queries.occupation_names([occupation]).get(occupation, ""),
        "grade": Grade(grade) if grade is not None else None,
        "required": required.height,
        "missing": [{"id": c, "text": texts.get(c, c)} for c in missing],
        "courses": [
            {
                "order": r["order"],
                "course": courses[int(r["course_id"])],
                "session": sessions.get(int(r["session_id"])) if r["session_id"] else None,
                "cost": r["cost"],
                "fee": r["cost"] - hour_value * r["hours"],  # money after subsidy, without the time
                "hours": r["hours"],
                "covers": [{"id": c, "text": texts.get(c, c)} for c in r["covers"]],
            }
            for r in rows
        ],
        "uncovered": [{"id": c, "text": texts.get(c, c)} for c in plan.uncovered],
        "total_cost": plan.total_cost,
        "total_hours": float(sum(r["hours"] for r in rows)),
        "total_fees": plan.total_cost - hour_value * float(sum(r["hours"] for r in rows)),
        "hour_value": hour_value,
        "method": plan.method,
    }


def _held_at_grade(member: Member, occupation: str, grade: int) -> set[str]:
    from craftpath.registry.models import Certificate
    from craftpath.training.models import Enrolment

    comps = queries.occupation_competencies().filter(pl.col("occupation_code") == occupation)
    if Certificate.objects.filter(member=member, occupation_id=occupation, grade__gte=grade).exists():
        return set(comps["competency_id"].to_list())
    done = Course.objects.filter(
        pk__in=Enrolment.objects.filter(member=member, status=Enrolment.Status.COMPLETED).values("course_id"),
        occupation_id=occupation,
        target_grade__gte=grade,
    )
    return set(queries.course_competencies(done)["competency_id"].to_list())


# --------------------------------------------------------------------------- career moves


def career_moves(member: Member, as_of: dt.date, k: int = 5) -> list[dict[str, Any]]:
    """The engine's next occupations for a member: what carries over and what is missing."""
    profile = queries.worker_profiles([member.pk], as_of)
    if profile.grades.is_empty():
        return []
    moves = next_occupations(
        profile.grades.select("worker_id", "occupation_code"),
        queries.occupation_graph(),
        queries.occupation_competencies(),
        worker_competencies=profile.competencies.select("worker_id", "competency_id"),
        k=k,
    )
    rows = moves.to_dicts()
    names = queries.occupation_names([r["occupation_code"] for r in rows] + [r["from_occupation"] for r in rows])
    texts = queries.competency_texts(c for r in rows for c in r["competencies_missing"])
    return [
        {
            "rank": r["rank"],
            "occupation_code": r["occupation_code"],
            "occupation_name": names.get(r["occupation_code"], ""),
            "from_occupation": r["from_occupation"],
            "from_name": names.get(r["from_occupation"], ""),
            "similarity": round(float(r["similarity"]), 3),
            "carry_over": round(float(r["carry_over"]), 3),
            "carry_over_pct": round(100 * float(r["carry_over"])),
            "competencies_held": r["competencies_held"],
            "competencies_missing": [{"id": c, "text": texts.get(c, c)} for c in r["competencies_missing"]],
        }
        for r in rows
    ]
