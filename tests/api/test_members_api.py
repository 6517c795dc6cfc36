"""The member API: who sees what across the federation tree, and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from craftpath.core.models import AuditEvent
from craftpath.registry.models import Member
from tests.conftest import Cast, make_id_number

pytestmark = pytest.mark.django_db

# user -> which of (ma, mb, colleague) they may list / read; edit; reveal
VISIBLE = {
    "province": {"ma", "mb", "colleague"},
    "staff_a": {"ma", "colleague"},
    "staff_b": {"mb"},
    "member_a": {"ma"},
    "member_b": {"mb"},
    "hr_a": {"ma"},  # consented; the colleague did not
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}
EDIT = {"province": {"ma", "mb", "colleague"}, "staff_a": {"ma", "colleague"}, "staff_b": {"mb"}}
REVEAL = {**EDIT, "member_a": {"ma"}, "member_b": {"mb"}}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _targets(cast: Cast) -> dict[str, Member]:
    return {"ma": cast.ma, "mb": cast.mb, "colleague": cast.ma_colleague_no_consent}


@pytest.mark.parametrize("who", list(VISIBLE))
def test_list_shows_only_own_subtree(cast: Cast, who: str) -> None:
    response = _client(cast.everyone[who]).get("/api/members")
    assert response.status_code == 200
    seen = {item["public_id"] for item in response.json()["items"]}
    expected = {str(m.public_id) for k, m in _targets(cast).items() if k in VISIBLE[who]}
    assert seen == expected
    # Lists never carry the plain ID number.
    assert all("*" in item["id_masked"] for item in response.json()["items"])


@pytest.mark.parametrize("who", list(VISIBLE))
@pytest.mark.parametrize("target", ["ma", "mb", "colleague"])
def test_read_edit_reveal_matrix(cast: Cast, who: str, target: str) -> None:
    client = _client(cast.everyone[who])
    member = _targets(cast)[target]
    url = f"/api/members/{member.public_id}"

    read = client.get(url)
    assert read.status_code == (200 if target in VISIBLE[who] else 404)

    patch = client.patch(
        url, json.dumps({"version": member.version, "phone": "13900000000"}), content_type="application/json"
    )
    assert patch.status_code == (200 if target in EDIT.get(who, set()) else 404)

    before = AuditEvent.objects.filter(kind="view_pii").count()
    reveal = client.post(f"{url}/identity", {"purpose": "核对身份"}, content_type="application/json")
    allowed = target in REVEAL.get(who, set())
    assert reveal.status_code == (200 if allowed else 404)
    if allowed:
        assert reveal.json()["id_number"] == member.reveal_id_number()
        assert AuditEvent.objects.filter(kind="view_pii").count() == before + 1
    else:
        assert AuditEvent.objects.filter(kind="view_pii").count() == before


def test_missing_and_forbidden_look_the_same(cast: Cast) -> None:
    client = _client(cast.staff_b)
    forbidden = client.get(f"/api/members/{cast.ma.public_id}")
    missing = client.get("/api/members/00000000-0000-0000-0000-000000000000")
    garbage = client.get("/api/members/not-a-uuid")
    assert forbidden.status_code == missing.status_code == garbage.status_code == 404
    assert forbidden.json() == missing.json() == garbage.json()


def test_anonymous_gets_401(cast: Cast) -> None:
    assert Client().get("/api/members").status_code == 401


def test_register_validates_and_saves_nothing_on_error(cast: Cast) -> None:
    client = _client(cast.staff_a)
    bad = make_id_number()[:-1] + "0"
    bad = bad if bad != make_id_number() else bad[:-1] + "1"
    count = Member.objects.count()
    response = client.post(
        "/api/members",
        {"name": "王五", "id_number": "320102199001019991", "employment_form": "employee", "union_code": "T-XW-001"},
        content_type="application/json",
    )
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["code"] == "id.checksum"
    assert "校验位" in problem["message_zh"]
    assert "check character" in problem["message_en"]
    assert Member.objects.count() == count


def test_register_into_another_subtree_is_refused(cast: Cast) -> None:
    response = _client(cast.staff_a).post(
        "/api/members",
        {"name": "王五", "id_number": make_id_number(), "employment_form": "employee", "union_code": "T-QH-001"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "member.union_forbidden"


def test_duplicate_member_is_refused(cast: Cast) -> None:
    client = _client(cast.staff_a)
    payload = {"name": "王五", "id_number": make_id_number(), "employment_form": "employee", "union_code": "T-XW-001"}
    assert client.post("/api/members", payload, content_type="application/json").status_code == 201
    again = client.post("/api/members", payload, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["problems"][0]["code"] == "member.duplicate"


def test_concurrent_edit_is_detected(cast: Cast) -> None:
    client = _client(cast.staff_a)
    url = f"/api/members/{cast.ma.public_id}"
    version = cast.ma.version
    first = client.patch(url, json.dumps({"version": version, "name": "张三丰"}), content_type="application/json")
    assert first.status_code == 200
    stale = client.patch(url, json.dumps({"version": version, "name": "张叁"}), content_type="application/json")
    assert stale.status_code == 422
    assert stale.json()["problems"][0]["code"] == "member.stale"
    cast.ma.refresh_from_db()
    assert cast.ma.name == "张三丰"


def test_certificate_rules(cast: Cast) -> None:
    client = _client(cast.staff_a)
    url = f"/api/members/{cast.ma.public_id}/certificates"
    ok = client.post(
        url,
        {
            "occupation_code": "6-31-01-03",
            "grade": "高级工",
            "issuer": "江苏省职业技能鉴定中心",
            "number": "T-0001",
            "issued_on": "2020-05-01",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.json()
    assert {
        "occupation_code": "6-31-01-03",
        "grade": 3,
        "grade_zh": "高级工",
        "grade_en": "Senior worker (level 3)",
    } in ok.json()["grades"]
    cases = [
        ({"occupation_code": "9-99-99-99", "grade": "高级工"}, "occupation.unknown"),
        ({"occupation_code": "6-31-00-00", "grade": "高级工"}, "occupation.not_leaf"),
        ({"occupation_code": "6-31-01-03", "grade": "超级工"}, "grade.unknown"),
        ({"occupation_code": "6-31-01-03", "grade": "特级技师"}, "grade.post_by_exam"),
        ({"occupation_code": "6-31-01-03", "grade": "技师", "issued_on": "2003-01-01"}, "certificate.too_young"),
        ({"occupation_code": "6-31-01-03", "grade": "技师", "issued_on": "2999-01-01"}, "date.future"),
        ({"occupation_code": "6-31-01-03", "grade": "技师", "issued_on": "31/02/2020"}, "date.invalid"),
        ({"occupation_code": "6-31-01-03", "grade": "技师", "number": "T-0001"}, "certificate.duplicate"),
    ]
    for override, code in cases:
        body = {"issuer": "江苏省职业技能鉴定中心", "number": f"T-{code}", "issued_on": "2021-01-01", **override}
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 422, (override, response.json())
        assert code in {p["code"] for p in response.json()["problems"]}, (override, response.json())


def test_history_rules(cast: Cast) -> None:
    client = _client(cast.staff_a)
    url = f"/api/members/{cast.ma.public_id}/histories"
    assert (
        client.post(
            url,
            {"occupation_code": "6-31-01-03", "start": "2012-03-01", "end": "2016-02-29"},
            content_type="application/json",
        ).status_code
        == 201
    )
    bad = client.post(
        url,
        {"occupation_code": "6-31-01-03", "start": "2018-03-01", "end": "2017-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["code"] == "date.end_before_start"
    assert "结束日期" in bad.json()["problems"][0]["message_zh"]


def test_openapi_document_lists_member_endpoints(cast: Cast) -> None:
    schema = _client(cast.staff_a).get("/api/openapi.json").json()
    assert "/api/members" in schema["paths"]
    assert "/api/members/{public_id}/identity" in schema["paths"]


def test_occupation_search_by_pinyin(cast: Cast) -> None:
    client = _client(cast.member_a)
    names = [o["name"] for o in client.get("/api/occupations", {"q": "hangong"}).json()]
    assert "焊工" in names
    assert client.get("/api/occupations/6-31-01-03").json()["tasks"]
    assert client.get("/api/occupations/0-00-00-00").status_code == 404


def test_api_docs_need_no_internet(cast: Cast) -> None:
    page = _client(cast.staff_a).get("/api/docs").content.decode()
    assert "cdn.jsdelivr" not in page
    assert "swagger-ui-bundle.js" in page


def test_search_by_id_number_is_logged_without_the_number(cast: Cast) -> None:
    plain = cast.ma.reveal_id_number()
    client = _client(cast.staff_a)
    found = client.post("/api/members/search", {"id_number": plain.lower()}, content_type="application/json")
    assert [i["name"] for i in found.json()["items"]] == ["张三"]
    hidden = _client(cast.staff_b).post("/api/members/search", {"id_number": plain}, content_type="application/json")
    assert hidden.json()["items"] == []  # another district's member is not found, and that is logged too
    logged = AuditEvent.objects.filter(action="find_by_id_number").order_by("id")
    assert [e.note for e in logged] == ["found", "no visible member matched"]
    assert logged[0].object_id == str(cast.ma.public_id)
    assert all(plain not in (e.note + str(e.before) + str(e.after) + e.object_id) for e in logged)
