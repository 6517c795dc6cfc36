"""The home page: one dashboard per role, plus the health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from craftpath.accounts.models import User
from craftpath.accounts.views import signed_in
from craftpath.core.models import AuditEvent
from craftpath.orgs.access import organisations_visible_to
from craftpath.registry import queries as member_queries
from craftpath.registry.access import members_visible_to
from craftpath.taxonomy.models import Occupation

KIND_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "view_pii": _("Viewed personal data"),
    "export": _("Exported"),
    "import": _("Imported"),
    "sign_in": _("Signed in"),
    "sign_in_failed": _("Sign-in failed"),
    "locked": _("Account locked"),
    "admin": _("Administration"),
}
AUDIT_PAGE_SIZE = 50
AUDIT_MAX_PAGE = 200  # beyond that, narrow the filter (kind, user, dates)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Any")), *KIND_LABELS.items()]


@signed_in()
def dashboard(request: HttpRequest) -> HttpResponse:
    role = request.user.role  # type: ignore[union-attr]
    if role == User.Role.UNION_STAFF:
        return _staff(request)
    if role == User.Role.MEMBER:
        own = members_visible_to(request.user).only("public_id").first()
        if own is not None:
            return redirect("registry:detail", public_id=own.public_id)
        return render(request, "site/dashboard_member.html", {})
    if role == User.Role.EMPLOYER_HR:
        return _hr(request)
    if role == User.Role.SYSTEM_ADMIN:
        return _system_admin(request)
    if role == User.Role.SECURITY_ADMIN:
        return _security_admin(request)
    if role == User.Role.AUDIT_ADMIN:
        return _audit_admin(request)
    return render(request, "site/dashboard_member.html", {})


def _staff(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    path = user.org.path
    by_grade, ungraded = member_queries.counts_by_highest_grade(path)
    by_form = member_queries.counts_by_employment_form(user)
    context = {
        "org": user.org,
        "by_form": by_form,
        "total": sum(n for _v, _l, n in by_form),
        "by_grade": [(g, n) for g, n in by_grade if n],
        "ungraded": ungraded,
        "imports": member_queries.recent_imports(path),
    }
    return render(request, "site/dashboard_staff.html", context)


def _hr(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    page = member_queries.page_of(members_visible_to(user))
    context = {
        "employer": user.employer,
        "rows": [{"m": m, "grade": page.highest.get(m.pk)} for m in page.rows],
        "more": page.has_next,
    }
    return render(request, "site/dashboard_hr.html", context)


def _system_admin(request: HttpRequest) -> HttpResponse:
    orgs = organisations_visible_to(request.user)
    levels = dict(orgs.order_by().values("level").annotate(n=Count("id")).values_list("level", "n"))
    occ = dict(Occupation.objects.order_by().values("level").annotate(n=Count("id")).values_list("level", "n"))
    context = {
        "top": list(orgs.filter(depth__lte=1).order_by("path")[:50]),
        "org_levels": [(label, levels.get(value, 0)) for value, label in orgs.model.Level.choices],
        "occupation_levels": [
            (_("Major groups"), occ.get(1, 0)),
            (_("Medium groups"), occ.get(2, 0)),
            (_("Minor groups"), occ.get(3, 0)),
            (pgettext_lazy("fourth level of the classification", "Occupations"), occ.get(4, 0)),
        ],
    }
    return render(request, "site/dashboard_system.html", context)


def _security_admin(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "locked": list(User.objects.filter(locked_until__gt=now).order_by("locked_until")[:200]),
        "failures": list(
            AuditEvent.objects.filter(kind__in=["sign_in_failed", "locked"], at__gte=now - dt.timedelta(days=1))[:50]
        ),
        "kind_labels": KIND_LABELS,
    }
    return render(request, "site/dashboard_security.html", context)


def _audit_admin(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["actor"]:
            events = events.filter(actor_label=data["actor"].strip())
        zone = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, zone))
        if data["until"]:
            events = events.filter(at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, zone))
    # No COUNT over the whole trail (it grows without end): fetch one row more than a page
    # to know whether a next page exists.
    try:
        number = max(1, min(int(request.GET.get("page", "1")), AUDIT_MAX_PAGE))
    except ValueError:
        number = 1
    start = (number - 1) * AUDIT_PAGE_SIZE
    rows = list(events[start : start + AUDIT_PAGE_SIZE + 1])
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "form": form,
        "number": number,
        "has_previous": number > 1,
        "has_next": len(rows) > AUDIT_PAGE_SIZE and number < AUDIT_MAX_PAGE,
        "rows": [{"e": e, "kind": KIND_LABELS.get(e.kind, e.kind)} for e in rows[:AUDIT_PAGE_SIZE]],
        "query": keep.urlencode(),
    }
    return render(request, "site/dashboard_audit.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
