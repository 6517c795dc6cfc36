from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.assessment import actions
from craftpath.assessment.access import (
    access_body_by_public_id,
    access_candidate_by_public_id,
    access_event_by_public_id,
    candidates_visible_to,
    events_visible_to,
)
from craftpath.assessment.models import AssessmentEvent, Candidate
from craftpath.assessment.texts import describe_missing
from craftpath.core.problems import NotFoundOrForbidden
from craftpath.orgs.access import access_organisation_by_code
from craftpath.registry.access import access_member_by_public_id
from craftpath.registry.models import Member

router = Router()


class BodyIn(Schema):
    name: str
    credit_code: str = ""


class BodyOut(Schema):
    public_id: uuid.UUID
    name: str


class AuthorisationIn(Schema):
    occupation_code: str
    grade: int
    valid_from: dt.date
    valid_until: dt.date | None = None


class EventIn(Schema):
    body_id: uuid.UUID
    org_code: str | None = None
    occupation_code: str
    grade: int
    held_on: dt.date
    theory_weight: str | None = None
    practice_weight: str | None = None
    theory_pass_mark: str | None = None
    practice_pass_mark: str | None = None
    appeal_days: int | None = None
    source: str = ""


class EventOut(Schema):
    public_id: uuid.UUID
    org_code: str
    body: str
    occupation_code: str
    grade: int
    held_on: dt.date
    theory_weight: str
    practice_weight: str
    theory_pass_mark: str
    practice_pass_mark: str
    appeal_days: int
    parameters: dict[str, Any]
    status: str
    appeal_until: dt.date | None


def _event(e: AssessmentEvent) -> dict[str, Any]:
    return {
        "public_id": e.public_id,
        "org_code": e.org.code,
        "body": e.body.name,
        "occupation_code": e.occupation_id,
        "grade": e.grade,
        "held_on": e.held_on,
        "theory_weight": str(e.theory_weight),
        "practice_weight": str(e.practice_weight),
        "theory_pass_mark": str(e.theory_pass_mark),
        "practice_pass_mark": str(e.practice_pass_mark),
        "appeal_days": e.appeal_days,
        "parameters": e.parameters,
        "status": e.status,
        "appeal_until": e.appeal_until,
    }


class RegisterIn(Schema):
    member_id: uuid.UUID | None = None
    override_reason: str = ""


class MissingOut(Schema):
    code: str
    zh: str
    en: str


class CandidateOut(Schema):
    public_id: uuid.UUID
    event_id: uuid.UUID
    member_id: uuid.UUID
    eligible: bool
    route: str
    missing: list[MissingOut]
    trace: list[str]
    override_reason: str
    theory_score: str | None
    practice_score: str | None
    total_score: str | None
    passed: bool | None
    credential_id: uuid.UUID | None


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "event_id": c.event.public_id,
        "member_id": c.member.public_id,
        "eligible": c.eligible,
        "route": c.route,
        "missing": [describe_missing(code) for code in c.missing],
        "trace": c.trace,
        "override_reason": c.override_reason,
        "theory_score": None if c.theory_score is None else str(c.theory_score),
        "practice_score": None if c.practice_score is None else str(c.practice_score),
        "total_score": None if c.total_score is None else str(c.total_score),
        "passed": c.passed,
        "credential_id": c.credential.public_id if c.credential_id and c.credential else None,
    }


class ScoresIn(Schema):
    theory: str
    practice: str


class AppealIn(Schema):
    reason: str


@router.post("/bodies", response={201: BodyOut}, summary="Register an assessment body (评价机构)")
def create_body(request: HttpRequest, payload: BodyIn) -> Status[Any]:
    return Status(201, actions.do_create_body(request.user, name=payload.name, credit_code=payload.credit_code))


@router.post(
    "/bodies/{public_id}/authorisations", response={201: BodyOut}, summary="Authorise for occupation and grade"
)
def authorise(request: HttpRequest, public_id: str, payload: AuthorisationIn) -> Status[Any]:
    body = access_body_by_public_id(request.user, public_id)
    actions.do_authorise_body(request.user, body, **payload.model_dump())
    return Status(201, body)


@router.post("/events", response={201: EventOut}, summary="Create an assessment event")
def create_event(request: HttpRequest, payload: EventIn) -> Status[Any]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    body = access_body_by_public_id(user, payload.body_id)
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    data = payload.model_dump(exclude={"body_id", "org_code"})
    return Status(201, _event(actions.do_create_event(user, org=org, body=body, **data)))


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, occupation: str = "", status: str = "") -> list[dict[str, Any]]:
    qs = events_visible_to(request.user).select_related("org", "body")
    if occupation:
        qs = qs.filter(occupation_id=occupation)
    if status:
        qs = qs.filter(status=status)
    return [_event(e) for e in qs[:200]]


@router.get("/events/{public_id}", response=EventOut)
def get_event(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _event(access_event_by_public_id(request.user, public_id))


@router.post("/events/{public_id}/candidates", response={201: CandidateOut}, summary="Register (eligibility checked)")
def register(request: HttpRequest, public_id: str, payload: RegisterIn) -> Status[Any]:
    user: Any = request.user
    event = access_event_by_public_id(user, public_id)
    if payload.member_id is None:
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise NotFoundOrForbidden()
    else:
        member = access_member_by_public_id(user, payload.member_id)
    candidate = actions.do_register_candidate(user, event, member, override_reason=payload.override_reason)
    return Status(201, _candidate(candidate))


@router.get("/events/{public_id}/candidates", response=list[CandidateOut])
def list_candidates(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    event = access_event_by_public_id(request.user, public_id)
    qs = candidates_visible_to(request.user).filter(event=event).select_related("event", "member", "credential")
    return [_candidate(c) for c in qs]


@router.post("/candidates/{public_id}/scores", response=CandidateOut, summary="Enter scores (0–100)")
def scores(request: HttpRequest, public_id: str, payload: ScoresIn) -> dict[str, Any]:
    candidate = access_candidate_by_public_id(request.user, public_id)
    return _candidate(
        actions.do_record_scores(request.user, candidate, theory=payload.theory, practice=payload.practice)
    )


@router.post("/events/{public_id}/publish", response=list[CandidateOut], summary="Publish; passes get certificates")
def publish(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    event = access_event_by_public_id(request.user, public_id, manage=True)
    return [_candidate(c) for c in actions.do_publish_results(request.user, event)]


@router.post("/candidates/{public_id}/appeals", response={201: CandidateOut}, summary="Appeal within the window")
def appeal(request: HttpRequest, public_id: str, payload: AppealIn) -> Status[Any]:
    candidate = access_candidate_by_public_id(request.user, public_id)
    actions.do_lodge_appeal(request.user, candidate, reason=payload.reason)
    return Status(201, _candidate(candidate))
