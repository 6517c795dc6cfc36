"""Training that closes a skill gap: the cheapest set of courses covering missing competencies.

Weighted set cover. Each course costs ``max(fee − subsidy, 0) + hour_cost × hours`` (between plans
of equal cost the one with fewer hours wins); choosing a
course brings its prerequisites along (unless already completed). Up to ``exact_limit``
candidate courses the optimum is found by enumerating every prerequisite-closed subset
(vectorized, 2ⁿ); above that the greedy rule (cheapest cost per newly covered competency) is
used, which is within a factor H(m) ≤ 1 + ln m of the optimum for m competencies, followed by
removing courses that became redundant. Sessions are then chosen in prerequisite order: for
each course the earliest-finishing session that starts on or after ``as_of``, after its
prerequisites have finished and without overlapping sessions already chosen.

Examples:
    >>> courses = pl.DataFrame({"course_id": ["A", "B", "C"], "fee": [900, 500, 600],
    ...                         "subsidy": [300, 0, 0], "hours": [40, 16, 24]})
    >>> cc = pl.DataFrame({"course_id": ["A", "A", "B", "C"],
    ...                    "competency_id": ["x", "y", "x", "y"]})
    >>> plan = plan_training(["x", "y", "z"], courses, course_competencies=cc)
    >>> plan.courses.select("course_id", "cost", "covers").rows()
    [('A', 600.0, ['x', 'y'])]
    >>> plan.uncovered, plan.method
    (['z'], 'exact')
    >>> print(plan.explanation_en[0])
    1. A: cost 600, 40 h, covers x, y
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

__all__ = ["TrainingPlan", "course_costs", "plan_training"]


@dataclass
class TrainingPlan:
    """Result of :func:`plan_training`.

    Attributes:
        courses: ``order: i32, course_id, name, session_id, starts_on, ends_on, cost: f64,
            hours: f64, covers: list[str], prerequisite_for: list[str]`` in the order to take.
        uncovered: Missing competencies no course covers.
        total_cost: Sum of course costs (money plus hour cost).
        method: ``"exact"`` or ``"greedy"``.
        bound: Proven worst-case ratio to the optimum (1.0 for exact, H(m) for greedy).
        explanation_zh: One line per course, in Chinese, then the uncovered remainder.
        explanation_en: The same in English.
    """

    courses: pl.DataFrame
    uncovered: list[str]
    total_cost: float
    method: str
    bound: float
    explanation_zh: list[str] = field(default_factory=list)
    explanation_en: list[str] = field(default_factory=list)


def course_costs(courses: pl.DataFrame, hour_cost: float = 0.0) -> pl.DataFrame:
    """Add ``cost = max(fee − subsidy, 0) + hour_cost × hours`` to a courses frame.

    Examples:
        >>> course_costs(pl.DataFrame({"course_id": [1], "fee": [800], "subsidy": [1000],
        ...                            "hours": [10]}), hour_cost=20)["cost"].to_list()
        [200.0]
    """

    def col(name: str) -> pl.Expr:
        return (pl.col(name) if name in courses.columns else pl.lit(0)).cast(pl.Float64).fill_null(0)

    return courses.with_columns(
        ((col("fee") - col("subsidy")).clip(lower_bound=0) + hour_cost * col("hours")).alias("cost"),
        col("hours").alias("hours"),
    )


def _closure(course: str, prereq: dict[str, list[str]], completed: set[str]) -> set[str]:
    out, stack = set(), [course]
    while stack:
        c = stack.pop()
        if c in out or c in completed:
            continue
        out.add(c)
        stack.extend(prereq.get(c, []))
    return out


def _exact(
    cover_bits: np.ndarray, need_bits: np.ndarray, costs: np.ndarray, target: np.ndarray, hours: np.ndarray
) -> int:
    """Cheapest prerequisite-closed subset covering ``target`` (ties: fewest hours); returns its bit mask."""
    n = len(costs)
    words = cover_bits.shape[1]
    size = 1 << n
    cover = np.zeros((size, words), dtype=np.uint64)
    need = np.zeros(size, dtype=np.int64)
    cost = np.zeros(size, dtype=np.float64)
    count = np.zeros(size, dtype=np.int64)
    time = np.zeros(size, dtype=np.float64)
    for i in range(n):
        lo, hi = 1 << i, 1 << (i + 1)
        cover[lo:hi] = cover[:lo] | cover_bits[i]
        need[lo:hi] = need[:lo] | need_bits[i]
        cost[lo:hi] = cost[:lo] + costs[i]
        count[lo:hi] = count[:lo] + 1
        time[lo:hi] = time[:lo] + hours[i]
    masks = np.arange(size, dtype=np.int64)
    ok = ((cover & target) == target).all(axis=1) & ((need & ~masks) == 0)
    cand = np.flatnonzero(ok)
    # cheapest, then fewest hours, then fewest courses, then smallest mask (deterministic)
    best = cand[np.lexsort((cand, count[cand], np.round(time[cand], 6), np.round(cost[cand], 6)))[0]]
    return int(best)


def plan_training(
    missing: Iterable[str] | pl.Series,
    courses: pl.DataFrame,
    *,
    course_competencies: pl.DataFrame,
    prerequisites: pl.DataFrame | None = None,
    sessions: pl.DataFrame | None = None,
    completed: Iterable[str] = (),
    as_of: dt.date | None = None,
    hour_cost: float = 0.0,
    exact_limit: int = 20,
) -> TrainingPlan:
    """Cheapest courses (with prerequisites and non-overlapping sessions) covering ``missing``.

    Args:
        missing: Competency ids to acquire (e.g. ``competencies_missing`` of a match).
        courses: ``course_id, fee, subsidy (nullable), hours (nullable)[, name]``.
        course_competencies: ``course_id, competency_id``.
        prerequisites: ``course_id, prerequisite_id``.
        sessions: ``course_id, session_id, starts_on, ends_on`` (dates).
        completed: Course ids already completed (their prerequisites are satisfied).
        as_of: Sessions starting before this date are not offered.
        hour_cost: CNY per training hour added to a course's cost (time is not free).
        exact_limit: Largest number of candidate courses solved exactly.

    Returns:
        A :class:`TrainingPlan`.
    """
    missing_list = sorted(set(missing.to_list() if isinstance(missing, pl.Series) else missing))
    done = {str(c) for c in completed}
    cs = course_costs(courses.with_columns(pl.col("course_id").cast(pl.String)), hour_cost)
    info = {r["course_id"]: r for r in cs.iter_rows(named=True)}
    cc = course_competencies.select(pl.col("course_id").cast(pl.String), pl.col("competency_id").cast(pl.String))
    covers: dict[str, set[str]] = {}
    for c, comp in cc.iter_rows():
        if c in info and c not in done:
            covers.setdefault(c, set()).add(comp)
    prereq: dict[str, list[str]] = {}
    if prerequisites is not None:
        for c, q in prerequisites.select(
            pl.col("course_id").cast(pl.String), pl.col("prerequisite_id").cast(pl.String)
        ).iter_rows():
            prereq.setdefault(c, []).append(q)
    want = set(missing_list)
    useful = sorted(c for c, cov in covers.items() if cov & want and all(q in info for q in _closure(c, prereq, done)))
    coverable = sorted(set().union(*(covers[c] & want for c in useful)) if useful else set())
    uncovered = sorted(want - set(coverable))
    cand = sorted(set().union(*(_closure(c, prereq, done) for c in useful)) if useful else set())
    costs = np.array([info[c]["cost"] for c in cand], dtype=np.float64)
    chosen: list[str]
    if not coverable:
        chosen, method, bound = [], "exact", 1.0
    elif len(cand) <= exact_limit:
        pos = {c: i for i, c in enumerate(cand)}
        comp_pos = {c: i for i, c in enumerate(coverable)}
        words = (len(coverable) + 63) // 64
        cover_bits = np.zeros((len(cand), words), dtype=np.uint64)
        for c in cand:
            for comp in covers.get(c, set()) & want:
                b = comp_pos[comp]
                cover_bits[pos[c], b // 64] |= np.uint64(1) << np.uint64(b % 64)
        need_bits = np.array(
            [sum(1 << pos[q] for q in prereq.get(c, []) if q not in done) for c in cand],
            dtype=np.int64,
        )
        target = np.zeros(words, dtype=np.uint64)
        for b in range(len(coverable)):
            target[b // 64] |= np.uint64(1) << np.uint64(b % 64)
        hours = np.array([info[c]["hours"] or 0.0 for c in cand], dtype=np.float64)
        best = _exact(cover_bits, need_bits, costs, target, hours)
        chosen = [c for i, c in enumerate(cand) if best >> i & 1]
        method, bound = "exact", 1.0
    else:
        chosen = _greedy(useful, covers, want, prereq, done, info)
        method = "greedy"
        largest = max(len(covers[c] & want) for c in useful)
        bound = sum(1 / i for i in range(1, largest + 1))
    return _schedule(chosen, covers, want, prereq, done, info, sessions, as_of, uncovered, method, bound)


def _greedy(useful, covers, want, prereq, done, info) -> list[str]:
    chosen: set[str] = set()
    left = set().union(*(covers[c] & want for c in useful))
    while left:
        best, best_ratio = None, math.inf
        for c in useful:
            gain = len(covers[c] & left)
            if not gain:
                continue
            extra = _closure(c, prereq, done) - chosen
            ratio = sum(info[x]["cost"] for x in extra) / gain
            if ratio < best_ratio - 1e-12:
                best, best_ratio = c, ratio
        if best is None:
            break
        chosen |= _closure(best, prereq, done)
        left -= covers[best]
    # drop courses that became redundant (most expensive first), keeping prerequisites closed
    for c in sorted(chosen, key=lambda x: (-info[x]["cost"], x)):
        rest = chosen - {c}
        if any(c in prereq.get(x, []) for x in rest):
            continue
        got = set().union(*(covers.get(x, set()) & want for x in rest)) if rest else set()
        if got >= set().union(*(covers.get(x, set()) & want for x in chosen)):
            chosen = rest
    return sorted(chosen)


def _schedule(chosen, covers, want, prereq, done, info, sessions, as_of, uncovered, method, bound):
    chosen_set = set(chosen)
    # topological order, ties by course id
    order: list[str] = []
    pending = set(chosen)
    while pending:
        ready = sorted(
            c for c in pending if all(q in done or q not in chosen_set or q in order for q in prereq.get(c, []))
        )
        if not ready:
            raise ValueError(f"prerequisite cycle among {sorted(pending)}")
        order.append(ready[0])
        pending.remove(ready[0])
    by_course: dict[str, list[tuple]] = {}
    if sessions is not None:
        for c, sid, start, end in sessions.select(
            pl.col("course_id").cast(pl.String), "session_id", "starts_on", "ends_on"
        ).iter_rows():
            by_course.setdefault(c, []).append((end, start, str(sid)))
    picked: dict[str, tuple] = {}
    busy: list[tuple[dt.date, dt.date]] = []
    for c in order:
        earliest = as_of
        for q in prereq.get(c, []):
            if q in picked and picked[q][0] is not None:
                end = picked[q][0]
                earliest = end + dt.timedelta(days=1) if earliest is None else max(earliest, end + dt.timedelta(days=1))
        options = sorted(by_course.get(c, []))
        pick = (None, None, None)
        for end, start, sid in options:
            if earliest is not None and start < earliest:
                continue
            if any(not (end < b0 or start > b1) for b0, b1 in busy):
                continue
            pick = (end, start, sid)
            break
        if pick[0] is not None:
            busy.append((pick[1], pick[0]))
        picked[c] = pick
    key = {c: (picked[c][1] or dt.date.max, i) for i, c in enumerate(order)}
    final = sorted(order, key=lambda c: key[c])
    if any(picked[c][1] is None for c in order):
        final = order  # without full dates keep prerequisite order
    rows, zh, en = [], [], []
    for i, c in enumerate(final, 1):
        cov = sorted(covers.get(c, set()) & want)
        needed_by = sorted(x for x in chosen_set if c in prereq.get(x, []))
        end, start, sid = picked[c]
        rows.append(
            {
                "order": i,
                "course_id": c,
                "name": info[c].get("name"),
                "session_id": sid,
                "starts_on": start,
                "ends_on": end,
                "cost": float(info[c]["cost"]),
                "hours": float(info[c]["hours"]),
                "covers": cov,
                "prerequisite_for": needed_by,
            }
        )
        when = f", {start}–{end}" if start else ""
        why_zh = "、".join(cov) if cov else "（先修课）"
        why_en = ", ".join(cov) if cov else "(prerequisite)"
        pre_zh = f"；为 {'、'.join(needed_by)} 的先修课" if needed_by else ""
        pre_en = f"; prerequisite of {', '.join(needed_by)}" if needed_by else ""
        zh.append(f"{i}. {c}：费用 {info[c]['cost']:g}，{info[c]['hours']:g} 学时{when}，覆盖 {why_zh}{pre_zh}")
        en.append(f"{i}. {c}: cost {info[c]['cost']:g}, {info[c]['hours']:g} h{when}, covers {why_en}{pre_en}")
    if uncovered:
        zh.append("无课程覆盖：" + "、".join(uncovered))
        en.append("not covered by any course: " + ", ".join(uncovered))
    schema: dict[str, pl.DataType] = {
        "order": pl.Int32(),
        "course_id": pl.String(),
        "name": pl.String(),
        "session_id": pl.String(),
        "starts_on": pl.Date(),
        "ends_on": pl.Date(),
        "cost": pl.Float64(),
        "hours": pl.Float64(),
        "covers": pl.List(pl.String()),
        "prerequisite_for": pl.List(pl.String()),
    }
    frame = pl.DataFrame(rows, schema=schema)
    return TrainingPlan(
        courses=frame,
        uncovered=uncovered,
        total_cost=float(frame["cost"].sum()),
        method=method,
        bound=bound,
        explanation_zh=zh,
        explanation_en=en,
    )
