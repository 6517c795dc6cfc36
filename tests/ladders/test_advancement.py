"""Advancement surfaces: a member's next grade, batch runs, staff lists, export, CLI."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from craftpath.ladders.actions import do_start_eligibility_run, execute_run
from craftpath.registry.actions import do_add_certificate, do_add_history
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def careers(cast: Cast) -> Cast:
    # ma: welder since 2010 with 五级 in 2012 → 四级 due (4 yrs after 五级), 三级 needs 四级 first.
    do_add_history(cast.staff_a, cast.ma, {"occupation_code": "6-18-02-04", "start": "2010-03-01"})
    do_add_certificate(
        cast.staff_a,
        cast.ma,
        {
            "occupation_code": "6-18-02-04",
            "grade": "初级工",
            "issuer": "测试中心",
            "number": "A-1",
            "issued_on": "2012-05-01",
        },
    )
    # mb: rider since 2024-01-01 → 五级 (1 year) now; nothing else.
    do_add_history(cast.staff_b, cast.mb, {"occupation_code": "4-02-07-10", "start": "2024-01-01"})
    return cast


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_next_grade_api(careers: Cast) -> None:
    response = _client(careers.member_a).get(
        f"/api/ladders/members/{careers.ma.public_id}/next-grade", {"as_of": "2026-06-01"}
    )
    assert response.status_code == 200
    rows = {r["target_grade"]: r for r in response.json()["rows"] if r["occupation_code"] == "6-18-02-04"}
    assert rows[2]["eligible"] is True
    assert rows[2]["route"]
    assert rows[2]["trace"]
    assert all(t["source"] for t in rows[2]["trace"])  # every clause cited names its source
    assert rows[3]["eligible"] is False
    assert any(m["code"].startswith("needs_certificate:2") for m in rows[3]["missing"])
    assert all(m["zh"] and m["en"] for m in rows[3]["missing"])


def test_title_pathway_is_separate(careers: Cast) -> None:
    do_add_certificate(
        careers.staff_a,
        careers.ma,
        {
            "occupation_code": "6-18-02-04",
            "grade": "高级工",
            "issuer": "测试中心",
            "number": "A-3",
            "issued_on": "2020-05-01",
        },
    )
    body = (
        _client(careers.member_a)
        .get(f"/api/ladders/members/{careers.ma.public_id}/next-grade", {"as_of": "2026-06-01"})
        .json()
    )
    titles = {t["title_zh"]: t for t in body["title_pathway"]}
    assert titles["助理工程师"]["eligible"] is True  # 高级工 held since 2020, 2 years needed
    assert titles["助理工程师"]["trace"][0]["source"]


def test_next_grade_is_scoped(careers: Cast) -> None:
    url = f"/api/ladders/members/{careers.ma.public_id}/next-grade"
    assert _client(careers.member_b).get(url).status_code == 404
    assert _client(careers.staff_b).get(url).status_code == 404
    assert _client(careers.hr_a).get(url).status_code == 404
    assert _client(careers.staff_a).get(url).status_code == 200


def test_member_page_in_both_languages(careers: Cast) -> None:
    client = _client(careers.member_a)
    zh = client.get("/ladders/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    assert "中级工" in zh.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/ladders/me/"})
    en = client.get("/ladders/me/")
    assert "Intermediate worker" in en.content.decode()


def test_batch_run_lists_only_my_subtree(careers: Cast, tmp_path: Path) -> None:
    run = do_start_eligibility_run(careers.province, careers.province_org, AS_OF, background=False)
    run = execute_run(run.pk, out=tmp_path / "r.parquet")
    assert run.status == "done"
    assert run.members_done == 3
    assert run.eligible_now >= 2
    frame = pl.read_parquet(tmp_path / "r.parquet")
    assert set(frame["member_id"].to_list()) == {careers.ma.pk, careers.mb.pk}  # the colleague has no history
    a_names = {r["name"] for r in _client(careers.staff_a).get("/api/ladders/eligible").json()["items"]}
    b_names = {r["name"] for r in _client(careers.staff_b).get("/api/ladders/eligible").json()["items"]}
    assert a_names == {"张三"}
    assert b_names == {"李四"}
    page = _client(careers.staff_a).get("/ladders/eligible/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "张三" in page
    assert "李四" not in page
    assert "national-2018/" not in page  # routes are shown as the conditions they ask for, not rule ids
    assert "工作满" in page or "证书" in page
    export = _client(careers.staff_a).get("/ladders/eligible/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names
    assert set(names) == {"张三"}


def test_start_run_api_and_progress(careers: Cast) -> None:
    response = _client(careers.staff_a).post(
        "/api/ladders/runs", {"as_of": "2026-06-01"}, content_type="application/json"
    )
    assert response.status_code == 202
    run_id = response.json()["public_id"]
    assert _client(careers.staff_b).get(f"/api/ladders/runs/{run_id}").status_code == 404
    assert (
        _client(careers.member_a)
        .post("/api/ladders/runs", {"as_of": "2026-06-01"}, content_type="application/json")
        .status_code
        == 404
    )


def test_advance_command_writes_csv(careers: Cast, tmp_path: Path) -> None:
    out = tmp_path / "adv.csv"
    call_command("advance", "--as-of", "2026-06-01", "--org", "T-NJ", "--out", str(out), stdout=io.StringIO())
    frame = pl.read_csv(out)
    assert {"member_id", "occupation_code", "target_grade", "eligible", "earliest_date", "missing"} <= set(
        frame.columns
    )
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("advance", "--as-of", "2026-13-01", "--out", str(out))
    with pytest.raises(CommandError, match="T-NOPE"):
        call_command("advance", "--as-of", "2026-06-01", "--org", "T-NOPE", "--out", str(out))


def test_whatif_shows_who_gains(careers: Cast, tmp_path: Path) -> None:
    from craftpath.engines.rules import RULEBOOK_DIR

    shipped = (RULEBOOK_DIR / "national-2018.yaml").read_text(encoding="utf-8")
    proposal = tmp_path / "national-2018.yaml"
    out = tmp_path / "changes.csv"
    # A stricter proposal is a real rulebook file: validate that a syntax error is refused clearly.
    proposal.write_text("ladder: [", encoding="utf-8")
    with pytest.raises(CommandError, match="rulebook error"):
        call_command(
            "whatif", "--as-of", "2026-06-01", "--replace", f"national-2018.yaml={proposal}", stdout=io.StringIO()
        )
    proposal.write_text(shipped, encoding="utf-8")
    buf = io.StringIO()
    call_command(
        "whatif", "--as-of", "2026-06-01", "--replace", f"national-2018.yaml={proposal}", "--out", str(out), stdout=buf
    )
    assert "0 members change status" in buf.getvalue()  # the same rules change nobody


def test_member_page_shows_title_pathway(careers: Cast) -> None:
    do_add_certificate(
        careers.staff_a,
        careers.ma,
        {
            "occupation_code": "6-18-02-04",
            "grade": "高级工",
            "issuer": "测试中心",
            "number": "A-4",
            "issued_on": "2020-05-01",
        },
    )
    page = _client(careers.member_a).get("/ladders/me/").content.decode()
    assert "助理工程师" in page


def test_whatif_api(careers: Cast) -> None:
    from craftpath.engines.rules import RULEBOOK_DIR

    client = _client(careers.province)
    shipped = (RULEBOOK_DIR / "national-2018.yaml").read_text(encoding="utf-8")
    same = client.post(
        "/api/ladders/whatif",
        {"as_of": "2026-06-01", "replace_file": "national-2018.yaml", "proposed_text": shipped},
        content_type="application/json",
    )
    assert same.status_code == 200, same.json()
    assert same.json()["members_changing"] == 0
    bad = client.post(
        "/api/ladders/whatif",
        {"as_of": "2026-06-01", "replace_file": "national-2018.yaml", "proposed_text": "ladder: ["},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["code"] == "rulebook.invalid"
    assert "national-2018.yaml" in bad.json()["problems"][0]["message_en"]
    assert (
        _client(careers.member_a)
        .post(
            "/api/ladders/whatif",
            {"as_of": "2026-06-01", "replace_file": "national-2018.yaml", "proposed_text": shipped},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_whatif_api_counts_who_loses(careers: Cast) -> None:
    from craftpath.engines.rules import RULEBOOK_DIR

    shipped = (RULEBOOK_DIR / "national-2018.yaml").read_text(encoding="utf-8")
    stricter = shipped.replace(
        "- certificate: {grade: 1, years_after: 4}", "- certificate: {grade: 1, years_after: 20}"
    )
    years_route = "      - id: national-2018/2/years\n        source: *tpl\n        conditions:\n"
    stricter = stricter.replace(
        years_route + "          - years_in_occupation: 6", years_route + "          - years_in_occupation: 20"
    )
    assert stricter != shipped
    body = (
        _client(careers.province)
        .post(
            "/api/ladders/whatif",
            {"as_of": "2026-06-01", "replace_file": "national-2018.yaml", "proposed_text": stricter},
            content_type="application/json",
        )
        .json()
    )
    assert body["members_changing"] == 2
    groups = {g["org_code"]: g for g in body["by_union"]}
    assert groups["T-XW-001"]["loses"] >= 1  # the welder may apply for 中级工 now, not under the proposal
    assert groups["T-QH-001"]["later"] >= 1  # the rider reaches 中级工 by years later than before
    assert groups["T-QH-001"]["loses"] == 0
