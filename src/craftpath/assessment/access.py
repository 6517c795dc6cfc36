"""Who may see and manage assessments.

- Union staff manage bodies and events whose ``org_path`` lies in their subtree, and see
  candidates who are members of their subtree or sit events their subtree runs.
- Events: staff see those of their subtree and of the organisations above them; a member sees
  those of their union and the organisations above it (never a sibling district's).
- A member sees their own candidacies and results.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from craftpath.assessment.models import AssessmentBody, AssessmentEvent, Candidate
from craftpath.core.problems import NotFoundOrForbidden, parse_public_id
from craftpath.orgs.access import may_manage_path, staff_path
from craftpath.registry.models import Member


def bodies_visible_to(user: Any) -> QuerySet[AssessmentBody]:
    path = staff_path(user)
    return AssessmentBody.objects.filter(org_path__startswith=path) if path else AssessmentBody.objects.none()


def access_body_by_public_id(user: Any, public_id: Any) -> AssessmentBody:
    body = bodies_visible_to(user).filter(public_id=parse_public_id(public_id)).first()
    if body is None:
        raise NotFoundOrForbidden()
    return body


def _ancestor_paths(path: str) -> list[str]:
    """``/1/7/31/`` → ``["/1/", "/1/7/", "/1/7/31/"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def events_visible_to(user: Any) -> QuerySet[AssessmentEvent]:
    """Staff: events their subtree runs and events run above them (to register their members);
    members: events run by their union or any organisation above it. Never a sibling's events."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AssessmentEvent.objects.none()
    path = staff_path(user)
    if path is not None:
        return AssessmentEvent.objects.filter(Q(org_path__startswith=path) | Q(org_path__in=_ancestor_paths(path)))
    if user.role == "member":
        member_path = Member.objects.filter(user=user).values_list("org_path", flat=True).first()
        if member_path:
            return AssessmentEvent.objects.filter(org_path__in=_ancestor_paths(member_path))
    return AssessmentEvent.objects.none()


def access_event_by_public_id(user: Any, public_id: Any, *, manage: bool = False) -> AssessmentEvent:
    event = events_visible_to(user).filter(public_id=parse_public_id(public_id)).select_related("org", "body").first()
    if event is None or (manage and not may_manage_path(user, event.org_path)):
        raise NotFoundOrForbidden()
    return event


def candidates_visible_to(user: Any) -> QuerySet[Candidate]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Candidate.objects.none()
    path = staff_path(user)
    if path is not None:
        return Candidate.objects.filter(Q(org_path__startswith=path) | Q(event__org_path__startswith=path))
    if user.role == "member":
        return Candidate.objects.filter(member__user=user)
    return Candidate.objects.none()


def access_candidate_by_public_id(user: Any, public_id: Any) -> Candidate:
    found = (
        candidates_visible_to(user)
        .filter(public_id=parse_public_id(public_id))
        .select_related("event", "member")
        .first()
    )
    if found is None:
        raise NotFoundOrForbidden()
    return found
