from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.jobs import actions, matching, queries
from craftpath.jobs.access import (
    access_opening_by_public_id,
    access_opening_for_referral,
    access_placement_by_public_id,
    access_seeker_by_public_id,
    candidate_pool,
    mask_name,
    openings_visible_to,
    own_member,
    placements_visible_to,
    seekers_visible_to,
    staff_path,
)
from craftpath.jobs.models import JobOpening, JobSeeker, Placement
from craftpath.registry.access import access_member_by_public_id
from craftpath.registry.models import Member

router = Router()


def _k(k: int) -> int:
    if not 1 <= k <= 100:
        raise ProblemError(Problem("jobs.k", {}, "k"))
    return k


# --------------------------------------------------------------------------- openings


class OpeningIn(Schema):
    title: str
    description: str = ""
    occupation_code: str | None = None
    required_grade: int | str | None = None
    region_code: str | None = None
    pay_min: int | None = None
    pay_max: int | None = None
    expires_on: dt.date | None = None
    union_code: str | None = None
    employer_credit_code: str | None = None


class OpeningPatch(Schema):
    title: str | None = None
    description: str | None = None
    occupation_code: str | None = None
    required_grade: int | str | None = None
    region_code: str | None = None
    pay_min: int | None = None
    pay_max: int | None = None
    expires_on: dt.date | None = None
    status: str | None = None
    # Optional: the values you read for the fields you change ({"occupation_code": "6-18-02-04"}).
    # If someone has changed one since, nothing is saved and the answer is jobs.stale.
    expected: dict[str, str | None] | None = None


class OpeningOut(Schema):
    public_id: uuid.UUID
    title: str
    description: str
    union_code: str
    employer_name: str | None
    occupation_code: str | None
    coded_by: str
    coding_confidence: float | None
    coding_evidence: list[dict[str, Any]]
    needs_coding: bool
    required_grade: int | None
    region_code: str | None
    pay_min: int | None
    pay_max: int | None
    expires_on: dt.date | None
    status: str


def _opening(o: JobOpening) -> dict[str, Any]:
    return {
        "public_id": o.public_id,
        "title": o.title,
        "description": o.description,
        "union_code": o.union.code,
        "employer_name": o.employer.name if o.employer else None,
        "occupation_code": o.occupation_id,
        "coded_by": o.coded_by,
        "coding_confidence": o.coding_confidence,
        "coding_evidence": o.coding_evidence or [],
        "needs_coding": o.needs_coding,
        "required_grade": o.required_grade,
        "region_code": o.region_id,
        "pay_min": o.pay_min,
        "pay_max": o.pay_max,
        "expires_on": o.expires_on,
        "status": o.status,
    }


def _status_filter(status: str | None, values: list[str]) -> str | None:
    """A list's ``status`` filter: a known status, or a clear error (not an empty list)."""
    if not status:
        return None
    if status not in values:
        raise ProblemError(Problem("jobs.status", {"value": status, "choices": ", ".join(values)}, "status"))
    return status


@router.get("/openings", response=list[OpeningOut], summary="Openings I may see (staff: my subtree; HR: my employer)")
def list_openings(
    request: HttpRequest, status: str | None = None, needs_coding: bool | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    qs = openings_visible_to(request.user).select_related("union", "employer")
    if _status_filter(status, JobOpening.Status.values):
        qs = qs.filter(status=status)
    if needs_coding is not None:
        qs = qs.filter(needs_coding=needs_coding)
    return [_opening(o) for o in qs.order_by("-created_at", "id")[: max(1, min(limit, 500))]]


@router.post("/openings", response={201: OpeningOut}, summary="Post an opening (coded from the title when no code)")
def create_opening(request: HttpRequest, payload: OpeningIn) -> Status[Any]:
    user: Any = request.user
    if staff_path(user) is None and user.role != "employer_hr":
        raise NotFoundOrForbidden()
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, _opening(actions.do_create_opening(user, data)))


@router.get("/openings/{public_id}", response=OpeningOut, summary="One opening")
def get_opening(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _opening(access_opening_by_public_id(request.user, public_id))


@router.patch("/openings/{public_id}", response=OpeningOut, summary="Change an opening; a code given here is staff's")
def update_opening(request: HttpRequest, public_id: str, payload: OpeningPatch) -> dict[str, Any]:
    opening = access_opening_by_public_id(request.user, public_id)
    changes = payload.dict(exclude_unset=True)
    expected = changes.pop("expected", None) or {}
    return _opening(actions.do_update_opening(request.user, opening, changes, expected=expected))


@router.delete("/openings/{public_id}", response=OpeningOut, summary="Withdraw an opening (kept for the record)")
def withdraw_opening(request: HttpRequest, public_id: str) -> dict[str, Any]:
    opening = access_opening_by_public_id(request.user, public_id)
    return _opening(actions.do_update_opening(request.user, opening, {"status": "withdrawn"}))


# --------------------------------------------------------------------------- matches


class MatchOut(Schema):
    rank: int
    score: float
    parts: dict[str, float]
    occupation_tier: str
    region_tier: str
    competencies_held: int
    competencies_required: int
    competencies_missing: list[dict[str, str]]
    flags: list[str]
    explanation_zh: str
    explanation_en: str
    reasons_zh: list[str]
    reasons_en: list[str]


class JobMatchOut(MatchOut):
    opening_id: uuid.UUID
    title: str
    occupation_code: str | None
    employer_name: str | None


class CandidateOut(MatchOut):
    seeker_id: uuid.UUID | None
    name: str
    # Union staff only: an employer's HR gets null, since even a masked ID number keeps the
    # place of registration (digits 1-6) and the sex digit (17).
    id_masked: str | None


def _match(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in MatchOut.model_fields}


def _job_match(r: dict[str, Any]) -> dict[str, Any]:
    o = r["opening"]
    return {
        **_match(r),
        "opening_id": o.public_id,
        "title": o.title,
        "occupation_code": o.occupation_id,
        "employer_name": o.employer.name if o.employer else None,
    }


@router.get("/openings/{public_id}/candidates", response=list[CandidateOut], summary="Best consenting candidates")
def candidates(request: HttpRequest, public_id: str, k: int = 10) -> list[dict[str, Any]]:
    user: Any = request.user
    opening = access_opening_by_public_id(user, public_id)
    hr = user.role == "employer_hr"
    rows = matching.candidates_for_opening(opening, candidate_pool(user, opening), queries.today(), k=_k(k))
    return [
        {
            **_match(r),
            "seeker_id": None if hr else r["seeker"].public_id,
            "name": mask_name(r["seeker"].member.name) if hr else r["seeker"].member.name,
            "id_masked": None if hr else r["seeker"].member.id_masked,
        }
        for r in rows
    ]


@router.get("/seekers/{public_id}/matches", response=list[JobMatchOut], summary="Best openings for a job seeker")
def seeker_matches(request: HttpRequest, public_id: str, k: int = 10) -> list[dict[str, Any]]:
    seeker = access_seeker_by_public_id(request.user, public_id)
    if not seeker.member.consent_job_matching:
        raise ProblemError(Problem("jobs.no_consent"))
    rows = matching.jobs_for_seekers(JobSeeker.objects.filter(pk=seeker.pk), queries.today(), k=_k(k))
    return [_job_match(r) for r in rows.get(seeker.pk, [])]


def _member_for(request: HttpRequest, public_id: str) -> Member:
    """``me`` for the signed-in member; otherwise staff over the member (never HR)."""
    user: Any = request.user
    if public_id == "me":
        return own_member(user)
    if staff_path(user) is None:
        raise NotFoundOrForbidden()
    return access_member_by_public_id(user, public_id)


@router.get("/members/{public_id}/matches", response=list[JobMatchOut], summary="Best openings for a member ('me')")
def member_matches(request: HttpRequest, public_id: str, k: int = 10) -> list[dict[str, Any]]:
    member = _member_for(request, public_id)
    if public_id != "me" and not member.consent_job_matching:
        raise ProblemError(Problem("jobs.no_consent"))
    return [_job_match(r) for r in matching.jobs_for_member(member, queries.today(), k=_k(k))]


class TextItem(Schema):
    id: str
    text: str


class PlanCourse(Schema):
    order: int
    course_id: uuid.UUID
    title: str
    cost: float
    hours: float
    session_starts_on: dt.date | None
    session_ends_on: dt.date | None
    covers: list[TextItem]


class PlanOut(Schema):
    occupation_code: str
    occupation_name: str
    grade: int | None
    required: int
    missing: list[TextItem]
    courses: list[PlanCourse]
    uncovered: list[TextItem]
    total_cost: float
    total_hours: float
    hour_value: float
    method: str


@router.get(
    "/members/{public_id}/training-plan",
    response=list[PlanOut],
    summary="Missing competencies and the cheapest courses: next grades, or ?occupation= for a move",
)
def training_plan(
    request: HttpRequest, public_id: str, occupation: str | None = None, hour_value: str = "0"
) -> list[dict[str, Any]]:
    """``hour_value``: yuan per training hour added to each course's cost (0: money only).

    Taken as text and checked here, so that a refusal quotes what was sent (``-1``, ``abc``)."""
    member = _member_for(request, public_id)
    as_of = queries.today()
    value = matching.check_hour_value(hour_value)
    if occupation:
        problems: list[Problem] = []
        code = actions.parse_occupation(occupation, problems, "occupation")
        if code is None:
            raise ProblemError(*(problems or [Problem("occupation.unknown", {"value": occupation}, "occupation")]))
        occupation = code
        plans = [matching.training_plan(member, occupation=occupation, grade=None, as_of=as_of, hour_value=value)]
    else:
        plans = [
            matching.training_plan(member, occupation=c, grade=g, as_of=as_of, hour_value=value)
            for c, g in matching.next_grade_targets(member, as_of)
        ]
    return [
        {
            **{k: p[k] for k in ("occupation_code", "occupation_name", "required", "missing", "uncovered", "method")},
            "total_cost": p["total_cost"],
            "total_hours": p["total_hours"],
            "hour_value": p["hour_value"],
            "grade": int(p["grade"]) if p["grade"] is not None else None,
            "courses": [
                {
                    "order": c["order"],
                    "course_id": c["course"].public_id,
                    "title": c["course"].title,
                    "cost": c["cost"],
                    "hours": c["hours"],
                    "session_starts_on": c["session"].starts_on if c["session"] else None,
                    "session_ends_on": c["session"].ends_on if c["session"] else None,
                    "covers": c["covers"],
                }
                for c in p["courses"]
            ],
        }
        for p in plans
    ]


class MoveOut(Schema):
    rank: int
    occupation_code: str
    occupation_name: str
    from_occupation: str
    from_name: str
    similarity: float
    carry_over: float
    competencies_held: int
    competencies_missing: list[TextItem]


@router.get("/members/{public_id}/pathways", response=list[MoveOut], summary="Career moves: what carries over")
def pathways(request: HttpRequest, public_id: str, k: int = 5) -> list[dict[str, Any]]:
    member = _member_for(request, public_id)
    return matching.career_moves(member, queries.today(), k=_k(k))


# --------------------------------------------------------------------------- seekers


class SeekerIn(Schema):
    member_id: uuid.UUID
    desired_occupations: list[str] = []
    desired_region: str | None = None
    pay_expectation: int | None = None


class SeekerPatch(Schema):
    desired_occupations: list[str] | None = None
    desired_region: str | None = None
    pay_expectation: int | None = None
    status: str | None = None


class SeekerOut(Schema):
    public_id: uuid.UUID
    member_id: uuid.UUID
    name: str
    id_masked: str
    union_code: str
    status: str
    desired_occupations: list[str]
    desired_region: str | None
    pay_expectation: int | None
    consent_job_matching: bool


def _seeker(s: JobSeeker) -> dict[str, Any]:
    return {
        "public_id": s.public_id,
        "member_id": s.member.public_id,
        "name": s.member.name,
        "id_masked": s.member.id_masked,
        "union_code": s.member.union.code,
        "status": s.status,
        "desired_occupations": s.desired_occupations or [],
        "desired_region": s.desired_region_id,
        "pay_expectation": s.pay_expectation,
        "consent_job_matching": s.member.consent_job_matching,
    }


@router.get("/seekers", response=list[SeekerOut], summary="Job seekers in my subtree")
def list_seekers(request: HttpRequest, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    qs = seekers_visible_to(request.user).select_related("member", "member__union")
    if _status_filter(status, JobSeeker.Status.values):
        qs = qs.filter(status=status)
    return [_seeker(s) for s in qs.order_by("id")[: max(1, min(limit, 500))]]


@router.post("/seekers", response={201: SeekerOut}, summary="Register a consenting member as a job seeker")
def create_seeker(request: HttpRequest, payload: SeekerIn) -> Status[Any]:
    member = access_member_by_public_id(request.user, payload.member_id)
    if request.user.role == "employer_hr":  # type: ignore[union-attr]
        raise NotFoundOrForbidden()
    data = payload.dict(exclude={"member_id"}, exclude_none=True)
    seeker = actions.do_register_seeker(request.user, member, data)
    return Status(201, _seeker(JobSeeker.objects.select_related("member__union").get(pk=seeker.pk)))


@router.get("/seekers/{public_id}", response=SeekerOut, summary="One job seeker")
def get_seeker(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _seeker(access_seeker_by_public_id(request.user, public_id))


@router.patch("/seekers/{public_id}", response=SeekerOut, summary="Change a job seeker's wishes or status")
def update_seeker(request: HttpRequest, public_id: str, payload: SeekerPatch) -> dict[str, Any]:
    seeker = access_seeker_by_public_id(request.user, public_id)
    return _seeker(actions.do_update_seeker(request.user, seeker, payload.dict(exclude_unset=True)))


# --------------------------------------------------------------------------- placements


class PlacementIn(Schema):
    seeker_id: uuid.UUID
    opening_id: uuid.UUID
    on: dt.date | None = None


class TransitionIn(Schema):
    status: str
    on: dt.date | None = None
    reason: str = ""


class PlacementOut(Schema):
    public_id: uuid.UUID
    seeker_id: uuid.UUID
    opening_id: uuid.UUID
    status: str
    referred_on: dt.date
    interviewed_on: dt.date | None
    decided_on: dt.date | None
    withdrawn_on: dt.date | None
    history: list[dict[str, Any]]


def _placement(p: Placement) -> dict[str, Any]:
    return {
        "public_id": p.public_id,
        "seeker_id": p.seeker.public_id,
        "opening_id": p.opening.public_id,
        "status": p.status,
        "referred_on": p.referred_on,
        "interviewed_on": p.interviewed_on,
        "decided_on": p.decided_on,
        "withdrawn_on": p.withdrawn_on,
        "history": p.history,
    }


@router.get("/placements", response=list[PlacementOut], summary="Referrals I may see")
def list_placements(request: HttpRequest, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    qs = placements_visible_to(request.user).select_related("seeker", "opening")
    if _status_filter(status, Placement.Status.values):
        qs = qs.filter(status=status)
    return [_placement(p) for p in qs.order_by("id")[: max(1, min(limit, 500))]]


@router.post("/placements", response={201: PlacementOut}, summary="Refer a job seeker to an opening")
def refer(request: HttpRequest, payload: PlacementIn) -> Status[Any]:
    seeker = access_seeker_by_public_id(request.user, payload.seeker_id, manage=True)
    opening = access_opening_for_referral(request.user, payload.opening_id)
    return Status(201, _placement(actions.do_refer(request.user, seeker, opening, on=payload.on)))


@router.post(
    "/placements/{public_id}/transitions",
    response=PlacementOut,
    summary="Record the next step (interviewed, hired, not_hired, withdrawn); going back needs a reason",
)
def move(request: HttpRequest, public_id: str, payload: TransitionIn) -> dict[str, Any]:
    placement = access_placement_by_public_id(request.user, public_id, manage=True)
    moved = actions.do_move_placement(request.user, placement, payload.status, on=payload.on, reason=payload.reason)
    return _placement(Placement.objects.select_related("seeker", "opening").get(pk=moved.pk))
