"""Openings: coding with the occupation coder, validation, import from CSV/XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from craftpath.core.models import AuditEvent
from craftpath.core.problems import ProblemError
from craftpath.jobs.actions import do_create_opening, do_import_openings, do_update_opening
from craftpath.jobs.models import JobOpening
from tests.conftest import Cast
from tests.jobs.conftest import TURNER

pytestmark = pytest.mark.django_db


def _post(cast: Cast, **data: Any) -> JobOpening:
    return do_create_opening(cast.staff_a, {"union_code": "T-XW-001", **data})


def test_opening_is_coded_from_its_title(cast: Cast, occupation_coder: Any) -> None:
    opening = _post(cast, title="招聘车床车工", region_code="320102")
    assert opening.occupation_id == TURNER
    assert opening.coded_by == "coder"
    assert not opening.needs_coding
    assert opening.coding_confidence is not None
    assert opening.coding_confidence > 0
    assert opening.coding_evidence[0]["code"] == TURNER
    assert opening.coding_evidence[0]["evidence"]
    assert opening.org_path == cast.union_a.path
    assert AuditEvent.objects.filter(action="create_opening", object_id=str(opening.public_id)).exists()


def test_given_code_is_kept_and_not_recoded(cast: Cast, occupation_coder: Any) -> None:
    opening = _post(cast, title="数控车床操作工", occupation_code="6-18-01-02")
    assert (opening.occupation_id, opening.coded_by, opening.coding_evidence) == ("6-18-01-02", "given", [])


def test_no_confident_code_flags_for_staff(cast: Cast, occupation_coder: Any) -> None:
    opening = _post(cast, title="😀😀😀")
    assert opening.occupation_id is None
    assert opening.needs_coding
    assert opening.coded_by == "none"
    # staff code it by hand
    coded = do_update_opening(cast.staff_a, opening, {"occupation_code": TURNER})
    assert (coded.occupation_id, coded.coded_by, coded.needs_coding) == (TURNER, "staff", False)


def test_unknown_region_and_other_problems_in_both_languages(cast: Cast, occupation_coder: Any) -> None:
    with pytest.raises(ProblemError) as err:
        _post(cast, title="车工", region_code="999999", pay_min="8000", pay_max="6000", required_grade="大师")
    codes = {p.code: p for p in err.value.problems}
    assert set(codes) == {"jobs.region_unknown", "jobs.pay_order", "jobs.grade"}
    region = codes["jobs.region_unknown"]
    assert "999999" in region.zh
    assert "GB/T 2260" in region.zh
    assert "999999" in region.en
    assert "GB/T 2260" in region.en
    with pytest.raises(ProblemError) as err:
        _post(cast, title="", occupation_code="6-18-01-00")
    assert {p.code for p in err.value.problems} == {"jobs.title_required", "occupation.not_leaf"}


def test_staff_post_only_in_their_subtree_and_hr_for_their_employer(cast: Cast, occupation_coder: Any) -> None:
    with pytest.raises(ProblemError) as err:
        do_create_opening(cast.staff_b, {"title": "车工", "union_code": "T-XW-001"})
    assert err.value.problems[0].code == "jobs.union"
    hr = do_create_opening(cast.hr_a, {"title": "车工", "occupation_code": TURNER, "union_code": "T-QH-001"})
    assert hr.employer == cast.employer_a
    assert hr.union == cast.union_a  # HR always post through their employer's union
    with pytest.raises(ProblemError):
        do_update_opening(cast.staff_b, hr, {"status": "filled"})
    assert do_update_opening(cast.hr_a, hr, {"status": "filled"}).status == "filled"


CSV = (
    "编号,岗位名称,职业编码,等级要求,地区代码,最低月薪,最高月薪,截止日期,统一社会信用代码\n"
    "J-1,数控车工,6-18-01-01,高级工,320102,6000,8000,2026-12-31,91350100M000100Y43\n"
    "J-2,铣工,,,320102,,7000,2026-12-31,\n"
    "J-3,车工,6-18-01-01,,999999,,,2026-12-31,\n"
    "J-4,车工,6-18-01-01,,320102,9000,6000,2026/13/01,\n"
    "J-1,数控车工（重复）,6-18-01-01,,320102,,,,\n"
    "J-5,😀😀,,,320102,,,,\n"
)


def _file(tmp_path: Path, text: str, name: str = "openings.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_import_reports_bad_rows_and_reimport_is_idempotent(
    cast: Cast, occupation_coder: Any, tmp_path: Path
) -> None:
    path = _file(tmp_path, CSV, encoding="gb18030")
    report = do_import_openings(cast.staff_a, cast.union_a, path)
    assert (report["created"], report["updated"], report["unchanged"], report["failed"]) == (3, 0, 0, 3)
    by_row: dict[int, set[str]] = {}
    for p in report["problems"]:
        by_row.setdefault(p["row"], set()).add(p["code"])
        assert p["message_zh"]
        assert p["message_en"]
    assert by_row == {
        4: {"jobs.region_unknown"},
        5: {"jobs.pay_order", "date.invalid"},
        6: {"jobs.import_duplicate_row"},
        7: {"jobs.no_occupation"},
    }
    j1 = JobOpening.objects.get(import_key="J-1")
    assert (j1.required_grade, j1.pay_min, j1.pay_max, j1.employer) == (3, 6000, 8000, cast.employer_a)
    assert JobOpening.objects.get(import_key="J-2").occupation_id == "6-18-01-02"  # coded from the title
    assert JobOpening.objects.get(import_key="J-5").needs_coding

    again = do_import_openings(cast.staff_a, cast.union_a, path)
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 3, 3)
    assert JobOpening.objects.count() == 3

    changed = _file(tmp_path, CSV.replace("6000,8000", "6500,8000"), "changed.csv")
    third = do_import_openings(cast.staff_a, cast.union_a, changed)
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 2)
    assert JobOpening.objects.get(import_key="J-1").pay_min == 6500


def test_xlsx_import_and_file_problems(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    path = tmp_path / "openings.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([["编号 ref", "岗位名称 title", "地区代码 region_code"], ["X-1", "焊工", "320102"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    report = do_import_openings(cast.staff_a, cast.union_a, path)
    assert report["created"] == 1
    assert JobOpening.objects.get(import_key="X-1").occupation_id == "6-18-02-04"
    with pytest.raises(ProblemError) as err:
        do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, "名称,地区\n车工,320102\n", "bad.csv"))
    assert err.value.problems[0].code == "file.columns"
    with pytest.raises(ProblemError):
        do_import_openings(cast.staff_b, cast.union_a, path)


def test_xlsx_numbers_grade_and_pay_out_of_range(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    """Excel stores numbers as floats (a grade typed as 3 arrives as 3.0); a pay with extra digits
    is reported for its row and the rows after it still go in."""
    path = tmp_path / "numbers.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows: list[list[Any]] = [
        ["编号", "岗位名称", "职业编码", "等级要求", "地区代码", "最低月薪", "最高月薪"],
        ["N-1", "车工", TURNER, 3, 320102, 6000, 8000],
        ["N-2", "车工", TURNER, None, 320102, 6000, 80000000000],
        ["N-3", "车工", TURNER, 4, 320102, None, 9000],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    report = do_import_openings(cast.staff_a, cast.union_a, path)
    assert (report["created"], report["failed"]) == (2, 1), report["problems"]
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(3, "jobs.pay_too_high")]
    assert "80000000000" in report["problems"][0]["message_zh"]
    assert "80000000000" in report["problems"][0]["message_en"]
    assert JobOpening.objects.get(import_key="N-1").required_grade == 3
    assert JobOpening.objects.get(import_key="N-3").required_grade == 4
    assert not JobOpening.objects.filter(import_key="N-2").exists()
    assert AuditEvent.objects.filter(action="import_openings").count() == 1


def test_api_pay_too_high_is_a_problem_not_a_crash(cast: Cast, occupation_coder: Any) -> None:
    from tests.jobs.test_access import client_for

    staff = client_for(cast.staff_a)
    payload = {"title": "车工", "occupation_code": TURNER, "union_code": "T-XW-001", "pay_max": 3_000_000_000}
    response = staff.post("/api/jobs/openings", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "jobs.pay_too_high"
    assert not JobOpening.objects.exists()


def test_unreadable_csv_is_a_file_problem(cast: Cast, tmp_path: Path) -> None:
    # a quoted field longer than the csv module's limit makes the reader fail part-way
    text = '编号,岗位名称\nR-1,车工\nR-2,"' + "车" * 200_000 + '"\n'
    with pytest.raises(ProblemError) as err:
        do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text))
    assert [p.code for p in err.value.problems] == ["file.format"]
    assert not JobOpening.objects.exists()


def test_staff_may_post_only_for_employers_in_their_subtree(cast: Cast, occupation_coder: Any) -> None:
    """Staff of district B cannot put employer A's name on an opening (which would also show it to
    employer A's HR, with candidates)."""
    data = {
        "title": "车工",
        "occupation_code": TURNER,
        "union_code": "T-QH-001",
        "employer_credit_code": "91350100M000100Y43",
    }
    with pytest.raises(ProblemError) as err:
        do_create_opening(cast.staff_b, data)
    assert [p.code for p in err.value.problems] == ["employer.unknown"]
    assert not JobOpening.objects.exists()
    # staff over the employer's union may
    assert do_create_opening(cast.province, data).employer == cast.employer_a


def test_concurrent_pay_edits_give_a_problem_not_a_crash(cast: Cast, occupation_coder: Any) -> None:
    """Two staff edit the same opening: each only checked the pay range they had read."""
    opening = _post(cast, title="车工", occupation_code=TURNER, pay_min="4000", pay_max="8000")
    read_by_second = JobOpening.objects.get(pk=opening.pk)
    do_update_opening(cast.staff_a, opening, {"pay_max": "5000"})
    with pytest.raises(ProblemError) as err:
        do_update_opening(cast.province, read_by_second, {"pay_min": "6000"})
    assert [p.code for p in err.value.problems] == ["jobs.pay_order"]
    opening.refresh_from_db()
    assert (opening.pay_min, opening.pay_max) == (4000, 5000)


def test_closing_dates_as_spreadsheets_write_them(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    """A CSV saved from Chinese Excel writes 2026/1/5, not 2026-01-05; other ways are read like the registry's."""
    text = (
        "编号,岗位名称,职业编码,截止日期\n"
        f"D-1,车工,{TURNER},2026/1/5\n"
        f"D-2,车工,{TURNER},2026年12月31日\n"
        f"D-3,车工,{TURNER},2026-12-31 00:00:00\n"
        f"D-4,车工,{TURNER},2026/13/01\n"
    )
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text))
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(5, "date.invalid")]
    closing = dict(JobOpening.objects.values_list("import_key", "expires_on"))
    assert {k: v.isoformat() for k, v in closing.items()} == {
        "D-1": "2026-01-05",
        "D-2": "2026-12-31",
        "D-3": "2026-12-31",
    }
