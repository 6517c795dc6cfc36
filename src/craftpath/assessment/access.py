"""Who may see and manage assessments.

- Union staff manage bodies and events whose ``org_path`` lies in their subtree, and see
  candidates who are members of their subtree or sit events their subtree runs.
- A member sees events (to register) and their own candidacies and results.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from craftpath.assessment.models import AssessmentBody, AssessmentEvent, Candidate
from craftpath.core.problems import NotFoundOrForbidden


def _staff_path(user: Any) -> str | None:
    if getattr(user, "is_authenticated", False) and user.is_active and user.role == "union_staff" and user.org_id:
        return str(user.org.path)
    return None


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFoundOrForbidden() from None


def may_manage_path(user: Any, org_path: str) -> bool:
    path = _staff_path(user)
    return bool(path and org_path.startswith(path))


def bodies_visible_to(user: Any) -> QuerySet[AssessmentBody]:
    path = _staff_path(user)
    return AssessmentBody.objects.filter(org_path__startswith=path) if path else AssessmentBody.objects.none()


def access_body_by_public_id(user: Any, public_id: Any) -> AssessmentBody:
    body = bodies_visible_to(user).filter(public_id=_uuid(public_id)).first()
    if body is None:
        raise NotFoundOrForbidden()
    return body


def events_visible_to(user: Any) -> QuerySet[AssessmentEvent]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AssessmentEvent.objects.none()
    path = _staff_path(user)
    if path is not None:
        # Staff see their subtree's events and events run above them (to register their members).
        return AssessmentEvent.objects.all()
    if user.role == "member":
        return AssessmentEvent.objects.all()
    return AssessmentEvent.objects.none()


def access_event_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> AssessmentEvent:
    event = events_visible_to(user).filter(public_id=_uuid(public_id)).select_related("org", "body").first()
    if event is None or (manage and not may_manage_path(user, event.org_path)):
        raise NotFoundOrForbidden()
    return event


def candidates_visible_to(user: Any) -> QuerySet[Candidate]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Candidate.objects.none()
    path = _staff_path(user)
    if path is not None:
        return Candidate.objects.filter(Q(org_path__startswith=path) | Q(event__org_path__startswith=path))
    if user.role == "member":
        return Candidate.objects.filter(member__user=user)
    return Candidate.objects.none()


def access_candidate_by_public_id(user: Any, public_id: Any) -> Candidate:
    found = candidates_visible_to(user).filter(public_id=_uuid(public_id)).select_related("event", "member").first()
    if found is None:
        raise NotFoundOrForbidden()
    return found
