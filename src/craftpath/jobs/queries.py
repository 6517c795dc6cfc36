"""Reads for jobs: the matching engine's input frames built from the database.

Protected traits (sex, birth date/age, ethnicity) are never read here: the seekers frame holds
only ``seeker_id, region_code, pay_expectation`` and the profile frames only occupations,
grades and competencies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from craftpath.engines.matching.competencies import WorkerProfile, worker_profile
from craftpath.engines.matching.pathways import build_occupation_graph
from craftpath.jobs.models import JobOpening, JobSeeker
from craftpath.registry.models import Certificate, Member, OccupationHistory
from craftpath.taxonomy.models import Occupation
from craftpath.training.models import Course, CourseSession, Enrolment

log = logging.getLogger(__name__)
IN_SLICE = 2000
SEEKERS_SCHEMA = {"seeker_id": pl.Int64, "region_code": pl.String, "pay_expectation": pl.Float64}
JOBS_SCHEMA = {
    "job_id": pl.Int64,
    "occupation_code": pl.String,
    "required_grade": pl.Int64,
    "region_code": pl.String,
    "pay": pl.Float64,
}


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- occupations

_cache_lock = threading.Lock()
_cache: dict[str, tuple[Any, Any]] = {}


def _stamp() -> tuple[Any, ...]:
    agg = Occupation.objects.filter(level=4).aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def _cached(name: str, build: Any) -> Any:
    """Per-process cache invalidated when the occupation table changes (local corrections)."""
    stamp = _stamp()
    with _cache_lock:
        hit = _cache.get(name)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    value = build()
    with _cache_lock:
        _cache[name] = (stamp, value)
    return value


def competency_id(code: str, task_index: int) -> str:
    """Competency ids follow the engine: ``<occupation code>#<task number>`` (numbers from 1)."""
    return f"{code}#{task_index + 1}"


def occupation_competencies() -> pl.DataFrame:
    """``occupation_code, competency_id, text``: each occupation's main tasks (主要工作任务)."""

    def build() -> pl.DataFrame:
        rows = [
            (code, competency_id(code, i), str(text))
            for code, tasks in Occupation.objects.filter(level=4).order_by("code").values_list("code", "tasks")
            for i, text in enumerate(tasks or [])
        ]
        return pl.DataFrame(
            rows,
            schema={"occupation_code": pl.String, "competency_id": pl.String, "text": pl.String},
            orient="row",
        )

    frame: pl.DataFrame = _cached("competencies", build)
    return frame


def occupation_graph() -> pl.DataFrame:
    """The career-pathway graph of all occupations.

    Building it takes a few seconds, so it is kept per process and on disk under
    ``VAR_DIR/cache``, keyed by a hash of every occupation's tasks (a local correction to the
    table makes a new graph).
    """

    def build() -> pl.DataFrame:
        comps = occupation_competencies()
        digest = hashlib.sha256()
        for cid, text in comps.select("competency_id", "text").iter_rows():
            digest.update(f"{cid}\t{text}\n".encode())
        path = Path(settings.VAR_DIR) / "cache" / f"occupation_graph-{digest.hexdigest()[:16]}.parquet"
        if path.exists():
            try:
                return pl.read_parquet(path)
            except (OSError, pl.exceptions.ComputeError):
                log.warning("unreadable graph cache %s; rebuilding", path)
        graph = build_occupation_graph(comps, k=20)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            graph.write_parquet(tmp)
            os.replace(tmp, path)
        except OSError:
            log.warning("could not write graph cache %s", path)
        return graph

    frame: pl.DataFrame = _cached("graph", build)
    return frame


def occupation_names(codes: Iterable[str | None]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    return dict(Occupation.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}


def competency_texts(ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    comps = occupation_competencies().filter(pl.col("competency_id").is_in(list(wanted)))
    return dict(comps.select("competency_id", "text").iter_rows())


# --------------------------------------------------------------------------- workers


def course_competencies(courses: QuerySet[Course] | None = None) -> pl.DataFrame:
    """``course_id (str pk), competency_id``. A course that lists no tasks covers all of them."""
    qs = courses if courses is not None else Course.objects.all()
    counts = occupation_competencies().group_by("occupation_code").agg(pl.len().alias("n"))
    n_tasks = dict(counts.iter_rows())
    rows: list[tuple[str, str]] = []
    for pk, occ, tasks in qs.values_list("pk", "occupation_id", "tasks"):
        indices = tasks or list(range(n_tasks.get(str(occ), 0)))
        rows.extend((str(pk), competency_id(str(occ), int(t))) for t in indices)
    return pl.DataFrame(rows, schema={"course_id": pl.String, "competency_id": pl.String}, orient="row")


def worker_profiles(member_ids: list[int], as_of: dt.date) -> WorkerProfile:
    """Occupations, grades and competencies of members (``worker_id`` = member pk) on ``as_of``.

    From occupation histories (the occupation, no grade), certificates (occupation and grade)
    and completed courses (the tasks they cover). Ids are read in slices so that no query
    carries more parameters than SQLite allows.
    """
    histories: list[tuple[Any, ...]] = []
    certificates: list[tuple[Any, ...]] = []
    completions: list[tuple[Any, ...]] = []
    course_ids: set[int] = set()
    for start in range(0, len(member_ids), IN_SLICE):
        ids = member_ids[start : start + IN_SLICE]
        histories.extend(OccupationHistory.objects.filter(member_id__in=ids).values_list("member_id", "occupation_id"))
        certificates.extend(
            Certificate.objects.filter(member_id__in=ids).values_list(
                "member_id", "pk", "occupation_id", "grade", "issued_on"
            )
        )
        done = Enrolment.objects.filter(member_id__in=ids, status=Enrolment.Status.COMPLETED)
        for m, c, d in done.values_list("member_id", "course_id", "completed_on"):
            completions.append((m, str(c), d))
            course_ids.add(c)
    return worker_profile(
        as_of=as_of,
        occupation_competencies=occupation_competencies(),
        worker_occupations=pl.DataFrame(
            histories, schema={"worker_id": pl.Int64, "occupation_code": pl.String}, orient="row"
        ).with_columns(pl.lit(None, dtype=pl.Int64).alias("grade")),
        certificates=pl.DataFrame(
            certificates,
            schema={
                "worker_id": pl.Int64,
                "certificate_id": pl.Int64,
                "occupation_code": pl.String,
                "grade": pl.Int64,
                "issued_on": pl.Date,
            },
            orient="row",
        ),
        course_completions=pl.DataFrame(
            completions, schema={"worker_id": pl.Int64, "course_id": pl.String, "completed_on": pl.Date}, orient="row"
        ),
        course_competencies=course_competencies(Course.objects.filter(pk__in=sorted(course_ids))),
    )


@dataclass
class SeekerInputs:
    """The engine's seeker-side frames plus the map back to members."""

    seekers: pl.DataFrame
    occupations: pl.DataFrame
    competencies: pl.DataFrame
    member_of: dict[int, int]


def seeker_inputs(entries: list[tuple[int, int, str | None, int | None, list[str]]], as_of: dt.date) -> SeekerInputs:
    """Frames for ``(seeker_id, member_id, region_code, pay_expectation, desired_occupations)``.

    A desired occupation counts as an occupation of the seeker without a grade, so openings in
    it are considered; competencies come only from what the member has done.
    """
    member_of = {e[0]: e[1] for e in entries}
    seekers = pl.DataFrame(
        [(e[0], e[2], None if e[3] is None else float(e[3])) for e in entries], schema=SEEKERS_SCHEMA, orient="row"
    )
    profile = worker_profiles(sorted(set(member_of.values())), as_of)
    link = pl.DataFrame(
        [(s, m) for s, m in member_of.items()], schema={"seeker_id": pl.Int64, "worker_id": pl.Int64}, orient="row"
    )
    desired = pl.DataFrame(
        [(e[0], code) for e in entries for code in e[4]],
        schema={"seeker_id": pl.Int64, "occupation_code": pl.String},
        orient="row",
    ).with_columns(pl.lit(None, dtype=pl.Int64).alias("grade"))
    occupations = pl.concat(
        [
            link.join(profile.grades, on="worker_id").select("seeker_id", "occupation_code", "grade"),
            desired,
        ]
    )
    competencies = link.join(profile.competencies, on="worker_id").select("seeker_id", "competency_id")
    return SeekerInputs(seekers, occupations, competencies, member_of)


def _region_of(seeker: JobSeeker) -> str | None:
    if seeker.desired_region_id:
        return str(seeker.desired_region_id)
    return str(seeker.member.union.region_id) if seeker.member.union.region_id else None


def inputs_for_seekers(seekers: QuerySet[JobSeeker], as_of: dt.date) -> SeekerInputs:
    rows = seekers.select_related("member__union").only(
        "pk",
        "member_id",
        "desired_region_id",
        "pay_expectation",
        "desired_occupations",
        "member__union__region_id",
    )
    return seeker_inputs(
        [(s.pk, s.member_id, _region_of(s), s.pay_expectation, list(s.desired_occupations or [])) for s in rows],
        as_of,
    )


def inputs_for_member(member: Member, as_of: dt.date) -> SeekerInputs:
    """One member as a one-row seeker frame (their seeker record's wishes, if they have one)."""
    seeker = JobSeeker.objects.filter(member=member).select_related("member__union").first()
    if seeker is not None:
        return inputs_for_seekers(JobSeeker.objects.filter(pk=seeker.pk), as_of)
    region = str(member.union.region_id) if member.union.region_id else None
    return seeker_inputs([(member.pk, member.pk, region, None, [])], as_of)


# --------------------------------------------------------------------------- openings


def matchable_openings(as_of: dt.date) -> QuerySet[JobOpening]:
    """Open, coded and not expired on ``as_of``."""
    return JobOpening.objects.filter(status=JobOpening.Status.OPEN, occupation__isnull=False).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=as_of)
    )


def openings_frame(openings: QuerySet[JobOpening]) -> pl.DataFrame:
    rows = openings.values_list("pk", "occupation_id", "required_grade", "region_id", "pay_min", "pay_max")
    # The offer compared with an expectation is the top of the range (what the job can reach).
    return pl.DataFrame(
        [(pk, occ, grade, region, _offer(lo, hi)) for pk, occ, grade, region, lo, hi in rows if occ],
        schema=JOBS_SCHEMA,
        orient="row",
    )


def _offer(low: int | None, high: int | None) -> float | None:
    value = high if high is not None else low
    return None if value is None else float(value)


# --------------------------------------------------------------------------- training


def courses_frames(occupation_code: str, as_of: dt.date, grade: int | None = None) -> dict[str, pl.DataFrame]:
    """Open courses in an occupation (optionally at one target grade) and their future sessions."""
    qs = Course.objects.filter(is_open=True, occupation_id=occupation_code)
    if grade is not None:
        qs = qs.filter(target_grade=grade)
    courses = pl.DataFrame(
        [
            (str(pk), title, float(cost), float(subsidy), float(hours))
            for pk, title, cost, subsidy, hours in qs.values_list("pk", "title", "cost", "subsidy", "hours")
        ],
        schema={
            "course_id": pl.String,
            "name": pl.String,
            "fee": pl.Float64,
            "subsidy": pl.Float64,
            "hours": pl.Float64,
        },
        orient="row",
    )
    sessions = pl.DataFrame(
        [
            (str(c), str(s), a, b)
            for c, s, a, b in CourseSession.objects.filter(course__in=qs, starts_on__gte=as_of).values_list(
                "course_id", "pk", "starts_on", "ends_on"
            )
        ],
        schema={"course_id": pl.String, "session_id": pl.String, "starts_on": pl.Date, "ends_on": pl.Date},
        orient="row",
    )
    return {"courses": courses, "course_competencies": course_competencies(qs), "sessions": sessions}


def completed_courses(member: Member) -> list[str]:
    return [
        str(pk)
        for pk in Enrolment.objects.filter(member=member, status=Enrolment.Status.COMPLETED).values_list(
            "course_id", flat=True
        )
    ]


def occupation_grades(code: str) -> list[int]:
    grades = Occupation.objects.filter(code=code).values_list("grades", flat=True).first()
    return sorted(int(g) for g in (grades or []))
