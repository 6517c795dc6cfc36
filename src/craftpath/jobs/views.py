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
    chosen_problems: list[Problem] = []
    if chosen:
        # a code typed into the address must be an occupation one can hold, not a group
        chosen = actions.parse_occupation(chosen, chosen_problems, "occupation") or ""
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
            "occupation_problem": chosen_problems[0] if chosen_problems else None,
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


_SEEKER_FORM = ("member", "desired_occupations", "desired_region", "pay_expectation")


def _register_seeker(request: HttpRequest) -> tuple[JobSeeker | None, dict[str, str]]:
    """Register the seeker the form names; on a problem, flash it and return what was typed."""
    user: Any = request.user
    typed = {k: request.POST.get(k, "") for k in _SEEKER_FORM}
    member_id = typed["member"].strip()
    try:
        member = access_member_by_public_id(user, member_id)
    except NotFoundOrForbidden:
        # the same answer whether the member does not exist or is outside my subtree
        flash_problems(request, [Problem("jobs.member_unknown", {"value": member_id[:40]}, "member")])
        return None, typed
    try:
        seeker = actions.do_register_seeker(user, member, {k: typed[k] for k in _SEEKER_FORM[1:]})
    except (NotFoundOrForbidden, ProblemError) as exc:
        problems = exc.problems if isinstance(exc, ProblemError) else [Problem("jobs.forbidden")]
        flash_problems(request, problems)
        return None, typed
    return seeker, typed


def _caseload_matches(ids: list[int], run: MatchRun | None) -> dict[int, list[dict[str, Any]]]:
    """Top three openings per seeker: from the latest batch run where it still holds, else now.

    A stored row counts only while its opening is still open and not past its closing date and
    the seeker still consents; seekers the run has nothing left for (registered after it, or
    whose openings have closed since) are matched now, so nobody shows an empty row for want
    of a rerun.
    """
    today = queries.today()
    top: dict[int, list[dict[str, Any]]] = {}
    if run is not None:
        stored = (
            MatchRow.objects.filter(
                run=run,
                seeker_id__in=ids,
                seeker__member__consent_job_matching=True,
                opening__status=JobOpening.Status.OPEN,
            )
            .filter(Q(opening__expires_on__isnull=True) | Q(opening__expires_on__gte=today))
            .select_related("opening", "opening__employer", "opening__union", "opening__region")
            .order_by("seeker_id", "rank")
        )
        for row in stored:
            rows = top.setdefault(row.seeker_id, [])
            if len(rows) < 3:
                rows.append({"opening": row.opening, "score": row.score, "live": False})
    rest = [pk for pk in ids if pk not in top]
    if rest:
        live = matching.jobs_for_seekers(JobSeeker.objects.filter(pk__in=rest), today, k=3)
        for pk, rows in live.items():
            top[pk] = [{"opening": r["opening"], "score": r["score"], "live": run is not None} for r in rows]
    return top


@login_required
@require_http_methods(["GET", "POST"])
def seekers(request: HttpRequest) -> HttpResponse:
    """Staff caseload: job seekers in my subtree with their top matches and placement figures."""
    _staff(request)
    user: Any = request.user
    typed: dict[str, str] = {}
    if request.method == "POST":
        seeker, typed = _register_seeker(request)
        if seeker is not None:
            return redirect("jobs:seeker", public_id=seeker.public_id)
    status = request.GET.get("status", "active")
    qs = seekers_visible_to(user).select_related("member", "member__union", "case_officer")
    if status in JobSeeker.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("org_path", "id"), 50).get_page(request.GET.get("page"))
    ids = [s.pk for s in page.object_list]
    run = _latest_run(user)
    top = _caseload_matches(ids, run)
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
            "typed": typed,
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


_NEXT_STEP: dict[str, str] = {"referred": "interviewed", "interviewed": "hired"}


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
    labels: dict[str, str] = {str(v): str(label) for v, label in Placement.Status.choices}
    placements = [
        {
            "placement": p,
            "steps": [{**h, "label": labels.get(h.get("status"), h.get("status"))} for h in p.history],
            # the form offers the usual next step first, never a step back
            "next": _NEXT_STEP.get(str(p.status), str(p.status)),
        }
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
    # the status has its own control; where an opening is posted is set once, when posting
    keys = (*(f for f in actions.OPENING_EDIT_FIELDS if f != "status"), "union_code", "employer_credit_code")
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


def _edited(post: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields the editor changed, and what each held when the form was shown.

    The form carries each field's shown value as ``was_<field>``; a field left as shown is not
    sent on, so saving one field never writes back a stale copy of another.
    """
    fields = {**_opening_data(post), **({"status": post["status"]} if "status" in post else {})}
    changes, expected = {}, {}
    for key, value in fields.items():
        was = post.get(f"was_{key}")
        if was is not None and value.strip() == was.strip():
            continue
        changes[key] = value
        if was is not None:
            expected[key] = was
    return changes, expected


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
        changes, expected = _edited(request.POST)
        try:
            if changes:
                opening = actions.do_update_opening(user, opening, changes, expected=expected)
        except ProblemError as exc:
            flash_problems(request, exc.problems)
        return redirect("jobs:opening", public_id=opening.public_id)
    hr = user.role == "employer_hr"
    today = queries.today()
    candidates = matching.candidates_for_opening(opening, candidate_pool(user, opening), today, k=20)
    for c in candidates:
        member = c["seeker"].member
        c["display_name"] = mask_name(member.name) if hr else member.name
        # HR sees no ID digits at all: a masked number still shows the place of registration
        # and the sex digit, which are not the employer's to know.
        c["id_masked"] = "" if hr else member.id_masked
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
