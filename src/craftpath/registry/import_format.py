"""The member import file format: sheets, columns and how cell values are read.

A workbook has up to four sheets, recognised by name in Chinese or English:

========================  =====================================================================
会员 Members              one row per member (required)
职业经历 Histories        one row per period of work in an occupation (optional)
学历 Diplomas             one row per diploma (optional)
证书 Certificates         one row per skill-grade certificate (optional)
========================  =====================================================================

Child sheets refer to a member by ID number. A CSV file holds one table: either a
``record_type`` (记录类型) column says per row which table it belongs to, or, without it, the
columns say which table the whole file is (see :func:`infer_kind`).

Header cells may be Chinese, English or both (``姓名 name``); a trailing ``*`` marks required
columns in the template and is ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

MEMBERS, HISTORIES, DIPLOMAS, CERTIFICATES = "members", "histories", "diplomas", "certificates"
KINDS = (MEMBERS, HISTORIES, DIPLOMAS, CERTIFICATES)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    hint_zh: str = ""
    hint_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        Column(
            "record_type",
            "记录类型",
            "record_type",
            ("类别", "type"),
            "CSV 专用：会员/职业经历/学历/证书",
            "CSV only: member/history/diploma/certificate",
        ),
        Column("name", "姓名", "name", ("full_name", "会员姓名"), "实名", "real name"),
        Column(
            "id_number",
            "身份证号码",
            "id_number",
            ("身份证号", "公民身份号码", "身份证", "证件号码", "id", "resident_id"),
            "18位，设置为文本格式",
            "18 characters; format the column as text",
        ),
        Column("phone", "手机号码", "phone", ("手机号", "手机", "联系电话", "mobile"), "11位", "11 digits"),
        Column(
            "employment_form",
            "就业形态",
            "employment_form",
            ("用工形式",),
            "职工/新就业形态劳动者/灵活就业/失业",
            "employee/platform/flexible/unemployed",
        ),
        Column("union_code", "基层工会编码", "union_code", ("工会编码", "所在工会编码"), "", ""),
        Column(
            "employer_credit_code",
            "用人单位统一社会信用代码",
            "employer_credit_code",
            ("统一社会信用代码", "单位信用代码", "credit_code"),
            "可空",
            "optional",
        ),
        Column("consent_employer", "同意用人单位查看", "consent_employer", ("同意单位查看",), "是/否", "yes/no"),
        Column("consent_job_matching", "同意岗位推荐", "consent_job_matching", ("同意就业推荐",), "是/否", "yes/no"),
        Column(
            "occupation_code",
            "职业编码",
            "occupation_code",
            ("职业代码", "occupation"),
            "如 6-31-01-03",
            "like 6-31-01-03",
        ),
        Column("start", "开始日期", "start", ("起始日期", "start_date", "开始时间"), "2020-03-01", "2020-03-01"),
        Column("end", "结束日期", "end", ("end_date", "截止日期", "结束时间"), "在职可空", "empty while ongoing"),
        Column("employer_name", "工作单位", "employer_name", ("用人单位名称", "单位名称", "employer"), "", ""),
        Column(
            "kind",
            "学历类型",
            "kind",
            ("毕业证类型", "diploma_kind", "学历"),
            "技工学校/技师学院/大专…",
            "technical_school/…",
        ),
        Column("graduated_on", "毕业日期", "graduated_on", ("毕业时间",), "", ""),
        Column("institution", "毕业院校", "institution", ("院校", "学校", "school"), "", ""),
        Column("specialty", "专业", "specialty", ("major", "所学专业"), "", ""),
        Column("grade", "技能等级", "grade", ("等级", "职业技能等级"), "高级工/三级…", "e.g. 高级工 or 三级"),
        Column("issuer", "发证机构", "issuer", ("评价机构", "发证单位", "认定机构"), "", ""),
        Column("certificate_number", "证书编号", "certificate_number", ("number", "证书号", "证书号码"), "", ""),
        Column("issued_on", "发证日期", "issued_on", ("issue_date", "发证时间"), "", ""),
        Column(
            "how", "取得方式", "how", ("how_obtained",), "评价认定/竞赛/聘任/学徒/历史导入", "assessment/competition/…"
        ),
    ]
}


@dataclass(frozen=True)
class TableSpec:
    kind: str
    zh: str
    en: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def sheet_name(self) -> str:
        return f"{self.zh} {self.en}"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES: dict[str, TableSpec] = {
    t.kind: t
    for t in [
        TableSpec(
            MEMBERS,
            "会员",
            "Members",
            ("name", "id_number", "employment_form", "union_code"),
            ("phone", "employer_credit_code", "consent_employer", "consent_job_matching"),
            ("会员信息", "member"),
        ),
        TableSpec(
            HISTORIES,
            "职业经历",
            "Histories",
            ("id_number", "occupation_code", "start"),
            ("end", "employer_name", "name"),
            ("工作经历", "从业经历", "history", "occupation_histories"),
        ),
        TableSpec(
            DIPLOMAS,
            "学历",
            "Diplomas",
            ("id_number", "kind"),
            ("graduated_on", "institution", "specialty", "occupation_code", "name"),
            ("毕业证书", "学历证书", "diploma"),
        ),
        TableSpec(
            CERTIFICATES,
            "证书",
            "Certificates",
            ("id_number", "occupation_code", "grade", "issuer", "certificate_number", "issued_on"),
            ("how", "name"),
            ("技能等级证书", "职业技能等级证书", "certificate"),
        ),
    ]
}

# Problem.field used by the shared validation functions -> column key in the file.
FIELD_TO_COLUMN = {
    "cert_occupation_code": "occupation_code",
    "diploma_occupation_code": "occupation_code",
    "diploma_kind": "kind",
    "number": "certificate_number",
}

_STRIP = re.compile(r"[\s*＊:：_\-]+")
_SPLIT = re.compile(r"[\s/|,，、（）()]+")


def _norm(text: str) -> str:
    return _STRIP.sub("", str(text)).lower().replace("（必填）", "").replace("(required)", "")


_COLUMN_LOOKUP: dict[str, str] = {}
for _c in COLUMNS.values():
    for _name in (_c.key, _c.zh, _c.en, *_c.aliases):
        _COLUMN_LOOKUP.setdefault(_norm(_name), _c.key)
_TABLE_LOOKUP: dict[str, str] = {}
for _t in TABLES.values():
    for _name in (_t.kind, _t.zh, _t.en, *_t.aliases):
        _TABLE_LOOKUP.setdefault(_norm(_name), _t.kind)
_TABLE_LOOKUP.update(
    {
        _norm(k): v
        for k, v in {
            "职业经历": HISTORIES,
            "经历": HISTORIES,
            "学历": DIPLOMAS,
            "证书": CERTIFICATES,
            "会员": MEMBERS,
        }.items()
    }
)


def _match(text: Any, lookup: dict[str, str]) -> str | None:
    raw = str(text or "").strip()
    if not raw:
        return None
    key = lookup.get(_norm(raw))
    if key:
        return key
    for token in _SPLIT.split(raw):
        key = lookup.get(_norm(token)) if token else None
        if key:
            return key
    return None


def column_key(header: Any) -> str | None:
    """``"身份证号码 id_number *"`` → ``"id_number"``; unknown headers → None."""
    return _match(header, _COLUMN_LOOKUP)


def table_kind(name: Any) -> str | None:
    """A sheet name or ``record_type`` value → table kind, e.g. ``"证书 Certificates"`` → certificates."""
    return _match(name, _TABLE_LOOKUP)


def infer_kind(keys: set[str]) -> str:
    """Which table a CSV file without a ``record_type`` column holds, from its columns."""
    if "certificate_number" in keys or "grade" in keys:
        return CERTIFICATES
    if "union_code" in keys or "employment_form" in keys:
        return MEMBERS
    if "kind" in keys or "graduated_on" in keys:
        return DIPLOMAS
    if "start" in keys:
        return HISTORIES
    return MEMBERS


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def cell_value(value: Any) -> Any:
    """Normalise one cell: text stripped, whole floats as integers, dates kept as dates.

    ``2024-03-01`` text becomes a date here (fast); anything else that looks like a date is
    left as text for ``validation.parse_date`` to read or to report.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip().replace("\u3000", " ").strip()
        if len(text) == 10 and _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return text
        return text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value
    return str(value).strip()


_YES = {"是", "y", "yes", "true", "1", "同意", "√", "✓", "t", "对"}
_NO = {"否", "n", "no", "false", "0", "不同意", "×", "f", ""}


class FlagError(ValueError):
    pass


def parse_flag(value: Any) -> bool | None:
    """Yes/no cells: 是/否, Y/N, 1/0, 同意/不同意; blank → None (keep / default no)."""
    text = str(value if value is not None else "").strip().lower()
    if text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FlagError(text)
