"""Pages: English rendering, the import page, and query counts that do not grow with the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from craftpath.jobs.actions import do_register_seeker
from craftpath.jobs.models import JobOpening
from craftpath.registry.actions import do_register_member
from craftpath.registry.models import Member
from tests.conftest import make_id_number
from tests.jobs.conftest import Market
from tests.jobs.test_access import client_for

pytestmark = pytest.mark.django_db


def test_member_page_in_english(market: Market) -> None:
    client = client_for(market.cast.member_a)
    client.cookies["django_language"] = "en"
    body = client.get("/jobs/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "same occupation +35" in body
    assert "Career moves" in body


def test_import_page(market: Market, occupation_coder: Any) -> None:
    staff = client_for(market.cast.staff_a)
    upload = SimpleUploadedFile("o.csv", "编号,岗位名称,地区代码\nP-1,车工,320102\nP-2,车工,999999\n".encode())
    page = staff.post("/jobs/openings/import/", {"union_code": "T-XW-001", "file": upload})
    body = page.content.decode()
    assert page.status_code == 200
    assert "999999" in body
    assert JobOpening.objects.filter(import_key="P-1").exists()
    upload = SimpleUploadedFile("o.csv", b"x,y\n1,2\n")
    assert (
        client_for(market.cast.staff_b)
        .post("/jobs/openings/import/", {"union_code": "T-XW-001", "file": upload})
        .status_code
        == 200
    )
    assert not JobOpening.objects.filter(union__code="T-XW-001", created_by=market.cast.staff_b).exists()


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow(market: Market) -> None:
    staff = client_for(market.cast.staff_a)
    seekers_before = _queries(staff, "/jobs/seekers/")
    openings_before = _queries(staff, "/jobs/openings/")
    for i in range(3):
        member = do_register_member(
            market.cast.staff_a,
            {
                "name": f"求职{i}",
                "id_number": make_id_number(),
                "employment_form": "unemployed",
                "union_code": "T-XW-001",
            },
        )
        Member.objects.filter(pk=member.pk).update(consent_job_matching=True)
        member.refresh_from_db()
        do_register_seeker(market.cast.staff_a, member)
    assert _queries(staff, "/jobs/seekers/") == seekers_before
    assert _queries(staff, "/jobs/openings/") == openings_before


def test_withdrawn_consent_stops_matching_everywhere_staff_look(market: Market) -> None:
    """A seeker who withdraws consent stays on the caseload (placements are still tracked) but
    is no longer matched: not on the caseload, the seeker page or the API."""
    from craftpath.jobs import matching
    from craftpath.jobs.models import JobSeeker
    from tests.jobs.conftest import AS_OF

    seeker = market.seeker_a
    assert matching.jobs_for_seekers(JobSeeker.objects.filter(pk=seeker.pk), AS_OF)[seeker.pk]
    Member.objects.filter(pk=seeker.member_id).update(consent_job_matching=False)
    assert matching.jobs_for_seekers(JobSeeker.objects.filter(pk=seeker.pk), AS_OF) == {}
    staff = client_for(market.cast.staff_a)
    page = staff.get(f"/jobs/seekers/{seeker.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已撤回岗位匹配同意" in page
    assert "数控车工" not in page  # the opening that was its best match
    staff.cookies["django_language"] = "en"
    page = staff.get(f"/jobs/seekers/{seeker.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "withdrawn consent to job matching" in page
    response = staff.get(f"/api/jobs/seekers/{seeker.public_id}/matches")
    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "jobs.no_consent"
    caseload = staff.get("/jobs/seekers/?status=active").content.decode()
    assert seeker.member.name in caseload
    assert "数控车工" not in caseload
