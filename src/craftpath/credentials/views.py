from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftpath.core import events
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.credentials import actions, queries
from craftpath.credentials.access import (
    access_credential_by_public_id,
    credentials_visible_to,
    may_manage_credential,
)
from craftpath.credentials.models import StatusListRecord
from craftpath.engines.credentials import certificate_summary, missing_glyphs, render_certificate_pdf
from craftpath.engines.grades import Grade
from craftpath.registry.models import Certificate


def _credential(request: HttpRequest, public_id: str) -> Any:
    try:
        return access_credential_by_public_id(request.user, public_id)
    except NotFoundOrForbidden:
        raise Http404() from None


@login_required
def credential_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    issued = credentials_visible_to(user).select_related("member", "key__org")[:200]
    legacy: Any = []
    if user.role == "member":
        legacy = Certificate.objects.filter(member__user=user, how="legacy")
    return render(
        request,
        "credentials/list.html",
        {"issued": [(c, Grade(c.grade)) for c in issued], "legacy": legacy},
    )


@login_required
def credential_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = _credential(request, public_id)
    return render(
        request,
        "credentials/detail.html",
        {
            "credential": credential,
            "summary": certificate_summary(json.loads(credential.document)),
            "grade": Grade(credential.grade),
            "manage": may_manage_credential(request.user, credential),
        },
    )


@login_required
def credential_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = _credential(request, public_id)
    document = json.loads(credential.document)
    missing = missing_glyphs("".join(certificate_summary(document).values()))
    if missing:  # e.g. a given name with 玥: say so instead of failing (the engine refuses to print it wrong)
        problem = Problem("credential.pdf_font", {"value": missing})
        messages.error(request, problem.en if (get_language() or "").startswith("en") else problem.zh)
        return redirect("credentials:detail", public_id=credential.public_id)
    return _download(request, credential, render_certificate_pdf(document), "pdf", "application/pdf")


@login_required
def credential_json(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = _credential(request, public_id)
    body = credential.document.encode("utf-8")
    return _download(request, credential, body, "json", "application/json; charset=utf-8")


def _download(request: HttpRequest, credential: Any, body: bytes, ext: str, content_type: str) -> HttpResponse:
    """A certificate file as an attachment; every download is an audited export."""
    events.record(
        actor=request.user,
        kind="export",
        action=f"download_certificate_{ext}",
        object_type="credential",
        object_id=credential.number,
        org_path=credential.org_path,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.{ext}"'
    return response


@login_required
@require_POST
def change_status(request: HttpRequest, public_id: str, change: str) -> HttpResponse:
    credential = _credential(request, public_id)
    reason = request.POST.get("reason", "")
    try:
        if change == "revoke":
            actions.do_revoke_credential(request.user, credential, reason=reason)
        elif change == "suspend":
            actions.do_suspend_credential(request.user, credential, reason=reason)
        elif change == "unsuspend":
            actions.do_unsuspend_credential(request.user, credential, reason=reason)
        else:
            raise Http404()
    except NotFoundOrForbidden:
        raise Http404() from None
    except ProblemError as exc:
        english = (get_language() or "").startswith("en")
        for p in exc.problems:
            messages.error(request, p.en if english else p.zh)
    return redirect("credentials:detail", public_id=public_id)


@require_GET
def status_list(request: HttpRequest, key_id: str, purpose: str) -> HttpResponse:
    """The signed BitstringStatusListCredential, public and cacheable (ETag + Cache-Control)."""
    record = StatusListRecord.objects.filter(key__public_id=key_id, purpose=purpose).first()
    if record is None:
        raise Http404()
    etag = f'"{record.etag}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(record.signed.encode("utf-8"), content_type="application/vc+ld+json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def trust_list(request: HttpRequest) -> JsonResponse:
    """This federation's issuers in the ``craftpath verify --trusted`` format."""
    response = JsonResponse(queries.trust_list_json(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_protect
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Public: upload a JSON or PDF, or paste JSON; the verdict in Chinese and English."""
    verdict = None
    if request.method == "POST":
        data = b""
        try:
            upload = request.FILES.get("file")
            pasted = request.POST.get("credential", "")
        except RequestDataTooBig:
            upload, pasted = None, "x" * (queries.MAX_UPLOAD_BYTES + 1)
        if upload is not None:
            if upload.size is not None and upload.size > queries.MAX_UPLOAD_BYTES:
                data = b"x" * (queries.MAX_UPLOAD_BYTES + 1)
            else:
                data = upload.read(queries.MAX_UPLOAD_BYTES + 1)
        elif pasted:
            data = pasted.encode("utf-8", errors="replace")
        verdict = queries.verify_upload(data, now=timezone.now())
    return render(request, "credentials/verify.html", {"verdict": verdict})
