"""Every change to the member registry: validated, in one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from craftpath.core import crypto, events
from craftpath.core.problems import Problem, ProblemError
from craftpath.engines.codes import mask_phone, mask_resident_id
from craftpath.orgs.access import can_act_in
from craftpath.orgs.models import Employer, Organisation
from craftpath.registry import validation
from craftpath.registry.models import Certificate, Diploma, Member, OccupationHistory
from craftpath.registry.signals import members_moved
from craftpath.taxonomy.models import Occupation


def today() -> dt.date:
    return timezone.localdate()


def load_catalogue() -> validation.Catalogue:
    occ = list(Occupation.objects.values_list("code", "level", "grades"))
    return validation.Catalogue(
        occupation_levels={c: lvl for c, lvl, _ in occ},
        occupation_grades={c: g for c, _, g in occ},
    )


def member_snapshot(member: Member) -> dict[str, Any]:
    """What the audit trail stores about a member: never the plain ID number or phone."""
    return {
        "name": member.name,
        "id_masked": member.id_masked,
        "phone_masked": member.phone_masked,
        "employment_form": member.employment_form,
        "union": member.union.code if member.union_id else None,
        "employer": member.employer.credit_code if member.employer is not None else None,
        "consent_employer": member.consent_employer,
        "consent_job_matching": member.consent_job_matching,
    }


def _resolve_union(actor: Any, code: str) -> Organisation:
    union = Organisation.objects.filter(code=code).first()
    if union is None:
        raise ProblemError(Problem("org.unknown", {"value": code}, "union_code"))
    if not union.is_grassroots:
        raise ProblemError(Problem("member.union_not_grassroots", {}, "union_code"))
    if actor is not None and not can_act_in(actor, union):
        raise ProblemError(Problem("member.union_forbidden", {}, "union_code"))
    return union


def _resolve_employer(code: str) -> Employer | None:
    if not code:
        return None
    employer = Employer.objects.filter(credit_code=code).first()
    if employer is None:
        raise ProblemError(Problem("employer.unknown", {"value": code}, "employer_credit_code"))
    return employer


@transaction.atomic
def do_register_member(actor: Any, data: dict[str, Any], *, is_demo: bool = False) -> Member:
    """Register a member from validated-on-entry fields (see ``validation.check_member``)."""
    cleaned, problems = validation.check_member(data, validation.Catalogue({}, {}), today())
    if cleaned is None:
        raise ProblemError(*problems)
    union = _resolve_union(actor, cleaned.union_code)
    employer = _resolve_employer(cleaned.employer_code)
    id_hash = crypto.lookup_hash(cleaned.id_number)
    existing = Member.objects.filter(id_hash=id_hash).select_related("union").first()
    if existing is not None:
        where = (
            existing.union.name
            if actor is not None and can_act_in(actor, existing.union)
            else "另一工会 / another union"
        )
        raise ProblemError(Problem("member.duplicate", {"where": where}, "id_number"))
    member = Member(
        name=cleaned.name,
        id_hash=id_hash,
        id_sealed=crypto.seal(cleaned.id_number),
        id_masked=mask_resident_id(cleaned.id_number),
        birth_date=cleaned.birth_date,
        sex=cleaned.sex,
        phone_sealed=crypto.seal(cleaned.phone) if cleaned.phone else "",
        phone_masked=mask_phone(cleaned.phone),
        employment_form=cleaned.employment_form,
        employer=employer,
        union=union,
        org_path=union.path,
        consent_employer=bool(data.get("consent_employer")),
        consent_job_matching=bool(data.get("consent_job_matching")),
        is_demo=is_demo,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ProblemError(Problem("member.duplicate", {"where": "—"}, "id_number")) from None
    events.record(
        actor=actor,
        kind="create",
        action="register_member",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        after=member_snapshot(member),
    )
    return member


_EDITABLE = (
    "name",
    "phone",
    "employment_form",
    "employer_credit_code",
    "union_code",
    "consent_employer",
    "consent_job_matching",
)


@transaction.atomic
def do_update_member(actor: Any, member: Member, changes: dict[str, Any], *, expected_version: int) -> Member:
    """Change a member's details; refuses if someone else saved in between (``version``)."""
    before = member_snapshot(member)
    problems: list[Problem] = []
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not name:
            problems.append(Problem("member.name_required", {}, "name"))
        member.name = name
    if "phone" in changes:
        phone = str(changes["phone"] or "").replace(" ", "").replace("-", "")
        if phone and not validation._PHONE.match(phone):
            problems.append(Problem("member.phone", {}, "phone"))
        member.phone_sealed = crypto.seal(phone) if phone else ""
        member.phone_masked = mask_phone(phone)
    if "employment_form" in changes:
        form = str(changes["employment_form"])
        if form not in Member.EmploymentForm.values:
            problems.append(
                Problem(
                    "employment_form.invalid",
                    {"value": form, "choices": ", ".join(Member.EmploymentForm.values)},
                    "employment_form",
                )
            )
        member.employment_form = form
    if problems:
        raise ProblemError(*problems)
    if "employer_credit_code" in changes:
        member.employer = _resolve_employer(str(changes["employer_credit_code"] or "").strip().upper())
    old_path = member.org_path
    if "union_code" in changes:
        member.union = _resolve_union(actor, str(changes["union_code"]))
        member.org_path = member.union.path
    for flag in ("consent_employer", "consent_job_matching"):
        if flag in changes:
            setattr(member, flag, bool(changes[flag]))
    updated = Member.objects.filter(pk=member.pk, version=expected_version).update(
        name=member.name,
        phone_sealed=member.phone_sealed,
        phone_masked=member.phone_masked,
        employment_form=member.employment_form,
        employer=member.employer,
        union=member.union,
        org_path=member.org_path,
        consent_employer=member.consent_employer,
        consent_job_matching=member.consent_job_matching,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ProblemError(Problem("member.stale"))
    if member.org_path != old_path:
        members_moved.send(sender=Member, moves={member.pk: member.org_path})
    member.refresh_from_db()
    old, new = events.diff(before, member_snapshot(member))
    events.record(
        actor=actor,
        kind="update",
        action="update_member",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        before=old,
        after=new,
    )
    return member


def _bump(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def do_add_history(actor: Any, member: Member, data: dict[str, Any]) -> OccupationHistory:
    cleaned, problems = validation.check_history(data, load_catalogue(), member.birth_date, today())
    if cleaned is None:
        raise ProblemError(*problems)
    if OccupationHistory.objects.filter(
        member=member, occupation_id=cleaned["occupation_id"], start=cleaned["start"]
    ).exists():
        raise ProblemError(Problem("history.overlap", {}, "start"))
    history = OccupationHistory.objects.create(member=member, **cleaned)
    _bump(member)
    events.record(
        actor=actor,
        kind="create",
        action="add_history",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        after={k: str(v) for k, v in cleaned.items()},
    )
    return history


@transaction.atomic
def do_add_certificate(actor: Any, member: Member, data: dict[str, Any]) -> Certificate:
    cleaned, problems = validation.check_certificate(data, load_catalogue(), member.birth_date, today())
    if cleaned is None:
        raise ProblemError(*problems)
    clash = Certificate.all_objects.filter(issuer=cleaned["issuer"], number=cleaned["number"]).first()
    if clash is not None:
        raise ProblemError(Problem("certificate.duplicate", {"value": cleaned["number"]}, "certificate_number"))
    cert = Certificate.objects.create(member=member, **cleaned)
    _bump(member)
    events.record(
        actor=actor,
        kind="create",
        action="add_certificate",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        after={k: str(v) for k, v in cleaned.items()},
    )
    return cert


@transaction.atomic
def do_add_diploma(actor: Any, member: Member, data: dict[str, Any]) -> Diploma:
    cleaned, problems = validation.check_diploma(data, load_catalogue(), member.birth_date, today())
    if cleaned is None:
        raise ProblemError(*problems)
    diploma = Diploma.objects.create(member=member, **cleaned)
    _bump(member)
    events.record(
        actor=actor,
        kind="create",
        action="add_diploma",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        after={k: str(v) for k, v in cleaned.items()},
    )
    return diploma
