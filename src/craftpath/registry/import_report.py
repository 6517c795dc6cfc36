"""Import reports (XLSX) and the blank import template."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from craftpath.registry import import_format as fmt

REPORT_COLUMNS = [
    ("sheet", "工作表 Sheet", 22),
    ("row", "行号 Row", 9),
    ("column", "列 Column", 26),
    ("value", "值（已脱敏）Value (masked)", 24),
    ("zh", "问题", 60),
    ("en", "Problem", 70),
    ("code", "代码 Code", 24),
]


def write_report(
    target: str | Path | IO[bytes], summary: Mapping[str, Any], problems: Iterable[Mapping[str, Any]]
) -> None:
    """Write the per-row problem report. Values in ``problems`` are already masked."""
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), {"constant_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@", "valign": "top"})
    info = book.add_worksheet("汇总 Summary")
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 60)
    for i, (label, value) in enumerate(summary.items()):
        info.write_string(i, 0, str(label), bold)
        info.write(i, 1, value if isinstance(value, (int, float)) else str(value))
    sheet = book.add_worksheet("问题 Problems")
    for col, (_, title, width) in enumerate(REPORT_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 0)
    n = 0
    for n, p in enumerate(problems, start=1):
        for col, (key, _, _) in enumerate(REPORT_COLUMNS):
            value = p.get(key, "")
            if key == "row":
                sheet.write_number(n, col, int(value or 0))
            else:
                sheet.write_string(n, col, str(value), wrap if key in ("zh", "en") else text)
    if n:
        sheet.autofilter(0, 0, n, len(REPORT_COLUMNS) - 1)
    book.close()


def report_bytes(summary: Mapping[str, Any], problems: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    book_target: IO[bytes] = buffer
    write_report(book_target, summary, problems)
    return buffer.getvalue()


# --- the template -----------------------------------------------------------------------------

# Fictitious example rows (the ID numbers carry valid check characters but belong to no one).
EXAMPLE_MEMBER = {
    "name": "张三",
    "id_number": "110105199001011232",
    "phone": "13800138000",
    "employment_form": "职工",
    "union_code": "GH-EXAMPLE-01",
    "employer_credit_code": "91350100M000100Y43",
    "consent_employer": "是",
    "consent_job_matching": "否",
}
EXAMPLES: dict[str, list[dict[str, str]]] = {
    fmt.MEMBERS: [EXAMPLE_MEMBER],
    fmt.HISTORIES: [
        {
            "id_number": EXAMPLE_MEMBER["id_number"],
            "name": "张三",
            "occupation_code": "6-18-01-01",
            "start": "2012-07-01",
            "end": "",
            "employer_name": "示例机械有限公司",
        }
    ],
    fmt.DIPLOMAS: [
        {
            "id_number": EXAMPLE_MEMBER["id_number"],
            "name": "张三",
            "kind": "技师学院",
            "graduated_on": "2012-06-30",
            "institution": "示例技师学院",
            "specialty": "数控加工",
            "occupation_code": "6-18-01-01",
        }
    ],
    fmt.CERTIFICATES: [
        {
            "id_number": EXAMPLE_MEMBER["id_number"],
            "name": "张三",
            "occupation_code": "6-18-01-01",
            "grade": "高级工",
            "issuer": "示例职业技能等级认定中心",
            "certificate_number": "S000000000000001",
            "issued_on": "2019-11-20",
            "how": "评价认定",
        }
    ],
}


def _template_columns(kind: str) -> list[str]:
    spec = fmt.TABLES[kind]
    if kind == fmt.MEMBERS:
        return list(spec.columns)
    # Child sheets: ID number and (ignored, for the reader's eye) name first.
    return ["id_number", "name", *[c for c in spec.columns if c not in ("id_number", "name")]]


def header_text(key: str, required: bool) -> str:
    c = fmt.COLUMNS[key]
    return f"{c.zh}\n{c.en}{' *' if required else ''}"


def write_template_xlsx(target: str | Path) -> None:
    book = xlsxwriter.Workbook(str(target))
    head_req = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"})
    head_opt = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"})
    as_text = book.add_format({"num_format": "@"})
    readme = book.add_worksheet("说明 Instructions")
    readme.set_column(0, 0, 110)
    lines = [
        "会员导入模板 / Member import template",
        "",
        "1. “会员 Members”表必填；“职业经历 Histories”“学历 Diplomas”“证书 Certificates”可选，按身份证号码关联会员。",
        "   The Members sheet is required; Histories, Diplomas and Certificates are optional"
        " and refer to members by ID number.",
        "2. 带 * 的列必须填写；表头可以只写中文或只写英文。第1行为表头，数据从第2行开始。",
        "   Columns marked * are required; headers may be Chinese or English."
        " Row 1 is the header; data starts on row 2.",
        "3. 身份证号码列请设置为“文本”格式，否则 Excel 会把18位数字改成科学计数法。",
        "   Keep the ID number column formatted as text, or Excel turns the 18 digits into a rounded number.",
        "4. 日期写成 2024-03-01、2024/3/1 或 2024年3月1日；技能等级写“高级工”或“三级”。",
        "   Dates like 2024-03-01; grades like 高级工 or 三级.",
        "5. 就业形态：职工 / 新就业形态劳动者 / 灵活就业 / 失业（或 employee / platform / flexible / unemployed）。",
        "6. 学历类型：技工学校 / 高级技工学校 / 技师学院 / 预备技师 / 中等职业学校 / 高等职业学校"
        " / 大专 / 本科 / 研究生。",
        "7. 取得方式：评价认定 / 竞赛 / 聘任 / 学徒 / 历史导入；特级技师、首席技师只能“聘任”。",
        "8. 同一文件可以重复导入：已登记且信息相同的行不会改动；空白的可选单元格不会清除已有信息。",
        "   Re-importing the same file is safe: identical rows change nothing;"
        " blank optional cells never erase stored values.",
        "9. 示例行（张三）仅为格式示范，导入前请删除。",
        "   The example rows (张三) show the format; delete them before importing.",
    ]
    for i, line in enumerate(lines):
        readme.write_string(i, 0, line)
    for kind in fmt.KINDS:
        spec = fmt.TABLES[kind]
        ws = book.add_worksheet(spec.sheet_name)
        columns = _template_columns(kind)
        ws.set_row(0, 36)
        for col, key in enumerate(columns):
            required = key in spec.required
            ws.write_string(0, col, header_text(key, required), head_req if required else head_opt)
            ws.set_column(col, col, 22 if key in ("id_number", "employer_credit_code", "issuer") else 16, as_text)
            c = fmt.COLUMNS[key]
            if c.hint_zh or c.hint_en:
                ws.write_comment(0, col, f"{c.hint_zh}\n{c.hint_en}".strip())
        for r, example in enumerate(EXAMPLES[kind], start=1):
            for col, key in enumerate(columns):
                ws.write_string(r, col, example.get(key, ""), as_text)
        ws.freeze_panes(1, 0)
    book.close()


def write_template_csv(target: str | Path) -> None:
    """One CSV holding all four tables, told apart by the record_type column (UTF-8 with BOM, for Excel)."""
    keys = ["record_type", *dict.fromkeys(k for kind in fmt.KINDS for k in _template_columns(kind))]
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([f"{fmt.COLUMNS[k].zh} {fmt.COLUMNS[k].en}" for k in keys])
        for kind in fmt.KINDS:
            for example in EXAMPLES[kind]:
                writer.writerow([fmt.TABLES[kind].zh if k == "record_type" else example.get(k, "") for k in keys])


def report_summary(
    *,
    file_name: str,
    status: str,
    rows_total: int,
    counts: Mapping[str, int],
    all_or_nothing: bool,
    finished_at: dt.datetime | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    return {
        "文件 File": file_name,
        "状态 Status": status,
        "模式 Mode": ("全部无误才导入 all-or-nothing" if all_or_nothing else "跳过有问题的行 skip bad rows")
        + ("（试运行 dry run）" if dry_run else ""),
        "总行数 Rows": rows_total,
        "新增 Created": counts.get("created", 0),
        "更新 Updated": counts.get("updated", 0),
        "未变 Unchanged": counts.get("unchanged", 0),
        "有问题 Failed": counts.get("failed", 0),
        "完成时间 Finished": finished_at.isoformat(timespec="seconds") if finished_at else "",
    }
