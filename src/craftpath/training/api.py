from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.orgs.access import access_organisation_by_code
from craftpath.registry.access import access_member_by_public_id
from craftpath.registry.models import Member
from craftpath.training import actions, queries
from craftpath.training.access import (
    access_course_by_public_id,
    access_enrolment_by_public_id,
    access_provider_by_public_id,
    courses_visible_to,
    enrolments_visible_to,
)
from craftpath.training.models import Course, Enrolment

router = Router()


class ProviderIn(Schema):
    name: str
    org_code: str | None = None
    credit_code: str = ""


class ProviderOut(Schema):
    public_id: uuid.UUID
    name: str
    credit_code: str


class CourseIn(Schema):
    provider_id: uuid.UUID
    title: str
    occupation_code: str
    target_grade: int
    tasks: list[int] = []
    hours: int
    theory_hours: int = 0
    practice_hours: int | None = None
    mode: str = "offline"
    cost: str = "0"
    subsidy: str = "0"
    capacity: int
    region_code: str = ""
    location: str = ""


class CourseOut(Schema):
    public_id: uuid.UUID
    title: str
    provider: str
    occupation_code: str
    target_grade: int
    tasks: list[int]
    hours: int
    theory_hours: int
    practice_hours: int
    mode: str
    cost: str
    subsidy: str
    capacity: int
    taken: int
    waiting: int
    region_code: str | None
    location: str


def _course(c: Course) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "title": c.title,
        "provider": c.provider.name,
        "occupation_code": c.occupation_id,
        "target_grade": c.target_grade,
        "tasks": c.tasks,
        "hours": c.hours,
        "theory_hours": c.theory_hours,
        "practice_hours": c.practice_hours,
        "mode": c.mode,
        "cost": str(c.cost),
        "subsidy": str(c.subsidy),
        "capacity": c.capacity,
        "taken": getattr(c, "taken", 0),
        "waiting": getattr(c, "waiting", 0),
        "region_code": c.region_id,
        "location": c.location,
    }


class SessionIn(Schema):
    starts_on: dt.date
    ends_on: dt.date | None = None
    hours: int = 0
    note: str = ""


class SessionOut(Schema):
    public_id: uuid.UUID
    starts_on: dt.date
    ends_on: dt.date
    hours: int


class EnrolIn(Schema):
    member_id: uuid.UUID | None = None


class EnrolmentOut(Schema):
    public_id: uuid.UUID
    course_id: uuid.UUID
    member_id: uuid.UUID
    status: str
    completed_on: dt.date | None
    promoted: uuid.UUID | None = None


def _enrolment(e: Enrolment, promoted: Enrolment | None = None) -> dict[str, Any]:
    return {
        "public_id": e.public_id,
        "course_id": e.course.public_id,
        "member_id": e.member.public_id,
        "status": e.status,
        "completed_on": e.completed_on,
        "promoted": promoted.public_id if promoted else None,
    }


class AttendanceIn(Schema):
    session_id: uuid.UUID
    present: bool = True
    hours: int | None = None


class CompleteIn(Schema):
    completed_on: dt.date | None = None


@router.post("/providers", response={201: ProviderOut}, summary="Register a training provider")
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status[Any]:
    org = access_organisation_by_code(request.user, payload.org_code) if payload.org_code else None
    return Status(
        201, actions.do_create_provider(request.user, name=payload.name, org=org, credit_code=payload.credit_code)
    )


@router.post("/courses", response={201: CourseOut}, summary="Create a course")
def create_course(request: HttpRequest, payload: CourseIn) -> Status[Any]:
    provider = access_provider_by_public_id(request.user, payload.provider_id)
    data = payload.model_dump(exclude={"provider_id"})
    if data["practice_hours"] is None:
        data.pop("practice_hours")
    return Status(201, _course(actions.do_create_course(request.user, provider, data)))


@router.get("/courses", response=list[CourseOut], summary="Find courses by occupation, grade, region or task")
def list_courses(
    request: HttpRequest,
    occupation: str = "",
    grade: int | None = None,
    region: str = "",
    task: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    qs = queries.list_courses(
        courses_visible_to(request.user), occupation=occupation, grade=grade, region=region, task=task
    )
    return [_course(c) for c in qs[: max(1, min(limit, 500))]]


@router.get("/courses/{public_id}", response=CourseOut)
def get_course(request: HttpRequest, public_id: str) -> dict[str, Any]:
    course = access_course_by_public_id(request.user, public_id)
    return _course(queries.list_courses(Course.objects.filter(pk=course.pk), open_only=False).get())


@router.post("/courses/{public_id}/sessions", response={201: SessionOut})
def add_session(request: HttpRequest, public_id: str, payload: SessionIn) -> Status[Any]:
    course = access_course_by_public_id(request.user, public_id, manage=True)
    return Status(
        201,
        actions.do_add_session(
            request.user,
            course,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            hours=payload.hours,
            note=payload.note,
        ),
    )


@router.post(
    "/courses/{public_id}/enrolments", response={201: EnrolmentOut}, summary="Enrol (or join the waiting list)"
)
def enrol(request: HttpRequest, public_id: str, payload: EnrolIn) -> Status[Any]:
    user: Any = request.user
    course = access_course_by_public_id(user, public_id)
    if payload.member_id is None:
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise NotFoundOrForbidden()
    else:
        member = access_member_by_public_id(user, payload.member_id)
    return Status(201, _enrolment(actions.do_enrol(user, course, member)))


@router.get("/enrolments", response=list[EnrolmentOut], summary="My enrolments, or those in my subtree")
def list_enrolments(request: HttpRequest, course: uuid.UUID | None = None) -> list[dict[str, Any]]:
    qs = enrolments_visible_to(request.user).select_related("course", "member")
    if course:
        qs = qs.filter(course__public_id=course)
    return [_enrolment(e) for e in qs[:500]]


@router.post("/enrolments/{public_id}/withdraw", response=EnrolmentOut, summary="Withdraw; promotes the first waiting")
def withdraw(request: HttpRequest, public_id: str) -> dict[str, Any]:
    enrolment = access_enrolment_by_public_id(request.user, public_id)
    promoted = actions.do_withdraw(request.user, enrolment)
    return _enrolment(enrolment, promoted)


@router.post("/enrolments/{public_id}/attendance", response=EnrolmentOut)
def attendance(request: HttpRequest, public_id: str, payload: AttendanceIn) -> dict[str, Any]:
    enrolment = access_enrolment_by_public_id(request.user, public_id)
    session = enrolment.course.sessions.filter(public_id=payload.session_id).first()
    if session is None:
        raise NotFoundOrForbidden()
    actions.do_record_attendance(request.user, enrolment, session, present=payload.present, hours=payload.hours)
    return _enrolment(enrolment)


@router.post("/enrolments/{public_id}/complete", response=EnrolmentOut)
def complete(request: HttpRequest, public_id: str, payload: CompleteIn) -> dict[str, Any]:
    enrolment = access_enrolment_by_public_id(request.user, public_id)
    return _enrolment(actions.do_complete(request.user, enrolment, completed_on=payload.completed_on))
