"""Reference evaluator: the same rulebook, one member at a time, in plain Python.

It exists to check the vectorized engine (tests assert both agree row for row) and as the
"straightforward implementation" in ``benchmarks/advance.py``. Input validation is shared with
the engine (:func:`validate_inputs`); everything after it is computed independently here.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> from craftpath.engines.ladder.evaluate import evaluate
    >>> inp = LadderInputs.build(
    ...     members=[{"member_id": 1, "birth_date": dt.date(1990, 1, 1)}],
    ...     histories=[{"member_id": 1, "occupation_code": "6-31-01-03",
    ...                 "start": dt.date(2016, 1, 1), "end": None}])
    >>> rb = load_rulebook()
    >>> reference_evaluate(inp, rb, dt.date(2022, 1, 1)).equals(evaluate(inp, rb, dt.date(2022, 1, 1)))
    True
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import polars as pl

from craftpath.engines.ladder.dates import DAYS_PER_YEAR, add_years
from craftpath.engines.ladder.evaluate import RESULT_SCHEMA
from craftpath.engines.ladder.inputs import LadderInputs, validate_inputs
from craftpath.engines.ladder.plan import MAX_EXAM_GRADE, Cond, Plan, build_plan
from craftpath.engines.rules.model import Rulebook

__all__ = ["evaluate_member", "reference_evaluate"]

_EPOCH = dt.date(1970, 1, 1)


def _disp(days: int) -> str:
    return f"{math.floor(max(days, 0) * 10 / DAYS_PER_YEAR) / 10:.1f}"


def _occ_key(code: str) -> int:
    return int(code.replace("-", ""))


def _related(a: str, b: str, plan: Plan) -> bool:
    if a == b:
        return True
    if plan.related_default == "same_minor_group" and a[:7] == b[:7]:
        return True
    return (a, b) in plan.related_pairs or (b, a) in plan.related_pairs


def _service(
    intervals: list[tuple[dt.date, dt.date | None]], years: list[int], as_of: dt.date
) -> tuple[int, dict[int, dt.date | None], bool]:
    """Served days up to as_of, the date each N is reached, and whether rows overlapped."""
    inf = dt.date.max
    rows = sorted((s, (e + dt.timedelta(days=1)) if e is not None and e < inf else inf) for s, e in intervals)
    blocks: list[list[dt.date]] = []
    overlap = False
    for s, e in rows:
        if blocks and s <= blocks[-1][1]:
            overlap = overlap or s < blocks[-1][1]
            blocks[-1][1] = max(blocks[-1][1], e)
        else:
            blocks.append([s, e])
    served = sum(max(0, (min(e, as_of) - s).days) for s, e in blocks)
    met: dict[int, dt.date | None] = {}
    for n in years:
        met[n] = None
        if not blocks:
            continue
        gaps = 0
        for k, (s, e) in enumerate(blocks):
            if k:
                gaps += (s - blocks[k - 1][1]).days
            reach = add_years(blocks[0][0], n) + dt.timedelta(days=gaps)
            if reach <= e:
                met[n] = reach
                break
    return served, met, overlap


def _diploma_available(graduated_on: dt.date | None, as_of: dt.date) -> dt.date:
    if graduated_on is None or (graduated_on > as_of and graduated_on.year == as_of.year):
        return as_of
    if graduated_on > as_of:
        return dt.date(graduated_on.year, 1, 1)
    return graduated_on


def evaluate_member(
    member: dict[str, Any], rows: dict[str, list[dict[str, Any]]], plan: Plan, flags: list[str]
) -> list[dict[str, Any]]:
    """All result rows of one member (already validated), as dicts in :data:`RESULT_SCHEMA`."""
    as_of = plan.as_of
    hist, certs = rows.get("histories", []), rows.get("certificates", [])
    dips, appr = rows.get("diplomas", []), rows.get("apprenticeships", [])
    occs = {h["occupation_code"] for h in hist} | {c["occupation_code"] for c in certs}
    occs |= {d["occupation_code"] for d in dips if d["occupation_code"] is not None}
    occs |= {a["occupation_code"] for a in appr}
    out: list[dict[str, Any]] = []
    any_overlap = False
    variant_of = {o: v for v in plan.variants for o in v.occupations}
    years = sorted(plan.service_years)
    per_occ = []
    for occ in sorted(occs, key=_occ_key):
        mine = [c for c in certs if c["occupation_code"] == occ]
        current = max((c["grade"] for c in mine), default=None)
        if current is not None and current >= MAX_EXAM_GRADE:
            continue
        served, met, overlap = _service(
            [(h["start"], h["end"]) for h in hist if _related(h["occupation_code"], occ, plan)], years, as_of
        )
        any_overlap = any_overlap or overlap
        per_occ.append((occ, mine, current, served, met))
    for occ, mine, current, served, met in per_occ:
        variant = variant_of.get(occ, plan.variants[0])

        def cert_date(g: int, mine: list[dict[str, Any]] = mine) -> dt.date | None:
            return min((c["issued_on"] for c in mine if c["grade"] >= g), default=None)

        def cond_date(c: Cond, occ: str = occ, met: dict[int, dt.date | None] = met) -> dt.date | None:
            if c.kind == "years_in_occupation":
                return met[c.years]
            if c.kind == "certificate":
                d = cert_date(c.grade)
                return None if d is None else add_years(d, c.years)
            if c.kind == "diploma":
                cands = [
                    add_years(_diploma_available(d["graduated_on"], as_of), c.years)
                    for d in dips
                    if d["kind"] in c.kinds
                    and (
                        c.assessed_level_min is None
                        or (d["assessed_level"] is not None and d["assessed_level"] >= c.assessed_level_min)
                    )
                    and (
                        c.specialty == "any"
                        or (d["occupation_code"] is not None and _related(d["occupation_code"], occ, plan))
                    )
                ]
                return min(cands, default=None)
            if c.kind == "apprenticeship":
                return min((a["completed_on"] for a in appr if a["occupation_code"] == occ), default=None)
            b = member["birth_date"]
            return None if b is None else add_years(b, c.years)

        def code(c: Cond, served: int = served) -> str:
            if c.kind == "years_in_occupation":
                return f"years_in_occupation:{_disp(served)}/{c.years}"
            if c.kind == "certificate":
                d = cert_date(c.grade)
                if d is None or c.years == 0:
                    return f"needs_certificate:{c.grade}"
                return f"years_since_certificate:{c.grade}:{_disp((as_of - d).days)}/{c.years}"
            if c.kind == "diploma":
                return f"needs_diploma:{c.diploma_label()}"
            if c.kind == "apprenticeship":
                return "needs_apprenticeship"
            b = member["birth_date"]
            return f"min_age:?/{c.years}" if b is None else f"min_age:{_disp((as_of - b).days)}/{c.years}"

        for t in range(1, MAX_EXAM_GRADE + 1):
            if current is not None and current >= t:
                continue
            routes = variant.routes[t]
            row: dict[str, Any] = {
                "member_id": member["member_id"],
                "occupation_code": occ,
                "current_grade": current,
                "target_grade": t,
            }
            if not routes:
                row.update(
                    eligible=False, route=None, earliest_date=None, missing=["no_route"], trace=[variant.clause_id]
                )
                out.append(row)
                continue
            infos = []
            for r in routes:
                ds = [cond_date(c) for c in r.conds]
                rdate = None if any(d is None for d in ds) else max(ds)  # type: ignore[type-var]
                unmet = [c for c, d in zip(r.conds, ds, strict=True) if d is None or d > as_of]
                infos.append((r, rdate, unmet))
            dates = [i[1] for i in infos if i[1] is not None]
            earliest = min(dates) if dates else None
            eligible = earliest is not None and earliest <= as_of
            if eligible:
                decisive = next(i for i in infos if i[1] is not None and i[1] <= as_of)
            elif earliest is not None:
                decisive = next(i for i in infos if i[1] == earliest)
            else:
                fewest = min(len(i[2]) for i in infos)
                decisive = next(i for i in infos if len(i[2]) == fewest)
            trace = [variant.clause_id, decisive[0].id]
            if plan.related_id and any(c.kind == "years_in_occupation" for c in decisive[0].conds):
                trace.append(plan.related_id)
            row.update(
                eligible=eligible,
                route=decisive[0].id if eligible else None,
                earliest_date=as_of if eligible else earliest,
                missing=[] if eligible else [code(c) for c in decisive[2]],
                trace=trace,
            )
            out.append(row)
    all_flags = sorted(set(flags) | ({"history_overlap_merged"} if any_overlap else set()))
    for row in out:
        row["flags"] = all_flags
    return out


def reference_evaluate(
    inputs: LadderInputs, rulebook: Rulebook, as_of: dt.date, *, on_bad_input: str = "error"
) -> pl.DataFrame:
    """Per-member Python evaluation with the same output as :func:`evaluate`."""
    clean, flag_frame = validate_inputs(inputs, as_of, on_bad_input=on_bad_input)
    plan = build_plan(rulebook, as_of)
    by_member: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for name in ("histories", "certificates", "diplomas", "apprenticeships"):
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in getattr(clean, name).iter_rows(named=True):
            groups[row["member_id"]].append(row)
        by_member[name] = groups
    flags: dict[int, list[str]] = defaultdict(list)
    for mid, flag in flag_frame.iter_rows():
        flags[mid].append(flag)
    rows: list[dict[str, Any]] = []
    for member in sorted(clean.members.iter_rows(named=True), key=lambda m: m["member_id"]):
        mid = member["member_id"]
        rows.extend(
            evaluate_member(member, {k: v.get(mid, []) for k, v in by_member.items()}, plan, flags.get(mid, []))
        )
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)
