"""Competition promotions and 特级技师/首席技师 appointments, through actions, pages and the API."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from craftpath.accounts.models import User
from craftpath.competitions.actions import (
    do_apply_promotions,
    do_appoint,
    do_create_competition,
    do_create_post,
    do_end_appointment,
    do_nominate,
    do_record_result,
    import_results,
)
from craftpath.competitions.models import Competition, CompetitionResult
from craftpath.core.models import AuditEvent
from craftpath.core.problems import NotFoundOrForbidden, ProblemError
from craftpath.ladders.actions import evaluate_member
from craftpath.orgs.actions import do_create_organisation
from craftpath.registry.actions import do_add_certificate
from craftpath.registry.models import Certificate, Member
from tests.conftest import Cast, make_id_number

pytestmark = pytest.mark.django_db

WELDER = "6-18-02-04"
AS_OF = dt.date(2026, 6, 1)


def _cert(cast: Cast, member: Member, grade: str, number: str, issued_on: str = "2018-05-01") -> Certificate:
    return do_add_certificate(
        cast.province,
        member,
        {"occupation_code": WELDER, "grade": grade, "issuer": "测试鉴定中心", "number": number, "issued_on": issued_on},
    )


def _national(cast: Cast, held_on: str = "2025-09-01", name: str = "第三届全国技能大赛（测试）") -> Competition:
    return do_create_competition(
        cast.province,
        org=cast.province_org,
        name=name,
        tier="national",
        occupation_code=WELDER,
        held_on=held_on,
        entrants=40,
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _by_member(outcomes: list[dict[str, Any]], member: Member) -> dict[str, Any]:
    return next(o for o in outcomes if o["member_id"] == member.public_id)


def test_national_excellence_promotes_to_technician_with_trace(cast: Cast) -> None:
    comp = _national(cast)
    do_record_result(cast.province, comp, cast.ma, rank=12, prize="优胜奖")
    out = _by_member(do_apply_promotions(cast.province, comp, as_of=AS_OF), cast.ma)
    assert out["status"] == "promoted"
    assert out["new_grade"] == 4
    assert out["certificate_created"] is True
    cert = Certificate.objects.get(member=cast.ma, how="competition")
    assert (cert.grade, cert.occupation_id, cert.issuer, cert.issued_on) == (
        4,
        WELDER,
        cast.province_org.name,
        dt.date(2025, 9, 1),
    )
    event = AuditEvent.objects.get(action="competition_promotion")
    clauses = [t["clause"] for t in event.after["trace"]]
    assert "competitions/national/excellence-or-better" in clauses
    assert all(t["source"] for t in event.after["trace"])
    # the advancement engine sees the new certificate on the member's next evaluation
    rows = evaluate_member(cast.ma, AS_OF).filter(occupation_code=WELDER)
    assert set(rows["current_grade"].to_list()) == {4}
    assert rows["target_grade"].to_list() == [5]


def test_technician_is_promoted_to_senior_technician(cast: Cast) -> None:
    _cert(cast, cast.ma, "技师", "T-1")
    comp = _national(cast)
    do_record_result(cast.province, comp, cast.ma, rank=2, prize="silver")
    out = _by_member(do_apply_promotions(cast.province, comp, as_of=AS_OF), cast.ma)
    assert (out["from_grade"], out["new_grade"], out["status"]) == (4, 5, "promoted")


def test_never_above_senior_technician_and_never_a_post(cast: Cast) -> None:
    _cert(cast, cast.ma, "高级技师", "T-2")
    comp = _national(cast)
    do_record_result(cast.province, comp, cast.ma, rank=1, prize="gold")
    out = _by_member(do_apply_promotions(cast.province, comp, as_of=AS_OF), cast.ma)
    assert out["status"] == "at_or_above_band"
    assert out["certificate_number"] is None
    assert "高级技师" in out["reason_zh"]
    assert "appointed posts" in out["reason_en"]
    assert not Certificate.objects.filter(member=cast.ma, grade__gte=6).exists()
    assert not Certificate.objects.filter(how="competition").exists()


def test_one_competition_promotion_per_year(cast: Cast) -> None:
    spring = _national(cast, "2025-03-01", "春季赛（测试）")
    autumn = _national(cast, "2025-09-01", "秋季赛（测试）")
    do_record_result(cast.province, spring, cast.ma, rank=20, prize="excellence")
    do_record_result(cast.province, autumn, cast.ma, rank=1, prize="gold")
    first = _by_member(do_apply_promotions(cast.province, spring, as_of=AS_OF), cast.ma)
    # the engine sees both results of 2025: both give 技师, the earlier one takes the year's promotion
    assert (first["status"], first["new_grade"]) == ("promoted", 4)
    second = _by_member(do_apply_promotions(cast.province, autumn, as_of=AS_OF), cast.ma)
    assert second["status"] == "capped_this_year"
    assert "一次" in second["reason_zh"]
    assert "one competition promotion" in second["reason_en"]
    assert "春季赛" in second["reason_zh"]
    assert "max_promotions_per_year" in [t["clause"] for t in second["trace"]]
    assert Certificate.objects.filter(member=cast.ma, how="competition").count() == 1
    # a result in the next year is promoted from the grade already won (技师 → 高级技师)
    later = _national(cast, "2026-03-01", "2026赛（测试）")
    do_record_result(cast.province, later, cast.ma, rank=3, prize="bronze")
    third = _by_member(do_apply_promotions(cast.province, later, as_of=AS_OF), cast.ma)
    assert (third["from_grade"], third["new_grade"], third["status"]) == (4, 5, "promoted")


def test_cap_when_the_later_result_is_applied_first(cast: Cast) -> None:
    spring = _national(cast, "2025-03-01", "春季赛（测试）")
    autumn = _national(cast, "2025-09-01", "秋季赛（测试）")
    do_record_result(cast.province, autumn, cast.ma, rank=1, prize="gold")
    assert _by_member(do_apply_promotions(cast.province, autumn, as_of=AS_OF), cast.ma)["status"] == "promoted"
    do_record_result(cast.province, spring, cast.ma, rank=1, prize="gold")
    out = _by_member(do_apply_promotions(cast.province, spring, as_of=AS_OF), cast.ma)
    assert out["status"] == "capped_this_year"
    assert Certificate.objects.filter(member=cast.ma, how="competition").count() == 1


@pytest.fixture
def tianjin(cast: Cast) -> tuple[User, Member]:
    tj = do_create_organisation(
        None, code="T-TJ", name="天津市总工会（测试）", level="provincial", region_code="120000", parent=cast.national
    )
    do_create_organisation(
        None,
        code="T-TJ-001",
        name="河北区机械厂工会（测试）",
        level="grassroots",
        kind="enterprise",
        region_code="120105",
        parent=tj,
    )
    staff = User(username="staff_tj", role="union_staff", org=tj)
    staff.set_password("correct-horse-battery-9")
    staff.save()
    member = do_register_member_tj(staff)
    return staff, member


def do_register_member_tj(staff: User) -> Member:
    from craftpath.registry.actions import do_register_member

    return do_register_member(
        staff,
        {
            "name": "王五",
            "id_number": make_id_number(region="120105"),
            "phone": "13800000009",
            "employment_form": "employee",
            "union_code": "T-TJ-001",
        },
    )


def test_tianjin_table_for_a_tianjin_competition(cast: Cast, tianjin: tuple[User, Member]) -> None:
    staff, member = tianjin
    do_add_certificate(
        staff,
        member,
        {"occupation_code": WELDER, "grade": "技师", "issuer": "天津鉴定", "number": "TJ-1", "issued_on": "2019-01-01"},
    )
    comp = do_create_competition(
        staff,
        org=staff.org,
        name="天津市焊工大赛（测试）",
        tier="city_1",
        occupation_code=WELDER,
        held_on="2025-10-01",
        entrants=60,
        jurisdiction_code="120105",
    )
    do_record_result(staff, comp, member, rank=3, prize="bronze")
    out = _by_member(do_apply_promotions(staff, comp, as_of=AS_OF), member)
    assert (out["from_grade"], out["new_grade"], out["status"]) == (4, 5, "promoted")
    assert [t["clause"] for t in out["trace"]] == ["competitions/tianjin", "competitions/tianjin/city-1/employee"]
    # rank 11 is outside Tianjin's top 10 for 市级一类
    other = do_create_competition(
        staff,
        org=staff.org,
        name="天津市另一大赛（测试）",
        tier="city_1",
        occupation_code=WELDER,
        held_on="2024-10-01",
        entrants=60,
    )
    do_record_result(staff, other, member, rank=11)
    assert _by_member(do_apply_promotions(staff, other, as_of=AS_OF), member)["status"] == "no_band"


def test_rerunning_promotions_creates_nothing_new(cast: Cast) -> None:
    comp = _national(cast)
    do_record_result(cast.province, comp, cast.ma, rank=5, prize="excellence")
    do_record_result(cast.province, comp, cast.mb, rank=30)
    do_apply_promotions(cast.province, comp, as_of=AS_OF)
    certs = Certificate.all_objects.count()
    promotions = AuditEvent.objects.filter(action="competition_promotion").count()
    again = do_apply_promotions(cast.province, comp, as_of=AS_OF)
    assert Certificate.all_objects.count() == certs
    assert AuditEvent.objects.filter(action="competition_promotion").count() == promotions
    assert not any(o["certificate_created"] for o in again)
    assert _by_member(again, cast.ma)["status"] == "promoted"
    assert _by_member(again, cast.mb)["status"] == "no_band"


def _csv(*rows: str) -> bytes:
    return ("身份证号,名次,奖项,是否学生\n" + "\n".join(rows) + "\n").encode()


def test_bad_rows_are_reported_and_nothing_is_written(cast: Cast) -> None:
    comp = _national(cast)
    ma_id = cast.ma.reveal_id_number()
    mb_id = cast.mb.reveal_id_number()
    stranger = make_id_number(birth="19850505")
    data = _csv(f"{ma_id},3,bronze,否", f"{mb_id},41,,否", f"{stranger},4,,否", f"{ma_id},5,,否")
    report = import_results(cast.province, comp, data, "results.csv")
    assert report["saved"] is False
    by_row = {(p["row"], p["code"]) for p in report["problems"]}
    assert {(3, "competition.rank"), (4, "competition.unknown_member"), (5, "competition.duplicate_row")} <= by_row
    assert (0, "competition.file_has_problems") in by_row
    assert all(p["message_zh"] and p["message_en"] for p in report["problems"])
    assert not CompetitionResult.objects.exists()
    good = _csv(f"{ma_id},3,铜牌,否", f"{mb_id},40,,是")
    first = import_results(cast.province, comp, good, "results.csv")
    assert (first["saved"], first["created"]) == (True, 2)
    again = import_results(cast.province, comp, good, "results.csv")
    assert (again["saved"], again["created"], again["unchanged"]) == (True, 0, 2)
    assert CompetitionResult.objects.get(member=cast.mb).is_student is True


def test_staff_b_cannot_record_results_for_a_competition_of_a(cast: Cast) -> None:
    comp = do_create_competition(
        cast.staff_a,
        org=cast.district_a,
        name="玄武区焊工赛（测试）",
        tier="district",
        occupation_code=WELDER,
        held_on="2025-05-01",
        entrants=10,
    )
    with pytest.raises(NotFoundOrForbidden):
        do_record_result(cast.staff_b, comp, cast.mb, rank=1)
    client = _client(cast.staff_b)
    assert client.get(f"/competitions/{comp.public_id}/").status_code == 404
    response = client.post(
        f"/api/competitions/{comp.public_id}/results",
        {"member_id": str(cast.mb.public_id), "rank": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        client.post(f"/api/competitions/{comp.public_id}/promotions", {}, content_type="application/json").status_code
        == 404
    )
    # and staff of A may not record a result for B's member
    with pytest.raises(ProblemError):
        do_record_result(cast.staff_a, comp, cast.mb, rank=1)
    assert not CompetitionResult.objects.exists()


def _post(cast: Cast, quota: int = 1) -> Any:
    return do_create_post(
        cast.staff_a,
        employer=cast.employer_a,
        occupation_code=WELDER,
        grade=6,
        quota=quota,
        valid_from="2024-01-01",
    )


def test_appointment_quota_and_ending(cast: Cast) -> None:
    _cert(cast, cast.ma, "高级技师", "S-1", "2019-01-01")
    _cert(cast, cast.ma_colleague_no_consent, "高级技师", "S-2", "2019-06-01")
    post = _post(cast, quota=1)
    first = do_nominate(cast.staff_a, post, cast.ma)
    second = do_nominate(cast.staff_a, post, cast.ma_colleague_no_consent)
    do_appoint(cast.staff_a, first)
    cert = Certificate.objects.get(member=cast.ma, grade=6)
    assert (cert.how, cert.issuer) == ("appointment", cast.employer_a.name)
    with pytest.raises(ProblemError) as err:
        do_appoint(cast.staff_a, second)
    assert err.value.problems[0].code == "posts.quota_full"
    assert not Certificate.objects.filter(member=cast.ma_colleague_no_consent, grade=6).exists()
    ended = do_end_appointment(cast.staff_a, first)
    assert ended.status == "ended"
    assert ended.end is not None
    assert Certificate.objects.filter(pk=cert.pk).exists()  # kept as history
    do_appoint(cast.staff_a, second)
    assert Certificate.objects.filter(member=cast.ma_colleague_no_consent, grade=6, how="appointment").exists()
    # the appointment is audited
    assert AuditEvent.objects.filter(action="appoint_to_post").count() == 2


def test_nomination_without_senior_technician_is_refused_with_reasons(cast: Cast) -> None:
    _cert(cast, cast.ma, "技师", "S-3")
    post = _post(cast)
    with pytest.raises(ProblemError) as err:
        do_nominate(cast.hr_a, post, cast.ma)
    codes = [p.code for p in err.value.problems]
    assert codes[0] == "posts.not_eligible"
    missing = [p for p in err.value.problems if p.code == "posts.missing_condition"]
    assert missing
    assert missing[0].field == "needs_certificate:5"
    assert "高级技师" in missing[0].zh
    assert "Senior technician" in missing[0].en
    # HR nominates consenting employees only
    with pytest.raises(NotFoundOrForbidden):
        do_nominate(cast.hr_a, post, cast.ma_colleague_no_consent)
    # once 高级技师 is held long enough, HR may nominate
    _cert(cast, cast.ma, "高级技师", "S-4", "2020-01-01")
    appt = do_nominate(cast.hr_a, post, cast.ma)
    assert appt.status == "nominated"
    # HR may not appoint
    with pytest.raises(NotFoundOrForbidden):
        do_appoint(cast.hr_a, appt)


def test_special_technician_never_via_competition(cast: Cast) -> None:
    _cert(cast, cast.ma, "高级技师", "S-5")
    comp = _national(cast)
    do_record_result(cast.province, comp, cast.ma, rank=1, prize="gold")
    do_apply_promotions(cast.province, comp, as_of=AS_OF)
    assert not Certificate.objects.filter(grade__gte=6).exists()
    with pytest.raises(ProblemError) as err:
        do_add_certificate(
            cast.staff_a,
            cast.ma,
            {
                "occupation_code": WELDER,
                "grade": 6,
                "issuer": "x",
                "number": "X-6",
                "issued_on": "2025-01-01",
                "how": "competition",
            },
        )
    assert err.value.problems[0].code == "grade.post_by_exam"


def test_api_and_pages(cast: Cast) -> None:
    staff = _client(cast.province)
    response = staff.post(
        "/api/competitions",
        {
            "name": "API赛（测试）",
            "tier": "national",
            "occupation_code": WELDER,
            "held_on": "2025-09-01",
            "entrants": 20,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pid = response.json()["public_id"]
    response = staff.post(
        f"/api/competitions/{pid}/results",
        {"member_id": str(cast.ma.public_id), "rank": 25, "prize": "none"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "competition.rank"
    response = staff.post(
        f"/api/competitions/{pid}/results",
        {"member_id": str(cast.ma.public_id), "rank": 4, "prize": "excellence"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = staff.post(
        f"/api/competitions/{pid}/promotions", {"as_of": "2026-06-01"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()[0]["status"] == "promoted"
    assert staff.get(f"/competitions/{pid}/").status_code == 200
    assert staff.get("/competitions/").status_code == 200
    member = _client(cast.member_a)
    mine = member.get("/api/competitions/me/results").json()
    assert mine[0]["status"] == "promoted"
    assert mine[0]["new_grade"] == 4
    assert member.get("/competitions/me/").status_code == 200
    assert _client(cast.member_b).get("/api/competitions/me/results").json() == []
    # posts: page and eligibility list with the missing conditions
    post = _post(cast)
    hr = _client(cast.hr_a)
    rows = hr.get(f"/api/competitions/posts/{post.public_id}/eligibility").json()
    assert [r["name"] for r in rows] == [cast.ma.name]  # consenting employees only
    assert rows[0]["eligible"] is False
    assert rows[0]["missing"][0]["zh"]
    assert hr.get(f"/competitions/posts/{post.public_id}/").status_code == 200
    assert _client(cast.staff_b).get(f"/competitions/posts/{post.public_id}/").status_code == 404
    assert _client(cast.staff_a).get("/competitions/posts/").status_code == 200


def test_pages_record_upload_and_appoint(cast: Cast) -> None:
    comp = do_create_competition(
        cast.staff_a,
        org=cast.district_a,
        name="玄武区焊工赛（测试）",
        tier="district",
        occupation_code=WELDER,
        held_on="2025-05-01",
        entrants=10,
    )
    staff = _client(cast.staff_a)
    ma_id = cast.ma.reveal_id_number()
    bad = io.BytesIO(_csv(f"{ma_id},11,,否"))
    bad.name = "results.csv"
    staff.post(f"/competitions/{comp.public_id}/upload/", {"file": bad})
    page = staff.get(f"/competitions/{comp.public_id}/").content.decode()
    assert "名次“11”无效" in page
    assert not CompetitionResult.objects.exists()
    response = staff.post(
        f"/competitions/{comp.public_id}/results/", {"id_number": ma_id, "rank": "1", "prize": "gold"}
    )
    assert response.status_code == 302
    assert CompetitionResult.objects.get(member=cast.ma).rank == 1
    assert staff.post(f"/competitions/{comp.public_id}/promotions/").status_code == 302
    assert CompetitionResult.objects.get(member=cast.ma).outcome == "no_table"  # Jiangsu has no table
    assert "没有竞赛晋升规则" in staff.get(f"/competitions/{comp.public_id}/").content.decode()
    _cert(cast, cast.ma, "高级技师", "S-9", "2019-01-01")
    post = _post(cast)
    assert (
        staff.post(f"/competitions/posts/{post.public_id}/nominate/", {"member_id": str(cast.ma.public_id)}).status_code
        == 302
    )
    appt = post.appointments.get()
    assert staff.get(f"/competitions/posts/{post.public_id}/").status_code == 200
    assert staff.post(f"/competitions/appointments/{appt.public_id}/appoint/", {"date": ""}).status_code == 302
    appt.refresh_from_db()
    assert appt.status == "appointed"
    assert _client(cast.staff_b).post(f"/competitions/appointments/{appt.public_id}/end/").status_code == 404
    assert staff.post(f"/competitions/appointments/{appt.public_id}/end/", {"date": ""}).status_code == 302
    appt.refresh_from_db()
    assert appt.status == "ended"
    me = _client(cast.member_a).get("/competitions/me/").content.decode()
    assert cast.employer_a.name in me


@pytest.mark.django_db(transaction=True)
def test_two_appointments_at_once_take_one_place(cast: Cast) -> None:
    """The second appointment waits (PostgreSQL: row lock, SQLite: write lock) and finds the quota full."""
    _cert(cast, cast.ma, "高级技师", "C-1", "2019-01-01")
    _cert(cast, cast.ma_colleague_no_consent, "高级技师", "C-2", "2019-01-01")
    post = _post(cast, quota=1)
    nominees = [do_nominate(cast.staff_a, post, m) for m in (cast.ma, cast.ma_colleague_no_consent)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(appt: Any) -> None:
        try:
            barrier.wait()
            do_appoint(cast.staff_a, appt)
            outcomes.append("ok")
        except ProblemError as exc:
            outcomes.append(exc.problems[0].code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in nominees]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "posts.quota_full"]
    assert Certificate.objects.filter(grade=6).count() == 1


def test_api_upload_and_refused_nomination(cast: Cast) -> None:
    comp = _national(cast)
    staff = _client(cast.province)
    sheet = io.BytesIO(_csv(f"{cast.ma.reveal_id_number()},99,,否"))
    sheet.name = "results.csv"
    response = staff.post(f"/api/competitions/{comp.public_id}/results/upload", {"file": sheet})
    assert response.status_code == 422
    body = response.json()
    assert body["saved"] is False
    assert {p["code"] for p in body["problems"]} == {"competition.file_has_problems", "competition.rank"}
    sheet = io.BytesIO(_csv(f"{cast.ma.reveal_id_number()},9,excellence,否"))
    sheet.name = "results.csv"
    response = staff.post(f"/api/competitions/{comp.public_id}/results/upload", {"file": sheet})
    assert response.status_code == 200
    assert response.json()["created"] == 1
    post = _post(cast)
    response = _client(cast.hr_a).post(
        f"/api/competitions/posts/{post.public_id}/nominations",
        {"member_id": str(cast.ma.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems[0]["code"] == "posts.not_eligible"
    assert problems[1]["field"] == "needs_certificate:5"
    assert "高级技师" in problems[1]["message_zh"]
    assert "Senior technician" in problems[1]["message_en"]


def test_create_pages(cast: Cast) -> None:
    staff = _client(cast.staff_a)
    response = staff.post(
        "/competitions/new/",
        {
            "name": "区赛（测试）",
            "org_code": "T-XW",
            "tier": "district",
            "event_size": "1",
            "occupation_code": WELDER,
            "held_on": "2025-04-01",
            "entrants": "12",
        },
    )
    comp = Competition.objects.get(name="区赛（测试）")
    assert response["Location"].endswith(f"/competitions/{comp.public_id}/")
    assert comp.jurisdiction_id == "320102"
    response = staff.post("/competitions/new/", {"name": "", "tier": "galaxy", "entrants": "0"})
    assert response.status_code == 302
    assert Competition.objects.count() == 1
    response = staff.post(
        "/competitions/posts/new/",
        {
            "employer_credit_code": cast.employer_a.credit_code,
            "occupation_code": WELDER,
            "grade": "7",
            "quota": "2",
            "valid_from": "2024-01-01",
        },
    )
    assert response.status_code == 302
    assert "/competitions/posts/" in response["Location"]
    assert (
        _client(cast.staff_b)
        .post("/competitions/posts/new/", {"employer_credit_code": cast.employer_a.credit_code})
        .status_code
        == 404
    )
    assert _client(cast.member_a).post("/competitions/new/", {}).status_code == 404
