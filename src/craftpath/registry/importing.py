"""Importing members, occupation histories, diplomas and certificates from XLSX or CSV.

How an import runs (see ``docs/recipes/import-members.md`` for the file format):

* The file is opened by :mod:`craftpath.registry.import_read`; a file that cannot be used at all
  (too large, empty, not a workbook, unknown encoding, required columns missing) gives one
  problem and nothing is written.
* Tables are processed in order Members → Histories → Diplomas → Certificates, in chunks of
  ``chunk_size`` rows. Each row is checked with the shared functions of
  :mod:`craftpath.registry.validation`, so the pages, the API and imports agree.
* Natural keys make re-imports idempotent: member by ``id_hash``; history by (member,
  occupation, start); diploma by (member, kind, graduated_on, specialty); certificate by
  (issuer, number). A row equal to what is stored is *unchanged*; a member or fact that exists
  with different details is *updated* (audited with before/after). Blank optional cells never
  erase stored values.
* Default mode: each chunk is written in its own transaction; bad rows are skipped and
  reported. ``all_or_nothing``: every row is checked first (nothing written, progress visible);
  only if no row has a problem is everything written in one transaction. ``dry_run``: check
  only, never write.
* Audit: per member created or updated one event (``record_many``, bulk) and one ``import``
  event for the batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, reset_queries, transaction
from django.db.models import F
from django.utils import timezone

from craftpath.core import crypto, events
from craftpath.core.models import AuditEvent
from craftpath.core.problems import Problem
from craftpath.engines.codes import check_resident_id, mask_phone, mask_resident_id
from craftpath.orgs.access import can_act_in
from craftpath.orgs.models import Employer, Organisation
from craftpath.registry import import_format as fmt
from craftpath.registry import validation
from craftpath.registry.actions import load_catalogue
from craftpath.registry.import_read import FileProblem, ParsedFile, Table, open_import_file
from craftpath.registry.models import Certificate, Diploma, ImportBatch, Member, OccupationHistory
from craftpath.registry.signals import members_moved

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 5000
MAX_REPORTED = 100_000  # problems kept in the batch / report; the count is always exact
BULK = 1000
ANOTHER_UNION = "另一工会 / another union"


@dataclass
class ImportOptions:
    all_or_nothing: bool = False
    dry_run: bool = False
    chunk_size: int = DEFAULT_CHUNK


@dataclass
class ImportResult:
    status: str = ImportBatch.Status.DONE
    committed: bool = False
    rows_total: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # created / updated / unchanged / failed
    per_table: dict[str, Counter[str]] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_rows: int = 0
    file_problem: Problem | None = None
    notice: Problem | None = None

    @property
    def failed(self) -> int:
        return self.counts["failed"]


class _Rollback(Exception):
    pass


class ImportScope:
    """Where the importer may write: a staff user's subtree, or an organisation's (CLI)."""

    def __init__(self, actor: Any, org: Organisation) -> None:
        self.actor = actor
        self.org = org
        self.root_path = org.path
        self._allowed: dict[int, bool] = {}

    def allows(self, org: Organisation) -> bool:
        if org.pk not in self._allowed:
            if self.actor is not None:
                self._allowed[org.pk] = can_act_in(self.actor, org)
            else:
                self._allowed[org.pk] = org.path.startswith(self.root_path)
        return self._allowed[org.pk]

    def covers_path(self, path: str) -> bool:
        return path.startswith(self.root_path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def mask_value(key: str, value: Any) -> str:
    """What the report shows of a cell: ID numbers and phones are always masked."""
    text = "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
    if key == "id_number":
        return mask_resident_id(text)
    if key == "phone":
        return mask_phone(text)
    return text[:200]


# --- the run ----------------------------------------------------------------------------------


def run_import(
    path: Path | str,
    *,
    actor: Any,
    scope_org: Organisation,
    options: ImportOptions | None = None,
    batch: ImportBatch | None = None,
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one file. ``batch`` (if given) is updated with progress and the outcome."""
    options = options or ImportOptions()
    path = Path(path)
    result = ImportResult()
    try:
        parsed = open_import_file(path, file_name or path.name)
    except FileProblem as exc:
        result.file_problem = exc.problem
        result.status = ImportBatch.Status.FAILED
        result.problems = [_file_problem_dict(exc.problem)]
        _finish(batch, result, actor, file_name or path.name)
        return result

    estimate = sum(t.estimate for t in parsed.tables) + len(parsed.pre_problems)
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.RUNNING, rows_total=estimate, rows_done=0
        )
    try:
        if options.dry_run:
            result = _Importer(parsed, actor, scope_org, options, batch, progress, write=False).run()
        elif options.all_or_nothing:
            checked = _Importer(parsed, actor, scope_org, options, batch, progress, write=False).run()
            if checked.file_problem is not None or checked.failed:
                result = checked
                result.counts = Counter({"failed": checked.failed})
                result.notice = Problem("import.all_or_nothing", {"value": checked.failed})
            else:
                try:
                    with transaction.atomic():
                        result = _Importer(parsed, actor, scope_org, options, batch, None, write=True).run()
                        if result.failed or result.file_problem is not None:
                            raise _Rollback()
                except _Rollback:
                    # Something changed between the check and the write (another import?).
                    result.counts = Counter({"failed": result.failed})
                    result.committed = False
                    result.notice = Problem("import.all_or_nothing", {"value": result.failed})
        else:
            result = _Importer(parsed, actor, scope_org, options, batch, progress, write=True).run()
    except FileProblem as exc:  # a CSV that breaks half-way through
        result = ImportResult(
            status=ImportBatch.Status.FAILED, file_problem=exc.problem, problems=[_file_problem_dict(exc.problem)]
        )
    except Exception:
        log.exception("import crashed")
        result.status = ImportBatch.Status.FAILED
        result.problems.insert(0, _file_problem_dict(Problem("import.crashed")))
        _finish(batch, result, actor, file_name or path.name)
        raise
    if result.file_problem is not None:
        result.status = ImportBatch.Status.FAILED
    if result.notice is not None:
        result.problems.insert(0, _file_problem_dict(result.notice))
    _finish(batch, result, actor, file_name or path.name, dry_run=options.dry_run)
    return result


def _file_problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "sheet": "",
        "row": 0,
        "column": problem.field,
        "value": "",
        "code": problem.code,
        "zh": problem.zh,
        "en": problem.en,
    }


def _finish(
    batch: ImportBatch | None, result: ImportResult, actor: Any, file_name: str, *, dry_run: bool = False
) -> None:
    if batch is None or dry_run:
        return
    c = result.counts
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=result.status,
        rows_total=result.rows_total,
        rows_done=result.rows_total,
        rows_created=c["created"],
        rows_updated=c["updated"],
        rows_unchanged=c["unchanged"],
        rows_failed=c["failed"],
        problems=result.problems,
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    events.record(
        actor=actor,
        kind="import",
        action="import_members",
        object_type="import_batch",
        object_id=str(batch.public_id),
        org_path=batch.org.path,
        after={
            "file_name": file_name[:120],
            "file_sha256": batch.file_sha256,
            "status": result.status,
            "all_or_nothing": batch.all_or_nothing,
            "committed": result.committed,
            "rows_total": result.rows_total,
            **{k: c[k] for k in ("created", "updated", "unchanged", "failed")},
            **({"file_problem": result.file_problem.code} if result.file_problem else {}),
        },
    )


# --- per-row work -----------------------------------------------------------------------------


_MASK64 = (1 << 64) - 1


def _fingerprint(value: Any) -> int:
    """64-bit fingerprint of a key or of a row's details, valid within one run.

    Keys seen earlier in the file are kept as fingerprints, not as the values themselves, so a
    million rows cost tens of megabytes. Two different keys sharing a fingerprint (odds around
    one in 10^8 for a million keys) would at worst report a spurious duplicate row.
    """
    return hash(value) & _MASK64


class _Seen:
    """First occurrence of each natural key in this file: key -> (row, owner, details)."""

    def __init__(self) -> None:
        self._index: dict[int, int] = {}

    def get(self, key: Any) -> tuple[int, int, int] | None:
        packed = self._index.get(_fingerprint(key))
        if packed is None:
            return None
        return packed >> 128, (packed >> 64) & _MASK64, packed & _MASK64

    def put(self, key: Any, row: int, owner: int, details: int) -> None:
        self._index[_fingerprint(key)] = (row << 128) | ((owner & _MASK64) << 64) | (details & _MASK64)

    def setdefault(self, key: Any, row: int, owner: int, details: int) -> None:
        if self.get(key) is None:
            self.put(key, row, owner, details)


@dataclass
class _Owner:
    pk: int | None  # None: created by this file in a check-only pass
    public_id: str
    org_path: str
    birth: dt.date


class _Importer:
    def __init__(
        self,
        parsed: ParsedFile,
        actor: Any,
        scope_org: Organisation,
        options: ImportOptions,
        batch: ImportBatch | None,
        progress: Callable[[int, int], None] | None,
        *,
        write: bool,
    ) -> None:
        self.parsed = parsed
        self.actor = actor
        self.scope = ImportScope(actor, scope_org)
        self.options = options
        self.batch = batch
        self.progress = progress
        self.write = write
        self.today = timezone.localdate()
        self.cat = load_catalogue()
        self.orgs = {o.code: o for o in Organisation.objects.all().only("pk", "code", "path", "level", "name")}
        self.cat.union_paths = {code: o.path for code, o in self.orgs.items()}
        self.result = ImportResult(committed=write)
        self.done = 0
        self.estimate = sum(t.estimate for t in parsed.tables) + len(parsed.pre_problems)
        self.actor_user = actor if getattr(actor, "pk", None) else None
        self.actor_label = (getattr(actor, "username", "") or "system") if actor is not None else "system"
        self.note = f"import {batch.public_id}" if batch is not None else "import"
        # Everything seen earlier in this file, by natural key (first occurrence wins).
        # members: id_hash -> (row, 1 if the row was accepted else 0, details)
        self.file_members = _Seen()
        self.seen = _Seen()  # histories and diplomas
        self.seen_certs = _Seen()  # (issuer, number) -> (row, owner id_hash, details)
        # Members this run created: their create event already covers the facts filed with them.
        self.created_pks: set[int] = set()

    # -- bookkeeping --

    def run(self) -> ImportResult:
        for sheet, row, key, value, problem in self.parsed.pre_problems:
            self._fail(sheet, row, {key: value}, {key: key}, [problem])
        for table in self.parsed.tables:
            self.result.per_table.setdefault(table.kind, Counter())
            handler = {
                fmt.MEMBERS: self._members,
                fmt.HISTORIES: self._histories,
                fmt.DIPLOMAS: self._diplomas,
                fmt.CERTIFICATES: self._certificates,
            }[table.kind]
            for chunk in _chunks(table.rows(), self.options.chunk_size):
                if self.write and not self.options.all_or_nothing:
                    with transaction.atomic():
                        handler(table, chunk)
                else:
                    handler(table, chunk)
                self.done += len(chunk)
                self._progress()
                reset_queries()  # with DEBUG on, the query log would otherwise hold every bulk insert
        self.result.rows_total = self.done + len(self.parsed.pre_problems)
        if self.result.rows_total == 0:
            self.result.file_problem = Problem("file.empty", {}, "file")
            self.result.problems = [_file_problem_dict(self.result.file_problem)]
        if self.result.problem_rows > MAX_REPORTED:
            self.result.problems.append(
                _file_problem_dict(Problem("import.too_many_problems", {"value": MAX_REPORTED}))
            )
        return self.result

    def _progress(self) -> None:
        total = max(self.estimate, self.done)
        if self.batch is not None:
            ImportBatch.objects.filter(pk=self.batch.pk).update(rows_done=self.done, rows_total=total)
        if self.progress is not None:
            self.progress(self.done, total)

    def _count(self, table: Table, outcome: str, n: int = 1) -> None:
        self.result.counts[outcome] += n
        self.result.per_table.setdefault(table.kind, Counter())[outcome] += n

    def _fail(
        self,
        sheet: str,
        row: int,
        data: dict[str, Any],
        headers: dict[str, str],
        problems: Iterable[Problem],
        table: Table | None = None,
    ) -> None:
        self.result.problem_rows += 1
        if table is not None:
            self._count(table, "failed")
        else:
            self.result.counts["failed"] += 1
        for p in problems:
            key = fmt.FIELD_TO_COLUMN.get(p.field, p.field)
            if len(self.result.problems) >= MAX_REPORTED:
                return
            column = headers.get(key) or (fmt.COLUMNS[key].header if key in fmt.COLUMNS else key)
            self.result.problems.append(
                {
                    "sheet": sheet,
                    "row": row,
                    "column": column,
                    "value": mask_value(key, data.get(key, "")),
                    "code": p.code,
                    "zh": p.zh,
                    "en": p.en,
                }
            )

    def _events(self, items: list[AuditEvent]) -> None:
        if self.write and items:
            events.record_many(items)

    def _event(
        self,
        kind: str,
        action: str,
        owner_public_id: str,
        org_path: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEvent:
        return AuditEvent(
            actor=self.actor_user,
            actor_label=self.actor_label,
            kind=kind,
            action=action,
            object_type="member",
            object_id=owner_public_id,
            org_path=org_path,
            before=_json(before),
            after=_json(after),
            note=self.note[:255],
        )

    # -- members --

    def _members(self, table: Table, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        codes = {str(d.get("employer_credit_code") or "").strip().upper() for _, d in chunk} - {""}
        employers = (
            dict(Employer.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")) if codes else {}
        )
        plans: list[tuple[int, dict[str, Any], validation.MemberInput, str, dict[str, bool | None]]] = []
        for row, data in chunk:
            cleaned, found = validation.check_member(data, self.cat, self.today)
            problems = list(found)
            flags: dict[str, bool | None] = {}
            for key in ("consent_employer", "consent_job_matching"):
                try:
                    flags[key] = fmt.parse_flag(data.get(key))
                except fmt.FlagError as exc:
                    flags[key] = None
                    problems.append(Problem("import.flag", {"value": str(exc)}, key))
            if cleaned is not None:
                org = self.orgs[cleaned.union_code]
                if not org.is_grassroots:
                    problems.append(Problem("member.union_not_grassroots", {}, "union_code"))
                elif not self.scope.allows(org):
                    problems.append(Problem("member.union_forbidden", {}, "union_code"))
                if cleaned.employer_code and cleaned.employer_code not in employers:
                    problems.append(
                        Problem("employer.unknown", {"value": cleaned.employer_code}, "employer_credit_code")
                    )
            id_hash = ""
            if cleaned is None:
                # Remember the ID even when the row is refused, so later sheets can say why.
                check = check_resident_id(str(data.get("id_number") or ""), today=self.today)
                if check.ok:
                    self.file_members.setdefault(crypto.lookup_hash(check.value), row, 0, 0)
            else:
                id_hash = crypto.lookup_hash(cleaned.id_number)
                signature = (
                    cleaned.name,
                    cleaned.phone,
                    cleaned.employment_form,
                    cleaned.union_code,
                    cleaned.employer_code,
                    flags["consent_employer"],
                    flags["consent_job_matching"],
                )
                details = _fingerprint(signature)
                earlier = self.file_members.get(id_hash)
                if earlier is not None:
                    earlier_row, earlier_ok, earlier_details = earlier
                    if earlier_details != details or (not earlier_ok and not problems):
                        problems.append(Problem("import.row_conflict", {"value": earlier_row}, "id_number"))
                    elif not problems:
                        self._count(table, "unchanged")
                        continue
                else:
                    self.file_members.put(id_hash, row, 0 if problems else 1, details)
            if problems:
                self._fail(table.sheet, row, data, table.headers, problems, table)
                continue
            assert cleaned is not None
            plans.append((row, data, cleaned, id_hash, flags))

        existing = {
            m.id_hash: m
            for m in Member.objects.filter(id_hash__in=[p[3] for p in plans]).select_related("union", "employer")
        }
        creates: list[Member] = []
        updates: list[Member] = []
        audit: list[AuditEvent] = []
        moves: dict[int, str] = {}  # member pk -> new org_path, for the apps that follow members
        now = timezone.now()
        for row, data, cleaned, id_hash, flags in plans:
            union = self.orgs[cleaned.union_code]
            employer_id = employers.get(cleaned.employer_code) if cleaned.employer_code else None
            current = existing.get(id_hash)
            if current is None:
                member = Member(
                    name=cleaned.name,
                    id_hash=id_hash,
                    id_sealed=crypto.seal(cleaned.id_number),
                    id_masked=mask_resident_id(cleaned.id_number),
                    birth_date=cleaned.birth_date,
                    sex=cleaned.sex,
                    phone_sealed=crypto.seal(cleaned.phone) if cleaned.phone else "",
                    phone_masked=mask_phone(cleaned.phone),
                    employment_form=cleaned.employment_form,
                    employer_id=employer_id,
                    union_id=union.pk,
                    org_path=union.path,
                    consent_employer=bool(flags["consent_employer"]),
                    consent_job_matching=bool(flags["consent_job_matching"]),
                )
                creates.append(member)
                audit.append(
                    self._event(
                        "create",
                        "import_member",
                        str(member.public_id),
                        union.path,
                        after=self._snapshot(member, union.code, cleaned.employer_code or None),
                    )
                )
                self._count(table, "created")
                continue
            if not self.scope.covers_path(current.org_path):
                self.file_members.put(id_hash, row, 0, 0)
                self._fail(
                    table.sheet,
                    row,
                    data,
                    table.headers,
                    [Problem("member.duplicate", {"where": ANOTHER_UNION}, "id_number")],
                    table,
                )
                continue
            before = self._snapshot(
                current, current.union.code, current.employer.credit_code if current.employer is not None else None
            )
            changed = False
            if cleaned.name != current.name:
                current.name, changed = cleaned.name, True
            if cleaned.phone and cleaned.phone != current.reveal_phone():
                current.phone_sealed, current.phone_masked, changed = (
                    crypto.seal(cleaned.phone),
                    mask_phone(cleaned.phone),
                    True,
                )
            if cleaned.employment_form != current.employment_form:
                current.employment_form, changed = cleaned.employment_form, True
            if union.pk != current.union_id:
                current.union_id, current.org_path, changed = union.pk, union.path, True
                moves[current.pk] = union.path
            if employer_id is not None and employer_id != current.employer_id:
                current.employer_id, changed = employer_id, True
            for key, value in flags.items():
                if value is not None and value != getattr(current, key):
                    setattr(current, key, value)
                    changed = True
            if not changed:
                self._count(table, "unchanged")
                continue
            current.version += 1
            current.updated_at = now
            updates.append(current)
            old, new = events.diff(
                before, self._snapshot(current, union.code, cleaned.employer_code or before["employer"])
            )
            audit.append(
                self._event("update", "import_member", str(current.public_id), current.org_path, before=old, after=new)
            )
            self._count(table, "updated")
        if self.write:
            Member.objects.bulk_create(creates, batch_size=BULK)
            self.created_pks.update(m.pk for m in creates if m.pk is not None)
            Member.objects.bulk_update(
                updates,
                [
                    "name",
                    "phone_sealed",
                    "phone_masked",
                    "employment_form",
                    "union",
                    "org_path",
                    "employer",
                    "consent_employer",
                    "consent_job_matching",
                    "version",
                    "updated_at",
                ],
                batch_size=BULK,
            )
            if moves:
                members_moved.send(sender=Member, moves=moves)
            self._events(audit)

    @staticmethod
    def _snapshot(member: Member, union_code: str, employer_code: str | None) -> dict[str, Any]:
        # Same shape as registry.actions.member_snapshot, without extra queries.
        return {
            "name": member.name,
            "id_masked": member.id_masked,
            "phone_masked": member.phone_masked,
            "employment_form": member.employment_form,
            "union": union_code,
            "employer": employer_code,
            "consent_employer": member.consent_employer,
            "consent_job_matching": member.consent_job_matching,
        }

    # -- facts: shared steps --

    def _owners(
        self, table: Table, chunk: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, dict[str, Any], str, _Owner]]:
        """Resolve each row's member by ID number; rows that cannot be resolved are reported."""
        hashed: list[tuple[int, dict[str, Any], str, dt.date]] = []
        for row, data in chunk:
            check = check_resident_id(str(data.get("id_number") or ""), today=self.today)
            if not check.ok:
                self._fail(
                    table.sheet,
                    row,
                    data,
                    table.headers,
                    [Problem(check.error_code or "id.checksum", {}, "id_number")],
                    table,
                )
                continue
            assert check.birth_date is not None
            hashed.append((row, data, crypto.lookup_hash(check.value), check.birth_date))
        stored = {
            m["id_hash"]: m
            for m in Member.objects.filter(id_hash__in={h for _, _, h, _ in hashed}).values(
                "pk", "id_hash", "public_id", "org_path", "birth_date"
            )
        }
        out: list[tuple[int, dict[str, Any], str, _Owner]] = []
        for row, data, id_hash, birth in hashed:
            in_file = self.file_members.get(id_hash)
            if in_file is not None and not in_file[1]:
                self._fail(
                    table.sheet, row, data, table.headers, [Problem("import.member_row_failed", {}, "id_number")], table
                )
                continue
            m = stored.get(id_hash)
            if m is not None and self.scope.covers_path(m["org_path"]):
                out.append((row, data, id_hash, _Owner(m["pk"], str(m["public_id"]), m["org_path"], m["birth_date"])))
            elif m is None and in_file is not None and not self.write:
                out.append((row, data, id_hash, _Owner(None, "", "", birth)))
            else:
                self._fail(
                    table.sheet, row, data, table.headers, [Problem("import.unknown_member", {}, "id_number")], table
                )
        return out

    def _seen_before(self, key: tuple[Any, ...], row: int, signature: tuple[Any, ...]) -> Problem | bool | None:
        """Earlier row in this file with the same natural key: True if identical, a Problem if not."""
        earlier = self.seen.get(key)
        details = _fingerprint(signature)
        if earlier is None:
            self.seen.put(key, row, 0, details)
            return None
        return True if earlier[2] == details else Problem("import.row_conflict", {"value": earlier[0]}, "id_number")

    def _apply_facts(
        self,
        model: type[Any],
        creates: list[Any],
        updates: list[Any],
        update_fields: list[str],
        touched: dict[int, tuple[_Owner, Counter[str]]],
        action: str,
    ) -> None:
        if not self.write:
            return
        model.objects.bulk_create(creates, batch_size=BULK)
        if updates:
            model.objects.bulk_update(updates, [*update_fields, "updated_at"], batch_size=BULK)
        if touched:
            Member.objects.filter(pk__in=list(touched)).update(version=F("version") + 1, updated_at=timezone.now())
            self._events(
                [
                    self._event("update", action, owner.public_id, owner.org_path, after=dict(counts))
                    for pk, (owner, counts) in touched.items()
                    if pk not in self.created_pks
                ]
            )

    @staticmethod
    def _touch(touched: dict[int, tuple[_Owner, Counter[str]]], owner: _Owner, what: str) -> None:
        if owner.pk is not None:
            touched.setdefault(owner.pk, (owner, Counter()))[1][what] += 1

    # -- histories --

    def _histories(self, table: Table, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        rows = self._owners(table, chunk)
        pks = {o.pk for *_, o in rows if o.pk is not None}
        stored = {
            (h.member_id, h.occupation_id, h.start): h for h in OccupationHistory.objects.filter(member_id__in=pks)
        }
        creates: list[OccupationHistory] = []
        updates: list[OccupationHistory] = []
        touched: dict[int, tuple[_Owner, Counter[str]]] = {}
        now = timezone.now()
        for row, data, id_hash, owner in rows:
            cleaned, problems = validation.check_history(data, self.cat, owner.birth, self.today)
            if cleaned is None:
                self._fail(table.sheet, row, data, table.headers, problems, table)
                continue
            seen = self._seen_before(
                ("h", id_hash, cleaned["occupation_id"], cleaned["start"]),
                row,
                (cleaned["end"], cleaned["employer_name"]),
            )
            if isinstance(seen, Problem):
                self._fail(table.sheet, row, data, table.headers, [seen], table)
                continue
            if seen is True:
                self._count(table, "unchanged")
                continue
            current = stored.get((owner.pk, cleaned["occupation_id"], cleaned["start"])) if owner.pk else None
            if current is None:
                if owner.pk is not None:  # None: a member this file creates, in a check-only pass
                    creates.append(OccupationHistory(member_id=owner.pk, **cleaned))
                self._touch(touched, owner, "histories_added")
                self._count(table, "created")
                continue
            end = cleaned["end"] or current.end
            employer_name = cleaned["employer_name"] or current.employer_name
            if (end, employer_name) == (current.end, current.employer_name):
                self._count(table, "unchanged")
                continue
            if end is not None and end < current.start:
                self._fail(table.sheet, row, data, table.headers, [Problem("date.end_before_start", {}, "end")], table)
                continue
            current.end, current.employer_name, current.updated_at = end, employer_name, now
            updates.append(current)
            self._touch(touched, owner, "histories_updated")
            self._count(table, "updated")
        self._apply_facts(OccupationHistory, creates, updates, ["end", "employer_name"], touched, "import_histories")

    # -- diplomas --

    def _diplomas(self, table: Table, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        rows = self._owners(table, chunk)
        pks = {o.pk for *_, o in rows if o.pk is not None}
        stored = {
            (d.member_id, d.kind, d.graduated_on, d.specialty): d for d in Diploma.objects.filter(member_id__in=pks)
        }
        creates: list[Diploma] = []
        updates: list[Diploma] = []
        touched: dict[int, tuple[_Owner, Counter[str]]] = {}
        now = timezone.now()
        for row, data, id_hash, owner in rows:
            cleaned, problems = validation.check_diploma(data, self.cat, owner.birth, self.today)
            if cleaned is None:
                self._fail(table.sheet, row, data, table.headers, problems, table)
                continue
            key = (cleaned["kind"], cleaned["graduated_on"], cleaned["specialty"])
            seen = self._seen_before(("d", id_hash, *key), row, (cleaned["institution"], cleaned["occupation_id"]))
            if isinstance(seen, Problem):
                self._fail(table.sheet, row, data, table.headers, [seen], table)
                continue
            if seen is True:
                self._count(table, "unchanged")
                continue
            current = stored.get((owner.pk, *key)) if owner.pk else None
            if current is None:
                if owner.pk is not None:  # None: a member this file creates, in a check-only pass
                    creates.append(Diploma(member_id=owner.pk, **cleaned))
                self._touch(touched, owner, "diplomas_added")
                self._count(table, "created")
                continue
            institution = cleaned["institution"] or current.institution
            occupation_id = cleaned["occupation_id"] or current.occupation_id
            if (institution, occupation_id) == (current.institution, current.occupation_id):
                self._count(table, "unchanged")
                continue
            current.institution, current.occupation_id, current.updated_at = institution, occupation_id, now
            updates.append(current)
            self._touch(touched, owner, "diplomas_updated")
            self._count(table, "updated")
        self._apply_facts(Diploma, creates, updates, ["institution", "occupation"], touched, "import_diplomas")

    # -- certificates --

    def _certificates(self, table: Table, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        rows = self._owners(table, chunk)
        numbers = {str(d.get("certificate_number") or "").strip() for _, d, _, _ in rows} - {""}
        stored = {(c.issuer, c.number): c for c in Certificate.all_objects.filter(number__in=numbers)}
        creates: list[Certificate] = []
        updates: list[Certificate] = []
        touched: dict[int, tuple[_Owner, Counter[str]]] = {}
        now = timezone.now()
        fields = ("occupation_id", "grade", "issued_on", "how")
        for row, data, id_hash, owner in rows:
            values = {**data, "number": data.get("certificate_number", "")}
            cleaned, problems = validation.check_certificate(
                values, self.cat, owner.birth, self.today, grade_numbers="level"
            )
            if cleaned is None:
                self._fail(table.sheet, row, data, table.headers, problems, table)
                continue
            key = (cleaned["issuer"], cleaned["number"])
            signature = tuple(cleaned[f] for f in fields)
            details, owner_print = _fingerprint(signature), _fingerprint(id_hash)
            earlier = self.seen_certs.get(key)
            if earlier is not None:
                if earlier[1] != owner_print:
                    self._fail(
                        table.sheet,
                        row,
                        data,
                        table.headers,
                        [Problem("certificate.duplicate", {"value": cleaned["number"]}, "certificate_number")],
                        table,
                    )
                elif earlier[2] != details:
                    self._fail(
                        table.sheet,
                        row,
                        data,
                        table.headers,
                        [Problem("import.row_conflict", {"value": earlier[0]}, "certificate_number")],
                        table,
                    )
                else:
                    self._count(table, "unchanged")
                continue
            current = stored.get(key)
            if current is not None and current.member_id != owner.pk:
                self._fail(
                    table.sheet,
                    row,
                    data,
                    table.headers,
                    [Problem("certificate.duplicate", {"value": cleaned["number"]}, "certificate_number")],
                    table,
                )
                continue
            self.seen_certs.put(key, row, owner_print, details)
            if current is None:
                if owner.pk is not None:  # None: a member this file creates, in a check-only pass
                    creates.append(Certificate(member_id=owner.pk, **cleaned))
                self._touch(touched, owner, "certificates_added")
                self._count(table, "created")
                continue
            if tuple(getattr(current, f) for f in fields) == signature:
                self._count(table, "unchanged")
                continue
            for f in fields:
                setattr(current, f, cleaned[f])
            current.updated_at = now
            updates.append(current)
            self._touch(touched, owner, "certificates_updated")
            self._count(table, "updated")
        self._apply_facts(
            Certificate, creates, updates, ["occupation", "grade", "issued_on", "how"], touched, "import_certificates"
        )


def _chunks(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _json(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {
        k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)) for k, v in data.items()
    }


# --- batches ----------------------------------------------------------------------------------


def create_batch(*, actor: Any, org: Organisation, path: Path, file_name: str, all_or_nothing: bool) -> ImportBatch:
    return ImportBatch.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        org=org,
        file_name=file_name[:255],
        file_sha256=file_sha256(path),
        all_or_nothing=all_or_nothing,
    )


def run_batch(batch_pk: int, path: Path | str, *, delete_file: bool = True) -> None:
    """Run a batch created by the upload page (inline, or inside :func:`run_batch_in_thread`)."""
    try:
        batch = ImportBatch.objects.select_related("org", "created_by", "created_by__org").get(pk=batch_pk)
        run_import(
            path,
            actor=batch.created_by,
            scope_org=batch.org,
            options=ImportOptions(all_or_nothing=batch.all_or_nothing),
            batch=batch,
            file_name=batch.file_name,
        )
    except Exception:
        log.exception("import batch %s failed", batch_pk)
        _mark_crashed(batch_pk)
    finally:
        if delete_file:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _mark_crashed(batch_pk: int) -> None:
    """A batch that crashed before it could record its outcome must not stay "pending" for ever."""
    try:
        ImportBatch.objects.filter(
            pk=batch_pk, status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
        ).update(
            status=ImportBatch.Status.FAILED,
            problems=[_file_problem_dict(Problem("import.crashed"))],
            finished_at=timezone.now(),
        )
    except DatabaseError:
        log.exception("import batch %s: could not record the failure", batch_pk)


def run_batch_in_thread(batch_pk: int, path: Path | str) -> None:
    """Thread target: the thread gets its own database connection and closes it at the end."""
    from django.db import connection

    try:
        run_batch(batch_pk, path)
    finally:
        connection.close()


__all__ = [
    "ImportOptions",
    "ImportResult",
    "ImportScope",
    "create_batch",
    "file_sha256",
    "mask_value",
    "run_batch",
    "run_import",
]
