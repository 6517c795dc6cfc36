from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from craftpath.core.feedback import flash_problems
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.engines.grades import Grade
from craftpath.jobs import actions, matching, queries
from craftpath.jobs.access import (
    access_opening_by_public_id,
    access_opening_for_referral,
    access_placement_by_public_id,
    access_seeker_by_public_id,
    candidate_pool,
    mask_name,
    may_manage_path,
    openings_visible_to,
    own_member,
    placements_visible_to,
    seekers_visible_to,
    staff_path,
)
from craftpath.jobs.models import JobOpening, JobSeeker, MatchRow, MatchRun, Placement
from craftpath.orgs.access import organisations_visible_to
from craftpath.registry.access import access_member_by_public_id


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _staff(request: HttpRequest) -> None:
    if staff_path(request.user) is None:
        raise Http404()


# --------------------------------------------------------------------------- member


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A member's own page: jobs for me, courses that close my gap, career moves."""
    try:
        member = own_member(request.user)
    except NotFoundOrForbidden:
        raise Http404() from None
    as_of = queries.today()
    targets = matching.next_grade_targets(member, as_of)
    chosen = request.GET.get("occupation", "").strip()
    moves = matching.career_moves(member, as_of)
    hour_problem = None
    try:
        hour_value = matching.check_hour_value(request.GET.get("hour_value", "0"))
    except ProblemError as exc:
        hour_problem, hour_value = exc.problems[0], 0.0
    plans = [
        matching.training_plan(member, occupation=code, grade=grade, as_of=as_of, hour_value=hour_value)
        for code, grade in targets[:3]
    ]
    other = chosen or (moves[0]["occupation_code"] if moves else "")
    if other and queries.occupation_names([other]):
        plans.append(matching.training_plan(member, occupation=other, grade=None, as_of=as_of, hour_value=hour_value))
    seeker = JobSeeker.objects.filter(member=member).first()
    return render(
        request,
        "jobs/me.html",
        {
            "member": member,
            "as_of": as_of,
            "seeker": seeker,
            "jobs": matching.jobs_for_member(member, as_of, k=10),
            "plans": plans,
            "moves": moves,
            "placements": placements_visible_to(request.user).select_related("opening", "opening__employer"),
            "chosen": chosen,
            "hour_value": hour_value,
            "hour_problem": hour_problem,
        },
    )


# --------------------------------------------------------------------------- staff: seekers


def _latest_run(user: Any) -> MatchRun | None:
    path = staff_path(user)
    if path is None:
        return None
    for run in MatchRun.objects.filter(status="done").order_by("-created_at")[:20]:
        if path.startswith(run.org_path):
            return run
    return None


@login_required
@require_http_methods(["GET", "POST"])
def seekers(request: HttpRequest) -> HttpResponse:
    """Staff caseload: job seekers in my subtree with their top matches and placement figures."""
    _staff(request)
    user: Any = request.user
    if request.method == "POST":
        try:
            member = access_member_by_public_id(user, request.POST.get("member", ""))
            seeker = actions.do_register_seeker(
                user,
                member,
                {
                    "desired_occupations": request.POST.get("desired_occupations", ""),
                    "desired_region": request.POST.get("desired_region", ""),
                    "pay_expectation": request.POST.get("pay_expectation", ""),
                },
            )
        except NotFoundOrForbidden:
            raise Http404() from None
        except ProblemError as exc:
            flash_problems(request, exc.problems)
            return redirect("jobs:seekers")
        return redirect("jobs:seeker", public_id=seeker.public_id)
    status = request.GET.get("status", "active")
    qs = seekers_visible_to(user).select_related("member", "member__union", "case_officer")
    if status in JobSeeker.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("org_path", "id"), 50).get_page(request.GET.get("page"))
    ids = [s.pk for s in page.object_list]
    run = _latest_run(user)
    top: dict[int, list[dict[str, Any]]] = {}
    if run is not None:
        # a stored run predates any later withdrawal of consent: show only those who consent now
        stored = MatchRow.objects.filter(
            run=run, seeker_id__in=ids, rank__lte=3, seeker__member__consent_job_matching=True
        ).select_related("opening")
        for row in stored:
            top.setdefault(row.seeker_id, []).append({"opening": row.opening, "score": row.score})
    else:
        live = matching.jobs_for_seekers(JobSeeker.objects.filter(pk__in=ids), queries.today(), k=3)
        top = {pk: [{"opening": r["opening"], "score": r["score"]} for r in rows] for pk, rows in live.items()}
    rows = [{"seeker": s, "top": top.get(s.pk, [])} for s in page.object_list]
    return render(
        request,
        "jobs/seekers.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": JobSeeker.Status.choices,
            "run": run,
            "figures": placement_figures(user),
        },
    )


def placement_figures(user: Any) -> list[dict[str, Any]]:
    """Referrals and outcomes per grassroots union of the seekers, in my subtree."""
    path = staff_path(user)
    if path is None:
        return []
    return list(
        Placement.objects.filter(org_path__startswith=path)
        .values("seeker__member__union__code", "seeker__member__union__name")
        .annotate(
            referred=Count("id"),
            interviewed=Count("id", filter=Q(interviewed_on__isnull=False)),
            hired=Count("id", filter=Q(status="hired")),
            not_hired=Count("id", filter=Q(status="not_hired")),
            withdrawn=Count("id", filter=Q(status="withdrawn")),
        )
        .order_by("seeker__member__union__code")
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _staff(request)
    user: Any = request.user
    try:
        seeker = access_seeker_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    if request.method == "POST":
        try:
            actions.do_refer(user, seeker, access_opening_for_referral(user, request.POST.get("opening", "")))
        except NotFoundOrForbidden:
            raise Http404() from None
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        return redirect("jobs:seeker", public_id=seeker.public_id)
    as_of = queries.today()
    matches = matching.jobs_for_seekers(JobSeeker.objects.filter(pk=seeker.pk), as_of, k=10).get(seeker.pk, [])
    referred = set(seeker.placements.values_list("opening_id", flat=True))
    labels = dict(Placement.Status.choices)
    placements = [
        {"placement": p, "steps": [{**h, "label": labels.get(h.get("status"), h.get("status"))} for h in p.history]}
        for p in seeker.placements.select_related("opening", "opening__employer")
    ]
    return render(
        request,
        "jobs/seeker_detail.html",
        {
            "seeker": seeker,
            "matches": matches,
            "referred": referred,
            "placements": placements,
            "statuses": Placement.Status.choices,
            "manage": may_manage_path(user, seeker.org_path),
        },
    )


@login_required
@require_POST
def placement_move(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    try:
        placement = access_placement_by_public_id(user, public_id, manage=True)
        day = request.POST.get("on", "").strip()
        problems: list[Problem] = []
        on = actions.parse_day(day, problems, "on") if day else None
        if problems:
            raise ProblemError(*problems)
        actions.do_move_placement(
            user, placement, request.POST.get("status", ""), on=on, reason=request.POST.get("reason", "")
        )
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        flash_problems(request, exc.problems)
    return redirect("jobs:seeker", public_id=placement.seeker.public_id)


# --------------------------------------------------------------------------- openings


def _opening_data(post: Any) -> dict[str, Any]:
    keys = (
        "title",
        "description",
        "occupation_code",
        "required_grade",
        "region_code",
        "pay_min",
        "pay_max",
        "expires_on",
        "union_code",
        "employer_credit_code",
    )
    return {k: post.get(k, "") for k in keys if k in post}


@login_required
@require_http_methods(["GET", "POST"])
def openings(request: HttpRequest) -> HttpResponse:
    """Staff: openings posted in my subtree. Employer HR: my employer's openings."""
    user: Any = request.user
    if staff_path(user) is None and user.role != "employer_hr":
        raise Http404()
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = _opening_data(request.POST)
        try:
            opening = actions.do_create_opening(user, data)
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        else:
            if opening.needs_coding:
                _warn = Problem("jobs.no_occupation")
                messages.warning(request, _warn.en if _english() else _warn.zh)
            return redirect("jobs:opening", public_id=opening.public_id)
    qs = openings_visible_to(user).select_related("employer", "union", "occupation", "region")
    status = request.GET.get("status", "")
    if status in JobOpening.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("needs_coding"):
        qs = qs.filter(needs_coding=True)
    page = Paginator(qs.order_by("-created_at", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/openings.html",
        {
            "page": page,
            "data": data,
            "grades": list(Grade),
            "unions": organisations_visible_to(user).filter(level="grassroots")[:200],
            "statuses": JobOpening.Status.choices,
            "staff": staff_path(user) is not None,
            "status": status,
            "today": queries.today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def openings_import(request: HttpRequest) -> HttpResponse:
    _staff(request)
    user: Any = request.user
    report = None
    unions = organisations_visible_to(user).filter(level="grassroots")[:200]
    if request.method == "POST":
        upload = request.FILES.get("file")
        union = organisations_visible_to(user).filter(code=request.POST.get("union_code", "")).first()
        if upload is None or union is None:
            flash_problems(request, [Problem("file.empty" if upload is None else "jobs.union")])
        elif (upload.size or 0) > settings.IMPORT_MAX_BYTES:
            flash_problems(request, [Problem("file.too_large", {"limit": f"{settings.IMPORT_MAX_BYTES >> 20} MB"})])
        else:
            suffix = Path(upload.name or "").suffix.lower() or ".csv"
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    report = actions.do_import_openings(user, union, Path(tmp.name))
                except ProblemError as exc:
                    flash_problems(request, exc.problems)
    return render(request, "jobs/import.html", {"report": report, "unions": unions})


@login_required
@require_http_methods(["GET", "POST"])
def opening_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """An opening and its best candidates (consenting seekers only; staff: from their subtree)."""
    user: Any = request.user
    try:
        opening = access_opening_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    if request.method == "POST":
        changes = _opening_data(request.POST)
        if "status" in request.POST:
            changes["status"] = request.POST["status"]
        try:
            opening = actions.do_update_opening(user, opening, changes)
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        return redirect("jobs:opening", public_id=opening.public_id)
    hr = user.role == "employer_hr"
    today = queries.today()
    candidates = matching.candidates_for_opening(opening, candidate_pool(user, opening), today, k=20)
    for c in candidates:
        member = c["seeker"].member
        c["display_name"] = mask_name(member.name) if hr else member.name
        c["id_masked"] = member.id_masked
    return render(
        request,
        "jobs/opening_detail.html",
        {
            "opening": opening,
            "today": today,
            "grade": Grade(opening.required_grade) if opening.required_grade is not None else None,
            "candidates": candidates,
            "hr": hr,
            "manage": may_manage_path(user, opening.org_path) or (hr and opening.employer_id == user.employer_id),
            "statuses": JobOpening.Status.choices,
            "placements": opening.placements.filter(pk__in=placements_visible_to(user).values("pk")).select_related(
                "seeker__member"
            ),
        },
    )
