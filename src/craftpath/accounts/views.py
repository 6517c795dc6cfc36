"""Signing in and out, unlocking accounts, and the guards every page view goes through."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from craftpath.accounts.forms import SignInForm
from craftpath.accounts.models import User
from craftpath.core import events
from craftpath.core.problems import NotFoundOrForbidden

View = Callable[..., HttpResponse]


def _idle_note(request: HttpRequest) -> None:
    if getattr(request, "idle_timed_out", False):
        messages.info(request, _("You were signed out after a period without activity. Please sign in again."))


def signed_in(*roles: str) -> Callable[[View], View]:
    """Page guard: sign-in required; optional roles; "not yours" and "missing" are both 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                _idle_note(request)
                return redirect_to_login(request.get_full_path())
            if roles and getattr(request.user, "role", None) not in roles:
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbidden:
                raise Http404() from None

        return wrapper

    return decorate


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _idle_note(request)
        return super().get(request, *args, **kwargs)


class SignOutView(LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


@require_POST
@signed_in(User.Role.SECURITY_ADMIN)
def unlock(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The security administrator lifts a lockout; the audit trail records who and when."""
    account = User.objects.filter(public_id=public_id).first()
    if account is None:
        raise Http404()
    User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
    events.record(
        actor=request.user,
        kind="admin",
        action="unlock_account",
        object_type="user",
        object_id=str(account.public_id),
        before={"locked_until": account.locked_until.isoformat() if account.locked_until else None},
        after={"locked_until": None},
    )
    messages.success(request, _("The account %(name)s is unlocked.") % {"name": account.username})
    return redirect("dashboard")
