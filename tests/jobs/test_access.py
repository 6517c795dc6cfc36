"""Who sees which seekers, openings, placements and candidates; pages and API give 404 for both
missing and forbidden."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.jobs.access import (
    access_opening_by_public_id,
    access_placement_by_public_id,
    access_seeker_by_public_id,
    candidate_pool,
    openings_visible_to,
    placements_visible_to,
    seekers_visible_to,
)
from craftpath.jobs.actions import do_refer
from tests.jobs.conftest import Market

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


# who -> (sees seeker A, sees seeker B, sees A's openings, sees the placement)
MATRIX = {
    "province": (True, True, True, True),
    "staff_a": (True, False, True, True),
    "staff_b": (False, True, False, False),
    "member_a": (True, False, False, True),
    "member_b": (False, True, False, False),
    "hr_a": (False, False, True, True),  # the A openings are posted for hr_a's employer
    "sysadmin": (False, False, False, False),
    "secadmin": (False, False, False, False),
    "auditor": (False, False, False, False),
}


def _sees(fn: Any, *args: Any) -> bool:
    try:
        fn(*args)
    except NotFoundOrForbidden:
        return False
    return True


def test_access_matrix(market: Market) -> None:
    placement = do_refer(market.cast.staff_a, market.seeker_a, market.turner_a)
    for name, user in market.cast.everyone.items():
        got = (
            _sees(access_seeker_by_public_id, user, market.seeker_a.public_id),
            _sees(access_seeker_by_public_id, user, market.seeker_b.public_id),
            _sees(access_opening_by_public_id, user, market.turner_a.public_id),
            _sees(access_placement_by_public_id, user, placement.public_id),
        )
        assert got == MATRIX[name], name
        assert seekers_visible_to(user).count() == got[0] + got[1], name
        assert placements_visible_to(user).count() == int(got[3]), name
        assert not _sees(access_seeker_by_public_id, user, uuid.uuid4())
        assert not _sees(access_opening_by_public_id, user, "not-a-uuid")
    assert openings_visible_to(market.cast.staff_b).count() == 0
    # only staff over the seeker may move a placement
    assert not _sees(lambda: access_placement_by_public_id(market.cast.hr_a, placement.public_id, manage=True))
    assert _sees(lambda: access_placement_by_public_id(market.cast.staff_a, placement.public_id, manage=True))


def test_candidate_pools(market: Market) -> None:
    cast = market.cast
    assert {s.member.name for s in candidate_pool(cast.staff_a, market.turner_a)} == {"张三"}
    assert {s.member.name for s in candidate_pool(cast.staff_b, market.turner_a)} == {"李四"}
    assert {s.member.name for s in candidate_pool(cast.hr_a, market.turner_a)} == {"张三", "李四"}
    assert not candidate_pool(cast.member_a, market.turner_a).exists()
    assert not candidate_pool(cast.sysadmin, market.turner_a).exists()


def test_pages(market: Market) -> None:
    cast = market.cast
    a_seeker = f"/jobs/seekers/{market.seeker_a.public_id}/"
    a_opening = f"/jobs/openings/{market.turner_a.public_id}/"
    me = client_for(cast.member_a).get("/jobs/me/")
    assert me.status_code == 200
    body = me.content.decode()
    assert "数控车工" in body
    assert "同一职业 +35" in body
    assert "/ladders/me/" in body
    assert "铣工" in body
    assert client_for(cast.staff_a).get("/jobs/me/").status_code == 404

    staff_a = client_for(cast.staff_a)
    page = staff_a.get("/jobs/seekers/")
    assert page.status_code == 200
    assert "张三" in page.content.decode()
    assert "李四" not in page.content.decode()
    assert "数控车工" in page.content.decode()  # top matches in the caseload
    detail = staff_a.get(a_seeker)
    assert detail.status_code == 200
    assert "数控车工" in detail.content.decode()
    opening = staff_a.get(a_opening)
    assert opening.status_code == 200
    assert "张三" in opening.content.decode()
    assert cast.ma.id_masked in opening.content.decode()
    assert "赵六" not in opening.content.decode()
    assert staff_a.get("/jobs/openings/").status_code == 200
    assert staff_a.get("/jobs/openings/import/").status_code == 200

    staff_b = client_for(cast.staff_b)
    assert staff_b.get(a_seeker).status_code == 404
    assert staff_b.get(a_opening).status_code == 404
    assert staff_b.get(f"/jobs/seekers/{uuid.uuid4()}/").status_code == 404
    assert "张三" not in staff_b.get("/jobs/seekers/").content.decode()

    hr = client_for(cast.hr_a).get(a_opening)
    text = hr.content.decode()
    assert hr.status_code == 200
    assert "张*" in text
    assert "李*" in text
    assert "张三" not in text
    assert "李四" not in text
    # the masked ID number's region and sex digits are not for the employer
    assert cast.ma.id_masked not in text
    assert cast.ma.id_masked[:6] not in text
    assert client_for(cast.hr_a).get("/jobs/seekers/").status_code == 404
    for admin in (cast.sysadmin, cast.auditor):
        assert client_for(admin).get(a_opening).status_code == 404
        assert client_for(admin).get("/jobs/openings/").status_code == 404


def test_page_refer_and_move(market: Market) -> None:
    staff_a = client_for(market.cast.staff_a)
    url = f"/jobs/seekers/{market.seeker_a.public_id}/"
    assert staff_a.post(url, {"opening": str(market.turner_a.public_id)}).status_code == 302
    placement = market.seeker_a.placements.get()
    move = f"/jobs/placements/{placement.public_id}/move/"
    assert staff_a.post(move, {"status": "interviewed"}).status_code == 302
    placement.refresh_from_db()
    assert placement.status == "interviewed"
    assert client_for(market.cast.staff_b).post(move, {"status": "hired"}).status_code == 404
    assert client_for(market.cast.staff_b).post(url, {"opening": str(market.turner_a.public_id)}).status_code == 404
    created = staff_a.post("/jobs/openings/", {"title": "焊工", "union_code": "T-XW-001", "region_code": "320102"})
    assert created.status_code == 302
