"""Who may see which organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.orgs.models import Employer, Organisation

ADMIN_ROLES = {"system_admin", "security_admin", "audit_admin"}


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.role == "union_staff" and user.org_id:
        return Organisation.objects.filter(path__startswith=user.org.path)
    if user.role in ADMIN_ROLES:
        return Organisation.objects.all()
    return Organisation.objects.none()


def access_organisation_by_code(user: Any, code: str) -> Organisation:
    org = organisations_visible_to(user).filter(code=code).select_related("region", "parent").first()
    if org is None:
        raise NotFoundOrForbidden()
    return org


def employers_visible_to(user: Any) -> QuerySet[Employer]:
    if not getattr(user, "is_authenticated", False):
        return Employer.objects.none()
    if user.role == "union_staff" and user.org_id:
        return Employer.objects.filter(union__path__startswith=user.org.path)
    if user.role == "employer_hr":
        return Employer.objects.filter(pk=user.employer_id)
    if user.role == "system_admin":
        return Employer.objects.all()
    return Employer.objects.none()


def staff_path(user: Any) -> str | None:
    """The subtree path a signed-in, active union staff member acts on, or None for anyone else."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.role == "union_staff" and user.org_id:
        return str(user.org.path)
    return None


def may_manage_path(user: Any, org_path: str) -> bool:
    """Union staff manage records whose organisation path lies in their own subtree."""
    path = staff_path(user)
    return bool(path and org_path.startswith(path))


def can_act_in(user: Any, org: Organisation) -> bool:
    """Union staff act on their own subtree only."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role == "union_staff"
        and user.org_id
        and org.path.startswith(user.org.path)
    )
