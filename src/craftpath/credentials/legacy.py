"""Importing legacy certificates (paper or earlier systems) as unsigned legacy evidence.

Columns (Chinese or English headers): 证书编号 certificate_number, 身份证号 id_number,
职业编码 occupation_code, 等级 grade (a name or a national level; a bare number is the level, so 4 is
四级 = 中级工), 发证日期 issued_on, 发证机构 issuer. Each row becomes a
registry certificate with ``how="legacy"`` plus a :class:`LegacyCertificate` provenance row.
Re-importing the same file changes nothing: a row whose issuer and number are already recorded
for the same member is counted as unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from craftpath.core import events
from craftpath.core.crypto import lookup_hash
from craftpath.core.models import AuditEvent
from craftpath.core.problems import Problem
from craftpath.credentials import problems as _problems  # noqa: F401  (registers messages)
from craftpath.credentials.models import LegacyCertificate
from craftpath.engines.codes import check_resident_id
from craftpath.registry import validation
from craftpath.registry.access import members_visible_to
from craftpath.registry.actions import load_catalogue
from craftpath.registry.models import Certificate, Member

HEADERS = {
    "certificate_number": ("证书编号", "certificate_number", "certificate number", "number"),
    "id_number": ("身份证号", "身份证号码", "id_number", "id number"),
    "occupation_code": ("职业编码", "occupation_code", "occupation code", "occupation"),
    "grade": ("等级", "技能等级", "grade"),
    "issued_on": ("发证日期", "issued_on", "issue date", "date"),
    "issuer": ("发证机构", "issuer"),
}


@dataclass
class LegacyReport:
    file_name: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "problems": self.problems,
        }


def _key(header: Any) -> str | None:
    text = str(header or "").strip().lower()
    for key, names in HEADERS.items():
        if text in names:
            return key
    return None


def _read(data: bytes, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet_rows: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("file.encoding")
        sheet_rows = (tuple(r) for r in csv.reader(io.StringIO(text)))
    header = next(sheet_rows, None)
    if header is None:
        raise ValueError("file.empty")
    keys = [_key(h) for h in header]
    missing = [k for k in HEADERS if k not in keys]
    if missing:
        raise ValueError("file.columns:" + ", ".join(HEADERS[k][0] + " " + k for k in missing))
    for number, row in enumerate(sheet_rows, start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if any(str(v or "").strip() for v in values.values()):
            yield number, values


def _problem(report: LegacyReport, row: int, p: Problem) -> None:
    report.failed += 1
    report.problems.append({"row": row, **p.as_dict()})


def import_legacy_certificates(actor: Any, path: Path) -> LegacyReport:
    """Import one file; rows with problems are reported (zh + en) and skipped, the rest saved."""
    data = path.read_bytes()
    report = LegacyReport(path.name)
    if not data.strip():
        report.problems.append({"row": 0, **Problem("file.empty", {}, "file").as_dict()})
        return report
    digest = hashlib.sha256(data).hexdigest()
    try:
        rows = list(_read(data, path.name))
    except ValueError as exc:
        code, _, value = str(exc).partition(":")
        report.problems.append({"row": 0, **Problem(code, {"value": value}, "file").as_dict()})
        return report
    except Exception:
        report.problems.append({"row": 0, **Problem("file.format", {}, "file").as_dict()})
        return report
    catalogue = load_catalogue()
    today = timezone.localdate()
    visible = members_visible_to(actor) if actor is not None else Member.objects.all()
    audit: list[AuditEvent] = []
    with transaction.atomic():
        for number, values in rows:
            report.rows += 1
            plain = str(values.get("id_number") or "").strip().upper()
            checked = check_resident_id(plain)
            if checked.error_code:
                _problem(report, number, Problem(checked.error_code, {}, "id_number"))
                continue
            member = visible.filter(id_hash=lookup_hash(plain)).first()
            if member is None:
                _problem(report, number, Problem("legacy.member_unknown", {}, "id_number"))
                continue
            cleaned, problems = validation.check_certificate(
                {**values, "number": values.get("certificate_number"), "how": "legacy"},
                catalogue,
                member.birth_date,
                today,
                grade_numbers="level",
            )
            if cleaned is None:
                report.failed += 1
                report.problems.extend({"row": number, **p.as_dict()} for p in problems)
                continue
            existing = Certificate.all_objects.filter(issuer=cleaned["issuer"], number=cleaned["number"]).first()
            if existing is not None:
                if existing.member_id == member.pk:
                    report.unchanged += 1
                else:
                    _problem(report, number, Problem("legacy.other_member", {"value": cleaned["number"]}, "number"))
                continue
            cert = Certificate.objects.create(member=member, **cleaned)
            LegacyCertificate.objects.create(
                certificate=cert,
                source_file=path.name[:255],
                source_sha256=digest,
                source_row=number,
                imported_by=actor if getattr(actor, "pk", None) else None,
            )
            report.created += 1
            audit.append(
                AuditEvent(
                    actor=actor if getattr(actor, "pk", None) else None,
                    actor_label=getattr(actor, "username", "") or "system",
                    kind="import",
                    action="import_legacy_certificate",
                    object_type="member",
                    object_id=str(member.public_id),
                    org_path=member.org_path,
                    after={
                        "number": cert.number,
                        "occupation": cert.occupation_id,
                        "grade": cert.grade,
                        "issuer": cert.issuer,
                        "signed": False,
                        "source": f"{path.name}#{number}",
                    },
                )
            )
        events.record_many(audit)
    return report
