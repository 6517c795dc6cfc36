"""Typed, validated rulebook objects: dated values, clauses, routes and tables.

Everything a rulebook says carries where it comes from (``source``) and when it is in force
(``valid_from`` inclusive, ``valid_to`` inclusive or None for open-ended). The loader in
:mod:`craftpath.engines.rules.loader` builds these objects; engines only read them.

Examples:
    >>> import datetime as dt
    >>> v = Dated.of([DatedValue(4, dt.date(2018, 1, 1), None, "std 2018")])
    >>> v.at(dt.date(2020, 1, 1))
    4
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = [
    "Band",
    "BridgeRule",
    "Clause",
    "CompetitionTable",
    "Condition",
    "Dated",
    "DatedValue",
    "LadderBook",
    "OccupationOverride",
    "PostRule",
    "RelatedOccupations",
    "Route",
    "Rulebook",
    "RulebookError",
]

T = TypeVar("T")


class RulebookError(ValueError):
    """A rulebook file is malformed; the message names the file, the path and the clause."""

    def __init__(self, file: str, path: str, message: str, clause: str | None = None) -> None:
        self.file = file
        self.path = path
        self.clause = clause
        where = f"{file}: {path}" + (f" (clause {clause})" if clause else "")
        super().__init__(f"{where}: {message}")


def in_force(valid_from: dt.date, valid_to: dt.date | None, on: dt.date) -> bool:
    """True when ``on`` lies in ``[valid_from, valid_to]`` (``valid_to`` None = open)."""
    return valid_from <= on and (valid_to is None or on <= valid_to)


@dataclass(frozen=True)
class DatedValue(Generic[T]):
    """One value with its validity period, source and confidence status."""

    value: T
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    status: str = "confirmed"


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A parameter whose value changes over time; ``at(day)`` returns the value in force."""

    values: tuple[DatedValue[T], ...]
    name: str = ""

    @classmethod
    def of(cls, values: list[DatedValue[T]], name: str = "") -> Dated[T]:
        return cls(tuple(sorted(values, key=lambda v: v.valid_from)), name)

    def entry_at(self, on: dt.date) -> DatedValue[T] | None:
        """The dated entry in force on ``on`` or None."""
        for v in reversed(self.values):
            if in_force(v.valid_from, v.valid_to, on):
                return v
        return None

    def at(self, on: dt.date) -> T:
        """The value in force on ``on``; raises ``LookupError`` naming the parameter if none."""
        entry = self.entry_at(on)
        if entry is None:
            raise LookupError(f"parameter {self.name or '?'} has no value in force on {on}")
        return entry.value


@dataclass(frozen=True)
class Clause:
    """Common header of every rule: id, source, validity, confidence."""

    id: str
    source: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: str = "confirmed"
    file: str = ""

    def in_force(self, on: dt.date) -> bool:
        return in_force(self.valid_from, self.valid_to, on)


@dataclass(frozen=True)
class Condition:
    """One condition of a route. ``kind`` is one of:

    ``years_in_occupation`` (params: years), ``certificate`` (grade, years_after),
    ``diploma`` (kinds, assessed_level_min, specialty, years_after), ``apprenticeship`` and
    ``min_age`` (years). Numeric params may be :class:`Dated`.
    """

    kind: str
    params: dict[str, Any]

    def value(self, key: str, on: dt.date, default: Any = None) -> Any:
        raw = self.params.get(key, default)
        return raw.at(on) if isinstance(raw, Dated) else raw


@dataclass(frozen=True)
class Route:
    """One numbered 申报条件: all conditions must hold ("具备以下条件之一者" = any route)."""

    clause: Clause
    target: int
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class LadderBook:
    """A 申报条件 ladder: routes per target grade."""

    clause: Clause
    title: str
    routes: tuple[Route, ...]
    certificate_occupation: str = "same"  # which certificates count: same occupation only

    def routes_for(self, target: int, on: dt.date) -> tuple[Route, ...]:
        return tuple(r for r in self.routes if r.target == target and r.clause.in_force(on))


@dataclass(frozen=True)
class OccupationOverride:
    """Per-occupation variant: replaces the routes of the listed grades for these occupations."""

    clause: Clause
    occupations: tuple[str, ...]
    routes: tuple[Route, ...]
    grades: tuple[int, ...]


@dataclass(frozen=True)
class RelatedOccupations:
    """Which occupations count as 相关职业 for cumulative years."""

    clause: Clause
    default: str  # "same_minor_group" or "none"
    pairs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Band:
    """One competition promotion band of a jurisdiction table."""

    clause: Clause
    tiers: tuple[str, ...]
    students: bool | None  # None = both employees and students
    rank_max: int | None = None
    rank_max_by_size: dict[int, int] | None = None
    top_fraction: float | None = None
    prizes: tuple[str, ...] | None = None
    promote_to: int = 0
    holders: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CompetitionTable:
    """Competition promotion rules of one jurisdiction (``national`` or a GB/T 2260 code)."""

    clause: Clause
    jurisdiction: str
    bands: tuple[Band, ...]
    max_per_year: Dated[int | None]
    cap_grade: int = 5


@dataclass(frozen=True)
class PostRule:
    """Nomination eligibility for a 特级技师 / 首席技师 post (评聘, never by exam)."""

    clause: Clause
    grade: int
    requires_grade: int
    min_years_in_grade: Dated[int]
    needs_post_and_quota: bool = True


@dataclass(frozen=True)
class BridgeRule:
    """Skill grade + years → eligibility to apply for an engineering title (贯通)."""

    clause: Clause
    from_grade: int
    years: Dated[int]
    title: str
    title_zh: str
    unchecked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    """Everything the ladder engine needs, loaded from one or more YAML files."""

    name: str
    ladder: LadderBook
    overrides: tuple[OccupationOverride, ...] = ()
    related: RelatedOccupations | None = None
    competitions: tuple[CompetitionTable, ...] = ()
    posts: tuple[PostRule, ...] = ()
    bridge: tuple[BridgeRule, ...] = ()
    files: tuple[str, ...] = ()

    def clauses(self) -> list[Clause]:
        """Every clause, for trace look-ups."""
        out = [self.ladder.clause, *(r.clause for r in self.ladder.routes)]
        for o in self.overrides:
            out += [o.clause, *(r.clause for r in o.routes)]
        if self.related:
            out.append(self.related.clause)
        for t in self.competitions:
            out += [t.clause, *(b.clause for b in t.bands)]
        out += [p.clause for p in self.posts] + [b.clause for b in self.bridge]
        return out

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses():
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)
