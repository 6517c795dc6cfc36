"""The member import page: upload a file, watch its progress, read and download the report.

The import runs in a background thread started after the upload is committed, so the page
answers at once and the batch row carries the progress. That is fine for one server process;
production deployments with several workers should hand ``run_batch`` to a job queue instead
(see ``docs/recipes/import-members.md``). ``settings.IMPORT_RUN_INLINE = True`` runs it in the
request (tests, tiny deployments).
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from craftpath.core import events
from craftpath.core.problems import Problem
from craftpath.registry import import_report
from craftpath.registry.import_read import human_bytes
from craftpath.registry.importing import create_batch, run_batch, run_batch_in_thread
from craftpath.registry.models import ImportBatch

REPORT_ROWS_ON_PAGE = 500
_ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
_TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"


def _staff_org_path(request: HttpRequest) -> str:
    user: Any = request.user
    if getattr(user, "role", None) != "union_staff" or not user.org_id:
        raise Http404()
    return str(user.org.path)


def batches_visible_to(user: Any) -> Any:
    if getattr(user, "role", None) != "union_staff" or not user.org_id:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(org__path__startswith=user.org.path).select_related("org", "created_by")


def _batch_for(request: HttpRequest, public_id: uuid.UUID) -> ImportBatch:
    batch = batches_visible_to(request.user).filter(public_id=public_id).first()
    if batch is None:
        raise Http404()
    return batch


def _upload_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _save_upload(upload: UploadedFile) -> Path:
    suffix = Path(upload.name or "").suffix.lower()[:8]
    fd, name = tempfile.mkstemp(prefix="import-", suffix=suffix, dir=_upload_dir())
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    os.chmod(name, 0o600)
    return Path(name)


def _start(batch_pk: int, path: Path) -> None:
    if getattr(settings, "IMPORT_RUN_INLINE", False):
        run_batch(batch_pk, path)
        return
    threading.Thread(target=run_batch_in_thread, args=(batch_pk, path), name=f"import-{batch_pk}", daemon=True).start()


@login_required
@require_http_methods(["GET", "POST"])
def import_home(request: HttpRequest) -> HttpResponse:
    _staff_org_path(request)
    user: Any = request.user
    problems: list[Problem] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        limit = int(settings.IMPORT_MAX_BYTES)
        if upload is None:
            problems.append(Problem("file.empty", {}, "file"))
        elif upload.size is not None and upload.size > limit:
            problems.append(Problem("file.too_large", {"limit": human_bytes(limit)}, "file"))
        elif upload.size == 0:
            problems.append(Problem("file.empty", {}, "file"))
        elif not (upload.name or "").lower().endswith(_ALLOWED_SUFFIXES):
            problems.append(Problem("file.format", {}, "file"))
        if upload is not None and not problems:
            path = _save_upload(upload)
            with transaction.atomic():
                batch = create_batch(
                    actor=user,
                    org=user.org,
                    path=path,
                    file_name=upload.name or "upload",
                    all_or_nothing=bool(request.POST.get("all_or_nothing")),
                )
                transaction.on_commit(lambda: _start(batch.pk, path))
            return HttpResponseRedirect(f"{request.path}{batch.public_id}/")
    batches = batches_visible_to(user)[:20]
    return render(
        request,
        "registry/import_home.html",
        {
            "batches": batches,
            "problems": problems,
            "limit": human_bytes(int(settings.IMPORT_MAX_BYTES)),
        },
        status=400 if problems else 200,
    )


@login_required
def import_batch(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _staff_org_path(request)
    batch = _batch_for(request, public_id)
    running = batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)
    percent = int(100 * batch.rows_done / batch.rows_total) if batch.rows_total else 0
    problems = batch.problems or []
    return render(
        request,
        "registry/import_batch.html",
        {
            "batch": batch,
            "running": running,
            "percent": min(percent, 100),
            "problems": problems[:REPORT_ROWS_ON_PAGE],
            "problem_count": len(problems),
            "more": max(0, len(problems) - REPORT_ROWS_ON_PAGE),
        },
    )


@login_required
def import_report_xlsx(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _staff_org_path(request)
    batch = _batch_for(request, public_id)
    summary = import_report.report_summary(
        file_name=batch.file_name,
        status=batch.get_status_display(),
        rows_total=batch.rows_total,
        counts={
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "failed": batch.rows_failed,
        },
        all_or_nothing=batch.all_or_nothing,
        finished_at=batch.finished_at,
    )
    data = import_report.report_bytes(summary, batch.problems or [])
    events.record(
        actor=request.user,
        kind="export",
        action="download_import_report",
        object_type="import_batch",
        object_id=str(batch.public_id),
        org_path=batch.org.path,
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="import-report-{str(batch.public_id)[:8]}.xlsx"'
    return response


@login_required
def import_template(request: HttpRequest, suffix: str) -> FileResponse:
    _staff_org_path(request)
    path = _TEMPLATES / f"member-import-template.{suffix}"
    if suffix not in ("xlsx", "csv") or not path.exists():
        raise Http404()
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)
