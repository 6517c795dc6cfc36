"""Assessment workflow: bodies, events, registration with an eligibility check, scores,
publication (a pass issues a signed certificate at once) and appeals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Q
from django.utils import timezone

from craftpath.assessment import problems as _problems  # noqa: F401  (registers messages)
from craftpath.assessment.access import may_manage_path
from craftpath.assessment.models import Appeal, AssessmentBody, AssessmentEvent, BodyAuthorisation, Candidate
from craftpath.assessment.parameters import parameters_on
from craftpath.assessment.queries import check_eligibility
from craftpath.assessment.texts import describe_missing
from craftpath.core import events
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.credentials.actions import do_issue_certificate
from craftpath.engines.codes import check_credit_code
from craftpath.engines.grades import Grade
from craftpath.orgs.access import can_act_in
from craftpath.orgs.models import Organisation
from craftpath.registry.access import may_edit_member
from craftpath.registry.actions import load_catalogue
from craftpath.registry.models import Member
from craftpath.taxonomy.models import Occupation

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
# Weights, pass marks and scores are stored in 5-digit decimals; anything at or beyond what the score
# columns hold is refused as input before any arithmetic on it (1e1000000 would overflow the context).
_SCORE_FIELD = Candidate._meta.get_field("theory_score")
_STORABLE = Decimal(10) ** (_SCORE_FIELD.max_digits - _SCORE_FIELD.decimal_places)


def _require(ok: bool) -> None:
    if not ok:
        raise ProblemError(Problem("assessment.forbidden"))


@transaction.atomic
def do_create_body(
    actor: Any, *, name: str, credit_code: str = "", managed_by: Organisation | None = None
) -> AssessmentBody:
    org = managed_by or getattr(actor, "org", None)
    _require(org is not None and can_act_in(actor, org))
    assert org is not None
    if not (name or "").strip():
        raise ProblemError(Problem("row.required", {"column": "name"}, "name"))
    credit_code = (credit_code or "").strip().upper()
    if credit_code:
        check = check_credit_code(credit_code)
        if not check.ok:
            raise ProblemError(Problem(check.error_code or "uscc.checksum", {"value": credit_code}, "credit_code"))
        credit_code = check.value
    body = AssessmentBody.objects.create(
        name=name.strip()[:160], credit_code=credit_code, managed_by=org, org_path=org.path
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_assessment_body",
        object_type="assessment_body",
        object_id=str(body.public_id),
        org_path=org.path,
        after={"name": body.name, "credit_code": body.credit_code},
    )
    return body


@transaction.atomic
def do_authorise_body(
    actor: Any,
    body: AssessmentBody,
    *,
    occupation_code: str,
    grade: int,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> BodyAuthorisation:
    _require(may_manage_path(actor, body.org_path))
    occupation = _occupation(occupation_code)
    _exam_grade(occupation, grade)
    if valid_until is not None and valid_until < valid_from:
        raise ProblemError(Problem("date.end_before_start", {}, "valid_until"))
    auth = BodyAuthorisation.objects.create(
        body=body, occupation=occupation, grade=grade, valid_from=valid_from, valid_until=valid_until
    )
    events.record(
        actor=actor,
        kind="create",
        action="authorise_assessment_body",
        object_type="assessment_body",
        object_id=str(body.public_id),
        org_path=body.org_path,
        after={
            "occupation": occupation.code,
            "grade": grade,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return auth


def _occupation(code: str) -> Occupation:
    occupation = Occupation.objects.filter(code=(code or "").strip()).first()
    if occupation is None:
        raise ProblemError(Problem("occupation.unknown", {"value": code}, "occupation_code"))
    if occupation.level != 4:
        raise ProblemError(Problem("occupation.not_leaf", {"value": code}, "occupation_code"))
    return occupation


def _exam_grade(occupation: Occupation, grade: int) -> None:
    if not 0 <= grade <= 5:
        raise ProblemError(Problem("assessment.grade_not_examined", {}, "grade"))
    if grade not in (occupation.grades or []):
        raise ProblemError(Problem("grade.not_in_occupation", {"occupation": occupation.code, "grade": grade}, "grade"))


def _decimal(value: Any, field: str, code: str = "assessment.score_range", *, bounded: bool = True) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ProblemError(Problem(code, {"field": field, "value": value}, field)) from None
    if not number.is_finite() or (bounded and number.copy_abs() >= _STORABLE):
        raise ProblemError(Problem(code, {"field": field, "value": str(value)[:20]}, field))
    return number


@transaction.atomic
def do_create_event(
    actor: Any,
    *,
    org: Organisation,
    body: AssessmentBody,
    occupation_code: str,
    grade: int,
    held_on: dt.date,
    theory_weight: Any = None,
    practice_weight: Any = None,
    theory_pass_mark: Any = None,
    practice_pass_mark: Any = None,
    appeal_days: int | None = None,
    source: str = "",
) -> AssessmentEvent:
    """An assessment sitting. Unset parameters take the defaults in force on ``held_on``
    (``data/rulebooks/assessment.yaml``); the theory weight may never exceed the maximum."""
    _require(can_act_in(actor, org))
    occupation = _occupation(occupation_code)
    _exam_grade(occupation, grade)
    authorised = body.authorisations.filter(occupation=occupation, grade=grade, valid_from__lte=held_on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=held_on)
    )
    if not authorised.exists():
        raise ProblemError(
            Problem(
                "assessment.body_not_authorised",
                {
                    "body": body.name,
                    "occupation": occupation.code,
                    "grade": Grade(grade).zh,
                    "date": held_on.isoformat(),
                },
                "body",
            )
        )
    try:
        defaults = parameters_on(held_on)
    except LookupError:
        raise ProblemError(Problem("assessment.no_parameters", {"value": held_on.isoformat()}, "held_on")) from None
    used: dict[str, dict[str, Any]] = {}

    def pick(name: str, given: Any) -> Decimal:
        if given is None:
            p = defaults[name]
            used[name] = {"value": str(p.value), "valid_from": p.valid_from.isoformat(), "source": p.source}
            return p.value
        code = "assessment.pass_mark" if "pass" in name else "assessment.weights_sum"
        value = _decimal(given, name, code, bounded=name != "appeal_days")
        used[name] = {"value": str(value), "source": source or "set for this event"}
        return value

    tw = pick("theory_weight", theory_weight)
    pw = pick("practice_weight", practice_weight if practice_weight is not None or theory_weight is None else 1 - tw)
    limit = defaults["theory_weight_max"]
    used["theory_weight_max"] = {
        "value": str(limit.value),
        "valid_from": limit.valid_from.isoformat(),
        "source": limit.source,
    }
    if tw > limit.value:
        raise ProblemError(
            Problem(
                "assessment.theory_weight_max",
                {
                    "value": f"{tw * 100:.0f}%",
                    "max": f"{limit.value * 100:.0f}%",
                    "source": limit.source.split(":")[0][:80],
                },
                "theory_weight",
            )
        )
    if tw < 0 or pw < 0 or tw + pw != 1:
        raise ProblemError(Problem("assessment.weights_sum", {"value": tw + pw}, "practice_weight"))
    tp = pick("theory_pass_mark", theory_pass_mark)
    pp = pick("practice_pass_mark", practice_pass_mark)
    for value in (tp, pp):
        if not 0 <= value <= _HUNDRED:
            raise ProblemError(Problem("assessment.pass_mark", {"value": value}, "pass_mark"))
    days = int(pick("appeal_days", appeal_days))
    # The column's portable range (SQLite would store more, PostgreSQL's smallint would fail with a 500).
    low, high = BaseDatabaseOperations.integer_field_ranges["PositiveSmallIntegerField"]
    if not low <= days <= high:
        raise ProblemError(Problem("assessment.appeal_days", {"value": days, "max": high}, "appeal_days"))
    event = AssessmentEvent.objects.create(
        org=org,
        org_path=org.path,
        body=body,
        occupation=occupation,
        grade=grade,
        held_on=held_on,
        theory_weight=tw,
        practice_weight=pw,
        theory_pass_mark=tp,
        practice_pass_mark=pp,
        appeal_days=days,
        parameters=used,
        created_by=actor,
    )
    event.refresh_from_db()  # the stored (quantized) decimals
    events.record(
        actor=actor,
        kind="create",
        action="create_assessment_event",
        object_type="assessment_event",
        object_id=str(event.public_id),
        org_path=org.path,
        after={"occupation": occupation.code, "grade": grade, "held_on": held_on.isoformat(), "parameters": used},
    )
    return event


def _locked_event(event: AssessmentEvent) -> AssessmentEvent:
    return AssessmentEvent.objects.select_for_update(of=("self",)).select_related("org").get(pk=event.pk)


def _may_register(actor: Any, member: Member) -> bool:
    if getattr(actor, "role", None) == "member":
        return bool(member.user_id == actor.pk)
    return may_edit_member(actor, member)


@transaction.atomic
def do_register_candidate(
    actor: Any, event: AssessmentEvent, member: Member, *, override_reason: str = "", as_of: dt.date | None = None
) -> Candidate:
    """Register after checking eligibility with the advancement engine; the trace is stored.

    An ineligible member is refused with the missing conditions (zh + en), unless union staff
    record an override with a reason.
    """
    if not _may_register(actor, member) or not member.org_path.startswith(event.org_path):
        raise NotFoundOrForbidden()
    # The event row is locked and read again: a registration racing another for the same member, or
    # racing publication, waits for it and then sees what it did (not a unique-constraint error).
    event = _locked_event(event)
    if event.status != AssessmentEvent.Status.OPEN:
        raise ProblemError(Problem("assessment.closed"))
    if Candidate.objects.filter(event=event, member=member).exists():
        raise ProblemError(Problem("assessment.already_registered"))
    day = as_of or timezone.localdate()
    check = check_eligibility(member, event.occupation_id, event.grade, day)
    reason = (override_reason or "").strip()
    if not check["eligible"]:
        if reason and getattr(actor, "role", None) != "union_staff":
            raise ProblemError(Problem("assessment.override_staff_only", {}, "override_reason"))
        if not reason:
            g = Grade(event.grade)
            missing = [describe_missing(code) for code in check["missing"]]
            raise ProblemError(
                Problem("assessment.ineligible", {"grade": g.zh}),
                *(Problem("assessment.missing_condition", {"zh": m["zh"], "en": m["en"]}, m["code"]) for m in missing),
            )
    candidate = Candidate.objects.create(
        event=event,
        member=member,
        org_path=member.org_path,
        checked_as_of=day,
        eligible=check["eligible"],
        route=check["route"] or "",
        missing=check["missing"],
        trace=check["trace"],
        override_reason=reason if not check["eligible"] else "",
        override_by=actor if (reason and not check["eligible"]) else None,
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        actor=actor,
        kind="create",
        action="register_candidate" if check["eligible"] else "register_candidate_override",
        object_type="assessment_event",
        object_id=str(event.public_id),
        org_path=member.org_path,
        after={
            "member": str(member.public_id),
            "eligible": check["eligible"],
            "route": check["route"],
            "missing": check["missing"],
            "override_reason": candidate.override_reason,
        },
    )
    return candidate


def _score(value: Any, field: str) -> Decimal:
    number = _decimal(value, field)
    if not 0 <= number <= _HUNDRED:
        raise ProblemError(Problem("assessment.score_range", {"field": field, "value": value}, field))
    return number.quantize(_CENT)


def _apply_scores(candidate: Candidate, theory: Decimal, practice: Decimal) -> None:
    event = candidate.event
    candidate.theory_score, candidate.practice_score = theory, practice
    candidate.total_score = (event.theory_weight * theory + event.practice_weight * practice).quantize(_CENT)
    candidate.passed = theory >= event.theory_pass_mark and practice >= event.practice_pass_mark


@transaction.atomic
def do_record_scores(actor: Any, candidate: Candidate, *, theory: Any, practice: Any) -> Candidate:
    """Scores out of 100 for theory and practice; refused outside 0–100."""
    _require(may_manage_path(actor, candidate.event.org_path))
    # Read the event's status under its lock: scores must not change once publication has begun.
    event = _locked_event(candidate.event)
    if event.status != AssessmentEvent.Status.OPEN:
        raise ProblemError(Problem("assessment.closed"))
    t, p = _score(theory, "theory"), _score(practice, "practice")
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("member").get(pk=candidate.pk)
    candidate.event = event
    before = {"theory": str(candidate.theory_score), "practice": str(candidate.practice_score)}
    _apply_scores(candidate, t, p)
    candidate.save(update_fields=["theory_score", "practice_score", "total_score", "passed", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="record_scores",
        object_type="assessment_event",
        object_id=str(candidate.event.public_id),
        org_path=candidate.org_path,
        before=before,
        after={
            "member": str(candidate.member.public_id),
            "theory": str(t),
            "practice": str(p),
            "total": str(candidate.total_score),
            "passed": candidate.passed,
        },
    )
    return candidate


def _issue(actor: Any, candidate: Candidate, catalogue: Any, today: dt.date) -> None:
    event = candidate.event
    issued = do_issue_certificate(
        actor,
        candidate.member,
        org=event.org,
        occupation_code=event.occupation_id,
        grade=event.grade,
        issued_on=today,
        source=f"assessment:{event.public_id}",
        catalogue=catalogue,
    )
    candidate.credential = issued
    candidate.save(update_fields=["credential", "updated_at"])


@transaction.atomic
def do_publish_results(actor: Any, event: AssessmentEvent) -> list[Candidate]:
    """Publish results and open the appeal window; every pass gets its signed certificate now,
    so the member's grade changes at once. Returns the candidates who passed."""
    locked = AssessmentEvent.objects.select_for_update().select_related("org").get(pk=event.pk)
    _require(may_manage_path(actor, locked.org_path))
    if locked.status != AssessmentEvent.Status.OPEN:
        raise ProblemError(Problem("assessment.closed"))
    candidates = list(locked.candidates.select_related("member").order_by("id"))
    unscored = sum(1 for c in candidates if c.passed is None)
    if unscored:
        raise ProblemError(Problem("assessment.unscored", {"value": unscored}))
    today = timezone.localdate()
    catalogue = load_catalogue()
    passed = [c for c in candidates if c.passed]
    for candidate in passed:
        candidate.event = locked
        _issue(actor, candidate, catalogue, today)
    locked.status = AssessmentEvent.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.appeal_until = today + dt.timedelta(days=locked.appeal_days)
    locked.save(update_fields=["status", "published_at", "appeal_until", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action="publish_assessment_results",
        object_type="assessment_event",
        object_id=str(locked.public_id),
        org_path=locked.org_path,
        after={
            "candidates": len(candidates),
            "passed": len(passed),
            "appeal_until": locked.appeal_until.isoformat(),
        },
    )
    event.status, event.published_at, event.appeal_until = locked.status, locked.published_at, locked.appeal_until
    return passed


@transaction.atomic
def do_lodge_appeal(actor: Any, candidate: Candidate, *, reason: str) -> Appeal:
    if not _may_register(actor, candidate.member):
        raise NotFoundOrForbidden()
    event = candidate.event
    if event.status != AssessmentEvent.Status.PUBLISHED or event.appeal_until is None:
        raise ProblemError(Problem("assessment.not_published"))
    if timezone.localdate() > event.appeal_until:
        raise ProblemError(Problem("assessment.appeal_window", {"value": event.appeal_until.isoformat()}))
    if not (reason or "").strip():
        raise ProblemError(Problem("credential.reason_required", {}, "reason"))
    # One open appeal per result: the candidate row is locked so two submissions at once give one appeal.
    Candidate.objects.select_for_update(of=("self",)).only("pk").get(pk=candidate.pk)
    if Appeal.objects.filter(candidate=candidate, state=Appeal.State.OPEN).exists():
        raise ProblemError(Problem("assessment.appeal_open"))
    appeal = Appeal.objects.create(candidate=candidate, reason=reason.strip(), lodged_by=actor)
    events.record(
        actor=actor,
        kind="create",
        action="lodge_appeal",
        object_type="assessment_event",
        object_id=str(event.public_id),
        org_path=candidate.org_path,
        after={"member": str(candidate.member.public_id)},
    )
    return appeal


@transaction.atomic
def do_resolve_appeal(
    actor: Any,
    appeal: Appeal,
    *,
    upheld: bool,
    resolution: str,
    theory: Any = None,
    practice: Any = None,
) -> Appeal:
    """Decide an appeal; an upheld appeal may correct the scores, and a new pass is certified."""
    _require(may_manage_path(actor, appeal.candidate.event.org_path))
    # Lock and re-read: two officers deciding the same appeal at once must not both decide it (nor
    # both certify the corrected pass).
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("event", "event__org", "member")
        .get(pk=appeal.candidate_id)
    )
    appeal.candidate = candidate
    if appeal.state != Appeal.State.OPEN:
        raise ProblemError(Problem("assessment.appeal_closed"))
    if upheld and theory is not None and practice is not None:
        _apply_scores(candidate, _score(theory, "theory"), _score(practice, "practice"))
        candidate.save(update_fields=["theory_score", "practice_score", "total_score", "passed", "updated_at"])
        if candidate.passed and candidate.credential_id is None:
            _issue(actor, candidate, load_catalogue(), timezone.localdate())
    appeal.state = Appeal.State.UPHELD if upheld else Appeal.State.DISMISSED
    appeal.resolution, appeal.resolved_by, appeal.resolved_at = resolution, actor, timezone.now()
    appeal.save(update_fields=["state", "resolution", "resolved_by", "resolved_at"])
    events.record(
        actor=actor,
        kind="update",
        action="resolve_appeal",
        object_type="assessment_event",
        object_id=str(candidate.event.public_id),
        org_path=candidate.org_path,
        after={"member": str(candidate.member.public_id), "state": appeal.state, "passed": candidate.passed},
    )
    return appeal


__all__ = [
    "do_authorise_body",
    "do_create_body",
    "do_create_event",
    "do_lodge_appeal",
    "do_publish_results",
    "do_record_scores",
    "do_register_candidate",
    "do_resolve_appeal",
]
