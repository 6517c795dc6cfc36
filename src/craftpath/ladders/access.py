"""Who may see advancement results.

Union staff see runs started in their subtree and, within any run, only rows for members in
their subtree. A member sees their own next-grade evaluation (computed on request).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from craftpath.core.problems import NotFoundOrForbidden, parse_public_id
from craftpath.ladders.models import EligibilityRow, EligibilityRun


def runs_visible_to(user: Any) -> QuerySet[EligibilityRun]:
    if getattr(user, "is_authenticated", False) and user.role == "union_staff" and user.org_id:
        return EligibilityRun.objects.filter(org_path__startswith=user.org.path)
    return EligibilityRun.objects.none()


def access_run_by_public_id(user: Any, public_id: Any) -> EligibilityRun:
    key = parse_public_id(public_id)
    run = runs_visible_to(user).filter(public_id=key).select_related("org").first()
    if run is None:
        raise NotFoundOrForbidden()
    return run


def rows_visible_to(user: Any, run: EligibilityRun) -> QuerySet[EligibilityRow]:
    if not (getattr(user, "is_authenticated", False) and user.role == "union_staff" and user.org_id):
        return EligibilityRow.objects.none()
    return EligibilityRow.objects.filter(run=run, org_path__startswith=user.org.path)


def latest_run_for(user: Any) -> EligibilityRun | None:
    """The newest finished run that covers the user's whole subtree (started at or above it)."""
    if not (getattr(user, "is_authenticated", False) and user.role == "union_staff" and user.org_id):
        return None
    path = user.org.path
    candidates = EligibilityRun.objects.filter(status="done").order_by("-created_at")
    for run in candidates[:50]:
        if path.startswith(run.org_path) or run.org_path.startswith(path):
            return run
    return None
