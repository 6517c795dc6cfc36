"""Load the shipped 2022 classification (and local corrections) into the database."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pypinyin import Style, lazy_pinyin

from craftpath.taxonomy.models import DEFAULT_GRADES, Occupation

_MARKER = re.compile(r"(L/S|L|S)$")
_ALIAS_SPLIT = re.compile(r"[、,，;；/]")
_TASK_SPLIT = re.compile(r"(?:^|(?<=[\s；;。]))(\d{1,2})[.．、]\s*")


@dataclass(frozen=True)
class OccupationRow:
    code: str
    level: int
    parent_code: str
    name: str
    definition: str
    tasks: list[str]
    aliases: list[str]
    is_green: bool
    is_digital: bool


def parent_of(code: str) -> str:
    """``6-31-01-03`` → ``6-31-01-00``; ``6-31-01-00`` → ``6-31-00-00`` …

    >>> parent_of("6-31-01-03"), parent_of("6-31-01-00"), parent_of("6-31-00-00"), parent_of("6-00-00-00")
    ('6-31-01-00', '6-31-00-00', '6-00-00-00', '')
    """
    parts = code.split("-")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].strip("0"):
            parts[i] = "0" * len(parts[i])
            return "-".join(parts)
    return ""


def split_tasks(text: str) -> list[str]:
    """Split a numbered task list ``1.xx；2.yy`` into items.

    >>> split_tasks("1. 操作设备；2. 记录数据。")
    ['操作设备', '记录数据']
    """
    if not text.strip():
        return []
    pieces = _TASK_SPLIT.split(text)
    items = [p.strip(" ；;。\n") for i, p in enumerate(pieces) if i % 2 == 0 and p.strip(" ；;。\n")]
    return items or [text.strip()]


def parse_name(raw: str) -> tuple[str, bool, bool]:
    """Strip the green (L) / digital (S) marker from a name.

    >>> parse_name("网络编辑S")
    ('网络编辑', False, True)
    """
    match = _MARKER.search(raw)
    if not match or len(raw) <= len(match.group(0)):
        return raw, False, False
    marker = match.group(0)
    return raw[: -len(marker)], "L" in marker, "S" in marker


def shipped_rows() -> Iterable[OccupationRow]:
    """Shipped entries, one per code.

    The source file repeats three rows word for word, and gives ``2-03-01-00`` both as a minor
    group and as the occupation inside it; the occupation (the deeper level) is kept.
    """
    rows: dict[str, OccupationRow] = {}
    for row in _read_shipped():
        if row.code not in rows or row.level > rows[row.code].level:
            rows[row.code] = row
    return rows.values()


def _read_shipped() -> Iterable[OccupationRow]:
    with resources.files("craftpath.data").joinpath("csco22/csco22.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            name, green, digital = parse_name(rec["name"].strip())
            aliases = list(
                dict.fromkeys(
                    a.strip() for a in _ALIAS_SPLIT.split(rec.get("alias") or "") if a.strip() and a.strip() != name
                )
            )
            yield OccupationRow(
                code=rec["code"].strip(),
                level=int(rec["level"]),
                parent_code=parent_of(rec["code"].strip()),
                name=name,
                definition=rec["definition"].strip(),
                tasks=split_tasks(rec["tasks"]),
                aliases=aliases,
                is_green=green,
                is_digital=digital,
            )


def search_text(name: str, aliases: list[str]) -> str:
    words = [name, *aliases]
    pinyin = " ".join("".join(lazy_pinyin(w)) for w in words[:4])
    initials = " ".join("".join(lazy_pinyin(w, style=Style.FIRST_LETTER)) for w in words[:4])
    return " ".join([*words, pinyin, initials]).lower()


def sync_occupations() -> dict[str, int]:
    """Insert or update shipped entries; leave local additions and corrections alone."""
    existing = {o.code: o for o in Occupation.objects.all()}
    created: list[Occupation] = []
    updated: list[Occupation] = []
    for row in shipped_rows():
        values: dict[str, Any] = {
            "level": row.level,
            "parent_code": row.parent_code,
            "name": row.name,
            "definition": row.definition,
            "tasks": row.tasks,
            "aliases": row.aliases,
            "is_green": row.is_green,
            "is_digital": row.is_digital,
            "search_text": search_text(row.name, row.aliases),
        }
        current = existing.get(row.code)
        if current is None:
            created.append(Occupation(code=row.code, grades=DEFAULT_GRADES if row.level == 4 else [], **values))
        elif (
            not current.locally_modified
            and current.origin == Occupation.Origin.SHIPPED
            and any(getattr(current, k) != v for k, v in values.items())
        ):
            for k, v in values.items():
                setattr(current, k, v)
            updated.append(current)
    Occupation.objects.bulk_create(created, batch_size=500)
    if updated:
        Occupation.objects.bulk_update(updated, list(values), batch_size=500)
    return {"created": len(created), "updated": len(updated)}
