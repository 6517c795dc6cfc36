"""Who may see and manage training records.

- Courses are a public catalogue for anyone signed in (members look for courses themselves).
- Union staff manage providers and courses whose ``org_path`` lies in their subtree.
- Enrolments: a member sees their own; staff see enrolments of members in their subtree and
  every enrolment on courses their subtree runs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from craftpath.core.problems import NotFoundOrForbidden, parse_public_id
from craftpath.orgs.access import may_manage_path, staff_path
from craftpath.training.models import Course, Enrolment, TrainingProvider


def providers_visible_to(user: Any) -> QuerySet[TrainingProvider]:
    path = staff_path(user)
    if path is None:
        return TrainingProvider.objects.none()
    return TrainingProvider.objects.filter(org_path__startswith=path)


def access_provider_by_public_id(user: Any, public_id: Any) -> TrainingProvider:
    provider = providers_visible_to(user).filter(public_id=parse_public_id(public_id)).first()
    if provider is None:
        raise NotFoundOrForbidden()
    return provider


def courses_visible_to(user: Any) -> QuerySet[Course]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Course.objects.none()
    return Course.objects.all()


def access_course_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> Course:
    course = courses_visible_to(user).filter(public_id=parse_public_id(public_id)).select_related("provider").first()
    if course is None or (manage and not may_manage_path(user, course.org_path)):
        raise NotFoundOrForbidden()
    return course


def enrolments_visible_to(user: Any) -> QuerySet[Enrolment]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Enrolment.objects.none()
    path = staff_path(user)
    if path is not None:
        return Enrolment.objects.filter(Q(org_path__startswith=path) | Q(course__org_path__startswith=path))
    if user.role == "member":
        return Enrolment.objects.filter(member__user=user)
    return Enrolment.objects.none()


def access_enrolment_by_public_id(user: Any, public_id: Any) -> Enrolment:
    enrolment = (
        enrolments_visible_to(user)
        .filter(public_id=parse_public_id(public_id))
        .select_related("course", "member")
        .first()
    )
    if enrolment is None:
        raise NotFoundOrForbidden()
    return enrolment
