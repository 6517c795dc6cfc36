"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from craftpath.accounts.models import ApiToken, User
from craftpath.core import events


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_issue_token(actor: Any, user: User, name: str) -> str:
    """Create a token and return it; it is shown once and never stored in plain text."""
    token = "cp_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, token_hash=_hash(token))
    events.record(
        actor=actor, kind="admin", action="issue_api_token", object_type="api_token", object_id=str(record.public_id)
    )
    return token


def user_for_token(token: str) -> User | None:
    record = ApiToken.objects.filter(token_hash=_hash(token)).select_related("user", "user__org").first()
    if record is None or not record.is_valid():
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user
