"""Every change to training records: providers, courses, sessions, enrolment, attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from craftpath.core import events
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.engines.codes import check_credit_code
from craftpath.orgs.access import can_act_in
from craftpath.orgs.models import Organisation, Region
from craftpath.registry.access import may_edit_member
from craftpath.registry.models import Member
from craftpath.taxonomy.models import Occupation
from craftpath.training import problems as _problems  # noqa: F401  (registers messages)
from craftpath.training.access import may_manage_path
from craftpath.training.models import Attendance, Course, CourseSession, Enrolment, TrainingProvider

# The largest value the whole-number columns hold (PositiveIntegerField: integer on PostgreSQL); anything above
# is a typing slip, and the database would refuse it with an error page.
INT_LIMIT = 2_147_483_647
# Course.cost and Course.subsidy hold 10 digits with 2 decimals, so amounts stay below this.
MONEY_LIMIT = Decimal("100000000")
_CENT = Decimal("0.01")
# A session cannot hold more hours than its days have.
HOURS_PER_DAY = 24


def _require(ok: bool) -> None:
    if not ok:
        raise ProblemError(Problem("training.forbidden"))


@transaction.atomic
def do_create_provider(
    actor: Any,
    *,
    name: str,
    org: Organisation | None = None,
    credit_code: str = "",
    managed_by: Organisation | None = None,
) -> TrainingProvider:
    managed = managed_by or org or getattr(actor, "org", None)
    _require(managed is not None and can_act_in(actor, managed))
    assert managed is not None
    name = _text(name, 160)
    credit_code = _text(credit_code).upper()
    if not name:
        raise ProblemError(Problem("row.required", {"column": "name"}, "name"))
    if org is None and not credit_code:
        raise ProblemError(Problem("training.provider_identity", {}, "credit_code"))
    if credit_code:
        checked = check_credit_code(credit_code)
        if checked.error_code:
            raise ProblemError(Problem(checked.error_code, {}, "credit_code"))
    provider = TrainingProvider.objects.create(
        name=name, org=org, credit_code=credit_code, managed_by=managed, org_path=managed.path
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_training_provider",
        object_type="training_provider",
        object_id=str(provider.public_id),
        org_path=managed.path,
        after={"name": provider.name, "org": org.code if org else "", "credit_code": credit_code},
    )
    return provider


def _text(value: Any, limit: int | None = None) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them), cut to the column's length."""
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit] if limit else text


def _int(
    data: dict[str, Any], key: str, default: int | None = None, *, minimum: int = 0, maximum: int = INT_LIMIT
) -> int:
    raw = data.get(key, default)
    try:
        value = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ProblemError(Problem("training.value", {"field": key, "value": raw}, key)) from None
    if value < minimum:
        raise ProblemError(Problem("training.value", {"field": key, "value": raw}, key))
    if value > maximum:
        raise ProblemError(Problem("training.too_large", {"field": key, "value": raw, "limit": maximum}, key))
    return value


def _money(data: dict[str, Any], key: str) -> Decimal:
    raw = data.get(key, 0) or 0
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ProblemError(Problem("training.value", {"field": key, "value": raw}, key)) from None
    if not value.is_finite() or value < 0:  # "NaN" and "Infinity" parse, but are no amount of money
        raise ProblemError(Problem("training.value", {"field": key, "value": raw}, key))
    if value < MONEY_LIMIT:
        value = value.quantize(_CENT)
    if value >= MONEY_LIMIT:
        raise ProblemError(
            Problem("training.too_large", {"field": key, "value": raw, "limit": MONEY_LIMIT - _CENT}, key)
        )
    return value


@transaction.atomic
def do_create_course(actor: Any, provider: TrainingProvider, data: dict[str, Any]) -> Course:
    """Data keys: title, occupation_code, target_grade, tasks, hours, theory_hours, practice_hours,
    mode, cost, subsidy, capacity, region_code, location."""
    _require(may_manage_path(actor, provider.org_path))
    code = _text(data.get("occupation_code"))
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise ProblemError(Problem("occupation.unknown", {"value": code}, "occupation_code"))
    if occupation.level != 4:
        raise ProblemError(Problem("occupation.not_leaf", {"value": code}, "occupation_code"))
    grade = _int(data, "target_grade")
    if grade not in (occupation.grades or []):
        raise ProblemError(Problem("grade.not_in_occupation", {"occupation": code, "grade": grade}, "target_grade"))
    tasks = sorted({_int({"tasks": t}, "tasks") for t in data.get("tasks") or []})
    count = len(occupation.tasks or [])
    for t in tasks:
        if t >= count:
            raise ProblemError(
                Problem("training.task_index", {"occupation": code, "value": t, "count": count}, "tasks")
            )
    hours = _int(data, "hours", minimum=1)
    theory = _int(data, "theory_hours", 0)
    practice = _int(data, "practice_hours", hours - theory)
    if theory + practice != hours:
        raise ProblemError(Problem("training.hours_split", {"value": theory + practice, "hours": hours}, "hours"))
    mode = _text(data.get("mode")) or Course.Mode.OFFLINE
    if mode not in Course.Mode.values:
        raise ProblemError(Problem("training.value", {"field": "mode", "value": mode}, "mode"))
    cost, subsidy = _money(data, "cost"), _money(data, "subsidy")
    if subsidy > cost:
        raise ProblemError(Problem("training.subsidy_over_cost", {}, "subsidy"))
    region_code = _text(data.get("region_code"))
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region_code and region is None:
        raise ProblemError(Problem("training.value", {"field": "region_code", "value": region_code}, "region_code"))
    title = _text(data.get("title"), 200)
    if not title:
        raise ProblemError(Problem("row.required", {"column": "title"}, "title"))
    course = Course.objects.create(
        provider=provider,
        title=title,
        occupation=occupation,
        target_grade=grade,
        tasks=tasks,
        hours=hours,
        theory_hours=theory,
        practice_hours=practice,
        mode=mode,
        cost=cost,
        subsidy=subsidy,
        capacity=_int(data, "capacity", minimum=1),
        region=region,
        location=_text(data.get("location"), 200),
        org_path=provider.org_path,
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_course",
        object_type="course",
        object_id=str(course.public_id),
        org_path=course.org_path,
        after={"title": course.title, "occupation": code, "grade": grade, "capacity": course.capacity},
    )
    return course


@transaction.atomic
def do_add_session(
    actor: Any, course: Course, *, starts_on: dt.date, ends_on: dt.date | None = None, hours: int = 0, note: str = ""
) -> CourseSession:
    _require(may_manage_path(actor, course.org_path))
    ends = ends_on or starts_on
    if ends < starts_on:
        raise ProblemError(Problem("date.end_before_start", {}, "ends_on"))
    hours = _int({"hours": hours}, "hours", 0)
    limit = HOURS_PER_DAY * ((ends - starts_on).days + 1)
    if hours > limit:
        raise ProblemError(Problem("training.session_hours", {"value": hours, "limit": limit}, "hours"))
    session = CourseSession.objects.create(
        course=course, starts_on=starts_on, ends_on=ends, hours=hours, note=_text(note, 200)
    )
    events.record(
        actor=actor,
        kind="create",
        action="add_course_session",
        object_type="course",
        object_id=str(course.public_id),
        org_path=course.org_path,
        after={"starts_on": starts_on.isoformat(), "ends_on": ends.isoformat(), "hours": hours},
    )
    return session


def _may_enrol_for(actor: Any, member: Member) -> bool:
    if getattr(actor, "role", None) == "member":
        return bool(member.user_id == actor.pk)
    return may_edit_member(actor, member)


@transaction.atomic
def do_enrol(actor: Any, course: Course, member: Member) -> Enrolment:
    """A place if one is free, else the end of the waiting list.

    The course row is locked first (``select_for_update``), so two requests for the last seat are
    served one after the other: one gets the seat, the other waits.
    """
    if not _may_enrol_for(actor, member):
        raise NotFoundOrForbidden()
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if not locked.is_open:
        raise ProblemError(Problem("training.closed"))
    existing = Enrolment.objects.filter(course=locked, member=member).first()
    if existing is not None and existing.status != Enrolment.Status.WITHDRAWN:
        raise ProblemError(Problem("training.already_enrolled", {"value": existing.get_status_display()}))
    taken = Enrolment.objects.filter(course=locked, status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED])
    status = Enrolment.Status.ENROLLED if taken.count() < locked.capacity else Enrolment.Status.WAITING
    now = timezone.now()
    if existing is not None:
        existing.status, existing.queued_at, existing.completed_on = status, now, None
        existing.save(update_fields=["status", "queued_at", "completed_on", "updated_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(
            course=locked,
            member=member,
            org_path=member.org_path,
            status=status,
            queued_at=now,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    events.record(
        actor=actor,
        kind="create",
        action="enrol",
        object_type="enrolment",
        object_id=str(enrolment.public_id),
        org_path=member.org_path,
        after={"course": str(locked.public_id), "member": str(member.public_id), "status": status},
    )
    return enrolment


@transaction.atomic
def do_withdraw(actor: Any, enrolment: Enrolment) -> Enrolment | None:
    """Withdraw; if that freed a seat, the first member on the waiting list gets it (returned)."""
    if not (_may_enrol_for(actor, enrolment.member) or may_manage_path(actor, enrolment.course.org_path)):
        raise NotFoundOrForbidden()
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITING):
        raise ProblemError(Problem("training.not_active", {"value": current.get_status_display()}))
    freed = current.status == Enrolment.Status.ENROLLED
    current.status = Enrolment.Status.WITHDRAWN
    current.save(update_fields=["status", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="withdraw",
        object_type="enrolment",
        object_id=str(current.public_id),
        org_path=current.org_path,
        after={"status": "withdrawn"},
    )
    enrolment.status = current.status
    if not freed:
        return None
    promoted = (
        Enrolment.objects.select_for_update()
        .filter(course=course, status=Enrolment.Status.WAITING)
        .order_by("queued_at", "id")
        .first()
    )
    if promoted is None:
        return None
    promoted.status = Enrolment.Status.ENROLLED
    promoted.save(update_fields=["status", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="promote_from_waiting_list",
        object_type="enrolment",
        object_id=str(promoted.public_id),
        org_path=promoted.org_path,
        after={"status": "enrolled"},
    )
    return promoted


@transaction.atomic
def do_record_attendance(
    actor: Any, enrolment: Enrolment, session: CourseSession, *, present: bool = True, hours: int | None = None
) -> Attendance:
    _require(may_manage_path(actor, enrolment.course.org_path))
    if session.course_id != enrolment.course_id:
        raise ProblemError(Problem("training.session_course", {}, "session"))
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        raise ProblemError(Problem("training.not_active", {"value": enrolment.get_status_display()}))
    if session.starts_on > timezone.localdate():
        raise ProblemError(Problem("training.session_not_started", {"value": session.starts_on.isoformat()}, "session"))
    attended = _int({"hours": (session.hours if hours is None else hours) if present else 0}, "hours")
    limit = session.hours or HOURS_PER_DAY * ((session.ends_on - session.starts_on).days + 1)
    if attended > limit:
        raise ProblemError(Problem("training.session_hours", {"value": attended, "limit": limit}, "hours"))
    row, _ = Attendance.objects.update_or_create(
        enrolment=enrolment, session=session, defaults={"present": present, "hours": attended}
    )
    events.record(
        actor=actor,
        kind="update",
        action="record_attendance",
        object_type="enrolment",
        object_id=str(enrolment.public_id),
        org_path=enrolment.org_path,
        after={"session": str(session.public_id), "present": present, "hours": attended},
    )
    return row


@transaction.atomic
def do_complete(actor: Any, enrolment: Enrolment, *, completed_on: dt.date | None = None) -> Enrolment:
    """Mark the course completed for this member (staff of the course's organisation)."""
    _require(may_manage_path(actor, enrolment.course.org_path))
    done_on = completed_on or timezone.localdate()
    # A completion counts towards the member's grade at once, so it cannot be dated ahead.
    if done_on > timezone.localdate():
        raise ProblemError(Problem("date.future", {"value": done_on.isoformat()}, "completed_on"))
    if done_on < enrolment.member.birth_date:
        raise ProblemError(Problem("date.before_birth", {"value": done_on.isoformat()}, "completed_on"))
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status != Enrolment.Status.ENROLLED:
        raise ProblemError(Problem("training.not_active", {"value": current.get_status_display()}))
    current.status = Enrolment.Status.COMPLETED
    current.completed_on = done_on
    current.save(update_fields=["status", "completed_on", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="complete_course",
        object_type="enrolment",
        object_id=str(current.public_id),
        org_path=current.org_path,
        after={"status": "completed", "completed_on": current.completed_on.isoformat()},
    )
    return current
