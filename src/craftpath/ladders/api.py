from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from craftpath.core import events
from craftpath.core.problems import CATALOGUE, NotFoundOrForbidden, Problem, ProblemError
from craftpath.engines.rules import RulebookError
from craftpath.ladders import actions, queries
from craftpath.ladders.access import access_run_by_public_id, latest_run_for, rows_visible_to, runs_visible_to
from craftpath.ladders.texts import describe_missing, describe_trace
from craftpath.ladders.whatif import compare_for_org, load_proposal
from craftpath.orgs.access import access_organisation_by_code
from craftpath.registry.access import access_member_by_public_id

router = Router()

CATALOGUE.setdefault(
    "rulebook.invalid",
    ("规则文件有误，未作任何评估：{value}", "The rulebook file has a problem, so nothing was evaluated: {value}"),
)


class MissingOut(Schema):
    code: str
    zh: str
    en: str


class TraceOut(Schema):
    clause: str
    source: str
    status: str
    valid_from: dt.date | None


class NextGradeRow(Schema):
    occupation_code: str
    current_grade: int | None
    target_grade: int
    eligible: bool
    route: str | None
    earliest_date: dt.date | None
    missing: list[MissingOut]
    trace: list[TraceOut]
    flags: list[str]


class TitleRow(Schema):
    occupation_code: str
    title: str
    title_zh: str
    from_grade: int
    eligible: bool
    earliest_date: dt.date | None
    missing: list[MissingOut]
    trace: list[TraceOut]
    unchecked: list[str]


class NextGradeOut(Schema):
    member_id: uuid.UUID
    as_of: dt.date
    rows: list[NextGradeRow]
    title_pathway: list[TitleRow]


def _rows(frame_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**r, "missing": [describe_missing(c) for c in r["missing"] or []], "trace": describe_trace(r["trace"] or [])}
        for r in frame_rows
    ]


@router.get(
    "/members/{public_id}/next-grade", response=NextGradeOut, summary="Eligibility for every higher grade, with reasons"
)
def next_grade(request: HttpRequest, public_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    member = access_member_by_public_id(request.user, public_id)
    if request.user.role == "employer_hr":  # type: ignore[union-attr]
        raise NotFoundOrForbidden()
    day = as_of or queries.as_of_today()
    result = actions.evaluate_member(member, day).sort("occupation_code", "target_grade")
    bridge = actions.title_pathways(member, day)
    return {
        "member_id": member.public_id,
        "as_of": day,
        "rows": _rows(result.to_dicts()),
        "title_pathway": _rows(bridge.to_dicts()) if bridge.height else [],
    }


class RunIn(Schema):
    as_of: dt.date
    org_code: str | None = None
    horizon_days: int = 183


class RunOut(Schema):
    public_id: uuid.UUID
    org_code: str
    as_of: dt.date
    status: str
    members_total: int
    members_done: int
    progress_pct: int
    eligible_now: int
    eligible_soon: int
    flagged_members: int
    rulebook: str


def _run(run: Any) -> dict[str, Any]:
    return {**{f: getattr(run, f) for f in RunOut.model_fields if f != "org_code"}, "org_code": run.org.code}


@router.post("/runs", response={202: RunOut}, summary="Start a batch advancement run over my subtree (background job)")
def start_run(request: HttpRequest, payload: RunIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    if not 0 < payload.horizon_days <= 3660:
        raise ProblemError(Problem("date.invalid", {"value": payload.horizon_days}, "horizon_days"))
    run = actions.do_start_eligibility_run(user, org, payload.as_of, horizon_days=payload.horizon_days)
    return Status(202, _run(run))


@router.get("/runs", response=list[RunOut], summary="Advancement runs in my subtree")
def list_runs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_run(r) for r in runs_visible_to(request.user).select_related("org")[:100]]


@router.get("/runs/{public_id}", response=RunOut, summary="One run with its progress")
def get_run(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _run(access_run_by_public_id(request.user, public_id))


class WhatIfIn(Schema):
    as_of: dt.date
    replace_file: str
    proposed_text: str
    org_code: str | None = None


class WhatIfGroup(Schema):
    org_code: str | None
    org_name: str | None
    members: int
    gains: int
    loses: int
    earlier: int
    later: int


class WhatIfOut(Schema):
    as_of: dt.date
    replaced_file: str
    members_changing: int
    by_union: list[WhatIfGroup]


@router.post("/whatif", response=WhatIfOut, summary="Who would gain or lose eligibility under a proposed rulebook file")
def whatif(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    try:
        proposal = load_proposal(payload.replace_file, payload.proposed_text)
    except RulebookError as exc:
        raise ProblemError(Problem("rulebook.invalid", {"value": str(exc)}, "proposed_text")) from None
    changes, summary = compare_for_org(org, proposal, payload.as_of)
    events.record(
        actor=user,
        kind="export",
        action="whatif",
        object_type="organisation",
        object_id=org.code,
        org_path=org.path,
        note=f"{payload.replace_file} as of {payload.as_of}",
    )
    return {
        "as_of": payload.as_of,
        "replaced_file": payload.replace_file,
        "members_changing": changes["member_id"].n_unique(),
        "by_union": summary.to_dicts(),
    }


class EligibleRow(Schema):
    member_id: uuid.UUID
    name: str
    id_masked: str
    union_code: str
    occupation_code: str
    current_grade: int | None
    target_grade: int
    eligible: bool
    earliest_date: dt.date | None
    route: str
    missing: list[MissingOut]


class EligiblePage(Schema):
    run: RunOut | None
    items: list[EligibleRow]
    next_cursor: str | None


@router.get(
    "/eligible", response=EligiblePage, summary="Members eligible now (window=now) or soon (window=soon), latest run"
)
def eligible(
    request: HttpRequest,
    window: str = "now",
    occupation: str | None = None,
    grade: int | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    run = latest_run_for(request.user)
    if run is None:
        return {"run": None, "items": [], "next_cursor": None}
    qs = rows_visible_to(request.user, run).filter(eligible=(window == "now")).select_related("member", "member__union")
    if occupation:
        qs = qs.filter(occupation_code=occupation)
    if grade is not None:
        qs = qs.filter(target_grade=grade)
    if cursor and cursor.isdigit():
        qs = qs.filter(id__gt=int(cursor))
    limit = max(1, min(limit, 500))
    rows = list(qs.order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        {
            "member_id": r.member.public_id,
            "name": r.member.name,
            "id_masked": r.member.id_masked,
            "union_code": r.member.union.code,
            "occupation_code": r.occupation_code,
            "current_grade": r.current_grade,
            "target_grade": r.target_grade,
            "eligible": r.eligible,
            "earliest_date": r.earliest_date,
            "route": r.route,
            "missing": [describe_missing(c) for c in r.missing],
        }
        for r in rows
    ]
    return {"run": _run(run), "items": items, "next_cursor": str(rows[-1].id) if more and rows else None}
