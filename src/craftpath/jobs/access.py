"""Who may see job openings, job seekers, placements and match candidates.

- Union staff: openings posted by unions in their subtree; seekers and placements of members in
  their subtree (and placements on their openings); candidates only from their subtree.
- Employer HR: their employer's openings, the placements on them, and consenting candidates
  for them (masked identity only).
- A member: their own seeker record and placements.
- Administrators: nothing.
Missing and forbidden give the same answer (``NotFoundOrForbidden``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from craftpath.core.problems import NotFoundOrForbidden, parse_public_id
from craftpath.jobs.models import JobOpening, JobSeeker, Placement
from craftpath.orgs.access import may_manage_path, staff_path
from craftpath.registry.models import Member


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _hr_employer(user: Any) -> int | None:
    if _active(user) and user.role == "employer_hr" and user.employer_id:
        return int(user.employer_id)
    return None


def mask_name(name: str) -> str:
    """What employer HR see of a candidate's name: the surname and stars."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def own_member(user: Any) -> Member:
    """The signed-in member's own record (for "my jobs")."""
    member = Member.objects.filter(user=user).select_related("union").first() if _active(user) else None
    if member is None or user.role != "member":
        raise NotFoundOrForbidden()
    return member


# --------------------------------------------------------------------------- openings


def openings_visible_to(user: Any) -> QuerySet[JobOpening]:
    path = staff_path(user)
    if path is not None:
        return JobOpening.objects.filter(org_path__startswith=path)
    employer = _hr_employer(user)
    if employer is not None:
        return JobOpening.objects.filter(employer_id=employer)
    return JobOpening.objects.none()


def access_opening_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> JobOpening:
    opening = (
        openings_visible_to(user)
        .filter(public_id=parse_public_id(public_id))
        .select_related("employer", "union", "occupation", "region")
        .first()
    )
    if opening is None or (manage and not may_manage_path(user, opening.org_path)):
        raise NotFoundOrForbidden()
    return opening


def access_opening_for_referral(user: Any, public_id: Any) -> JobOpening:
    """Any opening staff may refer their seekers to: openings are a public listing, so staff of
    one district may refer to another district's opening (the placement stays in their subtree)."""
    if staff_path(user) is None:
        raise NotFoundOrForbidden()
    opening = JobOpening.objects.filter(public_id=parse_public_id(public_id)).first()
    if opening is None:
        raise NotFoundOrForbidden()
    return opening


# --------------------------------------------------------------------------- seekers


def seekers_visible_to(user: Any) -> QuerySet[JobSeeker]:
    path = staff_path(user)
    if path is not None:
        return JobSeeker.objects.filter(org_path__startswith=path)
    if _active(user) and user.role == "member":
        return JobSeeker.objects.filter(member__user=user)
    return JobSeeker.objects.none()


def access_seeker_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> JobSeeker:
    seeker = (
        seekers_visible_to(user)
        .filter(public_id=parse_public_id(public_id))
        .select_related("member", "member__union", "desired_region", "case_officer")
        .first()
    )
    if seeker is None or (manage and not may_manage_path(user, seeker.org_path)):
        raise NotFoundOrForbidden()
    return seeker


def candidate_pool(user: Any, opening: JobOpening) -> QuerySet[JobSeeker]:
    """Seekers who may be shown as candidates for ``opening`` to ``user``.

    Always: looking for work and consenting to job matching now (consent may be withdrawn after
    registering). Staff see their own subtree only; HR see the pool for their own openings.
    """
    base = JobSeeker.objects.filter(status=JobSeeker.Status.ACTIVE, member__consent_job_matching=True)
    path = staff_path(user)
    if path is not None:
        return base.filter(org_path__startswith=path)
    employer = _hr_employer(user)
    if employer is not None and opening.employer_id == employer:
        return base
    return JobSeeker.objects.none()


# --------------------------------------------------------------------------- placements


def placements_visible_to(user: Any) -> QuerySet[Placement]:
    path = staff_path(user)
    if path is not None:
        return Placement.objects.filter(Q(org_path__startswith=path) | Q(opening__org_path__startswith=path))
    employer = _hr_employer(user)
    if employer is not None:
        return Placement.objects.filter(opening__employer_id=employer)
    if _active(user) and user.role == "member":
        return Placement.objects.filter(seeker__member__user=user)
    return Placement.objects.none()


def access_placement_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> Placement:
    placement = (
        placements_visible_to(user)
        .filter(public_id=parse_public_id(public_id))
        .select_related("seeker", "seeker__member", "opening")
        .first()
    )
    if placement is None or (manage and not may_manage_path(user, placement.org_path)):
        raise NotFoundOrForbidden()
    return placement
