"""The import page: upload, progress, report, and who may see which batches."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from python_calamine import CalamineWorkbook
from tests.registry.conftest import MEMBER_HEADER, Tree, fake_id, member_row, standard_sheets, write_csv, write_xlsx

from craftpath.core.models import AuditEvent
from craftpath.registry.models import ImportBatch, Member
from craftpath.site import urls as site_urls

# The site mounts the page itself; the tests mount it at a known place.
urlpatterns = [path("members/import/", include("craftpath.registry.import_urls")), *site_urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)
BASE = "/members/import/"


@pytest.fixture
def inline(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_RUN_INLINE = True
    settings.VAR_DIR = tmp_path / "var"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, file: Path, **extra: str) -> Any:
    with open(file, "rb") as fh:
        return client.post(BASE, {"file": fh, **extra})


def test_upload_runs_and_reports(
    tree: Tree, tmp_path: Path, inline: None, django_capture_on_commit_callbacks: Any
) -> None:
    good = fake_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    sheets = standard_sheets([good])
    sheets["会员 Members"].append(member_row(bad, "错号"))
    client = client_for(tree.staff)
    assert client.get(BASE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, write_xlsx(tmp_path / "m.xlsx", sheets))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"{BASE}{batch.public_id}/"
    assert (batch.status, batch.rows_created, batch.rows_failed, batch.created_by) == ("done", 5, 1, tree.staff)
    assert not list((tmp_path / "var" / "imports").iterdir())  # the upload is deleted afterwards
    page = client.get(f"{BASE}{batch.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "校验位" in html
    assert "check character" in html
    assert bad not in html
    assert bad[:6] + "********" + bad[-4:] in html
    assert 'http-equiv="refresh"' not in html
    report = client.get(f"{BASE}{batch.public_id}/report.xlsx")
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.content))
    rows = book.get_sheet_by_name("问题 Problems").to_python()
    assert len(rows) == 2
    assert rows[1][1] == 3
    assert rows[1][3] == bad[:6] + "********" + bad[-4:]
    assert AuditEvent.objects.filter(kind="export", action="download_import_report").count() == 1
    listing = client.get(BASE).content.decode()
    assert "m.xlsx" in listing


def test_all_or_nothing_checkbox(
    tree: Tree, tmp_path: Path, inline: None, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [MEMBER_HEADER, member_row(fake_id()), member_row("123")]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(tree.staff), write_csv(tmp_path / "a.csv", rows), all_or_nothing="1")
    batch = ImportBatch.objects.get()
    assert batch.all_or_nothing
    assert batch.rows_failed == 1
    assert Member.objects.count() == 0


def test_progress_figure_while_running(tree: Tree) -> None:
    batch = ImportBatch.objects.create(
        created_by=tree.staff,
        org=tree.district,
        file_name="big.xlsx",
        file_sha256="0" * 64,
        status="running",
        rows_total=200,
        rows_done=50,
    )
    html = client_for(tree.staff).get(f"{BASE}{batch.public_id}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert "25%" in html
    assert 'value="25"' in html


def test_upload_refusals(tree: Tree, tmp_path: Path, inline: None, settings: Any) -> None:
    client = client_for(tree.staff)
    settings.IMPORT_MAX_BYTES = 50
    response = upload(client, write_csv(tmp_path / "big.csv", [MEMBER_HEADER, member_row(fake_id())]))
    assert response.status_code == 400
    assert "上限" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10_000
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    assert upload(client, tmp_path / "x.pdf").status_code == 400
    assert ImportBatch.objects.count() == 0


def test_batches_are_scoped_to_the_subtree(tree: Tree) -> None:
    mine = ImportBatch.objects.create(
        created_by=tree.staff, org=tree.district, file_name="mine.xlsx", file_sha256="0" * 64
    )
    theirs = ImportBatch.objects.create(
        created_by=tree.other_staff, org=tree.other_district, file_name="theirs.xlsx", file_sha256="1" * 64
    )
    staff = client_for(tree.staff)
    listing = staff.get(BASE).content.decode()
    assert "mine.xlsx" in listing
    assert "theirs.xlsx" not in listing
    assert staff.get(f"{BASE}{theirs.public_id}/").status_code == 404
    assert staff.get(f"{BASE}{theirs.public_id}/report.xlsx").status_code == 404
    city = client_for(tree.city_staff)
    assert city.get(f"{BASE}{mine.public_id}/").status_code == 200
    assert city.get(f"{BASE}{theirs.public_id}/").status_code == 200
    member = client_for(tree.member_user)
    assert member.get(BASE).status_code == 404
    assert member.get(f"{BASE}{mine.public_id}/").status_code == 404


def test_template_downloads(tree: Tree) -> None:
    client = client_for(tree.staff)
    response = client.get(f"{BASE}template.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert client.get(f"{BASE}template.csv").status_code == 200
    assert client.get(f"{BASE}template.pdf").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_a_background_thread(tree: Tree, tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path / "var"
    ids = [fake_id() for _ in range(3)]
    client = client_for(tree.staff)
    response = upload(client, write_xlsx(tmp_path / "t.xlsx", standard_sheets(ids)))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    deadline = time.monotonic() + 120  # generous: CI machines are often busy
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in ("done", "failed"):
            break
        time.sleep(0.05)
    assert batch.status == "done", batch.problems
    assert batch.rows_created == 3 + 6 + 1 + 3
    assert Member.objects.count() == 3


def test_a_batch_that_crashes_before_it_starts_ends_failed(tree: Tree, tmp_path: Path, settings: Any) -> None:
    # The uploaded file is gone by the time the worker runs (a cleaned disk, a restarted container):
    # the batch must say it failed, not stay "pending" on the staff member's screen for ever.
    from craftpath.registry.importing import create_batch, run_batch

    settings.VAR_DIR = tmp_path / "var"
    file = write_xlsx(tmp_path / "gone.xlsx", standard_sheets([fake_id()]))
    batch = create_batch(actor=tree.staff, org=tree.district, path=file, file_name="gone.xlsx", all_or_nothing=False)
    file.unlink()
    run_batch(batch.pk, file)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.finished_at is not None
    assert [p["code"] for p in batch.problems] == ["import.crashed"]
    assert Member.objects.count() == 0
    page = client_for(tree.staff).get(f"{BASE}{batch.public_id}/").content.decode()
    assert "系统错误" in page
    assert 'http-equiv="refresh"' not in page
