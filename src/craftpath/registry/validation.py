"""Checking member records before anything is written; shared by pages, API and imports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from craftpath.core.problems import Problem
from craftpath.engines.coder.normalize import to_simplified
from craftpath.engines.codes import check_resident_id
from craftpath.engines.grades import Grade
from craftpath.registry.models import Certificate, Diploma, Member

_PHONE = re.compile(r"^1\d{10}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
MIN_CERTIFICATE_AGE = 16  # 《劳动法》 art. 15: no employment under 16; see docs/policy-rules.md


@dataclass
class Catalogue:
    """Reference data a validation pass needs, loaded once per request or import."""

    occupation_levels: dict[str, int]
    occupation_grades: dict[str, list[int]]
    union_paths: dict[str, str] = field(default_factory=dict)  # org code -> path (grassroots only)
    employers: dict[str, int] = field(default_factory=dict)  # credit code -> pk


def parse_date(value: Any, column: str, problems: list[Problem]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text.endswith(" 00:00:00"):
        text = text[:-9]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.append(Problem("date.invalid", {"value": text}, column))
    return None


def check_occupation(code: str, cat: Catalogue, column: str, problems: list[Problem]) -> str | None:
    code = (code or "").strip()
    level = cat.occupation_levels.get(code)
    if level is None:
        problems.append(Problem("occupation.unknown", {"value": code}, column))
        return None
    if level != 4:
        problems.append(Problem("occupation.not_leaf", {"value": code}, column))
        return None
    return code


def parse_grade(value: Any, column: str, problems: list[Problem], *, numbers: str = "rank") -> Grade | None:
    """A grade from its name (simplified or traditional), national level or number.

    ``numbers`` says how a bare number reads (:meth:`Grade.parse`): ``"rank"`` for the pages'
    grade list and the API (0–7), ``"level"`` for files, where people copy 四级 off a
    certificate as 4 — so a file's 4 is 中级工, as the pages label it, not 技师.
    """
    text = "" if value is None else to_simplified(str(value).strip())
    grade = Grade.parse(text, numbers=numbers) if text else None
    if grade is None:
        bare = numbers == "level" and text.removesuffix(".0").isdigit()
        problems.append(Problem("grade.bare_number" if bare else "grade.unknown", {"value": text}, column))
    return grade


@dataclass
class MemberInput:
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    phone: str
    employment_form: str
    union_code: str
    employer_code: str


def check_member(data: dict[str, Any], cat: Catalogue, today: dt.date) -> tuple[MemberInput | None, list[Problem]]:
    problems: list[Problem] = []
    name = str(data.get("name") or "").strip()
    if not name:
        problems.append(Problem("member.name_required", {}, "name"))
    id_check = check_resident_id(str(data.get("id_number") or ""), today=today)
    if not id_check.ok:
        problems.append(Problem(id_check.error_code or "id.checksum", {}, "id_number"))
    phone = re.sub(r"[\s-]", "", str(data.get("phone") or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not _PHONE.match(phone):
        problems.append(Problem("member.phone", {}, "phone"))
    form = str(data.get("employment_form") or "").strip()
    form = _EMPLOYMENT_ALIASES.get(form, form)
    if form not in Member.EmploymentForm.values:
        problems.append(
            Problem(
                "employment_form.invalid",
                {"value": form, "choices": ", ".join(Member.EmploymentForm.values)},
                "employment_form",
            )
        )
    union_code = str(data.get("union_code") or "").strip()
    if not union_code:
        problems.append(Problem("member.union_required", {}, "union_code"))
    elif cat.union_paths and union_code not in cat.union_paths:
        problems.append(Problem("org.unknown", {"value": union_code}, "union_code"))
    employer_code = str(data.get("employer_credit_code") or "").strip().upper()
    if employer_code and cat.employers and employer_code not in cat.employers:
        problems.append(Problem("employer.unknown", {"value": employer_code}, "employer_credit_code"))
    if problems:
        return None, problems
    if id_check.birth_date is None or id_check.sex is None:  # pragma: no cover - ok implies both
        raise AssertionError("a valid ID number always yields birth date and sex")
    return MemberInput(
        name, id_check.value, id_check.birth_date, id_check.sex, phone, form, union_code, employer_code
    ), []


_EMPLOYMENT_ALIASES = {
    "职工": "employee",
    "在职职工": "employee",
    "雇员": "employee",
    "新就业形态劳动者": "platform",
    "平台劳动者": "platform",
    "平台": "platform",
    "灵活就业": "flexible",
    "灵活就业人员": "flexible",
    "失业": "unemployed",
    "失业人员": "unemployed",
}
_HOW_ALIASES = {
    "评价认定": "assessment",
    "认定": "assessment",
    "竞赛": "competition",
    "竞赛晋升": "competition",
    "聘任": "appointment",
    "评聘": "appointment",
    "学徒": "apprenticeship",
    "历史导入": "legacy",
    "": "assessment",
}
_DIPLOMA_ALIASES = {
    "技工学校": "technical_school",
    "高级技工学校": "senior_technical_school",
    "技师学院": "technician_college",
    "预备技师": "preparatory_technician",
    "中等职业学校": "secondary_vocational",
    "中专": "secondary_vocational",
    "高等职业学校": "higher_vocational",
    "高职": "higher_vocational",
    "大专": "junior_college",
    "本科": "bachelor",
    "研究生": "postgraduate",
}


def check_history(
    data: dict[str, Any], cat: Catalogue, birth: dt.date, today: dt.date
) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []
    code = check_occupation(str(data.get("occupation_code") or ""), cat, "occupation_code", problems)
    start = parse_date(data.get("start"), "start", problems)
    end = parse_date(data.get("end"), "end", problems)
    if start is None and not any(p.field == "start" for p in problems):
        problems.append(Problem("row.required", {"column": "start"}, "start"))
    if start and start > today:
        problems.append(Problem("date.future", {"value": start.isoformat()}, "start"))
    if end and end > today:
        problems.append(Problem("date.future", {"value": end.isoformat()}, "end"))
    if start and end and end < start:
        problems.append(Problem("date.end_before_start", {}, "end"))
    if start and start < birth:
        problems.append(Problem("date.before_birth", {"value": start.isoformat()}, "start"))
    if problems:
        return None, problems
    return {
        "occupation_id": code,
        "start": start,
        "end": end,
        "employer_name": str(data.get("employer_name") or "")[:160],
    }, []


# The certificate number column's length: a longer number is a typing slip, and PostgreSQL would refuse it.
_NUMBER_LENGTH = Certificate._meta.get_field("number").max_length or 64


def check_certificate(
    data: dict[str, Any], cat: Catalogue, birth: dt.date, today: dt.date, *, grade_numbers: str = "rank"
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A certificate row checked; ``grade_numbers="level"`` for files (see :func:`parse_grade`)."""
    problems: list[Problem] = []
    code = check_occupation(str(data.get("occupation_code") or ""), cat, "cert_occupation_code", problems)
    grade = parse_grade(data.get("grade"), "grade", problems, numbers=grade_numbers)
    issued = parse_date(data.get("issued_on"), "issued_on", problems)
    number = str(data.get("number") or "").strip()
    issuer = str(data.get("issuer") or "").strip()
    how = _HOW_ALIASES.get(str(data.get("how") or "").strip(), str(data.get("how") or "").strip())
    if not number:
        problems.append(Problem("row.required", {"column": "certificate_number"}, "certificate_number"))
    elif len(number) > _NUMBER_LENGTH:
        problems.append(
            Problem("row.too_long", {"column": "certificate_number", "limit": _NUMBER_LENGTH}, "certificate_number")
        )
    if not issuer:
        problems.append(Problem("row.required", {"column": "issuer"}, "issuer"))
    if issued is None and not any(p.field == "issued_on" for p in problems):
        problems.append(Problem("row.required", {"column": "issued_on"}, "issued_on"))
    if how not in Certificate.How.values:
        problems.append(Problem("certificate.how", {"value": how, "choices": ", ".join(Certificate.How.values)}, "how"))
    if issued and issued > today:
        problems.append(Problem("date.future", {"value": issued.isoformat()}, "issued_on"))
    if issued and _age_on(birth, issued) < MIN_CERTIFICATE_AGE:
        problems.append(Problem("certificate.too_young", {}, "issued_on"))
    if code and grade is not None:
        if grade.value not in cat.occupation_grades.get(code, []):
            problems.append(Problem("grade.not_in_occupation", {"occupation": code, "grade": grade.zh}, "grade"))
        elif grade.is_post and how not in ("appointment", "legacy"):
            problems.append(Problem("grade.post_by_exam", {}, "grade"))
    if problems:
        return None, problems
    assert grade is not None
    return {
        "occupation_id": code,
        "grade": grade.value,
        "issued_on": issued,
        "number": number,
        "issuer": issuer[:160],
        "how": how,
    }, []


def check_diploma(
    data: dict[str, Any], cat: Catalogue, birth: dt.date, today: dt.date
) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []
    kind = str(data.get("kind") or "").strip()
    kind = _DIPLOMA_ALIASES.get(kind, kind)
    if kind not in Diploma.Kind.values:
        problems.append(
            Problem("diploma.kind", {"value": kind, "choices": ", ".join(Diploma.Kind.values)}, "diploma_kind")
        )
    graduated = parse_date(data.get("graduated_on"), "graduated_on", problems)
    if graduated and graduated > today:
        problems.append(Problem("date.future", {"value": graduated.isoformat()}, "graduated_on"))
    if graduated and graduated < birth:
        problems.append(Problem("date.before_birth", {"value": graduated.isoformat()}, "graduated_on"))
    occ = str(data.get("occupation_code") or "").strip()
    code = check_occupation(occ, cat, "diploma_occupation_code", problems) if occ else None
    if problems:
        return None, problems
    return {
        "kind": kind,
        "graduated_on": graduated,
        "occupation_id": code,
        "institution": str(data.get("institution") or "")[:160],
        "specialty": str(data.get("specialty") or "")[:120],
    }, []


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
