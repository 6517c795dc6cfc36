"""Lockout after repeated failures, idle timeout, API tokens."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from craftpath.accounts.models import User
from craftpath.accounts.tokens import do_issue_token
from craftpath.core.models import AuditEvent
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_lockout_after_threshold(cast: Cast, settings: Any) -> None:
    settings.LOCKOUT_THRESHOLD = 3
    for _ in range(3):
        assert authenticate(username="staff_a", password="wrong-password") is None
    user = User.objects.get(username="staff_a")
    assert user.is_locked()
    # Even the right password is refused while locked.
    assert authenticate(username="staff_a", password=PASSWORD) is None
    assert AuditEvent.objects.filter(kind="locked", object_id=str(user.public_id)).exists()
    assert AuditEvent.objects.filter(kind="sign_in_failed").count() >= 4


def test_success_resets_the_counter(cast: Cast, settings: Any) -> None:
    settings.LOCKOUT_THRESHOLD = 3
    assert authenticate(username="staff_a", password="wrong-password") is None
    assert authenticate(username="staff_a", password=PASSWORD) is not None
    assert User.objects.get(username="staff_a").failed_logins == 0


def test_idle_session_is_signed_out(cast: Cast, settings: Any, monkeypatch: Any) -> None:
    client = Client()
    client.force_login(cast.staff_a)
    assert client.get("/api/members").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.IDLE_TIMEOUT_SECONDS + 5)
    assert client.get("/api/members").status_code == 401


def test_bearer_token(cast: Cast) -> None:
    token = do_issue_token(None, cast.staff_b, "platform feed")
    client = Client()
    response = client.get("/api/members", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert [i["name"] for i in response.json()["items"]] == ["李四"]
    assert client.get("/api/members", HTTP_AUTHORIZATION="Bearer cp_wrong").status_code == 401
