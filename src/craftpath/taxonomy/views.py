"""Browsing the occupational classification; anyone signed in may read it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from craftpath.accounts.views import signed_in
from craftpath.taxonomy import queries


@signed_in()
def occupation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    group = request.GET.get("group", "").strip()[:16]
    current = queries.get_occupation(group) if group else None
    context = {
        "q": q,
        "current": current,
        "ancestors": queries.ancestors_of(current.code) if current else [],
        "results": queries.search(q) if q else [],
        "entries": [] if q else queries.groups_under(current.code if current else ""),
        "limit": queries.SEARCH_LIMIT,
    }
    return render(request, "taxonomy/list.html", context)


@signed_in()
def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    occupation = queries.get_occupation(code)
    if occupation is None:
        raise Http404()
    context = {
        "o": occupation,
        "ancestors": queries.ancestors_of(occupation.code),
        "children": queries.groups_under(occupation.code) if occupation.level < 4 else [],
        "grades": queries.grade_labels(occupation.grades),
    }
    return render(request, "taxonomy/detail.html", context)
