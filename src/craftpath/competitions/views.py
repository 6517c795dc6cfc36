"""Pages: competitions, results entry and upload, applying promotions; posts, nomination
eligibility with the missing conditions, appointments; a member's own results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from craftpath.competitions import actions
from craftpath.competitions.access import (
    access_appointment_by_public_id,
    access_competition_by_public_id,
    access_post_by_public_id,
    appointments_visible_to,
    competitions_visible_to,
    may_manage_path,
    may_nominate,
    posts_visible_to,
    results_visible_to,
)
from craftpath.competitions.models import Competition
from craftpath.competitions.queries import as_of_today
from craftpath.core.feedback import flash_problems
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.engines.grades import Grade
from craftpath.orgs.access import employers_visible_to, organisations_visible_to
from craftpath.registry.access import access_member_by_public_id, members_visible_to


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    comps = competitions_visible_to(user).select_related("org", "occupation")[:200]
    return render(
        request,
        "competitions/list.html",
        {
            "competitions": comps,
            "staff": user.role == "union_staff",
            "tiers": Competition.Tier.choices,
            "sizes": Competition.EventSize.choices,
            "orgs": organisations_visible_to(user)[:200] if user.role == "union_staff" else [],
            "data": {},
        },
    )


@login_required
@require_POST
def competition_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role != "union_staff":
        raise Http404()
    post = request.POST
    try:
        org = organisations_visible_to(user).filter(code=post.get("org_code") or user.org.code).first()
        if org is None:
            raise NotFoundOrForbidden()
        comp = actions.do_create_competition(
            user,
            org=org,
            name=post.get("name", ""),
            tier=post.get("tier", ""),
            occupation_code=post.get("occupation_code", ""),
            held_on=post.get("held_on", ""),
            entrants=post.get("entrants", ""),
            event_size=post.get("event_size", "1"),
            jurisdiction_code=post.get("jurisdiction") or None,
        )
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("competitions:list")
    return redirect("competitions:detail", public_id=comp.public_id)


@login_required
def competition_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        comp = access_competition_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    results = results_visible_to(user).filter(competition=comp).select_related("member", "certificate", "competition")
    rows = [actions.describe_result(r) for r in results]
    return render(
        request,
        "competitions/detail.html",
        {
            "competition": comp,
            "rows": rows,
            "manage": may_manage_path(user, comp.org_path),
            "report": request.session.pop("competition_upload_report", None),
        },
    )


@login_required
@require_POST
def record_result(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        comp = access_competition_by_public_id(user, public_id, manage=True)
    except NotFoundOrForbidden:
        raise Http404() from None
    post = request.POST
    member = None
    if post.get("member_id"):
        try:
            member = access_member_by_public_id(user, post["member_id"])
        except NotFoundOrForbidden:
            member = None
    else:
        member = actions.find_member_by_id_number(user, post.get("id_number", ""))
    if member is None:
        flash_problems(request, [Problem("competition.unknown_member", {}, "id_number")])
        return redirect("competitions:detail", public_id=public_id)
    try:
        actions.do_record_result(
            user,
            comp,
            member,
            rank=post.get("rank", ""),
            prize=post.get("prize", "none"),
            is_student=post.get("is_student") == "on",
        )
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    else:
        messages.success(request, _("The result is saved."))
    return redirect("competitions:detail", public_id=public_id)


@login_required
@require_POST
def upload_results(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        comp = access_competition_by_public_id(user, public_id, manage=True)
    except NotFoundOrForbidden:
        raise Http404() from None
    upload = request.FILES.get("file")
    if upload is None:
        flash_problems(request, [Problem("file.empty", {}, "file")])
    elif (upload.size or 0) > settings.IMPORT_MAX_BYTES:
        flash_problems(request, [Problem("file.too_large", {"limit": f"{settings.IMPORT_MAX_BYTES >> 20} MB"})])
    else:
        report = actions.import_results(user, comp, upload.read(), upload.name or "results.csv")
        request.session["competition_upload_report"] = report
    return redirect("competitions:detail", public_id=public_id)


@login_required
@require_POST
def apply_promotions(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        comp = access_competition_by_public_id(user, public_id, manage=True)
        outcomes = actions.do_apply_promotions(user, comp)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("competitions:detail", public_id=public_id)
    created = sum(1 for o in outcomes if o["certificate_created"])
    refused = sum(1 for o in outcomes if o["status"] != "promoted")
    messages.success(
        request,
        _("Promotions applied: %(created)s new certificates, %(refused)s results without promotion.")
        % {"created": created, "refused": refused},
    )
    return redirect("competitions:detail", public_id=public_id)


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    results = (
        results_visible_to(user).select_related("competition", "member", "certificate") if user.role == "member" else []
    )
    appointments = (
        appointments_visible_to(user).select_related("post", "post__employer", "certificate")
        if user.role == "member"
        else []
    )
    return render(
        request,
        "competitions/me.html",
        {
            "rows": [(r, actions.describe_result(r)) for r in results],
            "appointments": [(a, Grade(a.post.grade)) for a in appointments],
        },
    )


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    posts = posts_visible_to(user).select_related("employer", "occupation")
    by_employer: dict[Any, list[dict[str, Any]]] = {}
    for p in posts:
        by_employer.setdefault(p.employer, []).append(
            {"post": p, "grade": Grade(p.grade), "appointed": actions.appointed_count(p)}
        )
    return render(
        request,
        "competitions/posts.html",
        {
            "groups": by_employer,
            "staff": user.role == "union_staff",
            "employers": employers_visible_to(user)[:500] if user.role == "union_staff" else [],
        },
    )


@login_required
@require_POST
def post_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    data = request.POST
    employer = employers_visible_to(user).filter(credit_code=data.get("employer_credit_code", "")).first()
    if user.role != "union_staff" or employer is None:
        raise Http404()
    try:
        post = actions.do_create_post(
            user,
            employer=employer,
            occupation_code=data.get("occupation_code", ""),
            grade=data.get("grade", ""),
            quota=data.get("quota", ""),
            valid_from=data.get("valid_from", ""),
            valid_to=data.get("valid_to") or None,
        )
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("competitions:posts")
    return redirect("competitions:post", public_id=post.public_id)


@login_required
def post_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        post = access_post_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    appointments = appointments_visible_to(user).filter(post=post).select_related("member", "certificate")
    nominate_ok = may_nominate(user, post)
    eligibility = []
    if nominate_ok:
        members = list(members_visible_to(user).filter(employer_id=post.employer_id)[:500])
        eligibility = actions.nomination_eligibility(post, members, as_of_today())
    return render(
        request,
        "competitions/post.html",
        {
            "post": post,
            "grade": Grade(post.grade),
            "appointed": actions.appointed_count(post),
            "appointments": appointments,
            "eligibility": eligibility,
            "nominate": nominate_ok,
            "manage": may_manage_path(user, post.org_path),
            "today": as_of_today(),
        },
    )


@login_required
@require_POST
def nominate(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        post = access_post_by_public_id(user, public_id)
        member = access_member_by_public_id(user, request.POST.get("member_id", ""))
        actions.do_nominate(user, post, member)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    else:
        messages.success(request, _("Nominated."))
    return redirect("competitions:post", public_id=public_id)


@login_required
@require_POST
def appoint(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        appt = access_appointment_by_public_id(user, public_id, manage=True)
        actions.do_appoint(user, appt, start=_date(request.POST.get("date", "")))
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    return redirect("competitions:post", public_id=appt.post.public_id)


@login_required
@require_POST
def end_appointment(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        appt = access_appointment_by_public_id(user, public_id, manage=True)
        actions.do_end_appointment(user, appt, end=_date(request.POST.get("date", "")))
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    return redirect("competitions:post", public_id=appt.post.public_id)
