"""Importing members, histories, diplomas and certificates from XLSX and CSV (real database)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook
from tests.registry.conftest import (
    CERT_HEADER,
    HISTORY_HEADER,
    MEMBER_HEADER,
    OCC,
    OCC2,
    Tree,
    fake_id,
    member_row,
    standard_sheets,
    write_csv,
    write_xlsx,
)

from craftpath.core import crypto
from craftpath.core.models import AuditEvent
from craftpath.registry.import_read import read_all
from craftpath.registry.importing import ImportOptions, ImportResult, create_batch, run_import
from craftpath.registry.models import Certificate, Diploma, ImportBatch, Member, OccupationHistory
from craftpath.taxonomy.models import Occupation

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "craftpath" / "data" / "templates"


def run(tree: Tree, path: Path, *, actor: Any = None, **options: Any) -> tuple[ImportResult, ImportBatch]:
    actor = actor or tree.staff
    batch = create_batch(
        actor=actor, org=actor.org, path=path, file_name=path.name, all_or_nothing=options.get("all_or_nothing", False)
    )
    result = run_import(path, actor=actor, scope_org=actor.org, options=ImportOptions(**options), batch=batch)
    batch.refresh_from_db()
    return result, batch


def codes(result: ImportResult) -> list[str]:
    return [p["code"] for p in result.problems]


def snapshot() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Member, OccupationHistory, Diploma, Certificate)}


# --- happy paths ------------------------------------------------------------------------------


def test_xlsx_happy_path(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id(), fake_id("19851231"), fake_id("19920615")]
    result, batch = run(tree, write_xlsx(tmp_path / "members.xlsx", standard_sheets(ids)))
    assert result.problems == []
    assert (batch.status, batch.rows_total, batch.rows_created, batch.rows_failed) == ("done", 3 + 6 + 1 + 3, 13, 0)
    assert batch.rows_done == batch.rows_total
    member = Member.objects.get(id_hash=crypto.lookup_hash(ids[0]))
    assert member.name == "会员0"
    assert member.employment_form == "employee"
    assert member.union == tree.union
    assert member.employer == tree.employer
    assert member.consent_employer
    assert not member.consent_job_matching
    assert member.reveal_id_number() == ids[0]
    assert member.reveal_phone() == "13912345678"
    assert member.org_path == tree.union.path
    assert member.birth_date == dt.date(1990, 1, 1)
    assert OccupationHistory.objects.filter(member=member).count() == 2
    assert OccupationHistory.objects.get(member=member, occupation_id=OCC2).end is None
    assert Diploma.objects.get(member=member).kind == "technician_college"
    grades = sorted(Certificate.objects.values_list("grade", flat=True))
    assert grades == [3, 3, 3]  # 三级 and 高级工 are the same grade
    created = AuditEvent.objects.filter(action="import_member", kind="create")
    assert created.count() == 3
    assert ids[0] not in str(list(AuditEvent.objects.values_list("before", "after")))
    assert AuditEvent.objects.filter(kind="import", object_id=str(batch.public_id)).count() == 1


def test_csv_with_record_type(tree: Tree, tmp_path: Path) -> None:
    a, b = fake_id(), fake_id("19880808")
    header = [
        "记录类型",
        "姓名",
        "身份证号码",
        "手机号码",
        "就业形态",
        "基层工会编码",
        "职业编码",
        "开始日期",
        "技能等级",
        "发证机构",
        "证书编号",
        "发证日期",
    ]
    rows = [
        header,
        [
            "证书",
            "",
            a,
            "",
            "",
            "",
            OCC,
            "",
            "四级",
            "南京鉴定中心",
            "C-1",
            "2015-01-01",
        ],  # before its member: still fine
        ["会员", "甲", a, "", "新就业形态劳动者", "I-XW-001", "", "", "", "", "", ""],
        ["会员", "乙", b, "139 1234 5678", "灵活就业", "I-XW-001", "", "", "", "", "", ""],
        ["职业经历", "", b, "", "", "", OCC, "2012/3/1", "", "", "", ""],
    ]
    result, batch = run(tree, write_csv(tmp_path / "mixed.csv", rows))
    assert result.problems == []
    assert batch.rows_created == 4
    first = Member.objects.get(id_hash=crypto.lookup_hash(a))
    assert first.employment_form == "platform"
    assert first.certificates.get().grade == 2
    second = Member.objects.get(id_hash=crypto.lookup_hash(b))
    assert second.phone_masked == "139****5678"
    assert second.histories.get().start == dt.date(2012, 3, 1)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(tree: Tree, tmp_path: Path, encoding: str) -> None:
    ids = [fake_id() for _ in range(3)]
    rows = [
        MEMBER_HEADER,
        *[
            member_row(i, name, form="新就业形态劳动者")
            for i, name in zip(ids, ["欧阳修", "李清照", "辛弃疾"], strict=True)
        ],
    ]
    path = write_csv(tmp_path / f"members-{encoding}.csv", rows, encoding=encoding)
    if encoding == "gbk":
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    result, batch = run(tree, path)
    assert result.problems == []
    assert batch.rows_created == 3
    assert sorted(Member.objects.values_list("name", flat=True)) == sorted(["欧阳修", "李清照", "辛弃疾"])


def test_english_headers_and_values(tree: Tree, tmp_path: Path) -> None:
    i = fake_id()
    rows = [
        ["name", "id_number", "employment_form", "union_code", "consent_job_matching"],
        ["Wang Wu", i.lower(), "unemployed", "I-XW-001", "yes"],
    ]
    result, _ = run(tree, write_csv(tmp_path / "en.csv", rows))
    assert result.problems == []
    member = Member.objects.get()
    assert member.employment_form == "unemployed"
    assert member.consent_job_matching
    assert member.phone_sealed == ""


def test_shipped_templates_read(tree: Tree) -> None:
    for name in ("member-import-template.xlsx", "member-import-template.csv"):
        tables = read_all(TEMPLATES / name)
        assert {k: len(v) for k, v in tables.items()} == {
            "members": 1,
            "histories": 1,
            "diplomas": 1,
            "certificates": 1,
        }
        assert tables["members"][0][0] == 2  # header is row 1


# --- row problems -----------------------------------------------------------------------------


def test_bad_id_checksum_is_reported_masked_and_others_import(tree: Tree, tmp_path: Path) -> None:
    good = fake_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    sheets = {"Members": [MEMBER_HEADER, member_row(good), member_row(bad, "错号")]}
    result, batch = run(tree, write_xlsx(tmp_path / "m.xlsx", sheets))
    assert codes(result) == ["id.checksum"]
    problem = result.problems[0]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Members", 3, "身份证号码")
    assert problem["value"] == bad[:6] + "********" + bad[-4:]
    assert "校验位" in problem["zh"]
    assert "check character" in problem["en"]
    assert (batch.rows_created, batch.rows_failed) == (1, 1)


def _one_member_with(
    tree: Tree, tmp_path: Path, sheet: str, header: list[str], row: list[Any], birth: str = "19900101"
) -> tuple[ImportResult, ImportBatch]:
    i = fake_id(birth)
    sheets = {"Members": [MEMBER_HEADER, member_row(i)], sheet: [header, [i, *row]]}
    return run(tree, write_xlsx(tmp_path / f"{sheet}.xlsx", sheets))


def test_unknown_occupation(tree: Tree, tmp_path: Path) -> None:
    result, batch = _one_member_with(tree, tmp_path, "Histories", HISTORY_HEADER, ["6-99-99-99", "2015-01-01", "", ""])
    assert codes(result) == ["occupation.unknown"]
    assert result.problems[0]["column"] == "职业编码"
    assert result.problems[0]["value"] == "6-99-99-99"
    assert (batch.rows_created, batch.rows_failed) == (1, 1)


def test_history_ending_before_start(tree: Tree, tmp_path: Path) -> None:
    result, _ = _one_member_with(tree, tmp_path, "Histories", HISTORY_HEADER, [OCC, "2015-01-01", "2014-12-31", ""])
    assert codes(result) == ["date.end_before_start"]
    assert OccupationHistory.objects.count() == 0


def test_future_dates(tree: Tree, tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    i = fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(i)],
        "Histories": [HISTORY_HEADER, [i, OCC, future, "", ""]],
        "Certificates": [CERT_HEADER, [i, OCC, "初级工", "鉴定中心", "F-1", future, ""]],
    }
    result, batch = run(tree, write_xlsx(tmp_path / "future.xlsx", sheets))
    assert codes(result) == ["date.future", "date.future"]
    assert [p["sheet"] for p in result.problems] == ["Histories", "Certificates"]
    assert batch.rows_failed == 2


def test_certificate_for_grade_the_occupation_lacks(tree: Tree, tmp_path: Path) -> None:
    Occupation.objects.filter(code=OCC).update(grades=[1, 2, 3])
    result, _ = _one_member_with(
        tree, tmp_path, "Certificates", CERT_HEADER, [OCC, "技师", "鉴定中心", "G-1", "2020-01-01", ""]
    )
    assert codes(result) == ["grade.not_in_occupation"]
    assert result.problems[0]["column"] == "技能等级"


def test_certificate_grade_written_as_on_a_certificate(tree: Tree, tmp_path: Path) -> None:
    """A bare number in a file is the national level people copy off a certificate (4 = 四级 =
    中级工), as the pages label grades, never the rank (4 = 技师); traditional names and
    ``level N`` read too; 7 has no level number and is refused with the way to write it."""
    i = fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(i)],
        "Certificates": [
            CERT_HEADER,
            [i, OCC, 4, "鉴定中心", "B-1", "2016-01-01", ""],  # a number cell
            [i, OCC, "3", "鉴定中心", "B-2", "2017-01-01", ""],
            [i, OCC, "高級工", "鉴定中心", "B-3", "2018-01-01", ""],
            [i, OCC, "level 2", "鉴定中心", "B-4", "2019-01-01", ""],
            [i, OCC, "7", "鉴定中心", "B-5", "2020-01-01", "聘任"],
        ],
    }
    result, batch = run(tree, write_xlsx(tmp_path / "levels.xlsx", sheets))
    by_number = dict(Certificate.objects.values_list("number", "grade"))
    assert by_number == {"B-1": 2, "B-2": 3, "B-3": 3, "B-4": 4}
    assert codes(result) == ["grade.bare_number"]
    problem = result.problems[0]
    assert problem["column"] == "技能等级"
    assert (problem["row"], problem["value"]) == (6, "7")
    assert "4 即四级（中级工）" in problem["zh"]
    assert "首席技师" in problem["zh"]
    assert "write the name" in problem["en"]
    assert batch.rows_failed == 1


def test_certificate_before_sixteen(tree: Tree, tmp_path: Path) -> None:
    result, _ = _one_member_with(
        tree,
        tmp_path,
        "Certificates",
        CERT_HEADER,
        [OCC, "初级工", "鉴定中心", "Y-1", "2005-06-01", ""],
        birth="19900101",
    )
    assert codes(result) == ["certificate.too_young"]
    assert Certificate.objects.count() == 0


def test_duplicate_member_in_file(tree: Tree, tmp_path: Path) -> None:
    i, j = fake_id(), fake_id()
    sheets = {"Members": [MEMBER_HEADER, member_row(i, "张三"), member_row(j), member_row(i, "张叁"), member_row(j)]}
    result, batch = run(tree, write_xlsx(tmp_path / "dup.xlsx", sheets))
    assert codes(result) == ["import.row_conflict"]
    assert result.problems[0]["row"] == 4
    assert "第 2 行" in result.problems[0]["zh"]
    assert (batch.rows_created, batch.rows_unchanged, batch.rows_failed) == (2, 1, 1)
    assert Member.objects.get(id_hash=crypto.lookup_hash(i)).name == "张三"


def test_certificate_number_of_another_member(tree: Tree, tmp_path: Path) -> None:
    i, j = fake_id(), fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(i), member_row(j)],
        "Certificates": [
            CERT_HEADER,
            [i, OCC, "三级", "鉴定中心", "SAME-1", "2018-01-01", ""],
            [j, OCC, "三级", "鉴定中心", "SAME-1", "2018-01-01", ""],
        ],
    }
    result, _ = run(tree, write_xlsx(tmp_path / "c.xlsx", sheets))
    assert codes(result) == ["certificate.duplicate"]
    # and against the registry on a later import
    k = fake_id()
    again = {
        "Members": [MEMBER_HEADER, member_row(k)],
        "Certificates": [CERT_HEADER, [k, OCC, "三级", "鉴定中心", "SAME-1", "2018-01-01", ""]],
    }
    result, _ = run(tree, write_xlsx(tmp_path / "c2.xlsx", again))
    assert codes(result) == ["certificate.duplicate"]
    assert Certificate.objects.count() == 1


def test_facts_for_unknown_members(tree: Tree, tmp_path: Path) -> None:
    stranger, refused = fake_id(), fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(refused, union="NO-SUCH-UNION")],
        "Histories": [HISTORY_HEADER, [stranger, OCC, "2015-01-01", "", ""], [refused, OCC, "2015-01-01", "", ""]],
    }
    result, _ = run(tree, write_xlsx(tmp_path / "u.xlsx", sheets))
    assert codes(result) == ["org.unknown", "import.unknown_member", "import.member_row_failed"]


def test_other_union_subtree_refused(tree: Tree, tmp_path: Path) -> None:
    theirs = fake_id("19900101", "320104")
    # another district's member already in the registry
    run(
        tree,
        write_xlsx(
            tmp_path / "b.xlsx", {"Members": [MEMBER_HEADER, member_row(theirs, union="I-QH-001", employer="")]}
        ),
        actor=tree.other_staff,
    )
    mine = fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(mine, union="I-QH-001", employer=""), member_row(theirs, employer="")],
        "Certificates": [CERT_HEADER, [theirs, OCC, "三级", "鉴定中心", "X-1", "2018-01-01", ""]],
    }
    result, batch = run(tree, write_xlsx(tmp_path / "a.xlsx", sheets))
    assert codes(result) == ["member.union_forbidden", "member.duplicate", "import.member_row_failed"]
    assert "另一工会" in result.problems[1]["zh"]
    assert "秦淮" not in result.problems[1]["zh"]
    assert batch.rows_created == 0
    assert Member.objects.count() == 1
    # the city federation covers both districts
    result, batch = run(tree, write_xlsx(tmp_path / "a.xlsx", sheets), actor=tree.city_staff)
    assert result.problems == []
    assert batch.rows_created == 2
    assert batch.rows_updated == 1


def test_update_existing_member_is_audited(tree: Tree, tmp_path: Path) -> None:
    i = fake_id()
    run(tree, write_xlsx(tmp_path / "1.xlsx", {"Members": [MEMBER_HEADER, member_row(i, phone="13900000001")]}))
    member = Member.objects.get()
    result, batch = run(
        tree,
        write_xlsx(
            tmp_path / "2.xlsx",
            {"Members": [MEMBER_HEADER, member_row(i, "王五", phone="13900000002", form="灵活就业")]},
        ),
    )
    assert batch.rows_updated == 1
    assert result.problems == []
    member.refresh_from_db()
    assert member.reveal_phone() == "13900000002"
    assert member.employment_form == "flexible"
    assert member.version == 2
    event = AuditEvent.objects.get(kind="update", action="import_member")
    assert event.before == {"phone_masked": "139****0001", "employment_form": "employee"}
    assert event.after == {"phone_masked": "139****0002", "employment_form": "flexible"}


# --- idempotency and all-or-nothing -----------------------------------------------------------


def test_reimport_changes_nothing(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id() for _ in range(4)]
    path = write_xlsx(tmp_path / "same.xlsx", standard_sheets(ids))
    run(tree, path)
    counts, events = snapshot(), AuditEvent.objects.count()
    versions = dict(Member.objects.values_list("pk", "version"))
    _, batch = run(tree, path)
    assert snapshot() == counts
    assert AuditEvent.objects.count() == events + 1  # the batch event only
    assert dict(Member.objects.values_list("pk", "version")) == versions
    assert (batch.rows_created, batch.rows_updated, batch.rows_failed) == (0, 0, 0)
    assert batch.rows_unchanged == batch.rows_total == 4 + 8 + 1 + 4
    # the CSV form of the same members is also "unchanged"
    rows = [MEMBER_HEADER, *[member_row(i, f"会员{n}") for n, i in enumerate(ids)]]
    _result, batch = run(tree, write_csv(tmp_path / "same.csv", rows, "gbk"))
    assert batch.rows_unchanged == 4
    assert snapshot() == counts


def test_all_or_nothing_writes_nothing_on_one_bad_row(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id() for _ in range(5)]
    sheets = standard_sheets(ids)
    sheets["证书 Certificates"].append([ids[1], OCC, "九级", "鉴定中心", "Z-1", "2018-01-01", ""])
    before, events = snapshot(), AuditEvent.objects.count()
    result, batch = run(tree, write_xlsx(tmp_path / "aon.xlsx", sheets), all_or_nothing=True, chunk_size=3)
    assert snapshot() == before
    assert AuditEvent.objects.count() == events + 1
    assert codes(result) == ["import.all_or_nothing", "grade.unknown"]
    assert (batch.rows_created, batch.rows_failed, batch.status) == (0, 1, "done")
    # without the bad row it all goes in, in one go
    sheets["证书 Certificates"].pop()
    result, batch = run(tree, write_xlsx(tmp_path / "aon2.xlsx", sheets), all_or_nothing=True, chunk_size=3)
    assert result.problems == []
    assert batch.rows_created == 5 + 10 + 1 + 5
    assert Member.objects.count() == 5


def test_dry_run_writes_nothing(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id() for _ in range(3)]
    result = run_import(
        write_xlsx(tmp_path / "d.xlsx", standard_sheets(ids)),
        actor=tree.staff,
        scope_org=tree.district,
        options=ImportOptions(dry_run=True, chunk_size=2),
    )
    assert result.problems == []
    assert result.counts["created"] == 3 + 6 + 1 + 3
    assert snapshot() == {"Member": 0, "OccupationHistory": 0, "Diploma": 0, "Certificate": 0}


def test_small_chunks_give_the_same_answer(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id() for _ in range(7)]
    sheets = standard_sheets(ids)
    sheets["会员 Members"].append(member_row(ids[2], "改名"))  # conflict in a later chunk
    result, batch = run(tree, write_xlsx(tmp_path / "chunks.xlsx", sheets), chunk_size=2)
    assert codes(result) == ["import.row_conflict"]
    assert batch.rows_created == 7 + 14 + 1 + 7


# --- whole-file problems ----------------------------------------------------------------------


def _file_problem(tree: Tree, path: Path) -> str:
    result, batch = run(tree, path)
    assert batch.status == "failed"
    assert len(result.problems) == 1
    assert snapshot() == {"Member": 0, "OccupationHistory": 0, "Diploma": 0, "Certificate": 0}
    assert result.problems[0]["zh"]
    assert result.problems[0]["en"]
    return result.problems[0]["code"]


def test_malformed_xlsx(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    path.write_bytes(os.urandom(4096))
    assert _file_problem(tree, path) == "file.format"
    zipped = tmp_path / "zip.xlsx"
    zipped.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    assert _file_problem(tree, zipped) == "file.format"


def test_binary_named_csv(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(bytes(range(256)) * 20)
    assert _file_problem(tree, path) in {"file.format", "file.encoding"}


def test_empty_files(tree: Tree, tmp_path: Path) -> None:
    assert _file_problem(tree, write_csv(tmp_path / "e.csv", [])) == "file.empty"
    assert _file_problem(tree, write_csv(tmp_path / "h.csv", [MEMBER_HEADER])) == "file.empty"
    assert _file_problem(tree, write_xlsx(tmp_path / "h.xlsx", {"Members": [MEMBER_HEADER]})) == "file.empty"


def test_missing_columns(tree: Tree, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号码", "手机号码"], ["王五", fake_id(), "13900000000"]]
    assert _file_problem(tree, write_xlsx(tmp_path / "m.xlsx", {"会员": rows})) == "file.columns"
    result, _ = run(tree, write_csv(tmp_path / "m.csv", rows))
    assert "就业形态" in result.problems[0]["zh"]
    assert "employment_form" in result.problems[0]["en"]
    certs = {
        "Members": [MEMBER_HEADER, member_row(fake_id())],
        "Certificates": [["身份证号码", "证书编号"], ["x", "y"]],
    }
    assert _file_problem(tree, write_xlsx(tmp_path / "c.xlsx", certs)) == "file.columns"
    assert _file_problem(tree, write_xlsx(tmp_path / "s.xlsx", {"Sheet1": rows})) == "file.columns"


def test_oversize_file(tree: Tree, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100
    rows = [MEMBER_HEADER, member_row(fake_id()), member_row(fake_id())]
    result, _ = run(tree, write_csv(tmp_path / "big.csv", rows))
    assert codes(result) == ["file.too_large"]
    assert "100 B" in result.problems[0]["zh"]
    assert Member.objects.count() == 0


def test_unknown_record_type(tree: Tree, tmp_path: Path) -> None:
    i = fake_id()
    rows = [["记录类型", *MEMBER_HEADER], ["会员", *member_row(i)], ["奖状", *member_row(fake_id())]]
    result, batch = run(tree, write_csv(tmp_path / "rt.csv", rows))
    assert codes(result) == ["import.record_type"]
    assert batch.rows_created == 1
    assert batch.rows_failed == 1


# --- the report and the command ---------------------------------------------------------------


def _report_text(path: Path) -> str:
    book = CalamineWorkbook.from_path(str(path))
    return "\n".join(
        str(c) for name in book.sheet_names for row in book.get_sheet_by_name(name).iter_rows() for c in row
    )


def test_report_contains_masked_ids_only(tree: Tree, tmp_path: Path, capsys: Any) -> None:
    good, phone = fake_id(), "13712345678"
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    stranger = fake_id()
    sheets = {
        "Members": [MEMBER_HEADER, member_row(bad, phone=phone), member_row(good, phone="12345")],
        "Histories": [HISTORY_HEADER, [stranger, OCC, "2015-01-01", "", ""]],
    }
    path = write_xlsx(tmp_path / "r.xlsx", sheets)
    report = tmp_path / "report.xlsx"
    with pytest.raises(CommandError) as failed:
        call_command("import_members", str(path), "--as", "imp_staff", "--report", str(report), "--no-progress")
    assert failed.value.returncode == 1
    text = _report_text(report)
    for secret in (bad, good, stranger, phone, "12345"):
        assert secret not in text
    assert bad[:6] + "********" + bad[-4:] in text
    assert "*****" in text
    out = capsys.readouterr().out
    assert "有问题 3" in out
    assert "3 with problems" in out
    for secret in (bad, good, stranger, phone):
        assert secret not in out
    batch = ImportBatch.objects.get()
    assert bad not in str(batch.problems)
    assert batch.rows_failed == 3
    assert bad not in str(list(AuditEvent.objects.values_list("before", "after", "note")))


def test_command_union_scope_and_dry_run(tree: Tree, tmp_path: Path, capsys: Any) -> None:
    ids = [fake_id() for _ in range(2)]
    path = write_xlsx(tmp_path / "ok.xlsx", standard_sheets(ids))
    call_command("import_members", str(path), "--union-scope", "I-XW", "--dry-run", "--no-progress")
    assert Member.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert "dry run" in capsys.readouterr().out
    call_command("import_members", str(path), "--union-scope", "I-XW")
    assert Member.objects.count() == 2
    out = capsys.readouterr().out
    assert "新增 9" in out
    assert "9 created" in out
    event = AuditEvent.objects.get(kind="import")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.after["created"] == 9
    with pytest.raises(CommandError) as refused:
        call_command("import_members", str(path), "--union-scope", "I-QH", "--no-progress")
    assert refused.value.returncode == 1
    empty = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(CommandError) as unusable:
        call_command("import_members", str(empty), "--as", "imp_staff", "--no-progress")
    assert unusable.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--as", "imp_member")


def test_openpyxl_fallback_reads_the_same_workbook(tree: Tree, tmp_path: Path, monkeypatch: Any) -> None:
    import python_calamine

    ids = [fake_id(), fake_id()]
    sheets = standard_sheets(ids)
    sheets["会员 Members"].insert(0, ["会员导入 2025"])  # a title row above the header
    path = write_xlsx(tmp_path / "f.xlsx", sheets)
    expected = read_all(path)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise python_calamine.CalamineError("simulated")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", broken)
    assert read_all(path) == expected
    assert expected["members"][0][0] == 3
    result, batch = run(tree, path)
    assert result.problems == []
    assert batch.rows_created == 2 + 4 + 1 + 2


def test_fact_events(tree: Tree, tmp_path: Path) -> None:
    i = fake_id()
    run(tree, write_xlsx(tmp_path / "1.xlsx", standard_sheets([i])))
    # facts filed with a new member are covered by its create event
    assert AuditEvent.objects.filter(object_type="member").count() == 1
    version = Member.objects.get().version
    sheets = standard_sheets([i])
    sheets["职业经历 Histories"][1][3] = "2015-12-31"  # a changed end date
    sheets["证书 Certificates"].append([i, OCC2, "技师", "南京市职业技能鉴定中心", "NEW-1", "2021-01-01", "评价认定"])
    result, batch = run(tree, write_xlsx(tmp_path / "2.xlsx", sheets))
    assert result.problems == []
    assert (batch.rows_created, batch.rows_updated) == (1, 1)
    history = AuditEvent.objects.get(action="import_histories")
    assert history.after == {"histories_updated": 1}
    assert AuditEvent.objects.get(action="import_certificates").after == {"certificates_added": 1}
    member = Member.objects.get()
    assert member.version == version + 2  # one bump per table that touched the member
    assert member.histories.get(occupation_id=OCC).end == dt.date(2015, 12, 31)


def test_a_member_moved_by_import_takes_their_job_seeker_case(tree: Tree, tmp_path: Path) -> None:
    from craftpath.jobs.models import JobSeeker

    ids = [fake_id(), fake_id()]
    run(tree, write_xlsx(tmp_path / "1.xlsx", {"Members": [MEMBER_HEADER, *[member_row(i) for i in ids]]}))
    mover, stayer = (Member.objects.get(id_hash=crypto.lookup_hash(i)) for i in ids)
    cases = [JobSeeker.objects.create(member=m, org_path=m.org_path) for m in (mover, stayer)]
    moved_rows = {"Members": [MEMBER_HEADER, member_row(ids[0], union="I-QH-001"), member_row(ids[1])]}

    # A dry run and a refused all-or-nothing file move nothing.
    run(tree, write_xlsx(tmp_path / "dry.xlsx", moved_rows), actor=tree.city_staff, dry_run=True)
    broken = {"Members": [*moved_rows["Members"], member_row("110101199001011230")]}
    run(tree, write_xlsx(tmp_path / "bad.xlsx", broken), actor=tree.city_staff, all_or_nothing=True)
    assert [JobSeeker.objects.get(pk=c.pk).org_path for c in cases] == [tree.union.path, tree.union.path]

    result, batch = run(tree, write_xlsx(tmp_path / "2.xlsx", moved_rows), actor=tree.city_staff)
    assert batch.rows_updated == 1
    assert result.problems == []
    assert JobSeeker.objects.get(pk=cases[0].pk).org_path == tree.other_union.path
    assert JobSeeker.objects.get(pk=cases[1].pk).org_path == tree.union.path


def test_an_overlong_certificate_number_fails_its_row_only(tree: Tree, tmp_path: Path) -> None:
    ids = [fake_id(), fake_id()]
    sheets = standard_sheets(ids)
    sheets["证书 Certificates"][1][4] = "N" * 65
    result, batch = run(tree, write_xlsx(tmp_path / "long.xlsx", sheets))
    assert batch.rows_failed == 1
    assert [(p["code"], p["column"]) for p in result.problems] == [("row.too_long", "证书编号")]
    assert "65" not in result.problems[0]["en"]
    assert "64" in result.problems[0]["zh"]
    assert Certificate.objects.count() == 1
    assert Member.objects.count() == 2
