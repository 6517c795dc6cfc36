"""Every change to jobs records: openings (with coding), seekers, placements, batch match runs."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from craftpath.core import events
from craftpath.core.problems import Problem, ProblemError
from craftpath.engines.coder.normalize import to_simplified
from craftpath.engines.grades import Grade
from craftpath.jobs import problems as _problems  # noqa: F401  (registers messages)
from craftpath.jobs import queries
from craftpath.jobs.access import may_manage_path
from craftpath.jobs.coding import code_titles
from craftpath.jobs.models import JobOpening, JobSeeker, MatchRow, MatchRun, Placement
from craftpath.orgs.access import can_act_in, employers_visible_to
from craftpath.orgs.models import Employer, Organisation, Region
from craftpath.registry.models import Member
from craftpath.registry.validation import parse_date
from craftpath.taxonomy.models import Occupation

log = logging.getLogger(__name__)

# The largest value the pay columns hold (PositiveIntegerField); anything above is a typing slip.
PAY_LIMIT = 2_147_483_647

OPENING_FIELDS = (
    "title",
    "description",
    "occupation_id",
    "required_grade",
    "region_id",
    "pay_min",
    "pay_max",
    "expires_on",
    "status",
)


def _require(ok: bool) -> None:
    if not ok:
        raise ProblemError(Problem("jobs.forbidden"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- parsing


def parse_grade(
    value: Any, problems: list[Problem], field: str = "required_grade", *, numbers: str = "rank"
) -> int | None:
    """The grade's rank (0 学徒工 … 7 首席技师) from a name, a national level or a number.

    Names may be simplified or traditional (高级工 / 高級工), national levels 五级 … 一级 (also
    ``4级`` and ``level 4``), or the English names the pages show. A bare number is read by
    ``numbers``:

    * ``"rank"`` (the form's grade list and the API, whose ``required_grade`` is this rank):
      0–7, so 4 is 技师;
    * ``"level"`` (files typed by people): the national level the pages show, 5 … 1, so 4 is
      四级 = 中级工 ("Intermediate worker (level 4)"), as the pages label it. 0, 6 and 7 have
      no level (学徒工, 特级技师, 首席技师) and are refused: those are written by name.

    Examples:
        >>> parse_grade("高級技師", [])
        5
        >>> parse_grade("4", []), parse_grade("4", [], numbers="level"), parse_grade("四级", [])
        (4, 2, 2)
    """
    if _blank(value):
        return None
    text = to_simplified(str(value).strip())
    grade = Grade.parse(text, numbers=numbers)
    if grade is None:
        problems.append(Problem("jobs.grade_file" if numbers == "level" else "jobs.grade", {"value": text}, field))
        return None
    return int(grade)


def parse_pay(value: Any, problems: list[Problem], field: str) -> int | None:
    if _blank(value):
        return None
    text = str(value).strip().replace(",", "").replace("元", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        problems.append(Problem("jobs.pay", {"value": str(value).strip()}, field))
        return None
    if int(text) > PAY_LIMIT:
        problems.append(Problem("jobs.pay_too_high", {"value": text}, field))
        return None
    return int(text)


def parse_region(value: Any, problems: list[Problem], field: str = "region_code") -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not Region.objects.filter(code=text).exists():
        problems.append(Problem("jobs.region_unknown", {"value": text}, field))
        return None
    return text


def parse_day(value: Any, problems: list[Problem], field: str) -> dt.date | None:
    """Dates the way the member import reads them (2026-01-05, 2026/1/5, 2026年1月5日, ...)."""
    if _blank(value):
        return None
    return parse_date(value, field, problems)


def parse_occupation(value: Any, problems: list[Problem], field: str = "occupation_code") -> str | None:
    if _blank(value):
        return None
    code = str(value).strip()
    level = Occupation.objects.filter(code=code).values_list("level", flat=True).first()
    if level is None:
        problems.append(Problem("occupation.unknown", {"value": code}, field))
        return None
    if level != 4 and not code.endswith("-99-00"):
        problems.append(Problem("occupation.not_leaf", {"value": code}, field))
        return None
    return code


TITLE_LIMIT = JobOpening._meta.get_field("title").max_length or 200


def _clean_title(value: Any, problems: list[Problem]) -> str:
    """The title as given, stripped; a title over the column's limit is refused, never cut."""
    title = str(value or "").strip()
    if not title:
        problems.append(Problem("jobs.title_required", {}, "title"))
    elif len(title) > TITLE_LIMIT:
        problems.append(Problem("jobs.title_too_long", {"length": len(title), "limit": TITLE_LIMIT}, "title"))
    return title


def _clean_opening(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """Field values from form, API or file. ``data["grade_numbers"]`` says how a bare grade
    number is read (see ``parse_grade``); the import sets it to ``"level"``."""
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = _clean_title(data.get("title"), problems)
    if "description" in data:
        out["description"] = str(data.get("description") or "").strip()
    if "occupation_code" in data:
        out["occupation_id"] = parse_occupation(data["occupation_code"], problems)
    if "required_grade" in data:
        numbers = "level" if data.get("grade_numbers") == "level" else "rank"
        out["required_grade"] = parse_grade(data["required_grade"], problems, numbers=numbers)
    if "region_code" in data:
        out["region_id"] = parse_region(data["region_code"], problems)
    for key in ("pay_min", "pay_max"):
        if key in data:
            out[key] = parse_pay(data[key], problems, key)
    low, high = out.get("pay_min"), out.get("pay_max")
    if low is not None and high is not None and low > high:
        problems.append(Problem("jobs.pay_order", {"low": low, "high": high}, "pay_max"))
    if "expires_on" in data:
        out["expires_on"] = parse_day(data["expires_on"], problems, "expires_on")
    if "status" in data and not _blank(data["status"]):
        status = str(data["status"]).strip()
        if status not in JobOpening.Status.values:
            problems.append(
                Problem("jobs.status", {"value": status, "choices": ", ".join(JobOpening.Status.values)}, "status")
            )
        else:
            out["status"] = status
    return out


def _posting(actor: Any, data: dict[str, Any], problems: list[Problem]) -> tuple[Organisation | None, Employer | None]:
    """The posting union and employer: staff name a union in their subtree; HR post for their employer."""
    employer: Employer | None = None
    if getattr(actor, "role", "") == "employer_hr":
        employer = Employer.objects.filter(pk=actor.employer_id).select_related("union").first()
        union = employer.union if employer else None
        if union is None:
            problems.append(Problem("jobs.union", {}, "union_code"))
        return union, employer
    credit = str(data.get("employer_credit_code") or "").strip()
    if credit:
        # Only employers under the actor's unions: an opening in an employer's name is shown to its HR.
        employer = employers_visible_to(actor).filter(credit_code=credit).select_related("union").first()
        if employer is None:
            problems.append(Problem("employer.unknown", {"value": credit}, "employer_credit_code"))
    code = str(data.get("union_code") or "").strip()
    union = Organisation.objects.filter(code=code).first() if code else None
    if union is None and not code:
        union = employer.union if employer and employer.union else getattr(actor, "org", None)
    if code and union is None:
        problems.append(Problem("org.unknown", {"value": code}, "union_code"))
    elif union is None or not can_act_in(actor, union):
        problems.append(Problem("jobs.union", {}, "union_code"))
        union = None
    return union, employer


def _apply_coding(opening: JobOpening) -> None:
    coding = code_titles([opening.title])[0]
    opening.coding_confidence = coding.confidence
    opening.coding_evidence = coding.evidence
    if coding.code and Occupation.objects.filter(code=coding.code).exists():
        opening.occupation_id = coding.code
        opening.coded_by = JobOpening.CodedBy.CODER
        opening.needs_coding = False
    else:
        opening.occupation_id = None
        opening.coded_by = JobOpening.CodedBy.NONE
        opening.needs_coding = True


def _check_not_closed(expires_on: dt.date | None, problems: list[Problem]) -> None:
    today = timezone.localdate()
    if expires_on is not None and expires_on < today:
        problems.append(
            Problem("jobs.expires_past", {"value": expires_on.isoformat(), "today": today.isoformat()}, "expires_on")
        )


def _snapshot(opening: JobOpening) -> dict[str, Any]:
    return {f: getattr(opening, f) for f in (*OPENING_FIELDS, "coded_by", "needs_coding")}


# --------------------------------------------------------------------------- openings


@transaction.atomic
def do_create_opening(actor: Any, data: dict[str, Any]) -> JobOpening:
    """Data keys: title, description, occupation_code, required_grade, region_code, pay_min,
    pay_max, expires_on, union_code, employer_credit_code, import_key, grade_numbers.

    Without an occupation code the title is coded by the occupation coder; an unsure result
    leaves the code empty and flags the opening for staff (``needs_coding``). A closing date
    before today is refused here (nobody posts a closed opening); edits keep a date that has
    since passed.
    """
    problems: list[Problem] = []
    fields = _clean_opening({"title": "", **data}, problems)
    _check_not_closed(fields.get("expires_on"), problems)
    union, employer = _posting(actor, data, problems)
    if problems:
        raise ProblemError(*problems)
    assert union is not None
    opening = JobOpening(
        union=union,
        org_path=union.path,
        employer=employer,
        created_by=actor if getattr(actor, "pk", None) else None,
        import_key=str(data.get("import_key") or "")[:80],
        **fields,
    )
    if opening.occupation_id:
        opening.coded_by = JobOpening.CodedBy.GIVEN
    else:
        _apply_coding(opening)
    opening.save()
    events.record(
        actor=actor,
        kind="create",
        action="create_opening",
        object_type="job_opening",
        object_id=str(opening.public_id),
        org_path=opening.org_path,
        after=_snapshot(opening),
    )
    return opening


@transaction.atomic
def do_update_opening(
    actor: Any, opening: JobOpening, changes: dict[str, Any], *, expected: dict[str, Any] | None = None
) -> JobOpening:
    """Change an opening; giving an occupation code by hand marks it coded by staff.

    ``expected``: the value each changed field had when the editor read it (``occupation_code``,
    ``status``, …, as in ``changes``). If someone has changed one of them since, nothing is
    saved and ``jobs.stale`` says which, so that one person's save never undoes another's.
    """
    _require(may_manage_path(actor, opening.org_path) or _hr_owns(actor, opening))
    problems: list[Problem] = []
    fields = _clean_opening(changes, problems)
    if problems:
        raise ProblemError(*problems)
    locked = JobOpening.objects.select_for_update().get(pk=opening.pk)
    _check_unchanged(locked, expected or {})
    if "expires_on" in fields and fields["expires_on"] != locked.expires_on:
        # a new closing date may not lie in the past; one that has passed since may stay
        _check_not_closed(fields["expires_on"], problems)
        if problems:
            raise ProblemError(*problems)
    # Checked against the row as it is now: someone may have changed the other end since it was read.
    low = fields.get("pay_min", locked.pay_min)
    high = fields.get("pay_max", locked.pay_max)
    if low is not None and high is not None and low > high:
        raise ProblemError(Problem("jobs.pay_order", {"low": low, "high": high}, "pay_max"))
    before = _snapshot(locked)
    retitled = "title" in fields and fields["title"] != locked.title
    recoded = "occupation_id" in fields and fields["occupation_id"] != locked.occupation_id
    for key, value in fields.items():
        setattr(locked, key, value)
    if recoded:
        if fields["occupation_id"]:
            locked.coded_by = JobOpening.CodedBy.STAFF
            locked.needs_coding = False
        else:
            _apply_coding(locked)
    elif retitled and locked.coded_by in (JobOpening.CodedBy.CODER, JobOpening.CodedBy.NONE):
        _apply_coding(locked)
    locked.save()
    old, new = events.diff(before, _snapshot(locked))
    if new:
        events.record(
            actor=actor,
            kind="update",
            action="update_opening",
            object_type="job_opening",
            object_id=str(locked.public_id),
            org_path=locked.org_path,
            before=old,
            after=new,
        )
    return locked


# Form and API field names of an opening → the model attribute they set.
_OPENING_ATTR = {"occupation_code": "occupation_id", "region_code": "region_id"}


# What an editor may change on an opening (form, API and the ``expected`` of a change).
OPENING_EDIT_FIELDS = (
    "title",
    "description",
    "occupation_code",
    "required_grade",
    "region_code",
    "pay_min",
    "pay_max",
    "expires_on",
    "status",
)


def _check_unchanged(locked: JobOpening, expected: dict[str, Any]) -> None:
    unknown = sorted(k for k in expected if k not in OPENING_EDIT_FIELDS)
    if unknown:
        detail = f"{', '.join(unknown)} → {', '.join(OPENING_EDIT_FIELDS)}"
        raise ProblemError(Problem("request.invalid", {"field": "expected", "detail": detail}, "expected"))
    for key, was in expected.items():
        now = getattr(locked, _OPENING_ATTR.get(key, key))
        if str(now or "") != str(was or "").strip():
            raise ProblemError(Problem("jobs.stale", {"field": key, "value": now or "—"}, key))


def _hr_owns(actor: Any, opening: JobOpening) -> bool:
    return bool(getattr(actor, "role", "") == "employer_hr" and opening.employer_id == actor.employer_id)


# --------------------------------------------------------------------------- seekers


def _clean_seeker(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "desired_occupations" in data:
        raw = data["desired_occupations"] or []
        items = raw.replace("，", ",").split(",") if isinstance(raw, str) else list(raw)
        codes = [parse_occupation(c, problems, "desired_occupations") for c in items if not _blank(c)]
        out["desired_occupations"] = list(dict.fromkeys(c for c in codes if c))
    if "desired_region" in data:
        out["desired_region_id"] = parse_region(data["desired_region"], problems, "desired_region")
    if "pay_expectation" in data:
        out["pay_expectation"] = parse_pay(data["pay_expectation"], problems, "pay_expectation")
    if "status" in data and not _blank(data["status"]):
        status = str(data["status"]).strip()
        if status not in JobSeeker.Status.values:
            problems.append(
                Problem("jobs.status", {"value": status, "choices": ", ".join(JobSeeker.Status.values)}, "status")
            )
        else:
            out["status"] = status
    return out


def _seeker_snapshot(seeker: JobSeeker) -> dict[str, Any]:
    return {
        "desired_occupations": seeker.desired_occupations,
        "desired_region": seeker.desired_region_id,
        "pay_expectation": seeker.pay_expectation,
        "status": seeker.status,
        "case_officer": seeker.case_officer_id,
    }


@transaction.atomic
def do_register_seeker(actor: Any, member: Member, data: dict[str, Any] | None = None) -> JobSeeker:
    """Data keys: desired_occupations (codes), desired_region, pay_expectation.

    Needs the member's consent to job matching; staff over the member, or the member themself.
    """
    _require(may_manage_path(actor, member.org_path) or bool(member.user_id and member.user_id == actor.pk))
    # The member row is locked so that two registrations at once give "already registered", not an error.
    if not Member.objects.select_for_update().filter(pk=member.pk, consent_job_matching=True).exists():
        raise ProblemError(Problem("jobs.no_consent"))
    if JobSeeker.objects.filter(member=member).exists():
        raise ProblemError(Problem("jobs.seeker_exists"))
    problems: list[Problem] = []
    fields = _clean_seeker(data or {}, problems)
    if problems:
        raise ProblemError(*problems)
    seeker = JobSeeker.objects.create(
        member=member,
        org_path=member.org_path,
        case_officer=actor if getattr(actor, "role", "") == "union_staff" else None,
        **fields,
    )
    events.record(
        actor=actor,
        kind="create",
        action="register_seeker",
        object_type="job_seeker",
        object_id=str(seeker.public_id),
        org_path=seeker.org_path,
        after=_seeker_snapshot(seeker),
    )
    return seeker


@transaction.atomic
def do_update_seeker(actor: Any, seeker: JobSeeker, changes: dict[str, Any]) -> JobSeeker:
    _require(
        may_manage_path(actor, seeker.org_path) or bool(seeker.member.user_id and seeker.member.user_id == actor.pk)
    )
    problems: list[Problem] = []
    fields = _clean_seeker(changes, problems)
    if "case_officer" in changes:
        officer = changes["case_officer"]
        _require(officer is None or may_manage_path(officer, seeker.org_path))
        fields["case_officer"] = officer
    if problems:
        raise ProblemError(*problems)
    # Lock and write only the changed fields, so an edit made since ``seeker`` was read is kept.
    seeker = JobSeeker.objects.select_for_update().select_related("member", "member__union").get(pk=seeker.pk)
    before = _seeker_snapshot(seeker)
    for key, value in fields.items():
        setattr(seeker, key, value)
    seeker.save(update_fields=[*fields, "updated_at"])
    old, new = events.diff(before, _seeker_snapshot(seeker))
    if new:
        events.record(
            actor=actor,
            kind="update",
            action="update_seeker",
            object_type="job_seeker",
            object_id=str(seeker.public_id),
            org_path=seeker.org_path,
            before=old,
            after=new,
        )
    return seeker


# --------------------------------------------------------------------------- placements

STEP = {"referred": 0, "interviewed": 1, "hired": 2, "not_hired": 2, "withdrawn": 2}
# The only moves on: one step at a time. Hired, not hired and withdrawn are end states; they are
# left only by going back (see ``_back_targets``), never straight to another end state.
FORWARD = {
    "referred": {"interviewed", "withdrawn"},
    "interviewed": {"hired", "not_hired", "withdrawn"},
    "hired": set(),
    "not_hired": set(),
    "withdrawn": set(),
}


def _named(key: str, label: Any) -> dict[str, str]:
    """A status label for a problem message, in both languages (``{key}_zh``, ``{key}_en``)."""
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return {f"{key}_zh": zh, f"{key}_en": en}


def _placement_status(key: str, value: str) -> dict[str, str]:
    return _named(key, dict(Placement.Status.choices).get(value, value))


DATE_FIELD = {
    "referred": "referred_on",
    "interviewed": "interviewed_on",
    "hired": "decided_on",
    "not_hired": "decided_on",
    "withdrawn": "withdrawn_on",
}


@transaction.atomic
def do_refer(actor: Any, seeker: JobSeeker, opening: JobOpening, *, on: dt.date | None = None) -> Placement:
    """Refer a consenting, active seeker to an open, unexpired opening."""
    _require(may_manage_path(actor, seeker.org_path))
    day = on or timezone.localdate()
    # Status and consent as they are now, not as the caller read them.
    seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
    if not Member.objects.filter(pk=seeker.member_id, consent_job_matching=True).exists():
        raise ProblemError(Problem("jobs.no_consent"))
    if seeker.status != JobSeeker.Status.ACTIVE:
        raise ProblemError(
            Problem(
                "jobs.seeker_not_active",
                {"value": seeker.status, **_named("value", JobSeeker.Status(seeker.status).label)},
                "status",
            )
        )
    if opening.status != JobOpening.Status.OPEN or (opening.expires_on and opening.expires_on < day):
        label = opening.status if opening.status != JobOpening.Status.OPEN else JobOpening.Status.EXPIRED
        raise ProblemError(
            Problem("jobs.not_open", {"value": label, **_named("value", JobOpening.Status(label).label)})
        )
    _check_not_future(day)
    if Placement.objects.filter(seeker=seeker, opening=opening).exists():
        raise ProblemError(Problem("jobs.already_referred"))
    placement = Placement.objects.create(
        seeker=seeker,
        opening=opening,
        org_path=seeker.org_path,
        referred_on=day,
        history=[{"status": "referred", "on": day.isoformat(), "by": getattr(actor, "username", ""), "reason": ""}],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        actor=actor,
        kind="create",
        action="refer_seeker",
        object_type="placement",
        object_id=str(placement.public_id),
        org_path=placement.org_path,
        after={"opening": str(opening.public_id), "seeker": str(seeker.public_id), "on": day.isoformat()},
    )
    return placement


def _back_targets(placement: Placement) -> set[str]:
    """The earlier steps a referral may go back (or, from an end state, be reopened) to.

    Always the referral itself; the interview too when the referral got that far (from hired or
    not hired, or withdrawn after an interview). Never a later step or another end state.
    """
    if STEP[placement.status] == 0:
        return set()
    if STEP[placement.status] == 2 and placement.interviewed_on is not None:
        return {"referred", "interviewed"}
    return {"referred"}


def _refuse_move(placement: Placement, to: str) -> ProblemError:
    names = {**_placement_status("current", placement.status), **_placement_status("target", to)}
    params: dict[str, Any] = {"current": placement.status, "target": to, **names}
    back = sorted(_back_targets(placement), key=STEP.__getitem__, reverse=True)
    if to == placement.status or STEP[placement.status] < 2 or not back:
        return ProblemError(Problem("jobs.transition", params, "status"))
    labels = [_placement_status("back", b) for b in back]
    params["back_zh"] = "或".join(f"“{lab['back_zh']}”" for lab in labels)
    params["back_en"] = " or ".join(f'"{lab["back_en"]}"' for lab in labels)
    return ProblemError(Problem("jobs.transition_closed", params, "status"))


def _check_not_future(day: dt.date) -> None:
    today = timezone.localdate()
    if day > today:
        raise ProblemError(Problem("jobs.date_future", {"value": day.isoformat(), "today": today.isoformat()}, "on"))


def _step_day(placement: Placement, on: dt.date | None) -> dt.date:
    """The date of a step on: today unless given; never after today, never before the step before
    (so never before the referral)."""
    day = on or timezone.localdate()
    _check_not_future(day)
    reached = getattr(placement, DATE_FIELD[placement.status])
    previous = max(d for d in (placement.referred_on, reached) if d is not None)
    if day < previous:
        raise ProblemError(
            Problem("jobs.date_order", {"value": day.isoformat(), "previous": previous.isoformat()}, "on")
        )
    return day


def _go_back(placement: Placement, to: str, on: dt.date | None, reason: str) -> dt.date:
    """Undo every step after ``to``: their dates and any end state's date are cleared; ``to`` keeps
    the date it was first reached (the referral date never changes). Returns the day recorded."""
    if not reason:
        raise ProblemError(Problem("jobs.reason_required", {"target": to, **_placement_status("target", to)}, "reason"))
    kept = getattr(placement, DATE_FIELD[to])
    if on is not None:
        names = _placement_status("target", to)
        kept_text = kept.isoformat() if kept else "—"
        raise ProblemError(Problem("jobs.back_date", {"target": to, "kept": kept_text, **names}, "on"))
    for step, name in DATE_FIELD.items():
        if STEP[step] > STEP[to]:
            setattr(placement, name, None)
    return timezone.localdate()


def _follow_seeker(placement: Placement, was: str) -> None:
    """A hire marks the seeker placed; undoing it makes them active again unless hired elsewhere."""
    seekers = JobSeeker.objects.filter(pk=placement.seeker_id)
    if placement.status == Placement.Status.HIRED:
        seekers.update(status=JobSeeker.Status.PLACED)
    elif was == Placement.Status.HIRED:
        hired_elsewhere = (
            Placement.objects.filter(seeker_id=placement.seeker_id, status=Placement.Status.HIRED)
            .exclude(pk=placement.pk)
            .exists()
        )
        if not hired_elsewhere:
            seekers.filter(status=JobSeeker.Status.PLACED).update(status=JobSeeker.Status.ACTIVE)


@transaction.atomic
def do_move_placement(
    actor: Any, placement: Placement, to: str, *, on: dt.date | None = None, reason: str = ""
) -> Placement:
    """Move a referral one step on, or back to an earlier step.

    On: referred → interviewed → hired / not hired, withdrawn from referred or interviewed.
    Skipping a step is refused. A step on is dated ``on`` (today when not given); a date after
    today, or before the date of the step before (the referral at the earliest), is refused.

    Back (a reason is required): to any earlier step the referral reached — from interviewed to
    referred; from hired or not hired to interviewed or referred; from withdrawn (reopening) to
    the step it was withdrawn from or to referred. Never from one end state to another
    (withdrawn → hired is refused: go back, then on). Going back clears the dates of every later
    step and of the end state, and keeps the date the target step was first reached, so the
    referral date never changes; a date given with a move back is therefore refused
    (``jobs.back_date``), and the history records the move on the day it is made.

    The seeker is placed while a referral is hired, and active again when it no longer is.
    """
    _require(may_manage_path(actor, placement.org_path))
    locked = Placement.objects.select_for_update().select_related("seeker").get(pk=placement.pk)
    current = locked.status
    if to not in STEP:
        raise ProblemError(
            Problem("jobs.status", {"value": to, "choices": ", ".join(Placement.Status.values)}, "status")
        )
    reason = reason.strip()
    if to in _back_targets(locked):
        day = _go_back(locked, to, on, reason)
    elif to in FORWARD[current]:
        day = _step_day(locked, on)
        setattr(locked, DATE_FIELD[to], day)
    else:
        raise _refuse_move(locked, to)
    locked.status = to
    locked.history = [
        *locked.history,
        {"status": to, "on": day.isoformat(), "by": getattr(actor, "username", ""), "reason": reason[:500]},
    ]
    locked.save()
    _follow_seeker(locked, current)
    events.record(
        actor=actor,
        kind="update",
        action="move_placement",
        object_type="placement",
        object_id=str(locked.public_id),
        org_path=locked.org_path,
        before={"status": current},
        after={"status": to, "on": day.isoformat(), "reason": reason[:200]},
    )
    return locked


# --------------------------------------------------------------------------- import

IMPORT_COLUMNS = {
    "ref": ("编号", "岗位编号", "ref", "reference"),
    "title": ("岗位名称", "岗位", "title", "job title"),
    "description": ("岗位描述", "描述", "description"),
    "occupation_code": ("职业编码", "occupation_code", "occupation code"),
    "required_grade": ("等级要求", "要求等级", "required_grade", "grade"),
    "region_code": ("地区代码", "工作地区", "region_code", "region"),
    "pay_min": ("最低月薪", "薪酬下限", "pay_min"),
    "pay_max": ("最高月薪", "薪酬上限", "pay_max"),
    "expires_on": ("截止日期", "有效期至", "expires_on"),
    "employer_credit_code": ("统一社会信用代码", "用人单位信用代码", "employer_credit_code"),
}


def _column_key(header: Any) -> str | None:
    text = str(header or "").strip().lower()
    for key, names in IMPORT_COLUMNS.items():
        for name in names:
            if text == name.lower() or text.startswith(name.lower() + " "):
                return key
    return None


def read_openings_file(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows ``(row number as the spreadsheet shows it, {column key: value})`` from CSV or XLSX."""
    from craftpath.registry.import_read import FileProblem, detect_encoding

    raw: list[list[Any]]
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            raw = [list(r) for r in book.get_sheet_by_index(0).to_python()]
        except Exception:  # any unreadable workbook is the same problem for the person
            raise ProblemError(Problem("file.format", {}, "file")) from None
    else:
        try:
            encoding = detect_encoding(path)
        except FileProblem as exc:
            raise ProblemError(exc.problem) from None
        with open(path, encoding=encoding, newline="") as fh:
            raw = _read_csv(fh.read())
    if not raw or not any(any(str(c or "").strip() for c in r) for r in raw):
        raise ProblemError(Problem("file.empty", {}, "file"))
    keys = [_column_key(h) for h in raw[0]]
    if "title" not in keys:
        raise ProblemError(Problem("file.columns", {"value": "岗位名称 title"}, "file"))
    out = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    return out


def _read_csv(text: str) -> list[list[Any]]:
    """Records of a CSV text; a quote that is never closed is a file problem naming its line.

    The reader runs an open quote on to the next quote or the end of the file, so the rows in
    between would become one cell and be lost; nothing is imported from such a file. A line
    break inside a quoted cell is kept only in the description, where Excel may put one.
    """
    reader = csv.reader(io.StringIO(text))
    raw: list[list[Any]] = []
    header: list[str | None] | None = None
    line = last = 1  # where the record being read, and the last one read, start
    try:
        for record in reader:
            header = header if header is not None else [_column_key(h) for h in record]
            if any(("\n" in c or "\r" in c) and k != "description" for k, c in zip(header, record, strict=False)):
                raise ProblemError(_open_quote(text, line))
            raw.append(record)
            last, line = line, reader.line_num + 1
    except csv.Error:  # a cell beyond the reader's size limit: an open quote swallowing the file, or a huge cell
        raise ProblemError(
            _open_quote(text, line) if text.count('"') % 2 else Problem("file.format", {}, "file")
        ) from None
    if raw and _ends_inside_quote(text):
        raise ProblemError(_open_quote(text, last))
    return raw


def _ends_inside_quote(text: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)  # other strict refusals are quoting the lenient reader accepts
    return False


def _open_quote(text: str, line: int) -> Problem:
    lines = text.split("\n")
    start = lines[line - 1].strip() if line <= len(lines) else ""
    return Problem("jobs.import_quote", {"line": line, "start": start[:30]}, "file")


def _import_ref(row: dict[str, Any]) -> str:
    """The row's reference (编号) as typed; a number cell in a workbook arrives as 5.0."""
    ref = str(row.get("ref") or "").strip()
    return ref[:-2] if ref.endswith(".0") else ref


def _same_opening(row: dict[str, Any], first: int) -> Problem:
    """A repeat of row ``first`` without a reference, described by what the person typed."""
    values = {k: str(row.get(k) or "").strip() for k in ("title", "employer_credit_code", "region_code", "expires_on")}
    zh = [f"岗位名称“{values['title']}”"]
    en = [f'title "{values["title"]}"']
    for key, name_zh, name_en in (
        ("employer_credit_code", "用人单位", "employer"),
        ("region_code", "地区", "region"),
        ("expires_on", "截止日期", "closing date"),
    ):
        zh.append(f"{name_zh} {values[key] or '未填'}")
        en.append(f"{name_en} {values[key] or 'not given'}")
    return Problem("jobs.import_duplicate_same", {"row": first, "detail_zh": "，".join(zh), "detail_en": ", ".join(en)})


def _duplicate(row: dict[str, Any], first: int) -> Problem:
    ref = _import_ref(row)
    if ref:
        return Problem("jobs.import_duplicate_row", {"value": ref, "row": first}, "ref")
    return _same_opening(row, first)


def _import_key(row: dict[str, Any]) -> str:
    ref = _import_ref(row)
    if ref:
        return ref[:80]
    # Without a reference the same employer, title, region and closing date is the same opening.
    basis = "|".join(
        str(row.get(k) or "").strip() for k in ("employer_credit_code", "title", "region_code", "expires_on")
    )
    return "h:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def do_import_openings(actor: Any, union: Organisation, path: Path) -> dict[str, Any]:
    """Import openings for ``union`` from CSV/XLSX. Re-importing the same file changes nothing.

    Rows are matched to existing openings by their reference (编号), or, without one, by
    employer + title + region + closing date. Each row is its own transaction; a bad row is
    reported with its problems (Chinese and English) and the others go in. A file that cannot be
    read whole (such as a quote never closed) imports nothing. A bare grade number is the
    national level the pages show (4 = 四级 = 中级工), see ``parse_grade``.
    """
    _require(can_act_in(actor, union))
    rows = read_openings_file(path)
    report: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0, "problems": []}
    seen: dict[str, int] = {}

    def fail(number: int, problems: list[Problem]) -> None:
        report["failed"] += 1
        report["problems"].extend({"row": number, **p.as_dict()} for p in problems)

    for number, row in rows:
        key = _import_key(row)
        if key in seen:
            fail(number, [_duplicate(row, seen[key])])
            continue
        seen[key] = number
        data = {k: row.get(k) for k in IMPORT_COLUMNS if k != "ref" and k in row}
        data["union_code"] = union.code
        data["grade_numbers"] = "level"  # a bare 4 in a file is 四级, as the pages label grades
        existing = JobOpening.objects.filter(union=union, import_key=key).first()
        try:
            if existing is None:
                opening = do_create_opening(actor, {**data, "import_key": key})
                report["created"] += 1
                if opening.needs_coding:
                    report["problems"].append({"row": number, **Problem("jobs.no_occupation").as_dict()})
            else:
                changes = {k: v for k, v in data.items() if k not in {"union_code", "employer_credit_code"}}
                if _blank(changes.get("occupation_code")) and existing.coded_by != JobOpening.CodedBy.GIVEN:
                    changes.pop("occupation_code", None)  # keep the coder's or staff's code
                before = _snapshot(existing)
                updated = do_update_opening(actor, existing, changes)
                report["updated" if _snapshot(updated) != before else "unchanged"] += 1
        except ProblemError as exc:
            fail(number, exc.problems)
    events.record(
        actor=actor,
        kind="import",
        action="import_openings",
        object_type="organisation",
        object_id=union.code,
        org_path=union.path,
        after={k: report[k] for k in ("created", "updated", "unchanged", "failed")},
    )
    return report


# --------------------------------------------------------------------------- batch matching

STORED_RANKS = 3  # the caseload list shows the top 3; the file holds all k


def do_run_matching(
    actor: Any,
    org: Organisation,
    *,
    as_of: dt.date,
    k: int = 10,
    out: Path | None = None,
    chunk: int = 5_000,
    progress: Callable[[int, int], None] | None = None,
) -> MatchRun:
    """Top-k openings for every active, consenting seeker of ``org``'s subtree.

    Writes every row to Parquet (or CSV when ``out`` ends in .csv) and stores the top
    ``STORED_RANKS`` per seeker for the caseload list; seekers are matched in chunks.
    """
    if not 1 <= k <= 100:
        raise ProblemError(Problem("jobs.k", {}, "k"))
    run = MatchRun.objects.create(
        org=org, org_path=org.path, as_of=as_of, k=k, created_by=actor if getattr(actor, "pk", None) else None
    )
    events.record(
        actor=actor,
        kind="create",
        action="run_matching",
        object_type="match_run",
        object_id=str(run.public_id),
        org_path=org.path,
        after={"as_of": as_of.isoformat(), "k": k, "org": org.code},
    )
    from craftpath.jobs.matching import match_frame_for_seekers

    seekers = JobSeeker.objects.filter(
        org_path__startswith=org.path, status=JobSeeker.Status.ACTIVE, member__consent_job_matching=True
    ).order_by("pk")
    ids = list(seekers.values_list("pk", flat=True))
    path = out or Path(settings.VAR_DIR) / "matches" / f"{run.public_id}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    MatchRun.objects.filter(pk=run.pk).update(
        seekers_total=len(ids), openings_total=queries.matchable_openings(as_of).count()
    )
    parts: list[pl.DataFrame] = []
    total = 0
    try:
        for start in range(0, len(ids), chunk):
            block = ids[start : start + chunk]
            frame = match_frame_for_seekers(JobSeeker.objects.filter(pk__in=block), as_of, k)
            if frame.height:
                parts.append(_export_frame(frame))
                _store_rows(run, frame.filter(pl.col("rank") <= STORED_RANKS))
                total += frame.height
            if progress is not None:
                progress(min(start + chunk, len(ids)), len(ids))
        result = pl.concat(parts) if parts else _export_frame(pl.DataFrame())
        if path.suffix.lower() == ".csv":
            result.with_columns(
                pl.col("flags").list.join("; "), pl.col("competencies_missing").list.join("; ")
            ).write_csv(path)
        else:
            result.write_parquet(path)
    except Exception as exc:
        log.exception("match run %s failed", run.public_id)
        MatchRun.objects.filter(pk=run.pk).update(status="failed", error=str(exc)[:2000], finished_at=timezone.now())
        raise
    MatchRun.objects.filter(pk=run.pk).update(
        status="done", rows_total=total, result_file=str(path), finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


EXPORT_SCHEMA: dict[str, Any] = {
    "seeker": pl.String,
    "opening": pl.String,
    "union": pl.String,
    "rank": pl.Int32,
    "score": pl.Float64,
    "occupation_code": pl.String,
    "occupation_points": pl.Float64,
    "competency_points": pl.Float64,
    "grade_points": pl.Float64,
    "region_points": pl.Float64,
    "pay_points": pl.Float64,
    "flags": pl.List(pl.String),
    "competencies_missing": pl.List(pl.String),
    "explanation_zh": pl.String,
    "explanation_en": pl.String,
}


def _export_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Public ids instead of primary keys; no names or ID numbers leave the database."""
    if frame.is_empty():
        return pl.DataFrame(schema=EXPORT_SCHEMA)
    seekers = pl.DataFrame(
        [
            (pk, str(pid), code)
            for pk, pid, code in JobSeeker.objects.filter(pk__in=frame["seeker_id"].unique().to_list()).values_list(
                "pk", "public_id", "member__union__code"
            )
        ],
        schema={"seeker_id": pl.Int64, "seeker": pl.String, "union": pl.String},
        orient="row",
    )
    openings = pl.DataFrame(
        [
            (pk, str(pid))
            for pk, pid in JobOpening.objects.filter(pk__in=frame["job_id"].unique().to_list()).values_list(
                "pk", "public_id"
            )
        ],
        schema={"job_id": pl.Int64, "opening": pl.String},
        orient="row",
    )
    return (
        frame.join(seekers, on="seeker_id", how="left")
        .join(openings, on="job_id", how="left")
        .sort("seeker_id", "rank")
        .select(list(EXPORT_SCHEMA))
    )


def _store_rows(run: MatchRun, frame: pl.DataFrame) -> None:
    paths = dict(JobSeeker.objects.filter(pk__in=frame["seeker_id"].unique().to_list()).values_list("pk", "org_path"))
    names = ("occupation_points", "competency_points", "grade_points", "region_points", "pay_points")
    MatchRow.objects.bulk_create(
        [
            MatchRow(
                run=run,
                seeker_id=r["seeker_id"],
                opening_id=r["job_id"],
                org_path=paths.get(r["seeker_id"], ""),
                rank=r["rank"],
                score=r["score"],
                parts={n: r[n] for n in names} | {"flags": r["flags"]},
                explanation_zh=r["explanation_zh"] or "",
                explanation_en=r["explanation_en"] or "",
            )
            for r in frame.iter_rows(named=True)
        ],
        batch_size=2000,
    )
