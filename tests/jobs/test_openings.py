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


def test_english_titles_coded_by_the_table_or_left_to_staff(cast: Cast, occupation_coder: Any) -> None:
    welder = _post(cast, title="Senior TIG Welder (night shift)")
    assert (welder.occupation_id, welder.coded_by, welder.needs_coding) == ("6-18-02-04", "coder", False)
    assert welder.coding_evidence[0]["evidence"].startswith("English 'tig welder' = 焊工")
    # English the table does not read: no guess from the Chinese-title signals, staff code it
    nurse = _post(cast, title="Registered Nurse")
    assert (nurse.occupation_id, nurse.coded_by, nurse.needs_coding) == (None, "none", True)


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
    "J-1,数控车工,6-18-01-01,高级工,320102,6000,8000,2099-12-31,91350100M000100Y43\n"
    "J-2,铣工,,,320102,,7000,2099-12-31,\n"
    "J-3,车工,6-18-01-01,,999999,,,2099-12-31,\n"
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
    assert JobOpening.objects.get(import_key="N-3").required_grade == 2  # 4 in a file is 四级, 中级工
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
        f"D-1,车工,{TURNER},2099/1/5\n"
        f"D-2,车工,{TURNER},2099年12月31日\n"
        f"D-3,车工,{TURNER},2099-12-31 00:00:00\n"
        f"D-4,车工,{TURNER},2099/13/01\n"
    )
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text))
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(5, "date.invalid")]
    closing = dict(JobOpening.objects.values_list("import_key", "expires_on"))
    assert {k: v.isoformat() for k, v in closing.items()} == {
        "D-1": "2099-01-05",
        "D-2": "2099-12-31",
        "D-3": "2099-12-31",
    }


# --------------------------------------------------------------------------- grades, titles, files, dates


def test_grade_numbers_in_files_are_levels_as_the_pages_show(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    """The pages label 中级工 "Intermediate worker (level 4)": a 4 written in a file means 四级, not 技师
    (two grades higher); traditional names are read too."""
    text = "编号,岗位名称,职业编码,等级要求\n" + "".join(
        f"G-{n},车工,{TURNER},{grade}\n"
        for n, grade in enumerate(
            ["4", "四级", "中级工", "level 4", "4级", "1", "5", "高級工", "技師", "高級技師", "首席技师", "6", "0"]
        )
    )
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text))
    grades = dict(JobOpening.objects.values_list("import_key", "required_grade"))
    assert grades == {
        "G-0": 2,
        "G-1": 2,
        "G-2": 2,
        "G-3": 2,
        "G-4": 2,
        "G-5": 5,  # 一级 = 高级技师
        "G-6": 1,  # 五级 = 初级工
        "G-7": 3,
        "G-8": 4,
        "G-9": 5,
        "G-10": 7,
    }
    # 6 and 0 have no level on the pages (特级技师, 学徒工 are written by name)
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(13, "jobs.grade_file"), (14, "jobs.grade_file")]
    zh, en = report["problems"][0]["message_zh"], report["problems"][0]["message_en"]
    assert "“6”" in zh
    assert "4 即四级（中级工）" in zh
    assert "4 = level 4 (intermediate worker)" in en
    assert "0–7" not in zh


def test_grades_from_the_form_and_api_are_the_grade_list_numbers(cast: Cast, occupation_coder: Any) -> None:
    """The form's grade list and the API's required_grade are the 0–7 rank (as the API returns it)."""
    assert _post(cast, title="车工", occupation_code=TURNER, required_grade="4").required_grade == 4
    assert _post(cast, title="车工", occupation_code=TURNER, required_grade=2).required_grade == 2
    assert _post(cast, title="车工", occupation_code=TURNER, required_grade="高級技師").required_grade == 5
    assert _post(cast, title="车工", occupation_code=TURNER, required_grade="Senior worker").required_grade == 3
    with pytest.raises(ProblemError) as err:
        _post(cast, title="车工", occupation_code=TURNER, required_grade="8")
    problem = err.value.problems[0]
    assert (problem.code, problem.field) == ("jobs.grade", "required_grade")
    assert "繁体亦可" in problem.zh
    assert "0–7" in problem.zh
    assert "0-7" in problem.en


def test_unclosed_quote_imports_nothing_and_names_the_line(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    """A missing closing quote made the reader swallow the following rows into one cell (R31 lost)."""
    cases = [
        '编号,岗位名称\nR29,车工\nR30,"电焊工,未闭合引号\nR31,电工\n',
        '编号,岗位名称\nR29,车工\nR30,"电焊工\nR31,电工"\nR32,铣工\n',  # closed by a stray quote later
        '编号,岗位名称,岗位描述\nR29,车工,好\nR30,电焊工,"未闭合\nR31,电工,x\n',  # in the description
    ]
    for n, text in enumerate(cases):
        with pytest.raises(ProblemError) as err:
            do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text, f"quote{n}.csv"))
        problem = err.value.problems[0]
        assert [p.code for p in err.value.problems] == ["jobs.import_quote"], text
        assert "第 3 行" in problem.zh
        assert "line 3" in problem.en
        assert "R30" in problem.zh
        assert "nothing from this file was imported" in problem.en
    assert not JobOpening.objects.exists()
    # a line break inside a closed quote in the description is kept
    fine = '编号,岗位名称,岗位描述\nR29,车工,"第一行\n第二行"\nR30,电工,"说""快""递"\n'
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, fine, "fine.csv"))
    assert report["created"] == 2, report["problems"]
    assert JobOpening.objects.get(import_key="R29").description == "第一行\n第二行"


def test_long_titles_are_refused_not_cut(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    exact = "车" * 200
    assert _post(cast, title=exact, occupation_code=TURNER).title == exact
    with pytest.raises(ProblemError) as err:
        _post(cast, title="车" * 201, occupation_code=TURNER)
    problem = err.value.problems[0]
    assert (problem.code, problem.field) == ("jobs.title_too_long", "title")
    assert "201" in problem.zh
    assert "200" in problem.zh
    assert "岗位描述" in problem.zh
    assert "200" in problem.en
    assert "description" in problem.en
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, "岗位名称\n" + "焊" * 300 + "\n"))
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(2, "jobs.title_too_long")]
    assert JobOpening.objects.count() == 1


def test_duplicate_rows_are_named_by_what_was_typed(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    text = (
        "编号,岗位名称,地区代码,统一社会信用代码\n"
        ",数控车工,320102,91350100M000100Y43\n"
        "K-1,铣工,320102,\n"
        ",数控车工,320102,91350100M000100Y43\n"
        "K-1,铣工（重复）,320102,\n"
    )
    report = do_import_openings(cast.staff_a, cast.union_a, _file(tmp_path, text))
    by_row = {p["row"]: p for p in report["problems"]}
    same = by_row[4]
    assert same["code"] == "jobs.import_duplicate_same"
    assert "第 2 行" in same["message_zh"]
    assert "数控车工" in same["message_zh"]
    assert "91350100M000100Y43" in same["message_zh"]
    assert "row 2" in same["message_en"]
    assert "数控车工" in same["message_en"]
    assert "h:" not in same["message_zh"] + same["message_en"]
    ref = by_row[5]
    assert ref["code"] == "jobs.import_duplicate_row"
    assert "K-1" in ref["message_zh"]
    assert "第 3 行" in ref["message_zh"]
    assert "row 3" in ref["message_en"]


def test_closing_date_in_the_past_is_refused_when_posting(cast: Cast, occupation_coder: Any, tmp_path: Path) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(ProblemError) as err:
        _post(cast, title="车工", occupation_code=TURNER, expires_on="2000-01-01")
    problem = err.value.problems[0]
    assert (problem.code, problem.field) == ("jobs.expires_past", "expires_on")
    assert "2000-01-01" in problem.zh
    assert "2000-01-01" in problem.en
    assert not JobOpening.objects.exists()
    assert _post(cast, title="车工", occupation_code=TURNER, expires_on=today).expires_on == today
    # a file row closing in the past is refused for its row
    text = f"编号,岗位名称,职业编码,截止日期\nP-1,车工,{TURNER},2000-01-01\nP-2,车工,{TURNER},2099-01-01\n"
    path = _file(tmp_path, text)
    report = do_import_openings(cast.staff_a, cast.union_a, path)
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(2, "jobs.expires_past")]
    # an opening whose closing date has since passed is still edited and re-imported as it is
    JobOpening.objects.filter(import_key="P-2").update(expires_on="2001-01-01")
    opening = JobOpening.objects.get(import_key="P-2")
    edited = do_update_opening(cast.staff_a, opening, {"expires_on": "2001-01-01", "pay_max": "7000"})
    assert (edited.expires_on.isoformat(), edited.pay_max) == ("2001-01-01", 7000)
    again = _file(tmp_path, text.replace("2099-01-01", "2001-01-01"), "again.csv")
    assert do_import_openings(cast.staff_a, cast.union_a, again)["unchanged"] == 1
