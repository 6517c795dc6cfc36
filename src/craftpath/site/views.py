from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
