"""Who may see and manage competitions, results, posts and appointments. Missing and forbidden
both raise :class:`NotFoundOrForbidden` (404).

- Union staff manage competitions their subtree organises and see those organised above them;
  they see results of their competitions and of their own members.
- Union staff manage posts (and appoint) for employers whose union lies in their subtree.
- Employer HR see their employer's posts and its appointments, and nominate consenting employees.
- A member sees their own results and appointments.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from craftpath.competitions.models import Appointment, Competition, CompetitionResult, EmployerPost
from craftpath.core.problems import NotFoundOrForbidden


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def staff_path(user: Any) -> str | None:
    if _active(user) and user.role == "union_staff" and user.org_id:
        return str(user.org.path)
    return None


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFoundOrForbidden() from None


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def may_manage_path(user: Any, org_path: str) -> bool:
    path = staff_path(user)
    return bool(path and org_path.startswith(path))


def competitions_visible_to(user: Any) -> QuerySet[Competition]:
    path = staff_path(user)
    if path is not None:
        return Competition.objects.filter(Q(org_path__startswith=path) | Q(org_path__in=_ancestors(path)))
    if _active(user) and user.role == "member":
        return Competition.objects.filter(results__member__user=user).distinct()
    return Competition.objects.none()


def access_competition_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> Competition:
    found = (
        competitions_visible_to(user)
        .filter(public_id=_uuid(public_id))
        .select_related("org", "occupation", "jurisdiction")
        .first()
    )
    if found is None or (manage and not may_manage_path(user, found.org_path)):
        raise NotFoundOrForbidden()
    return found


def results_visible_to(user: Any) -> QuerySet[CompetitionResult]:
    path = staff_path(user)
    if path is not None:
        return CompetitionResult.objects.filter(
            Q(competition__org_path__startswith=path) | Q(org_path__startswith=path)
        )
    if _active(user) and user.role == "member":
        return CompetitionResult.objects.filter(member__user=user)
    return CompetitionResult.objects.none()


def posts_visible_to(user: Any) -> QuerySet[EmployerPost]:
    path = staff_path(user)
    if path is not None:
        return EmployerPost.objects.filter(org_path__startswith=path)
    if _active(user) and user.role == "employer_hr" and user.employer_id:
        return EmployerPost.objects.filter(employer_id=user.employer_id)
    return EmployerPost.objects.none()


def access_post_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> EmployerPost:
    found = (
        posts_visible_to(user)
        .filter(public_id=_uuid(public_id))
        .select_related("employer", "employer__union", "occupation")
        .first()
    )
    if found is None or (manage and not may_manage_path(user, found.org_path)):
        raise NotFoundOrForbidden()
    return found


def may_nominate(user: Any, post: EmployerPost) -> bool:
    """HR of the post's employer, or union staff over the employer."""
    if may_manage_path(user, post.org_path):
        return True
    return bool(_active(user) and user.role == "employer_hr" and user.employer_id == post.employer_id)


def appointments_visible_to(user: Any) -> QuerySet[Appointment]:
    path = staff_path(user)
    if path is not None:
        return Appointment.objects.filter(post__org_path__startswith=path)
    if _active(user) and user.role == "employer_hr" and user.employer_id:
        return Appointment.objects.filter(post__employer_id=user.employer_id)
    if _active(user) and user.role == "member":
        return Appointment.objects.filter(member__user=user)
    return Appointment.objects.none()


def access_appointment_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> Appointment:
    found = (
        appointments_visible_to(user)
        .filter(public_id=_uuid(public_id))
        .select_related("post", "post__employer", "member")
        .first()
    )
    if found is None or (manage and not may_manage_path(user, found.post.org_path)):
        raise NotFoundOrForbidden()
    return found
