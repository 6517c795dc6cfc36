from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.engines.grades import Grade
from craftpath.registry import actions
from craftpath.registry.access import (
    access_member_by_id_number,
    access_member_by_public_id,
    access_member_identity_by_public_id,
    may_edit_member,
    members_visible_to,
)
from craftpath.registry.models import Certificate, Member

router = Router()


class MemberOut(Schema):
    public_id: uuid.UUID
    name: str
    id_masked: str
    phone_masked: str
    sex: str
    birth_year: int
    employment_form: str
    union_code: str
    employer_name: str | None
    highest_grade: int | None
    version: int


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class HistoryOut(Schema):
    public_id: uuid.UUID
    occupation_code: str
    employer_name: str
    start: dt.date
    end: dt.date | None


class CertificateOut(Schema):
    public_id: uuid.UUID
    occupation_code: str
    grade: int
    grade_zh: str
    grade_en: str
    issuer: str
    number: str
    issued_on: dt.date
    how: str


class DiplomaOut(Schema):
    public_id: uuid.UUID
    kind: str
    institution: str
    specialty: str
    occupation_code: str | None
    graduated_on: dt.date | None


class GradeOut(Schema):
    occupation_code: str
    grade: int
    grade_zh: str
    grade_en: str


class MemberDetail(MemberOut):
    histories: list[HistoryOut]
    certificates: list[CertificateOut]
    diplomas: list[DiplomaOut]
    grades: list[GradeOut]
    consent_employer: bool
    consent_job_matching: bool


class MemberIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    employment_form: str
    union_code: str
    employer_credit_code: str = ""
    consent_employer: bool = False
    consent_job_matching: bool = False


class MemberPatch(Schema):
    version: int
    name: str | None = None
    phone: str | None = None
    employment_form: str | None = None
    union_code: str | None = None
    employer_credit_code: str | None = None
    consent_employer: bool | None = None
    consent_job_matching: bool | None = None


class HistoryIn(Schema):
    occupation_code: str
    start: str
    end: str | None = None
    employer_name: str = ""


class CertificateIn(Schema):
    occupation_code: str
    grade: str
    issuer: str
    number: str
    issued_on: str
    how: str = "assessment"


class DiplomaIn(Schema):
    kind: str
    graduated_on: str | None = None
    occupation_code: str = ""
    institution: str = ""
    specialty: str = ""


class IdentityIn(Schema):
    purpose: str


class IdentityOut(Schema):
    id_number: str
    phone: str


class SearchIn(Schema):
    id_number: str


def _summary(m: Member, highest: int | None) -> dict[str, Any]:
    return {
        "public_id": m.public_id,
        "name": m.name,
        "id_masked": m.id_masked,
        "phone_masked": m.phone_masked,
        "sex": m.sex,
        "birth_year": m.birth_date.year,
        "employment_form": m.employment_form,
        "union_code": m.union.code,
        "employer_name": m.employer.name if m.employer is not None else None,
        "highest_grade": highest,
        "version": m.version,
    }


def current_grades(member: Member) -> list[dict[str, Any]]:
    """Grade per occupation: the highest certificate the member holds in it."""
    rows = (
        Certificate.objects.filter(member=member)
        .values("occupation_id")
        .annotate(top=Max("grade"))
        .order_by("occupation_id")
    )
    return [
        {
            "occupation_code": r["occupation_id"],
            "grade": r["top"],
            "grade_zh": Grade(r["top"]).zh,
            "grade_en": Grade(r["top"]).en,
        }
        for r in rows
    ]


def _detail(member: Member) -> dict[str, Any]:
    grades = current_grades(member)
    highest = max((g["grade"] for g in grades), default=None)
    return {
        **_summary(member, highest),
        "consent_employer": member.consent_employer,
        "consent_job_matching": member.consent_job_matching,
        "histories": [
            {
                "public_id": h.public_id,
                "occupation_code": h.occupation_id,
                "employer_name": h.employer_name,
                "start": h.start,
                "end": h.end,
            }
            for h in member.histories.all()
        ],
        "certificates": [
            {
                "public_id": c.public_id,
                "occupation_code": c.occupation_id,
                "grade": c.grade,
                "grade_zh": Grade(c.grade).zh,
                "grade_en": Grade(c.grade).en,
                "issuer": c.issuer,
                "number": c.number,
                "issued_on": c.issued_on,
                "how": c.how,
            }
            for c in member.certificates.all()
        ],
        "diplomas": [
            {
                "public_id": d.public_id,
                "kind": d.kind,
                "institution": d.institution,
                "specialty": d.specialty,
                "occupation_code": d.occupation_id,
                "graduated_on": d.graduated_on,
            }
            for d in member.diplomas.all()
        ],
        "grades": grades,
    }


def _page(qs: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    limit = max(1, min(limit, 200))
    qs = qs.order_by("id")
    if cursor:
        try:
            qs = qs.filter(id__gt=int(cursor))
        except ValueError:
            qs = qs.none()
    members = list(qs.select_related("union", "employer")[: limit + 1])
    more = len(members) > limit
    members = members[:limit]
    highest = dict(
        Certificate.objects.filter(member_id__in=[m.pk for m in members])
        .values("member_id")
        .annotate(top=Max("grade"))
        .values_list("member_id", "top")
    )
    return {
        "items": [_summary(m, highest.get(m.pk)) for m in members],
        "next_cursor": str(members[-1].pk) if more and members else None,
    }


@router.get("", response=MemberPage, summary="Members I may see, newest registry order, cursor-paginated")
def list_members(
    request: HttpRequest,
    union: str | None = None,
    employment_form: str | None = None,
    name: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    qs = members_visible_to(request.user)
    if union:
        qs = qs.filter(union__code=union)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    if name:
        qs = qs.filter(name__startswith=name.strip())
    return _page(qs, cursor, limit)


@router.post(
    "/search", response=MemberPage, summary="Find a member by full ID number (sent in the body, never the URL)"
)
def search_member(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    member = access_member_by_id_number(request.user, payload.id_number)
    qs = members_visible_to(request.user)
    return _page(qs.filter(pk=member.pk) if member else qs.none(), None, 1)


@router.post("", response={201: MemberDetail}, summary="Register a member")
def register_member(request: HttpRequest, payload: MemberIn) -> Status[dict[str, Any]]:
    member = actions.do_register_member(request.user, payload.dict())
    return Status(201, _detail(member))


@router.get(
    "/{public_id}", response=MemberDetail, summary="One member with histories, diplomas, certificates and grades"
)
def get_member(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _detail(access_member_by_public_id(request.user, public_id))


def _editable(request: HttpRequest, public_id: str) -> Member:
    member = access_member_by_public_id(request.user, public_id)
    if not may_edit_member(request.user, member):
        raise NotFoundOrForbidden()
    return member


@router.patch("/{public_id}", response=MemberDetail, summary="Change a member's details (send the version you read)")
def update_member(request: HttpRequest, public_id: str, payload: MemberPatch) -> dict[str, Any]:
    member = _editable(request, public_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version"}
    return _detail(actions.do_update_member(request.user, member, changes, expected_version=payload.version))


@router.post("/{public_id}/identity", response=IdentityOut, summary="Reveal the full ID number and phone (logged)")
def reveal_identity(request: HttpRequest, public_id: str, payload: IdentityIn) -> dict[str, str]:
    return access_member_identity_by_public_id(request.user, public_id, purpose=payload.purpose)


@router.post("/{public_id}/histories", response={201: MemberDetail}, summary="Add an occupation history")
def add_history(request: HttpRequest, public_id: str, payload: HistoryIn) -> Status[dict[str, Any]]:
    member = _editable(request, public_id)
    actions.do_add_history(request.user, member, payload.dict())
    return Status(201, _detail(member))


@router.post("/{public_id}/certificates", response={201: MemberDetail}, summary="Add a skill certificate")
def add_certificate(request: HttpRequest, public_id: str, payload: CertificateIn) -> Status[dict[str, Any]]:
    member = _editable(request, public_id)
    actions.do_add_certificate(request.user, member, payload.dict())
    return Status(201, _detail(member))


@router.post("/{public_id}/diplomas", response={201: MemberDetail}, summary="Add a diploma")
def add_diploma(request: HttpRequest, public_id: str, payload: DiplomaIn) -> Status[dict[str, Any]]:
    member = _editable(request, public_id)
    actions.do_add_diploma(request.user, member, payload.dict())
    return Status(201, _detail(member))
