"""The /api/jobs endpoints: openings CRUD, seekers, matches both ways, placements, plans, pathways."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from craftpath.registry.models import Member
from tests.jobs.conftest import TURNER, Market
from tests.jobs.test_access import client_for

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, data: Any = None) -> tuple[int, Any]:
    response = getattr(client, method)(url, data=data, content_type="application/json")
    return response.status_code, response.json()


def test_openings_crud(market: Market, occupation_coder: Any) -> None:
    staff = client_for(market.cast.staff_a)
    status, body = _json(staff, "post", "/api/jobs/openings", {"title": "招聘车床车工", "union_code": "T-XW-001"})
    assert status == 201
    assert body["occupation_code"] == TURNER
    assert body["coded_by"] == "coder"
    pid = body["public_id"]
    status, body = _json(staff, "post", "/api/jobs/openings", {"title": "车工", "region_code": "999999"})
    assert status == 422
    assert body["problems"][0]["code"] == "jobs.region_unknown"
    assert body["problems"][0]["message_zh"]
    assert body["problems"][0]["message_en"]
    status, body = _json(staff, "patch", f"/api/jobs/openings/{pid}", {"pay_max": 9000, "required_grade": "技师"})
    assert status == 200
    assert (body["pay_max"], body["required_grade"]) == (9000, 4)
    status, body = _json(staff, "get", "/api/jobs/openings")
    assert status == 200
    assert len(body) == 6
    assert _json(client_for(market.cast.staff_b), "get", f"/api/jobs/openings/{pid}")[0] == 404
    assert _json(client_for(market.cast.staff_b), "delete", f"/api/jobs/openings/{pid}")[0] == 404
    status, body = _json(staff, "delete", f"/api/jobs/openings/{pid}")
    assert status == 200
    assert body["status"] == "withdrawn"


def test_matches_both_ways_and_placements(market: Market) -> None:
    cast = market.cast
    staff = client_for(cast.staff_a)
    status, body = _json(staff, "get", f"/api/jobs/seekers/{market.seeker_a.public_id}/matches?k=2")
    assert status == 200
    assert [r["title"] for r in body] == ["数控车工", "车工（技师）"]
    assert body[0]["parts"]["occupation_points"] == 35.0
    assert body[0]["reasons_en"][0] == "same occupation +35"
    status, body = _json(staff, "get", f"/api/jobs/openings/{market.turner_a.public_id}/candidates")
    assert status == 200
    assert [r["name"] for r in body] == ["张三"]
    assert body[0]["id_masked"] == market.seeker_a.member.id_masked
    status, body = _json(client_for(cast.hr_a), "get", f"/api/jobs/openings/{market.turner_a.public_id}/candidates")
    assert status == 200
    assert [r["name"] for r in body] == ["张*", "李*"]
    assert body[0]["seeker_id"] is None
    # not even a masked ID number: its digits give the place of registration and the sex
    assert {r["id_masked"] for r in body} == {None}
    status, body = _json(staff, "get", f"/api/jobs/seekers/{market.seeker_a.public_id}/matches?k=0")
    assert status == 422
    assert _json(client_for(cast.staff_b), "get", f"/api/jobs/seekers/{market.seeker_a.public_id}/matches")[0] == 404

    status, body = _json(
        staff,
        "post",
        "/api/jobs/placements",
        {"seeker_id": str(market.seeker_a.public_id), "opening_id": str(market.turner_a.public_id)},
    )
    assert status == 201
    assert body["status"] == "referred"
    url = f"/api/jobs/placements/{body['public_id']}/transitions"
    status, body = _json(staff, "post", url, {"status": "hired"})
    assert status == 422
    assert body["problems"][0]["code"] == "jobs.transition"
    status, body = _json(staff, "post", url, {"status": "interviewed"})
    assert status == 200
    assert body["status"] == "interviewed"
    assert _json(client_for(cast.staff_b), "post", url, {"status": "hired"})[0] == 404
    assert _json(client_for(cast.hr_a), "post", url, {"status": "hired"})[0] == 404
    status, body = _json(client_for(cast.hr_a), "get", "/api/jobs/placements")
    assert status == 200
    assert len(body) == 1


def test_seekers_plans_and_pathways(market: Market) -> None:
    cast = market.cast
    staff = client_for(cast.staff_a)
    status, body = _json(staff, "get", "/api/jobs/seekers")
    assert status == 200
    assert [s["name"] for s in body] == ["张三"]
    status, body = _json(staff, "post", "/api/jobs/seekers", {"member_id": str(market.colleague.public_id)})
    assert status == 422
    assert body["problems"][0]["code"] == "jobs.no_consent"
    status, body = _json(client_for(cast.staff_b), "post", "/api/jobs/seekers", {"member_id": str(cast.ma.public_id)})
    assert status == 404
    status, body = _json(staff, "patch", f"/api/jobs/seekers/{market.seeker_a.public_id}", {"status": "paused"})
    assert status == 200
    assert body["status"] == "paused"

    member = client_for(cast.member_a)
    status, body = _json(member, "get", "/api/jobs/members/me/matches")
    assert status == 200
    assert body[0]["title"] == "数控车工"
    status, body = _json(member, "get", "/api/jobs/members/me/training-plan")
    assert status == 200
    assert body[0]["occupation_code"] == TURNER
    assert body[0]["grade"] == 4
    status, body = _json(member, "get", "/api/jobs/members/me/training-plan?occupation=6-18-01-02")
    assert status == 200
    assert len(body[0]["missing"]) == 6
    status, body = _json(member, "get", "/api/jobs/members/me/pathways?k=3")
    assert status == 200
    assert len(body) == 3
    assert body[0]["from_occupation"] == TURNER
    assert _json(member, "get", f"/api/jobs/members/{cast.mb.public_id}/pathways")[0] == 404
    assert _json(staff, "get", f"/api/jobs/members/{cast.ma.public_id}/pathways")[0] == 200
    assert _json(client_for(cast.staff_b), "get", f"/api/jobs/members/{cast.ma.public_id}/pathways")[0] == 404
    assert _json(client_for(cast.hr_a), "get", f"/api/jobs/members/{cast.ma.public_id}/matches")[0] == 404
    assert _json(staff, "get", f"/api/jobs/members/{uuid.uuid4()}/matches")[0] == 404


def test_staff_get_no_matches_for_a_member_without_consent(market: Market) -> None:
    """Like a seeker's matches: without the member's consent nobody else has openings matched for them."""
    cast = market.cast
    staff = client_for(cast.staff_a)
    status, body = _json(staff, "get", f"/api/jobs/members/{market.colleague.public_id}/matches")
    assert status == 422
    assert body["problems"][0]["code"] == "jobs.no_consent"
    assert body["problems"][0]["message_zh"]
    assert body["problems"][0]["message_en"]
    assert _json(staff, "get", f"/api/jobs/members/{cast.ma.public_id}/matches")[0] == 200
    # the member themself still sees what would suit them
    Member.objects.filter(pk=cast.ma.pk).update(consent_job_matching=False)
    assert _json(client_for(cast.member_a), "get", "/api/jobs/members/me/matches")[0] == 200
