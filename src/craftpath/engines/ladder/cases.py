"""Case files: one or a few members in JSON or YAML, for the CLI and the scenario tests.

A case has ``as_of`` and either ``member`` (one member with nested rows) or the frame lists
(``members``, ``histories``, ...). Dates are ``YYYY-MM-DD``; grades may be ranks (``4``) or
labels (``技师``, ``二级``, ``technician``)::

    as_of: 2025-06-30
    member:
      member_id: 1
      birth_date: 1990-05-01
      jurisdiction: "120000"
      histories: [{occupation_code: 6-18-02-04, start: 2015-03-01, end: null}]
      certificates: [{occupation_code: 6-18-02-04, grade: 初级工, issued_on: 2019-03-01}]
      diplomas: []
      awards: []
      apprenticeships: []
      posts: [{post_grade: 6, employer_has_post: true, free_quota: 1}]

Examples:
    >>> case = parse_case({"as_of": "2025-01-01", "member": {"member_id": 1,
    ...     "birth_date": "1990-01-01", "certificates": [{"occupation_code": "6-31-01-03",
    ...     "grade": "技师", "issued_on": "2020-01-01"}]}})
    >>> case.inputs.certificates["grade"].to_list()
    [4]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from craftpath.engines.grades import Grade
from craftpath.engines.ladder.inputs import LadderInputs
from craftpath.engines.ladder.posts import POST_INPUT_SCHEMA

__all__ = ["Case", "CaseError", "parse_case"]

_FRAMES = ("histories", "certificates", "diplomas", "awards", "apprenticeships")
_DATE_FIELDS = {"birth_date", "start", "end", "issued_on", "graduated_on", "held_on", "completed_on"}
_GRADE_FIELDS = {"grade", "assessed_level", "post_grade"}


class CaseError(ValueError):
    """A case file cannot be read; the message says which field and what to do (zh + en)."""


@dataclass(frozen=True)
class Case:
    as_of: dt.date
    inputs: LadderInputs
    posts: pl.DataFrame
    on_bad_input: str = "error"


def _value(key: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    if key in _DATE_FIELDS:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise CaseError(
                f"{where}.{key}: 日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD, got {value!r}"
            ) from None
    if key in _GRADE_FIELDS and not isinstance(value, int):
        try:
            return int(Grade.from_label(str(value)))
        except ValueError:
            raise CaseError(
                f"{where}.{key}: 无法识别的等级 / unknown grade {value!r} (use 0-7 or a name like 技师)"
            ) from None
    if key in ("member_id", "org_id") and not isinstance(value, int):
        raise CaseError(f"{where}.{key}: 应为整数 / must be a whole number, got {value!r}")
    return value


def _rows(items: Any, where: str, member_id: int | None = None) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise CaseError(f"{where}: 应为列表 / must be a list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise CaseError(f"{where}[{i}]: 应为对象 / must be an object")
        row = {k: _value(k, v, f"{where}[{i}]") for k, v in item.items()}
        if member_id is not None:
            row.setdefault("member_id", member_id)
        if "how" not in row and where.endswith("certificates"):
            row["how"] = "assessment"
        out.append(row)
    return out


def parse_case(doc: Any) -> Case:
    """Turn a parsed JSON/YAML case into engine inputs."""
    if not isinstance(doc, dict):
        raise CaseError("案例文件应为对象 / a case file must be a JSON/YAML object")
    if "as_of" not in doc:
        raise CaseError('缺少 as_of（评估日期）/ missing as_of (the evaluation date), e.g. "as_of": "2025-06-30"')
    try:
        as_of = doc["as_of"] if isinstance(doc["as_of"], dt.date) else dt.date.fromisoformat(str(doc["as_of"]))
    except ValueError:
        raise CaseError(f"as_of: 日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD, got {doc['as_of']!r}") from None
    frames: dict[str, list[dict[str, Any]]] = {name: [] for name in ("members", *_FRAMES)}
    posts: list[dict[str, Any]] = []
    people = [doc["member"]] if "member" in doc else (doc.get("members") or [])
    if not people:
        raise CaseError('案例中没有会员 / the case has no member: give "member" or "members"')
    for i, person in enumerate(people):
        where = "member" if "member" in doc else f"members[{i}]"
        if not isinstance(person, dict) or "member_id" not in person:
            raise CaseError(f"{where}: 需要 member_id / needs member_id")
        mid = _value("member_id", person["member_id"], where)
        frames["members"].append(
            {k: _value(k, person.get(k), where) for k in ("member_id", "birth_date", "jurisdiction", "org_id")}
        )
        for name in _FRAMES:
            frames[name] += _rows(person.get(name), f"{where}.{name}", mid)
        posts += _rows(person.get("posts"), f"{where}.posts", mid)
    for name in _FRAMES:
        frames[name] += _rows(doc.get(name), name)
    posts += _rows(doc.get("posts"), "posts")
    try:
        inputs = LadderInputs.build(**{k: (v or None) for k, v in frames.items()})
    except Exception as exc:
        raise CaseError(f"案例数据无法读取 / case data cannot be read: {exc}") from exc
    return Case(
        as_of, inputs, pl.DataFrame(posts or None, schema=POST_INPUT_SCHEMA), str(doc.get("on_bad_input", "error"))
    )
