"""Legacy certificates: unsigned evidence, per-row problems in Chinese and English, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from craftpath.credentials.legacy import import_legacy_certificates
from craftpath.credentials.models import LegacyCertificate
from craftpath.registry.models import Certificate, Member
from tests.conftest import Cast
from tests.credentials.factories import WELDER

pytestmark = pytest.mark.django_db


def _id(member: Member) -> str:
    return member.reveal_id_number()


def test_legacy_csv_import(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    rows = [
        "证书编号,身份证号,职业编码,等级,发证日期,发证机构",
        f"L-001,{_id(cast.ma)},{WELDER},初级工,2015-06-01,南京市职业技能鉴定中心",
        f"L-002,{_id(cast.ma)},{WELDER},中级工,2019-06-01,南京市职业技能鉴定中心",
        f"L-003,{_id(cast.mb)},{WELDER},初级工,2015-06-01,南京市职业技能鉴定中心",  # B's member: not visible to A
        f"L-004,110101199001011234,{WELDER},初级工,2015-06-01,某中心",  # bad checksum
        f"L-005,{_id(cast.ma)},9-99-99-99,初级工,2015-06-01,某中心",  # unknown occupation
        f"L-006,{_id(cast.ma)},{WELDER},初级工,2015-13-01,某中心",  # bad date
        f"L-007,{_id(cast.ma)},{WELDER},九级,2015-06-01,某中心",  # unknown grade
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = import_legacy_certificates(cast.staff_a, path)
    assert report.created == 2
    assert report.failed == 5
    by_row = {p["row"]: p for p in report.problems}
    assert set(by_row) == {4, 5, 6, 7, 8}
    assert by_row[4]["code"] == "legacy.member_unknown"
    assert by_row[5]["code"].startswith("id.")
    assert all(p["message_zh"] and p["message_en"] for p in report.problems)
    certs = Certificate.objects.filter(member=cast.ma, how="legacy", number__startswith="L-")
    assert certs.count() == 2
    assert LegacyCertificate.objects.filter(certificate__in=certs, source_row__in=[2, 3]).count() == 2
    assert not hasattr(certs[0], "credential") or certs[0].credential is None  # type: ignore[attr-defined]
    again = import_legacy_certificates(cast.staff_a, path)
    assert (again.created, again.unchanged, again.failed) == (0, 2, 5)
    assert Certificate.objects.filter(number__startswith="L-").count() == 2


def test_legacy_xlsx_command(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "legacy.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["certificate_number", "id_number", "occupation_code", "grade", "issued_on", "issuer"])
    sheet.append(["X-1", _id(cast.ma), WELDER, "四级", "2018-03-01", "旧系统"])
    book.save(path)
    report = tmp_path / "report.json"
    call_command("import_legacy_certificates", str(path), "--as", "staff_a", "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["created"] == 1
    assert data["failed"] == 0
    call_command("import_legacy_certificates", str(path), "--as", "staff_a", "--report", str(report))
    assert json.loads(report.read_text(encoding="utf-8"))["unchanged"] == 1


def test_legacy_file_problems(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("编号,姓名\n1,2\n", encoding="utf-8")
    report = import_legacy_certificates(cast.staff_a, path)
    assert report.problems[0]["code"] == "file.columns"
    assert report.created == 0


def test_an_overlong_certificate_number_fails_its_row_only(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    rows = [
        "证书编号,身份证号,职业编码,等级,发证日期,发证机构",
        f"{'N' * 80},{_id(cast.ma)},{WELDER},初级工,2015-06-01,南京市职业技能鉴定中心",
        f"L-OK,{_id(cast.ma)},{WELDER},中级工,2019-06-01,南京市职业技能鉴定中心",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = import_legacy_certificates(cast.staff_a, path)
    assert (report.created, report.failed) == (1, 1)
    assert report.problems[0]["row"] == 2
    assert report.problems[0]["code"] == "row.too_long"  # the member import's certificate check
    assert "64" in report.problems[0]["message_zh"]
    assert "64" in report.problems[0]["message_en"]
    assert Certificate.objects.filter(member=cast.ma, how="legacy").values_list("number", flat=True).get() == "L-OK"
