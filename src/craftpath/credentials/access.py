"""Who may see and manage issued certificates.

- A member sees their own certificates (JSON, PDF) and nobody else's.
- Union staff see, and may revoke or suspend, certificates of members in their subtree.
- Issuer keys: staff see their own organisation's keys and those of organisations below it.
- Anyone, signed in or not, may verify a certificate and read the published status lists.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.credentials.models import IssuedCredential, IssuerKey
from craftpath.orgs.access import staff_path


def credentials_visible_to(user: Any) -> QuerySet[IssuedCredential]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return IssuedCredential.objects.none()
    path = staff_path(user)
    if path is not None:
        return IssuedCredential.objects.filter(org_path__startswith=path)
    if user.role == "member":
        return IssuedCredential.objects.filter(member__user=user)
    return IssuedCredential.objects.none()


def access_credential_by_public_id(user: Any, public_id: Any) -> IssuedCredential:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFoundOrForbidden() from None
    found = credentials_visible_to(user).filter(public_id=key).select_related("key", "key__org", "member").first()
    if found is None:
        raise NotFoundOrForbidden()
    return found


def may_manage_credential(user: Any, credential: IssuedCredential) -> bool:
    path = staff_path(user)
    return bool(path and credential.org_path.startswith(path))


def issuer_keys_visible_to(user: Any) -> QuerySet[IssuerKey]:
    path = staff_path(user)
    if path is None:
        return IssuerKey.objects.none()
    return IssuerKey.objects.filter(org_path__startswith=path)
