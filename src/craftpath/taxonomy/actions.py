"""Local additions and corrections to the occupation classification.

The shipped file stays untouched; a federation's changes live in the database, are audited,
and survive re-syncing the shipped data (``locally_modified`` / ``origin=local``).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.db import transaction

from craftpath.core import events
from craftpath.core.problems import Problem, ProblemError
from craftpath.taxonomy.loader import parent_of, search_text
from craftpath.taxonomy.models import DEFAULT_GRADES, Occupation

_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
_FIELDS = ("name", "definition", "tasks", "aliases", "is_green", "is_digital", "grades", "note")


def _snapshot(o: Occupation) -> dict[str, Any]:
    return {f: getattr(o, f) for f in _FIELDS}


@transaction.atomic
def do_correct_occupation(actor: Any, code: str, changes: dict[str, Any]) -> Occupation:
    """Change fields of an entry (shipped or local); marks it so re-sync keeps the change."""
    occupation = Occupation.objects.select_for_update().filter(code=code).first()
    if occupation is None:
        raise ProblemError(Problem("occupation.unknown", {"value": code}, "code"))
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    if "grades" in changes:
        grades = sorted({int(g) for g in changes["grades"]})
        if any(g not in DEFAULT_GRADES for g in grades):
            raise ProblemError(Problem("grade.unknown", {"value": grades}, "grades"))
        if any(g >= 6 for g in grades) and 5 not in grades:
            raise ProblemError(Problem("grade.post_by_exam", {}, "grades"))
        changes["grades"] = grades
    before = _snapshot(occupation)
    for key, value in changes.items():
        setattr(occupation, key, value)
    occupation.search_text = search_text(occupation.name, occupation.aliases)
    occupation.locally_modified = occupation.origin == Occupation.Origin.SHIPPED
    occupation.save()
    old, new = events.diff(before, _snapshot(occupation))
    events.record(
        actor=actor,
        kind="update",
        action="correct_occupation",
        object_type="occupation",
        object_id=code,
        before=old,
        after=new,
    )
    return occupation


@transaction.atomic
def do_add_occupation(
    actor: Any,
    *,
    code: str,
    name: str,
    definition: str = "",
    tasks: list[str] | None = None,
    aliases: list[str] | None = None,
    note: str = "",
) -> Occupation:
    """Add an occupation the shipped file lacks (e.g. one published after 2022)."""
    if not _CODE.match(code) or code.endswith("-00"):
        raise ProblemError(Problem("occupation.not_leaf", {"value": code}, "code"))
    if Occupation.objects.filter(code=code).exists():
        raise ProblemError(Problem("occupation.duplicate", {"value": code}, "code"))
    parent = parent_of(code)
    if not Occupation.objects.filter(code=parent).exists():
        raise ProblemError(Problem("occupation.unknown", {"value": parent}, "code"))
    occupation = Occupation.objects.create(
        code=code,
        level=4,
        parent_code=parent,
        name=name,
        definition=definition,
        tasks=tasks or [],
        aliases=aliases or [],
        grades=list(DEFAULT_GRADES),
        search_text=search_text(name, aliases or []),
        origin=Occupation.Origin.LOCAL,
        note=note,
    )
    events.record(
        actor=actor,
        kind="create",
        action="add_occupation",
        object_type="occupation",
        object_id=code,
        after=_snapshot(occupation),
    )
    return occupation


def apply_corrections_csv(actor: Any, text: str) -> list[tuple[int, Problem]]:
    """Apply a CSV of corrections/additions (``code,name,definition,tasks,aliases,grades,note``).

    Lists use ``|`` between items. All rows or none: any problem rolls the whole file back.
    """
    problems: list[tuple[int, Problem]] = []
    rows = list(csv.DictReader(io.StringIO(text)))
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            code = (row.get("code") or "").strip()
            changes: dict[str, Any] = {}
            for key in ("name", "definition", "note"):
                if (row.get(key) or "").strip():
                    changes[key] = row[key].strip()
            for key in ("tasks", "aliases"):
                if (row.get(key) or "").strip():
                    changes[key] = [x.strip() for x in row[key].split("|") if x.strip()]
            if (row.get("grades") or "").strip():
                changes["grades"] = [int(g) for g in row["grades"].split("|") if g.strip().isdigit()]
            try:
                if Occupation.objects.filter(code=code).exists():
                    do_correct_occupation(actor, code, changes)
                else:
                    do_add_occupation(
                        actor,
                        code=code,
                        name=changes.get("name", ""),
                        definition=changes.get("definition", ""),
                        tasks=changes.get("tasks"),
                        aliases=changes.get("aliases"),
                        note=changes.get("note", ""),
                    )
                    if "grades" in changes:
                        do_correct_occupation(actor, code, {"grades": changes["grades"]})
            except ProblemError as exc:
                problems.extend((number, p) for p in exc.problems)
        if problems:
            transaction.set_rollback(True)
    return problems
