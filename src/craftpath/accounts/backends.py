"""Password sign-in with lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.core import events


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if user.is_locked():
            events.record(
                actor=user,
                kind="sign_in_failed",
                action="sign_in_while_locked",
                object_type="user",
                object_id=str(user.public_id),
            )
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            events.record(
                actor=user, kind="sign_in", action="sign_in", object_type="user", object_id=str(user.public_id)
            )
            return user
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            events.record(
                actor=user,
                kind="sign_in_failed",
                action="wrong_password",
                object_type="user",
                object_id=str(user.public_id),
            )
            if user.failed_logins >= settings.LOCKOUT_THRESHOLD:
                until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
                User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
                events.record(
                    actor=user,
                    kind="locked",
                    action="locked_after_failures",
                    object_type="user",
                    object_id=str(user.public_id),
                )
        return None
