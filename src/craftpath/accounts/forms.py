"""Sign-in form, and a helper that puts bilingual problems next to the fields they concern."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from craftpath.accounts.models import User
from craftpath.core.problems import Problem


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a locked account is told, in both languages, when to try again."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            until = self._locked_until()
            if until is not None:
                raise forms.ValidationError(locked_message(until), code="locked") from None
            raise

    def _locked_until(self) -> Any:
        username = self.cleaned_data.get("username")
        if not username:
            return None
        user = User.objects.filter(username=username).only("locked_until").first()
        if user is None or not user.is_locked():
            return None
        return user.locked_until


def locked_message(until: Any) -> str:
    """Both languages, Chinese first, each in its own line."""
    local = timezone.localtime(until)
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    when = local.strftime("%Y-%m-%d %H:%M")
    return format_html(
        '<span lang="zh-Hans">{}</span><br><span lang="en">{}</span>',
        f"该账户因多次密码错误已被暂时锁定，请在 {when}（约 {minutes} 分钟后）再试，或联系安全管理员解锁。",
        f"This account is locked after repeated wrong passwords; please try again after {when} "
        f"(in about {minutes} min), or ask the security administrator to unlock it.",
    )


class FieldProblems:
    """Problems from ``ProblemError`` sorted onto form fields; the rest shown above the form."""

    def __init__(
        self, form: forms.Form, problems: Iterable[Problem] = (), field_map: Mapping[str, str] | None = None
    ) -> None:
        self.form = form
        self.by_field: dict[str, list[Problem]] = {}
        self.general: list[Problem] = []
        mapping = dict(field_map or {})
        for problem in problems:
            name = mapping.get(problem.field, problem.field)
            if name in form.fields:
                self.by_field.setdefault(name, []).append(problem)
            else:
                self.general.append(problem)
        for name, found in self.by_field.items():
            if found:
                attrs = form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{form[name].auto_id}-errors"

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [{"field": bf, "problems": self.by_field.get(bf.name, [])} for bf in self.form]

    @property
    def any(self) -> bool:
        return bool(self.general or self.by_field)
