"""Every change to competitions, results, posts and appointments: checked, in a transaction, audited.

Competition promotions run the advancement engine's ``promote_by_competition`` over the
competition's result members and create ``registry.Certificate`` rows with ``how="competition"``;
appointments to 特级技师/首席技师 posts create certificates with ``how="appointment"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction

from craftpath.competitions.access import may_manage_path, may_nominate
from craftpath.competitions.models import Appointment, Competition, CompetitionResult, EmployerPost
from craftpath.competitions.queries import (
    as_of_today,
    awards_frame,
    default_rulebook,
    describe_missing,
    describe_outcome,
    describe_trace,
    year_cap,
)
from craftpath.core import events
from craftpath.core.crypto import lookup_hash
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.engines.codes import check_resident_id
from craftpath.engines.grades import Grade
from craftpath.engines.ladder.competition import promote_by_competition
from craftpath.engines.ladder.posts import post_nomination_eligibility
from craftpath.orgs.models import Employer, Organisation, Region
from craftpath.registry.access import members_visible_to
from craftpath.registry.actions import do_add_certificate
from craftpath.registry.frames import inputs_for_members
from craftpath.registry.models import Certificate, Member
from craftpath.taxonomy.models import Occupation

PRIZE_ALIASES = {
    "gold": "gold",
    "金牌": "gold",
    "金": "gold",
    "一等奖": "gold",
    "silver": "silver",
    "银牌": "silver",
    "银": "silver",
    "二等奖": "silver",
    "bronze": "bronze",
    "铜牌": "bronze",
    "铜": "bronze",
    "三等奖": "bronze",
    "excellence": "excellence",
    "优胜奖": "excellence",
    "优秀奖": "excellence",
    "none": "none",
    "无": "none",
    "": "none",
}
_YES = {"是", "yes", "y", "true", "1", "学生", "student"}
_NO = {"否", "no", "n", "false", "0", "", "职工", "employee"}


def _require(ok: bool) -> None:
    if not ok:
        raise NotFoundOrForbidden()


def _occupation(code: str, field: str, problems: list[Problem]) -> Occupation | None:
    occ = Occupation.objects.filter(code=(code or "").strip()).first()
    if occ is None:
        problems.append(Problem("occupation.unknown", {"value": code}, field))
    elif occ.level != 4:
        problems.append(Problem("occupation.not_leaf", {"value": code}, field))
        return None
    return occ


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def _date(value: Any, field: str, problems: list[Problem]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        problems.append(Problem("date.invalid", {"value": value}, field))
        return None


# ---------------------------------------------------------------------------- competitions


@transaction.atomic
def do_create_competition(
    actor: Any,
    *,
    org: Organisation,
    name: str,
    tier: str,
    occupation_code: str,
    held_on: Any,
    entrants: Any,
    event_size: Any = 1,
    jurisdiction_code: str | None = None,
) -> Competition:
    """A competition organised by ``org`` (the actor must be staff over it)."""
    _require(may_manage_path(actor, org.path))
    problems: list[Problem] = []
    name = (name or "").strip()
    if not name:
        problems.append(Problem("competition.name_required", {}, "name"))
    if tier not in Competition.Tier.values:
        problems.append(
            Problem("competition.tier", {"value": tier, "choices": ", ".join(Competition.Tier.values)}, "tier")
        )
    size = _int(event_size)
    if size not in (1, 2, 3):
        problems.append(Problem("competition.event_size", {}, "event_size"))
    count = _int(entrants)
    if count is None or count < 1:
        problems.append(Problem("competition.entrants", {"value": entrants}, "entrants"))
    occ = _occupation(occupation_code, "occupation_code", problems)
    day = _date(held_on, "held_on", problems)
    region_code = (jurisdiction_code or org.region_id or "").strip()
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        problems.append(Problem("competition.region", {"value": region_code}, "jurisdiction"))
    if problems:
        raise ProblemError(*problems)
    assert occ is not None
    assert day is not None
    assert region is not None
    assert count is not None
    assert size is not None
    comp = Competition.objects.create(
        name=name[:200],
        org=org,
        org_path=org.path,
        jurisdiction=region,
        tier=tier,
        event_size=size,
        occupation=occ,
        held_on=day,
        entrants=count,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_competition",
        object_type="competition",
        object_id=str(comp.public_id),
        org_path=org.path,
        after={
            "name": comp.name,
            "org": org.code,
            "jurisdiction": region.code,
            "tier": tier,
            "event_size": size,
            "occupation": occ.code,
            "held_on": day.isoformat(),
            "entrants": count,
        },
    )
    return comp


def check_result(
    competition: Competition, rank: Any, prize: Any, is_student: Any
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate one result's fields against its competition (rank ≤ entrants)."""
    problems: list[Problem] = []
    r = _int(rank)
    if r is None or not 1 <= r <= competition.entrants:
        problems.append(Problem("competition.rank", {"value": rank, "entrants": competition.entrants}, "rank"))
    p = PRIZE_ALIASES.get(str(prize if prize is not None else "").strip().lower())
    if p is None:
        problems.append(Problem("competition.prize", {"value": prize}, "prize"))
    if isinstance(is_student, bool):
        student: bool | None = is_student
    else:
        text = str(is_student if is_student is not None else "").strip().lower()
        student = True if text in _YES else False if text in _NO else None
        if student is None:
            problems.append(Problem("import.flag", {"value": is_student}, "is_student"))
    if problems:
        return None, problems
    return {"rank": r, "prize": p, "is_student": student}, []


def _snapshot(result: CompetitionResult) -> dict[str, Any]:
    return {"rank": result.rank, "prize": result.prize, "is_student": result.is_student}


def _save_result(
    actor: Any, competition: Competition, member: Member, cleaned: dict[str, Any]
) -> tuple[CompetitionResult, str]:
    """Create or correct one result; returns (result, created|updated|unchanged)."""
    existing = CompetitionResult.objects.select_for_update().filter(competition=competition, member=member).first()
    if existing is not None:
        before = _snapshot(existing)
        if before == cleaned:
            return existing, "unchanged"
        if existing.certificate_id is not None:
            raise ProblemError(Problem("competition.result_locked", {}, "rank"))
        for k, v in cleaned.items():
            setattr(existing, k, v)
        existing.outcome = ""
        existing.save()
        old, new = events.diff(before, _snapshot(existing))
        events.record(
            actor=actor,
            kind="update",
            action="correct_competition_result",
            object_type="competition_result",
            object_id=str(existing.public_id),
            org_path=competition.org_path,
            before=old,
            after=new,
        )
        return existing, "updated"
    result = CompetitionResult.objects.create(
        competition=competition, member=member, org_path=member.org_path, **cleaned
    )
    events.record(
        actor=actor,
        kind="create",
        action="record_competition_result",
        object_type="competition_result",
        object_id=str(result.public_id),
        org_path=competition.org_path,
        after={"competition": str(competition.public_id), "member": str(member.public_id), **cleaned},
    )
    return result, "created"


@transaction.atomic
def do_record_result(
    actor: Any, competition: Competition, member: Member, *, rank: Any, prize: Any = "none", is_student: Any = False
) -> CompetitionResult:
    """Record (or correct, until it has led to a certificate) one member's result. Recording the
    same values again changes nothing."""
    _require(may_manage_path(actor, competition.org_path))
    if not members_visible_to(actor).filter(pk=member.pk).exists():
        raise ProblemError(Problem("competition.unknown_member", {}, "member"))
    cleaned, problems = check_result(competition, rank, prize, is_student)
    if cleaned is None:
        raise ProblemError(*problems)
    result, _ = _save_result(actor, competition, member, cleaned)
    return result


def find_member_by_id_number(actor: Any, id_number: str) -> Member | None:
    plain = (id_number or "").strip().upper()
    if check_resident_id(plain).error_code:
        return None
    return members_visible_to(actor).filter(id_hash=lookup_hash(plain)).first()


RESULT_HEADERS = {
    "id_number": ("身份证号", "身份证号码", "id_number", "id number"),
    "rank": ("名次", "排名", "rank"),
    "prize": ("奖项", "获奖", "prize"),
    "is_student": ("是否学生", "学生", "is_student", "student"),
}
REQUIRED_HEADERS = ("id_number", "rank")


def _sheet_rows(data: bytes, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
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
        label = str(h or "").strip().lower()
        keys.append(next((k for k, names in RESULT_HEADERS.items() if label in names), None))
    missing = [k for k in REQUIRED_HEADERS if k not in keys]
    if missing:
        raise ValueError(", ".join(RESULT_HEADERS[k][0] + " " + k for k in missing))
    for number, row in enumerate(rows, start=2):
        values = {k: v for k, v in zip(keys, row, strict=False) if k}
        if any(str(v if v is not None else "").strip() for v in values.values()):
            yield number, values


def import_results(actor: Any, competition: Competition, data: bytes, name: str) -> dict[str, Any]:
    """Record a whole results sheet (CSV or XLSX), all or nothing.

    Every row is checked first (ID number, member in the actor's unions, rank ≤ entrants, prize,
    student flag, the same member twice, a result already used for a certificate). If any row has
    a problem nothing is written and every problem is reported with its row number in Chinese and
    English. Uploading the same file again changes nothing.
    """
    _require(may_manage_path(actor, competition.org_path))
    report: dict[str, Any] = {
        "file": name,
        "rows": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
        "saved": False,
        "problems": [],
    }
    if not data:
        report["problems"].append({"row": 0, **Problem("file.empty", {}, "file").as_dict()})
        return report
    try:
        rows = list(_sheet_rows(data, name))
    except ValueError as exc:
        report["problems"].append({"row": 0, **Problem("file.columns", {"value": str(exc)}, "file").as_dict()})
        return report
    except Exception:
        report["problems"].append({"row": 0, **Problem("file.format", {}, "file").as_dict()})
        return report
    visible = members_visible_to(actor)
    existing = {r.member_id: r for r in CompetitionResult.objects.filter(competition=competition)}
    seen: dict[int, int] = {}
    planned: list[tuple[Member, dict[str, Any]]] = []
    for number, values in rows:
        report["rows"] += 1
        row_problems: list[Problem] = []
        plain = str(values.get("id_number") or "").strip().upper()
        checked = check_resident_id(plain)
        member = None
        if checked.error_code:
            row_problems.append(Problem(checked.error_code, {}, "id_number"))
        else:
            member = visible.filter(id_hash=lookup_hash(plain)).first()
            if member is None:
                row_problems.append(Problem("competition.unknown_member", {}, "id_number"))
            elif member.pk in seen:
                row_problems.append(Problem("competition.duplicate_row", {"value": seen[member.pk]}, "id_number"))
            else:
                seen[member.pk] = number
        cleaned, problems = check_result(competition, values.get("rank"), values.get("prize"), values.get("is_student"))
        row_problems += problems
        if member is not None and cleaned is not None:
            old = existing.get(member.pk)
            if old is not None and old.certificate_id is not None and _snapshot(old) != cleaned:
                row_problems.append(Problem("competition.result_locked", {}, "rank"))
        if row_problems:
            report["failed"] += 1
            report["problems"] += [{"row": number, **p.as_dict()} for p in row_problems]
        elif member is not None and cleaned is not None:
            planned.append((member, cleaned))
    if report["failed"]:
        summary = Problem("competition.file_has_problems", {"value": report["failed"]}, "file")
        report["problems"].insert(0, {"row": 0, **summary.as_dict()})
        return report
    with transaction.atomic():
        Competition.objects.select_for_update().filter(pk=competition.pk).first()
        for member, cleaned in planned:
            _, what = _save_result(actor, competition, member, cleaned)
            report[what] += 1
        events.record(
            actor=actor,
            kind="import",
            action="import_competition_results",
            object_type="competition",
            object_id=str(competition.public_id),
            org_path=competition.org_path,
            after={k: report[k] for k in ("rows", "created", "updated", "unchanged")},
            note=hashlib.sha256(data).hexdigest()[:16],
        )
    report["saved"] = True
    return report


# ---------------------------------------------------------------------------- promotions


def certificate_number(prefix: str, *parts: Any) -> str:
    """A stable certificate number derived from the given ids (re-running never duplicates)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:20].upper()
    return f"{prefix}-{digest}"


def _audit_trace(trace: list[str]) -> list[dict[str, Any]]:
    return [
        {**t, "valid_from": t["valid_from"].isoformat() if t["valid_from"] else None} for t in describe_trace(trace)
    ]


def _engine_rows(
    members: pl.DataFrame, certificates: pl.DataFrame, results: list[CompetitionResult], as_of: dt.date
) -> dict[int, dict[str, Any]]:
    out = promote_by_competition(members, certificates, awards_frame(results), default_rulebook(), as_of)
    return {int(row["competition_id"]): row for row in out.to_dicts()}


@transaction.atomic
def do_apply_promotions(actor: Any, competition: Competition, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Grant the promotions the competition tables give for this competition's results.

    The engine sees each result member's certificates and every not-yet-promoted result they
    have (in any competition), so the yearly cap picks the most favourable result of a year as
    the engine does; promotions already given by earlier runs count against that year's cap.
    Each promotion becomes a certificate (``how="competition"``, issuer = organiser, number
    derived from competition and member) audited with the engine's trace. Running it again
    creates nothing new. Returns one outcome per result of this competition.
    """
    comp = Competition.objects.select_for_update().select_related("org", "occupation").get(pk=competition.pk)
    _require(may_manage_path(actor, comp.org_path))
    day = as_of or as_of_today()
    book = default_rulebook()
    mine = list(comp.results.select_related("member", "competition", "certificate").order_by("rank", "id"))
    if not mine:
        return []
    member_ids = [r.member_id for r in mine]
    inputs = inputs_for_members(Member.objects.filter(pk__in=member_ids))
    every = list(CompetitionResult.objects.filter(member_id__in=member_ids).select_related("competition"))
    by_pk = {r.pk: r for r in every}
    open_results = [r for r in every if r.certificate_id is None]
    used: dict[tuple[int, int], list[CompetitionResult]] = {}
    for r in every:
        if r.certificate_id is not None:
            used.setdefault((r.member_id, r.competition.held_on.year), []).append(r)
    excluded: dict[int, dict[str, Any]] = {}
    rows: dict[int, dict[str, Any]] = {}
    for _ in range(10):
        rows = _engine_rows(inputs.members, inputs.certificates, [r for r in open_results if r.pk not in excluded], day)
        promoted = sorted(
            (row for row in rows.values() if row["status"] == "promoted"),
            key=lambda x: (-int(x["new_grade"]), x["held_on"], int(x["competition_id"])),
        )
        given: dict[tuple[int, int], int] = {}
        newly: dict[int, dict[str, Any]] = {}
        for row in promoted:
            r = by_pk[int(row["competition_id"])]
            key = (r.member_id, r.competition.held_on.year)
            prior = used.get(key, [])
            if not prior:
                continue
            cap, table_id = year_cap(book, r.competition.tier, r.competition.jurisdiction_id, r.competition.held_on)
            if cap is None:
                continue
            if len(prior) + given.get(key, 0) >= cap:
                newly[r.pk] = {
                    **row,
                    "status": "capped_this_year",
                    "new_grade": None,
                    "trace": [table_id, "max_promotions_per_year"],
                    "note": " ← " + "; ".join(p.competition.name for p in prior),
                }
            else:
                given[key] = given.get(key, 0) + 1
        if not newly:
            break
        excluded.update(newly)
    outcomes: list[dict[str, Any]] = []
    created = 0
    for r in mine:
        if r.certificate_id is not None:
            outcomes.append(_outcome(r, created=False))
            continue
        # the engine ignores results of unknown members; never expected here
        fallback: dict[str, Any] = {
            "status": "no_table",
            "from_grade": None,
            "new_grade": None,
            "trace": [],
            "route": None,
        }
        row = excluded.get(r.pk) or rows.get(r.pk) or fallback
        status = str(row["status"])
        note = str(row.get("note") or "")
        if status == "capped_this_year" and not note:
            winners = [
                by_pk[int(x["competition_id"])].competition.name
                for x in rows.values()
                if x["status"] == "promoted"
                and x["member_id"] == r.member_id
                and x["held_on"].year == r.competition.held_on.year
            ]
            note = " ← " + "; ".join(winners) if winners else ""
        new_grade = row["new_grade"]
        if status == "promoted" and (new_grade is None or Grade(int(new_grade)).is_post):
            status, new_grade, note = "at_or_above_band", None, ""  # posts are never won in competitions
        r.outcome = status
        r.from_grade = row["from_grade"]
        r.new_grade = new_grade if status == "promoted" else None
        r.outcome_trace = list(row["trace"] or [])
        r.outcome_note = note[:255]
        r.outcome_on = day
        is_new = False
        if status == "promoted":
            r.certificate, is_new = _promotion_certificate(actor, comp, r, int(new_grade))
            created += int(is_new)
            events.record(
                actor=actor,
                kind="create",
                action="competition_promotion",
                object_type="competition_result",
                object_id=str(r.public_id),
                org_path=r.org_path,
                after={
                    "competition": str(comp.public_id),
                    "member": str(r.member.public_id),
                    "occupation": comp.occupation_id,
                    "from_grade": r.from_grade,
                    "new_grade": r.new_grade,
                    "route": row.get("route"),
                    "certificate_number": r.certificate.number,
                    "trace": _audit_trace(r.outcome_trace),
                },
            )
        r.save(
            update_fields=[
                "outcome",
                "from_grade",
                "new_grade",
                "outcome_trace",
                "outcome_note",
                "outcome_on",
                "certificate",
                "updated_at",
            ]
        )
        outcomes.append(_outcome(r, created=is_new))
    events.record(
        actor=actor,
        kind="update",
        action="apply_competition_promotions",
        object_type="competition",
        object_id=str(comp.public_id),
        org_path=comp.org_path,
        after={
            "as_of": day.isoformat(),
            "results": len(mine),
            "certificates_created": created,
            "refused": sum(1 for o in outcomes if o["status"] != "promoted"),
        },
    )
    return outcomes


def _promotion_certificate(
    actor: Any, comp: Competition, result: CompetitionResult, grade: int
) -> tuple[Certificate, bool]:
    number = certificate_number("CMP", comp.public_id, result.member.public_id)
    found = Certificate.all_objects.filter(member=result.member, number=number, how="competition").first()
    if found is not None:
        return found, False
    cert = do_add_certificate(
        actor,
        result.member,
        {
            "occupation_code": comp.occupation_id,
            "grade": grade,
            "issuer": comp.org.name,
            "number": number,
            "issued_on": comp.held_on,
            "how": "competition",
        },
    )
    return cert, True


def _outcome(result: CompetitionResult, *, created: bool) -> dict[str, Any]:
    text = describe_outcome(result.outcome or "pending", result.new_grade, result.outcome_note)
    return {
        "result": result,
        "member_id": result.member.public_id,
        "name": result.member.name,
        "rank": result.rank,
        "prize": result.prize,
        "status": result.outcome,
        "from_grade": result.from_grade,
        "new_grade": result.new_grade,
        "certificate_number": result.certificate.number if result.certificate is not None else None,
        "certificate_created": created,
        "reason_zh": text["zh"],
        "reason_en": text["en"],
        "trace": describe_trace(list(result.outcome_trace or [])),
    }


def describe_result(result: CompetitionResult) -> dict[str, Any]:
    """The stored outcome of a result (as shown on pages and in the API)."""
    return _outcome(result, created=False)


# ---------------------------------------------------------------------------- posts


@transaction.atomic
def do_create_post(
    actor: Any,
    *,
    employer: Employer,
    occupation_code: str,
    grade: Any,
    quota: Any,
    valid_from: Any,
    valid_to: Any = None,
) -> EmployerPost:
    """Record that an employer has set up 特级技师 (6) or 首席技师 (7) posts with a quota."""
    path = employer.union.path if employer.union_id and employer.union is not None else ""
    _require(bool(path) and may_manage_path(actor, path))
    problems: list[Problem] = []
    g = _int(grade)
    if g not in (6, 7):
        problems.append(Problem("posts.grade", {}, "grade"))
    q = _int(quota)
    if q is None or q < 1:
        problems.append(Problem("posts.quota", {"value": quota}, "quota"))
    occ = _occupation(occupation_code, "occupation_code", problems)
    if occ is not None and g in (6, 7) and g not in (occ.grades or []):
        problems.append(Problem("grade.not_in_occupation", {"occupation": occ.code, "grade": Grade(g).zh}, "grade"))
    start = _date(valid_from, "valid_from", problems)
    end = _date(valid_to, "valid_to", problems) if valid_to not in (None, "") else None
    if start and end and end < start:
        problems.append(Problem("date.end_before_start", {}, "valid_to"))
    if problems:
        raise ProblemError(*problems)
    assert occ is not None
    assert g is not None
    assert q is not None
    assert start is not None
    post = EmployerPost.objects.create(
        employer=employer,
        org_path=path,
        occupation=occ,
        grade=g,
        quota=q,
        valid_from=start,
        valid_to=end,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_employer_post",
        object_type="employer_post",
        object_id=str(post.public_id),
        org_path=path,
        after={
            "employer": employer.credit_code,
            "occupation": occ.code,
            "grade": g,
            "quota": q,
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat() if end else None,
        },
    )
    return post


def appointed_count(post: EmployerPost) -> int:
    return Appointment.objects.filter(post=post, status=Appointment.Status.APPOINTED).count()


def post_in_force(post: EmployerPost, day: dt.date) -> bool:
    return post.valid_from <= day and (post.valid_to is None or day <= post.valid_to)


def nomination_eligibility(
    post: EmployerPost, members: list[Member], as_of: dt.date, *, taken: int | None = None
) -> list[dict[str, Any]]:
    """One row per member: may they be nominated to this post on ``as_of``, and what is missing.

    Only certificates in the post's occupation count (特级技师 needs 高级技师 in that occupation).
    """
    if not members:
        return []
    free = post.quota - (appointed_count(post) if taken is None else taken)
    certs = pl.DataFrame(
        [
            {"member_id": m, "occupation_code": o, "grade": g, "issued_on": d, "how": h}
            for m, o, g, d, h in Certificate.objects.filter(
                member__in=[m.pk for m in members], occupation_id=post.occupation_id
            ).values_list("member_id", "occupation_id", "grade", "issued_on", "how")
        ],
        schema={
            "member_id": pl.Int64,
            "occupation_code": pl.Utf8,
            "grade": pl.Int8,
            "issued_on": pl.Date,
            "how": pl.Utf8,
        },
    )
    posts = pl.DataFrame(
        {
            "member_id": [m.pk for m in members],
            "post_grade": [post.grade] * len(members),
            "employer_has_post": [post_in_force(post, as_of)] * len(members),
            "free_quota": [max(free, 0)] * len(members),
        },
        schema={"member_id": pl.Int64, "post_grade": pl.Int8, "employer_has_post": pl.Boolean, "free_quota": pl.Int32},
    )
    out = post_nomination_eligibility(certs, posts, default_rulebook(), as_of)
    by_id = {row["member_id"]: row for row in out.to_dicts()}
    rows = []
    for m in members:
        row = by_id.get(m.pk) or {"eligible": False, "earliest_date": None, "missing": ["no_route"], "trace": []}
        rows.append(
            {
                "member": m,
                "eligible": bool(row["eligible"]),
                "earliest_date": row["earliest_date"],
                "missing": [describe_missing(c) for c in row["missing"] or []],
                "trace": describe_trace(list(row["trace"] or [])),
                "unconfirmed": list(row.get("unconfirmed") or []),
            }
        )
    return rows


def _post_snapshot(appt: Appointment) -> dict[str, Any]:
    return {
        "post": str(appt.post.public_id),
        "member": str(appt.member.public_id),
        "status": appt.status,
        "start": appt.start.isoformat() if appt.start else None,
        "end": appt.end.isoformat() if appt.end else None,
    }


@transaction.atomic
def do_nominate(actor: Any, post: EmployerPost, member: Member, *, as_of: dt.date | None = None) -> Appointment:
    """Nominate an employee to a post. HR of the employer (for employees who consented) or union
    staff over the employer. Refused, with every missing condition, unless the engine says the
    member may be nominated."""
    _require(may_nominate(actor, post))
    if not members_visible_to(actor).filter(pk=member.pk).exists():
        raise NotFoundOrForbidden()
    if member.employer_id != post.employer_id:
        raise ProblemError(Problem("posts.not_employee", {}, "member"))
    if Appointment.objects.filter(post=post, member=member, status__in=["nominated", "appointed"]).exists():
        raise ProblemError(Problem("posts.already_open", {}, "member"))
    day = as_of or as_of_today()
    row = nomination_eligibility(post, [member], day)[0]
    if not row["eligible"]:
        raise ProblemError(
            Problem("posts.not_eligible", {"grade": Grade(post.grade).zh}, "member"),
            *[Problem("posts.missing_condition", {"zh": m["zh"], "en": m["en"]}, m["code"]) for m in row["missing"]],
        )
    try:
        with transaction.atomic():
            appt = Appointment.objects.create(
                post=post,
                member=member,
                org_path=member.org_path,
                nominated_on=day,
                nominated_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ProblemError(Problem("posts.already_open", {}, "member")) from None
    events.record(
        actor=actor,
        kind="create",
        action="nominate_to_post",
        object_type="appointment",
        object_id=str(appt.public_id),
        org_path=post.org_path,
        after={**_post_snapshot(appt), "trace": _audit_trace([t["clause"] for t in row["trace"]])},
    )
    return appt


@transaction.atomic
def do_appoint(actor: Any, appointment: Appointment, *, start: dt.date | None = None) -> Appointment:
    """Appoint a nominee (union staff over the employer). The post row is locked while the quota
    is counted, so two appointments at once cannot both take the last place. Creates the grade
    6/7 certificate (``how="appointment"``, issuer = employer)."""
    post = EmployerPost.objects.select_for_update().select_related("employer").get(pk=appointment.post_id)
    _require(may_manage_path(actor, post.org_path))
    appt = Appointment.objects.select_for_update().select_related("member").get(pk=appointment.pk)
    appt.post = post
    if appt.status != Appointment.Status.NOMINATED:
        raise ProblemError(Problem("posts.wrong_status", {"value": appt.get_status_display()}, "status"))
    taken = appointed_count(post)
    if taken >= post.quota:
        raise ProblemError(Problem("posts.quota_full", {"value": post.quota}, "quota"))
    day = start or as_of_today()
    row = nomination_eligibility(post, [appt.member], day, taken=taken)[0]
    if not row["eligible"]:
        raise ProblemError(
            Problem("posts.not_eligible", {"grade": Grade(post.grade).zh}, "member"),
            *[Problem("posts.missing_condition", {"zh": m["zh"], "en": m["en"]}, m["code"]) for m in row["missing"]],
        )
    before = _post_snapshot(appt)
    number = certificate_number("APT", appt.public_id)
    cert = Certificate.all_objects.filter(member=appt.member, number=number).first() or do_add_certificate(
        actor,
        appt.member,
        {
            "occupation_code": post.occupation_id,
            "grade": post.grade,
            "issuer": post.employer.name,
            "number": number,
            "issued_on": day,
            "how": "appointment",
        },
    )
    appt.status = Appointment.Status.APPOINTED
    appt.start = day
    appt.certificate = cert
    appt.save(update_fields=["status", "start", "certificate", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="appoint_to_post",
        object_type="appointment",
        object_id=str(appt.public_id),
        org_path=post.org_path,
        before=before,
        after={**_post_snapshot(appt), "certificate_number": number, "trace": _audit_trace(["posts/new-eight-level"])},
    )
    return appt


@transaction.atomic
def do_end_appointment(actor: Any, appointment: Appointment, *, end: dt.date | None = None) -> Appointment:
    """End an appointment (or withdraw a nomination). The certificate stays as history: the member
    did hold the post, and the grade is never taken back; the place in the quota is freed."""
    post = EmployerPost.objects.select_for_update().get(pk=appointment.post_id)
    _require(may_manage_path(actor, post.org_path))
    appt = Appointment.objects.select_for_update().select_related("member").get(pk=appointment.pk)
    appt.post = post
    if appt.status == Appointment.Status.ENDED:
        raise ProblemError(Problem("posts.wrong_status", {"value": appt.get_status_display()}, "status"))
    day = end or as_of_today()
    if appt.start and day < appt.start:
        raise ProblemError(Problem("date.end_before_start", {}, "end"))
    before = _post_snapshot(appt)
    appt.status = Appointment.Status.ENDED
    appt.end = day
    appt.save(update_fields=["status", "end", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="end_appointment",
        object_type="appointment",
        object_id=str(appt.public_id),
        org_path=post.org_path,
        before=before,
        after=_post_snapshot(appt),
    )
    return appt
