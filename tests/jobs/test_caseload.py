"""The staff caseload and the opening page as people use them: stale batch runs, mistyped
member IDs, two editors saving the same opening, and codes that are not occupations."""

from __future__ import annotations

import io
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from craftpath.jobs.actions import do_register_seeker, do_update_opening
from craftpath.jobs.models import JobOpening, JobSeeker, MatchRun
from craftpath.registry.models import Member
from tests.jobs.conftest import Market
from tests.jobs.test_access import client_for
from tests.jobs.test_api import _json

pytestmark = pytest.mark.django_db


def _caseload_row(html: str, name: str) -> str:
    """The caseload table row of the seeker called ``name``."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if name in r]
    assert len(rows) == 1, f"expected one row for {name}"
    return rows[0]


def test_caseload_leaves_out_openings_closed_since_the_run_and_matches_newcomers_now(market: Market) -> None:
    call_command("match", "--out", str(_tmp_csv()), stdout=io.StringIO())
    assert MatchRun.objects.filter(status="done").count() == 1
    staff = client_for(market.cast.staff_a)
    name_a = market.seeker_a.member.name
    before = _caseload_row(staff.get("/jobs/seekers/").content.decode(), name_a)
    assert str(market.turner_a.public_id) in before

    do_update_opening(market.cast.staff_a, market.turner_a, {"status": "withdrawn"})
    colleague = market.colleague
    Member.objects.filter(pk=colleague.pk).update(consent_job_matching=True)
    colleague.refresh_from_db()
    do_register_seeker(market.cast.staff_a, colleague, {})

    html = staff.get("/jobs/seekers/").content.decode()
    after = _caseload_row(html, name_a)
    assert str(market.turner_a.public_id) not in after  # withdrawn after the run
    assert str(market.turner_b.public_id) in after  # the run's next opening still shows
    newcomer = _caseload_row(html, colleague.name)
    assert str(market.turner_b.public_id) in newcomer  # registered after the run: matched now
    assert "现算" in newcomer
    assert "现算" not in after


def _tmp_csv() -> Path:
    return Path(tempfile.mkdtemp()) / "run.csv"


@pytest.mark.parametrize("chunk", ["0", "-1"])
def test_match_refuses_a_chunk_below_one_and_stores_no_run(market: Market, chunk: str) -> None:
    with pytest.raises(CommandError, match="--chunk"):
        call_command("match", "--out", str(_tmp_csv()), "--chunk", chunk, stdout=io.StringIO())
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("typed", ["abc", "", str(uuid.uuid4())])
def test_registering_an_unknown_member_keeps_the_form_and_says_why(market: Market, typed: str) -> None:
    staff = client_for(market.cast.staff_a)
    before = JobSeeker.objects.count()
    page = staff.post(
        "/jobs/seekers/", {"member": typed, "desired_region": "320102", "pay_expectation": "6500"}, follow=True
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "会员编号" in html  # the Chinese message names the field
    assert 'value="6500"' in html  # what was typed is still there
    assert JobSeeker.objects.count() == before
    en = client_for(market.cast.staff_a)
    en.cookies["django_language"] = "en"
    html_en = en.post("/jobs/seekers/", {"member": typed}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "member ID" in html_en


def test_a_member_outside_my_subtree_gets_the_same_answer_as_an_unknown_one(market: Market) -> None:
    staff_b = client_for(market.cast.staff_b)
    html = staff_b.post("/jobs/seekers/", {"member": str(market.cast.ma.public_id)}).content.decode()
    assert "会员编号" in html
    assert market.cast.ma.name not in html


def test_saving_the_status_does_not_undo_a_code_someone_changed_meanwhile(market: Market) -> None:
    opening = market.turner_a
    page = client_for(market.cast.staff_a)
    shown = page.get(f"/jobs/openings/{opening.public_id}/").content.decode()
    was_code = re.search(r'name="was_occupation_code" value="([^"]*)"', shown)
    was_status = re.search(r'name="was_status" value="([^"]*)"', shown)
    assert was_code
    assert was_status
    # meanwhile a colleague recodes it through the API
    other = client_for(market.cast.province)
    status, _ = _json(other, "patch", f"/api/jobs/openings/{opening.public_id}", {"occupation_code": "6-18-01-02"})
    assert status == 200
    # the first editor changes only the status, the form still showing the old code
    page.post(
        f"/jobs/openings/{opening.public_id}/",
        {
            "occupation_code": was_code.group(1),
            "was_occupation_code": was_code.group(1),
            "status": "filled",
            "was_status": was_status.group(1),
        },
    )
    opening.refresh_from_db()
    assert opening.occupation_id == "6-18-01-02"
    assert opening.status == "filled"


def test_changing_a_field_someone_else_changed_first_is_refused(market: Market) -> None:
    opening = market.turner_a
    staff = client_for(market.cast.staff_a)
    _json(staff, "patch", f"/api/jobs/openings/{opening.public_id}", {"status": "filled"})
    status, body = _json(
        staff,
        "patch",
        f"/api/jobs/openings/{opening.public_id}",
        {"status": "withdrawn", "occupation_code": "6-18-01-02", "expected": {"status": "open"}},
    )
    assert status == 422
    problem = body["problems"][0]
    assert problem["code"] == "jobs.stale"
    assert "status" in problem["message_en"]
    assert "已被他人改为" in problem["message_zh"]
    opening.refresh_from_db()
    assert (opening.status, opening.occupation_id) == ("filled", market.turner_a.occupation_id)  # nothing saved
    status, body = _json(
        staff, "patch", f"/api/jobs/openings/{opening.public_id}", {"status": "open", "expected": {"colour": "x"}}
    )
    assert status == 422
    assert body["problems"][0]["code"] == "request.invalid"


def test_a_training_plan_for_a_group_code_is_refused(market: Market) -> None:
    member = client_for(market.cast.member_a)
    status, body = _json(member, "get", "/api/jobs/members/me/training-plan?occupation=6-18-01-00")
    assert status == 422
    assert body["problems"][0]["code"] == "occupation.not_leaf"
    page = member.get("/jobs/me/?occupation=6-18-01-00").content.decode()
    assert "6-18-01-00" in page
    assert 'role="alert"' in page


@pytest.mark.parametrize("url", ["/api/jobs/openings", "/api/jobs/seekers", "/api/jobs/placements"])
def test_an_unknown_status_filter_is_an_error_not_an_empty_list(market: Market, url: str) -> None:
    status, body = _json(client_for(market.cast.staff_a), "get", f"{url}?status=zzz")
    assert status == 422
    assert body["problems"][0]["code"] == "jobs.status"
    assert _json(client_for(market.cast.staff_a), "get", url)[0] == 200


def test_explanations_carry_no_database_ids(market: Market) -> None:
    out = _tmp_csv()
    call_command("match", "--out", str(out), stdout=io.StringIO())
    text = out.read_text("utf-8")
    assert "岗位 " not in text  # the engine's own row label ("岗位 12（…）：") is dropped
    assert "job " not in text
    assert "同一职业" in text or "相近职业" in text or "同类职业" in text or "+" in text
    status, body = _json(
        client_for(market.cast.staff_a), "get", f"/api/jobs/seekers/{market.seeker_a.public_id}/matches"
    )
    assert status == 200
    for r in body:
        assert not re.match(r"^(岗位|job) ", r["explanation_zh"]), r["explanation_zh"]
        assert not re.match(r"^job ", r["explanation_en"]), r["explanation_en"]
        assert r["explanation_zh"].split("；")[0] == r["reasons_zh"][0]


def test_an_opening_posted_in_english_is_coded_and_says_why(market: Market) -> None:
    staff = client_for(market.cast.staff_a)
    status, body = _json(
        staff, "post", "/api/jobs/openings", {"title": "Senior TIG Welder (night shift)", "union_code": "T-XW-001"}
    )
    assert status == 201
    assert body["occupation_code"] == "6-18-02-04"
    assert body["coded_by"] == "coder"
    opening = JobOpening.objects.get(public_id=body["public_id"])
    assert opening.coding_evidence[0]["evidence"].startswith("English 'tig welder' = 焊工")
    assert opening.coding_evidence[0]["name"] == "焊工"
