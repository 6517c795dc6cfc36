"""Entering a whole event's scores from a CSV or XLSX sheet (batch form of do_record_scores).

Columns (Chinese or English headers): 身份证号 id_number, 理论成绩 theory, 实操成绩 practice.
Rows are matched to the event's registered candidates by the keyed ID hash. Each row is its
own transaction: good rows are saved, problem rows reported in Chinese and English. Entering
the same file again simply re-enters the same scores.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from craftpath.assessment.actions import do_record_scores
from craftpath.assessment.models import AssessmentEvent
from craftpath.core.crypto import lookup_hash
from craftpath.core.problems import Problem, ProblemError
from craftpath.engines.codes import check_resident_id

HEADERS = {
    "id_number": ("身份证号", "身份证号码", "id_number", "id number"),
    "theory": ("理论成绩", "理论", "theory"),
    "practice": ("实操成绩", "实操", "practice"),
}


def _rows(data: bytes, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        rows = (tuple(r) for r in csv.reader(io.StringIO(text)))
    header = next(rows, None) or ()
    keys = []
    for h in header:
        text = str(h or "").strip().lower()
        keys.append(next((k for k, names in HEADERS.items() if text in names), None))
    missing = [k for k in HEADERS if k not in keys]
    if missing:
        raise ValueError(", ".join(HEADERS[k][0] + " " + k for k in missing))
    for number, row in enumerate(rows, start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if any(str(v or "").strip() for v in values.values()):
            yield number, values


def import_scores(actor: Any, event: AssessmentEvent, path: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"file": path.name, "rows": 0, "saved": 0, "failed": 0, "problems": []}

    def problem(row: int, p: Problem) -> None:
        report["failed"] += 1
        report["problems"].append({"row": row, **p.as_dict()})

    try:
        rows = list(_rows(path.read_bytes(), path.name))
    except ValueError as exc:
        report["problems"].append({"row": 0, **Problem("file.columns", {"value": str(exc)}, "file").as_dict()})
        return report
    except Exception:  # a damaged workbook (not a zip, a broken sheet): say so, do not crash
        report["problems"].append({"row": 0, **Problem("file.format", {}, "file").as_dict()})
        return report
    candidates = {c.member.id_hash: c for c in event.candidates.select_related("member", "event")}
    for number, values in rows:
        report["rows"] += 1
        plain = str(values.get("id_number") or "").strip().upper()
        checked = check_resident_id(plain)
        if checked.error_code:
            problem(number, Problem(checked.error_code, {}, "id_number"))
            continue
        candidate = candidates.get(lookup_hash(plain))
        if candidate is None:
            problem(number, Problem("assessment.not_candidate", {}, "id_number"))
            continue
        try:
            do_record_scores(actor, candidate, theory=values.get("theory"), practice=values.get("practice"))
        except ProblemError as exc:
            for p in exc.problems:
                problem(number, p)
            continue
        report["saved"] += 1
    return report
