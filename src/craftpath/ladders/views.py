from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from craftpath.core import events
from craftpath.core.problems import NotFoundOrForbidden
from craftpath.engines.grades import Grade
from craftpath.ladders import actions, queries
from craftpath.ladders.access import access_run_by_public_id, latest_run_for, rows_visible_to, runs_visible_to
from craftpath.ladders.texts import (
    describe_missing,
    describe_route,
    describe_title,
    describe_trace,
    describe_unchecked,
)
from craftpath.registry.access import access_member_by_public_id
from craftpath.registry.models import Member
from craftpath.taxonomy.models import Occupation


def _staff(request: HttpRequest) -> None:
    if request.user.role != "union_staff":  # type: ignore[union-attr]
        raise Http404()


def _occupation_names(rows: list[dict[str, Any]]) -> dict[str, str]:
    codes = {r["occupation_code"] for r in rows}
    return dict(Occupation.objects.filter(code__in=codes).values_list("code", "name"))


def _decorate(rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    names = _occupation_names(rows)
    for r in rows:
        r["occupation_name"] = names.get(r["occupation_code"], "")
        r["route_text"] = describe_route(r["route"], as_of)
        r["target"] = Grade(r["target_grade"])
        r["current"] = Grade(r["current_grade"]) if r["current_grade"] is not None else None
        r["missing_text"] = [describe_missing(code) for code in r["missing"] or []]
        r["trace_text"] = describe_trace(r["trace"] or [])
    return rows


@login_required
def next_grade(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    """ "My next grade": where the member stands, what is missing, the earliest date."""
    user: Any = request.user
    try:
        if public_id is None:
            member = Member.objects.filter(user=user).select_related("union").first()
            if member is None:
                raise NotFoundOrForbidden()
        else:
            member = access_member_by_public_id(user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    as_of = queries.as_of_today()
    result = actions.evaluate_member(member, as_of)
    rows = _decorate(result.sort("occupation_code", "target_grade").to_dicts(), as_of)
    by_occupation: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_occupation.setdefault(r["occupation_code"], []).append(r)
    flags = sorted({f for r in rows for f in r["flags"] or []})
    bridge = actions.title_pathways(member, as_of)
    bridge_rows = bridge.to_dicts() if bridge.height else []
    title_occupations = _occupation_names(bridge_rows)
    titles = [
        {
            **t,
            "title_text": describe_title(t["title"], t["title_zh"]),
            "occupation_name": title_occupations.get(t["occupation_code"], ""),
            "missing_text": [describe_missing(c) for c in t["missing"] or []],
            "unchecked_text": [describe_unchecked(c) for c in t["unchecked"] or []],
            "trace_text": describe_trace(t["trace"]),
        }
        for t in bridge_rows
    ]
    return render(
        request,
        "ladders/next_grade.html",
        {
            "member": member,
            "as_of": as_of,
            "groups": by_occupation,
            "flags": [describe_missing(f) for f in flags],
            "own": member.user_id == user.pk,
            "titles": titles,
            "has_record": member.histories.exists() or member.certificates.exists(),
        },
    )


@login_required
def eligible(request: HttpRequest) -> HttpResponse:
    """Staff list: members who may apply now, or within the horizon, in my subtree."""
    _staff(request)
    run = latest_run_for(request.user)
    window = request.GET.get("window", "now")
    rows_qs = rows_visible_to(request.user, run) if run else None
    if rows_qs is not None:
        rows_qs = rows_qs.filter(eligible=(window == "now")).select_related("member", "member__union")
        if request.GET.get("occupation"):
            rows_qs = rows_qs.filter(occupation_code=request.GET["occupation"].strip())
        grade = request.GET.get("grade", "")
        if grade.isdigit():
            rows_qs = rows_qs.filter(target_grade=int(grade))
    if request.GET.get("format") == "xlsx" and rows_qs is not None and run is not None:
        return _export(request, run, rows_qs)
    ordered: Any = rows_qs.order_by("earliest_date", "member_id", "id") if rows_qs is not None else []
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    if run is not None:
        # routes and occupations in words, worked out once per distinct value on the page
        page.object_list = list(page.object_list)
        names = dict(
            Occupation.objects.filter(code__in={r.occupation_code for r in page.object_list}).values_list(
                "code", "name"
            )
        )
        routes = {r.route: describe_route(r.route, run.as_of) for r in page.object_list if r.route}
        for r in page.object_list:
            r.occupation_name = names.get(r.occupation_code, "")
            r.route_text = routes.get(r.route) if r.route else None
    return render(
        request,
        "ladders/eligible.html",
        {
            "run": run,
            "window": window,
            "page": page,
            "grades": [g for g in Grade if 1 <= g <= 5],
            "query": request.GET.urlencode(),
        },
    )


def _export(request: HttpRequest, run: Any, rows_qs: Any) -> HttpResponse:
    user: Any = request.user
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("eligible")
    header = [
        "姓名 name",
        "身份证号 ID (masked)",
        "基层工会 union",
        "职业 occupation",
        "现等级 current",
        "申报等级 target",
        "可申报日期 earliest date",
        "途径 route",
        "尚缺 missing",
    ]
    for col, title in enumerate(header):
        sheet.write(0, col, title)
    n = 0
    for n, row in enumerate(rows_qs.iterator(chunk_size=2000), start=1):
        current = Grade(row.current_grade).zh if row.current_grade is not None else ""
        values = [
            row.member.name,
            row.member.id_masked,
            row.member.union.name,
            row.occupation_code,
            current,
            Grade(row.target_grade).zh,
            row.earliest_date.isoformat() if row.earliest_date else "",
            row.route,
            "; ".join(describe_missing(c)["zh"] for c in row.missing),
        ]
        for col, value in enumerate(values):
            sheet.write(n, col, value)
    book.close()
    events.record(
        actor=request.user,
        kind="export",
        action="export_eligible",
        object_type="eligibility_run",
        object_id=str(run.public_id),
        org_path=user.org.path,
        note=f"{n} rows",
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="eligible-{run.as_of}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if request.method == "POST":
        try:
            as_of = dt.date.fromisoformat(request.POST.get("as_of", ""))
        except ValueError:
            messages.error(request, _("The date is not recognised; please use a format like 2026-01-31."))
            return redirect("ladders:runs")
        user: Any = request.user
        run = actions.do_start_eligibility_run(user, user.org, as_of)
        return redirect("ladders:run", public_id=run.public_id)
    return render(
        request, "ladders/runs.html", {"runs": runs_visible_to(request.user)[:50], "today": queries.as_of_today()}
    )


@login_required
def run_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _staff(request)
    try:
        run = access_run_by_public_id(request.user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None
    return render(request, "ladders/run.html", {"run": run})
