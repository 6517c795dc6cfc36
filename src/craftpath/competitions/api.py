"""API at /api/competitions: competitions, results, promotions, posts and appointments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.competitions import actions
from craftpath.competitions.access import (
    access_appointment_by_public_id,
    access_competition_by_public_id,
    access_post_by_public_id,
    appointments_visible_to,
    competitions_visible_to,
    may_manage_path,
    may_nominate,
    posts_visible_to,
    results_visible_to,
)
from craftpath.competitions.models import Appointment, Competition, CompetitionResult, EmployerPost
from craftpath.competitions.queries import as_of_today
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.orgs.access import access_organisation_by_code, employers_visible_to
from craftpath.registry.access import access_member_by_public_id, members_visible_to

router = Router()


class CompetitionIn(Schema):
    name: str
    tier: str
    occupation_code: str
    held_on: dt.date
    entrants: int
    event_size: int = 1
    org_code: str | None = None
    jurisdiction: str | None = None


class CompetitionOut(Schema):
    public_id: uuid.UUID
    name: str
    org_code: str
    org_name: str
    jurisdiction: str
    tier: str
    event_size: int
    occupation_code: str
    held_on: dt.date
    entrants: int
    manage: bool


def _competition(user: Any, c: Competition) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "name": c.name,
        "org_code": c.org.code,
        "org_name": c.org.name,
        "jurisdiction": c.jurisdiction_id,
        "tier": c.tier,
        "event_size": c.event_size,
        "occupation_code": c.occupation_id,
        "held_on": c.held_on,
        "entrants": c.entrants,
        "manage": may_manage_path(user, c.org_path),
    }


class TraceOut(Schema):
    clause: str
    source: str
    status: str
    valid_from: dt.date | None


class ResultOut(Schema):
    public_id: uuid.UUID
    competition_id: uuid.UUID
    competition_name: str
    member_id: uuid.UUID
    name: str
    rank: int
    prize: str
    is_student: bool
    status: str
    from_grade: int | None
    new_grade: int | None
    certificate_number: str | None
    reason_zh: str
    reason_en: str
    trace: list[TraceOut]


def _result(r: CompetitionResult) -> dict[str, Any]:
    out = actions.describe_result(r)
    return {
        **{k: out[k] for k in ("rank", "prize", "from_grade", "new_grade", "certificate_number", "trace", "name")},
        "public_id": r.public_id,
        "competition_id": r.competition.public_id,
        "competition_name": r.competition.name,
        "member_id": r.member.public_id,
        "is_student": r.is_student,
        "status": r.outcome or "pending",
        "reason_zh": out["reason_zh"] if r.outcome else "尚未处理晋升。",
        "reason_en": out["reason_en"] if r.outcome else "Promotions have not been applied yet.",
    }


@router.get("", response=list[CompetitionOut], summary="Competitions I may see")
def list_competitions(request: HttpRequest) -> list[dict[str, Any]]:
    qs = competitions_visible_to(request.user).select_related("org")[:200]
    return [_competition(request.user, c) for c in qs]


@router.post("", response={201: CompetitionOut}, summary="Create a competition organised by my organisation")
def create_competition(request: HttpRequest, payload: CompetitionIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    comp = actions.do_create_competition(
        user,
        org=org,
        name=payload.name,
        tier=payload.tier,
        occupation_code=payload.occupation_code,
        held_on=payload.held_on,
        entrants=payload.entrants,
        event_size=payload.event_size,
        jurisdiction_code=payload.jurisdiction,
    )
    return Status(201, _competition(user, comp))


@router.get("/me/results", response=list[ResultOut], summary="My competition results and promotions")
def my_results(request: HttpRequest) -> list[dict[str, Any]]:
    user: Any = request.user
    if user.role != "member":
        raise NotFoundOrForbidden()
    qs = results_visible_to(user).select_related("competition", "member", "certificate")
    return [_result(r) for r in qs]


@router.get("/{uuid:public_id}", response=CompetitionOut, summary="One competition")
def get_competition(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return _competition(request.user, access_competition_by_public_id(request.user, public_id))


@router.get("/{uuid:public_id}/results", response=list[ResultOut], summary="Results of a competition I may see")
def list_results(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    comp = access_competition_by_public_id(request.user, public_id)
    qs = (
        results_visible_to(request.user).filter(competition=comp).select_related("competition", "member", "certificate")
    )
    return [_result(r) for r in qs]


class ResultIn(Schema):
    member_id: uuid.UUID
    rank: int
    prize: str = "none"
    is_student: bool = False


@router.post("/{uuid:public_id}/results", response={201: ResultOut}, summary="Record or correct one result")
def record_result(request: HttpRequest, public_id: uuid.UUID, payload: ResultIn) -> Status[dict[str, Any]]:
    comp = access_competition_by_public_id(request.user, public_id, manage=True)
    try:
        member = access_member_by_public_id(request.user, payload.member_id)
    except NotFoundOrForbidden:
        raise ProblemError(Problem("competition.unknown_member", {}, "member_id")) from None
    result = actions.do_record_result(
        request.user, comp, member, rank=payload.rank, prize=payload.prize, is_student=payload.is_student
    )
    result = CompetitionResult.objects.select_related("competition", "member", "certificate").get(pk=result.pk)
    return Status(201, _result(result))


class RowProblem(Schema):
    row: int
    code: str
    field: str
    message_zh: str
    message_en: str


class UploadOut(Schema):
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: int
    saved: bool
    problems: list[RowProblem]


@router.post(
    "/{uuid:public_id}/results/upload",
    response={200: UploadOut, 422: UploadOut},
    summary="Upload a results sheet (CSV/XLSX; 身份证号, 名次, 奖项, 是否学生), all or nothing",
)
def upload_results(request: HttpRequest, public_id: uuid.UUID) -> Status[dict[str, Any]]:
    """Multipart form with the sheet in the field ``file``."""
    comp = access_competition_by_public_id(request.user, public_id, manage=True)
    upload = request.FILES.get("file")
    if upload is None:
        raise ProblemError(Problem("file.empty", {}, "file"))
    if (upload.size or 0) > settings.IMPORT_MAX_BYTES:
        raise ProblemError(Problem("file.too_large", {"limit": f"{settings.IMPORT_MAX_BYTES >> 20} MB"}, "file"))
    report = actions.import_results(request.user, comp, upload.read(), upload.name or "results.csv")
    return Status(200 if report["saved"] else 422, report)


class PromotionsIn(Schema):
    as_of: dt.date | None = None


class OutcomeOut(Schema):
    member_id: uuid.UUID
    name: str
    rank: int
    prize: str
    status: str
    from_grade: int | None
    new_grade: int | None
    certificate_number: str | None
    certificate_created: bool
    reason_zh: str
    reason_en: str
    trace: list[TraceOut]


@router.post(
    "/{uuid:public_id}/promotions",
    response=list[OutcomeOut],
    summary="Apply the promotions this competition's results earn (idempotent)",
)
def apply_promotions(request: HttpRequest, public_id: uuid.UUID, payload: PromotionsIn) -> list[dict[str, Any]]:
    comp = access_competition_by_public_id(request.user, public_id, manage=True)
    return actions.do_apply_promotions(request.user, comp, as_of=payload.as_of)


# ---------------------------------------------------------------------------- posts


class PostIn(Schema):
    employer_credit_code: str
    occupation_code: str
    grade: int
    quota: int
    valid_from: dt.date
    valid_to: dt.date | None = None


class PostOut(Schema):
    public_id: uuid.UUID
    employer_credit_code: str
    employer_name: str
    occupation_code: str
    grade: int
    quota: int
    appointed: int
    valid_from: dt.date
    valid_to: dt.date | None


def _post(p: EmployerPost) -> dict[str, Any]:
    return {
        "public_id": p.public_id,
        "employer_credit_code": p.employer.credit_code,
        "employer_name": p.employer.name,
        "occupation_code": p.occupation_id,
        "grade": p.grade,
        "quota": p.quota,
        "appointed": actions.appointed_count(p),
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
    }


@router.get("/posts", response=list[PostOut], summary="特级技师/首席技师 posts I may see")
def list_posts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_post(p) for p in posts_visible_to(request.user).select_related("employer")[:500]]


@router.post("/posts", response={201: PostOut}, summary="Record an employer's 特级技师/首席技师 posts and quota")
def create_post(request: HttpRequest, payload: PostIn) -> Status[dict[str, Any]]:
    employer = employers_visible_to(request.user).filter(credit_code=payload.employer_credit_code).first()
    if employer is None:
        raise NotFoundOrForbidden()
    post = actions.do_create_post(
        request.user,
        employer=employer,
        occupation_code=payload.occupation_code,
        grade=payload.grade,
        quota=payload.quota,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return Status(201, _post(post))


class MissingOut(Schema):
    code: str
    zh: str
    en: str


class EligibilityOut(Schema):
    member_id: uuid.UUID
    name: str
    eligible: bool
    earliest_date: dt.date | None
    missing: list[MissingOut]
    trace: list[TraceOut]
    unconfirmed: list[str]


@router.get(
    "/posts/{uuid:public_id}/eligibility",
    response=list[EligibilityOut],
    summary="Who among the employer's employees may be nominated, and what is missing",
)
def post_eligibility(request: HttpRequest, public_id: uuid.UUID, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    post = access_post_by_public_id(request.user, public_id)
    if not may_nominate(request.user, post):
        raise NotFoundOrForbidden()
    members = list(members_visible_to(request.user).filter(employer_id=post.employer_id)[:1000])
    rows = actions.nomination_eligibility(post, members, as_of or as_of_today())
    return [{**r, "member_id": r["member"].public_id, "name": r["member"].name} for r in rows]


class NominateIn(Schema):
    member_id: uuid.UUID
    as_of: dt.date | None = None


class AppointmentOut(Schema):
    public_id: uuid.UUID
    post_id: uuid.UUID
    member_id: uuid.UUID
    name: str
    grade: int
    status: str
    nominated_on: dt.date
    start: dt.date | None
    end: dt.date | None
    certificate_number: str | None


def _appointment(a: Appointment) -> dict[str, Any]:
    return {
        "public_id": a.public_id,
        "post_id": a.post.public_id,
        "member_id": a.member.public_id,
        "name": a.member.name,
        "grade": a.post.grade,
        "status": a.status,
        "nominated_on": a.nominated_on,
        "start": a.start,
        "end": a.end,
        "certificate_number": a.certificate.number if a.certificate is not None else None,
    }


@router.post(
    "/posts/{uuid:public_id}/nominations",
    response={201: AppointmentOut},
    summary="Nominate an employee (HR of the employer, or union staff); refused with the missing conditions",
)
def nominate(request: HttpRequest, public_id: uuid.UUID, payload: NominateIn) -> Status[dict[str, Any]]:
    post = access_post_by_public_id(request.user, public_id)
    member = access_member_by_public_id(request.user, payload.member_id)
    appt = actions.do_nominate(request.user, post, member, as_of=payload.as_of)
    return Status(201, _appointment(appt))


@router.get("/appointments", response=list[AppointmentOut], summary="Nominations and appointments I may see")
def list_appointments(request: HttpRequest) -> list[dict[str, Any]]:
    qs = appointments_visible_to(request.user).select_related("post", "member", "certificate")[:1000]
    return [_appointment(a) for a in qs]


class DateIn(Schema):
    date: dt.date | None = None


@router.post(
    "/appointments/{uuid:public_id}/appoint",
    response=AppointmentOut,
    summary="Appoint a nominee (union staff); quota enforced, creates the grade 6/7 certificate",
)
def appoint(request: HttpRequest, public_id: uuid.UUID, payload: DateIn) -> dict[str, Any]:
    appt = access_appointment_by_public_id(request.user, public_id, manage=True)
    appt = actions.do_appoint(request.user, appt, start=payload.date)
    return _appointment(Appointment.objects.select_related("post", "member", "certificate").get(pk=appt.pk))


@router.post(
    "/appointments/{uuid:public_id}/end",
    response=AppointmentOut,
    summary="End an appointment or withdraw a nomination (the certificate stays as history)",
)
def end(request: HttpRequest, public_id: uuid.UUID, payload: DateIn) -> dict[str, Any]:
    appt = access_appointment_by_public_id(request.user, public_id, manage=True)
    appt = actions.do_end_appointment(request.user, appt, end=payload.date)
    return _appointment(Appointment.objects.select_related("post", "member", "certificate").get(pk=appt.pk))
