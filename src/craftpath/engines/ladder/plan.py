"""Resolve a rulebook on a date into the flat list of conditions the evaluators compute.

Both the vectorized evaluator and the per-member reference read this plan, so they agree on
what the rulebook says and differ only in how they compute it.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> plan = build_plan(load_rulebook(), dt.date(2025, 1, 1))
    >>> sorted(plan.service_years)
    [1, 2, 5, 6, 10]
    >>> [r.id for r in plan.variants[0].routes[1]]
    ['national-2018/1/years', 'national-2018/1/apprenticeship']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from craftpath.engines.rules.model import Route, Rulebook

__all__ = ["Cond", "Plan", "PlanRoute", "Variant", "build_plan"]

MAX_EXAM_GRADE = 5


@dataclass(frozen=True)
class Cond:
    """A condition with its parameters resolved on the evaluation date."""

    kind: str  # years_in_occupation | certificate | diploma | apprenticeship | min_age
    years: int = 0
    grade: int = 0
    kinds: tuple[str, ...] = ()
    assessed_level_min: int | None = None
    specialty: str = "related"

    @property
    def diploma_key(self) -> tuple[tuple[str, ...], int | None, str, int]:
        return (self.kinds, self.assessed_level_min, self.specialty, self.years)

    def diploma_label(self) -> str:
        label = "|".join(self.kinds)
        return f"{label}@{self.assessed_level_min}" if self.assessed_level_min else label


@dataclass(frozen=True)
class PlanRoute:
    id: str
    target: int
    conds: tuple[Cond, ...]


@dataclass(frozen=True)
class Variant:
    """The base ladder (index 0) or an occupation override with its resolved routes."""

    index: int
    clause_id: str
    occupations: tuple[str, ...]
    routes: dict[int, tuple[PlanRoute, ...]]


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    variants: tuple[Variant, ...]
    service_years: frozenset[int]
    cert_needs: frozenset[tuple[int, int]]  # (grade, years_after)
    diploma_conds: tuple[Cond, ...]
    min_ages: frozenset[int]
    related_id: str | None
    related_default: str
    related_pairs: tuple[tuple[str, str], ...]


def _resolve(route: Route, on: dt.date) -> PlanRoute:
    conds = []
    for c in route.conditions:
        if c.kind in ("years_in_occupation", "min_age"):
            conds.append(Cond(c.kind, years=int(c.value("years", on))))
        elif c.kind == "certificate":
            conds.append(Cond("certificate", grade=int(c.params["grade"]), years=int(c.value("years_after", on))))
        elif c.kind == "diploma":
            conds.append(
                Cond(
                    "diploma",
                    years=int(c.value("years_after", on)),
                    kinds=tuple(c.params["kinds"]),
                    assessed_level_min=c.params["assessed_level_min"],
                    specialty=c.params["specialty"],
                )
            )
        else:
            conds.append(Cond("apprenticeship"))
    return PlanRoute(route.clause.id, route.target, tuple(conds))


def build_plan(rulebook: Rulebook, as_of: dt.date) -> Plan:
    """Pick the clauses in force on ``as_of`` and resolve their dated parameters."""
    base = {
        t: tuple(_resolve(r, as_of) for r in rulebook.ladder.routes_for(t, as_of)) for t in range(1, MAX_EXAM_GRADE + 1)
    }
    variants = [Variant(0, rulebook.ladder.clause.id, (), base)]
    claimed: dict[str, str] = {}
    for ov in rulebook.overrides:
        if not ov.clause.in_force(as_of):
            continue
        for occ in ov.occupations:
            if occ in claimed:
                raise ValueError(f"occupation {occ} is overridden twice: {claimed[occ]} and {ov.clause.id}")
            claimed[occ] = ov.clause.id
        routes = dict(base)
        for t in ov.grades:
            routes[t] = tuple(_resolve(r, as_of) for r in ov.routes if r.target == t and r.clause.in_force(as_of))
        variants.append(Variant(len(variants), ov.clause.id, ov.occupations, routes))
    conds = [c for v in variants for rs in v.routes.values() for r in rs for c in r.conds]
    diploma: dict[tuple[tuple[str, ...], int | None, str, int], Cond] = {}
    for c in conds:
        if c.kind == "diploma":
            diploma.setdefault(c.diploma_key, c)
    rel = rulebook.related if rulebook.related and rulebook.related.clause.in_force(as_of) else None
    return Plan(
        as_of=as_of,
        variants=tuple(variants),
        service_years=frozenset(c.years for c in conds if c.kind == "years_in_occupation"),
        cert_needs=frozenset((c.grade, c.years) for c in conds if c.kind == "certificate"),
        diploma_conds=tuple(diploma.values()),
        min_ages=frozenset(c.years for c in conds if c.kind == "min_age"),
        related_id=rel.clause.id if rel else None,
        related_default=rel.default if rel else "none",
        related_pairs=rel.pairs if rel else (),
    )
