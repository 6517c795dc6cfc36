from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from craftpath.assessment import actions
from craftpath.assessment.access import (
    access_body_by_public_id,
    access_candidate_by_public_id,
    access_event_by_public_id,
    bodies_visible_to,
    candidates_visible_to,
    events_visible_to,
    may_manage_path,
)
from craftpath.assessment.parameters import parameters_on
from craftpath.assessment.texts import describe_missing
from craftpath.core.feedback import flash_problems
from craftpath.core.problems import NotFoundOrForbidden, ProblemError
from craftpath.engines.grades import Grade
from craftpath.registry.models import Member


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = events_visible_to(request.user).select_related("org", "body", "occupation")[:100]
    return render(request, "assessment/events.html", {"events": [(e, Grade(e.grade)) for e in events]})


@login_required
def event_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        event = access_event_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    candidates = candidates_visible_to(user).filter(event=event).select_related("member", "credential")
    rows = [(c, [describe_missing(code) for code in c.missing]) for c in candidates]
    return render(
        request,
        "assessment/event.html",
        {"event": event, "grade": Grade(event.grade), "rows": rows, "manage": may_manage_path(user, event.org_path)},
    )


@login_required
@require_POST
def register(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        event = access_event_by_public_id(user, public_id)
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise NotFoundOrForbidden()
        actions.do_register_candidate(user, event, member)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    return redirect("assessment:event", public_id=public_id)


@login_required
@require_POST
def scores(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        candidate = access_candidate_by_public_id(request.user, public_id)
        actions.do_record_scores(
            request.user, candidate, theory=request.POST.get("theory", ""), practice=request.POST.get("practice", "")
        )
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("assessment:events")
    return redirect("assessment:event", public_id=candidate.event.public_id)


@login_required
@require_POST
def publish(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        event = access_event_by_public_id(request.user, public_id, manage=True)
        actions.do_publish_results(request.user, event)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    return redirect("assessment:event", public_id=public_id)


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    """Staff: a new assessment event; empty parameters take the dated defaults with their source."""
    user: Any = request.user
    if user.role != "union_staff":
        raise Http404()
    if request.method == "POST":
        post = request.POST
        try:
            body = access_body_by_public_id(user, post.get("body", ""))
            event = actions.do_create_event(
                user,
                org=user.org,
                body=body,
                occupation_code=post.get("occupation_code", ""),
                grade=int(post.get("grade") or -1),
                held_on=dt.date.fromisoformat(post.get("held_on", "")),
                theory_weight=post.get("theory_weight") or None,
                theory_pass_mark=post.get("theory_pass_mark") or None,
                practice_pass_mark=post.get("practice_pass_mark") or None,
                appeal_days=int(post["appeal_days"]) if post.get("appeal_days", "").isdigit() else None,
                source=post.get("source", ""),
            )
        except NotFoundOrForbidden:
            raise Http404() from None
        except ValueError:
            messages.error(request, _("The date is not recognised; please use a format like 2026-01-31."))
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        else:
            return redirect("assessment:event", public_id=event.public_id)
    defaults = parameters_on(timezone.localdate())
    return render(
        request,
        "assessment/event_new.html",
        {
            "bodies": bodies_visible_to(user),
            "grades": [g for g in Grade if g <= 5],
            "defaults": defaults,
            "data": request.POST,
        },
    )
