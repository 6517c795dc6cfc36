"""The only way member data is fetched. Missing and forbidden give the same answer.

Who sees which members:
- union staff: members whose grassroots union lies in the staff member's subtree;
- a member: themselves;
- employer HR: their employer's members who consented to it (no ID numbers);
- the three administrators: no member records at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from craftpath.core import events
from craftpath.core.crypto import lookup_hash
from craftpath.core.problems import NotFoundOrForbidden, parse_public_id
from craftpath.registry.models import Member


def members_visible_to(user: Any) -> QuerySet[Member]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Member.objects.none()
    if user.role == "union_staff" and user.org_id:
        return Member.objects.filter(org_path__startswith=user.org.path)
    if user.role == "member":
        return Member.objects.filter(user=user)
    if user.role == "employer_hr" and user.employer_id:
        return Member.objects.filter(employer_id=user.employer_id, consent_employer=True)
    return Member.objects.none()


def access_member_by_public_id(user: Any, public_id: Any) -> Member:
    key = parse_public_id(public_id)
    member = members_visible_to(user).filter(public_id=key).select_related("union", "employer").first()
    if member is None:
        raise NotFoundOrForbidden()
    return member


def may_edit_member(user: Any, member: Member) -> bool:
    return bool(user.role == "union_staff" and user.org_id and member.org_path.startswith(user.org.path))


def may_reveal_identity(user: Any, member: Member) -> bool:
    """Plain ID number and phone: the member themself, or union staff over them. Never HR."""
    return may_edit_member(user, member) or (user.role == "member" and member.user_id == user.pk)


def access_member_identity_by_public_id(user: Any, public_id: Any, *, purpose: str) -> dict[str, str]:
    """Reveal the plain ID number and phone, and log that it happened and why."""
    member = access_member_by_public_id(user, public_id)
    if not may_reveal_identity(user, member):
        raise NotFoundOrForbidden()
    events.record(
        actor=user,
        kind="view_pii",
        action="reveal_identity",
        object_type="member",
        object_id=str(member.public_id),
        org_path=member.org_path,
        note=purpose[:200],
    )
    return {"id_number": member.reveal_id_number(), "phone": member.reveal_phone()}


def access_member_by_id_number(user: Any, id_number: str) -> Member | None:
    """Find a visible member by full ID number (keyed hash); every look-up is logged, hit or miss.

    The ID number itself is never written to the audit trail, only whether a member was found.
    """
    member = (
        members_visible_to(user)
        .filter(id_hash=lookup_hash(id_number.strip().upper()))
        .select_related("union", "employer")
        .first()
    )
    events.record(
        actor=user,
        kind="view_pii",
        action="find_by_id_number",
        object_type="member",
        object_id=str(member.public_id) if member else "",
        org_path=member.org_path if member else "",
        note="found" if member else "no visible member matched",
    )
    return member
