"""Refuse requests carrying NUL characters before they reach a form, a query or the database.

PostgreSQL cannot store a NUL (``\\x00``) in text, so a NUL typed or pasted into any search
box, form field or JSON value used to end in an error page there (and be stored silently on
SQLite). This answers every such request at once with a 400 saying what is wrong, in both
languages: JSON problems under ``/api/``, a short page elsewhere. Uploaded files are not
looked at (a workbook is binary); their contents are checked by the importers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from craftpath.core.problems import Problem

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(request: HttpRequest) -> bool:
    try:
        return _scan(request)
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
        return False  # the view reports an oversized or malformed body in its own words


def _scan(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in k or any("\x00" in v for v in request.GET.getlist(k)) for k in request.GET):
        return True
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(_FORM_TYPES):
        return any("\x00" in k or any("\x00" in v for v in request.POST.getlist(k)) for k in request.POST)
    if content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        problem = Problem("request.nul")
        if request.path.startswith("/api/"):
            return JsonResponse({"problems": [problem.as_dict()]}, status=400)
        text = f"<!doctype html><meta charset=utf-8><p lang=zh-Hans>{problem.zh}</p><p lang=en>{problem.en}</p>"
        return HttpResponse(text, status=400, content_type="text/html; charset=utf-8")


__all__ = ["RefuseNulMiddleware"]
