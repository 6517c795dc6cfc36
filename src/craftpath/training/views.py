from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from craftpath.core.feedback import flash_problems
from craftpath.core.problems import NotFoundOrForbidden, ProblemError
from craftpath.engines.grades import Grade
from craftpath.registry.models import Member
from craftpath.training import actions, queries
from craftpath.training.access import (
    access_course_by_public_id,
    access_enrolment_by_public_id,
    access_provider_by_public_id,
    courses_visible_to,
    enrolments_visible_to,
    may_manage_path,
    providers_visible_to,
)
from craftpath.training.models import Course


def _number(text: str) -> int | None:
    """A whole-number filter from the address; anything else ("²", which ``isdigit`` accepts, or a number too long
    for ``int``) is no filter rather than an error page."""
    try:
        return int(text) if text.strip().isdecimal() else None
    except ValueError:
        return None


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    courses = queries.list_courses(
        courses_visible_to(user),
        occupation=request.GET.get("occupation", ""),
        grade=_number(request.GET.get("grade", "")),
        region=request.GET.get("region", ""),
        task=_number(request.GET.get("task", "")),
    )[:100]
    member = Member.objects.filter(user=user).first() if user.role == "member" else None
    suggestions = queries.courses_for_member(courses_visible_to(user), member, timezone.localdate()) if member else []
    suggestions = [
        ({**target, "grade": Grade(target["target_grade"])}, found) for target, found in suggestions if found
    ]
    return render(
        request,
        "training/course_list.html",
        {
            "courses": courses,
            "grades": [g for g in Grade if g <= 5],
            "suggestions": suggestions,
            "q": request.GET,
        },
    )


@login_required
def course_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        course = access_course_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    manage = may_manage_path(user, course.org_path)
    mine = enrolments_visible_to(user).filter(course=course, member__user=user).first()
    roster = (
        enrolments_visible_to(user).filter(course=course).select_related("member").order_by("queued_at")
        if manage
        else []
    )
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "grade": Grade(course.target_grade),
            "tasks": [
                (i, (course.occupation.tasks or [])[i]) for i in course.tasks if i < len(course.occupation.tasks or [])
            ],
            "sessions": course.sessions.all(),
            "manage": manage,
            "mine": mine,
            "roster": roster,
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        course = access_course_by_public_id(user, public_id)
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise NotFoundOrForbidden()
        enrolment = actions.do_enrol(user, course, member)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    else:
        messages.success(request, enrolment.get_status_display())
    return redirect("training:course", public_id=public_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        enrolment = access_enrolment_by_public_id(request.user, public_id)
        actions.do_withdraw(request.user, enrolment)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("training:courses")
    return redirect("training:course", public_id=enrolment.course.public_id)


@login_required
@require_POST
def complete(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        enrolment = access_enrolment_by_public_id(request.user, public_id)
        actions.do_complete(request.user, enrolment)
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
        return redirect("training:courses")
    return redirect("training:course", public_id=enrolment.course.public_id)


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) != "union_staff":
        raise Http404()


@login_required
def provider_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user: Any = request.user
    if request.method == "POST":
        try:
            actions.do_create_provider(
                user,
                name=request.POST.get("name", ""),
                org=user.org if request.POST.get("own") else None,
                credit_code=request.POST.get("credit_code", ""),
            )
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        else:
            return redirect("training:course_new")
    return render(request, "training/provider_new.html", {"data": request.POST})


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user: Any = request.user
    providers = providers_visible_to(user)
    if request.method == "POST":
        data: dict[str, Any] = {k: request.POST.get(k, "") for k in _COURSE_FIELDS}
        data["tasks"] = [t for t in request.POST.get("tasks", "").replace("，", ",").split(",") if t.strip()]
        if not data["practice_hours"]:
            data.pop("practice_hours")
        try:
            provider = access_provider_by_public_id(user, request.POST.get("provider", ""))
            course = actions.do_create_course(user, provider, data)
        except NotFoundOrForbidden:
            raise Http404() from None
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        else:
            return redirect("training:course", public_id=course.public_id)
    return render(
        request,
        "training/course_new.html",
        {
            "providers": providers,
            "modes": Course.Mode.choices,
            "grades": [g for g in Grade if g <= 5],
            "data": request.POST,
        },
    )


_COURSE_FIELDS = (
    "title",
    "occupation_code",
    "target_grade",
    "hours",
    "theory_hours",
    "practice_hours",
    "mode",
    "cost",
    "subsidy",
    "capacity",
    "region_code",
    "location",
)
