"""Side-by-side benchmark: craftpath's advancement engine and OpenFisca on the same rulebook and members.

Peer-only: OpenFisca is not a project dependency. Set up a separate venv once (``var/`` is
git-ignored), then run the benchmark with that venv's Python:

    cd /work/main
    .tools/bin/uv venv var/peer-venv --python python3.11
    .tools/bin/uv pip install --python var/peer-venv/bin/python openfisca-core==46.0.1 -e /work/main
    var/peer-venv/bin/python benchmarks/advance_peer.py                      # 200,000 members
    var/peer-venv/bin/python benchmarks/advance_peer.py --members 1000000

What runs, in one process, on one synthetic population (``synthetic_inputs``) and the shipped
rulebook (``load_rulebook()``) resolved on ``--as-of``:

- craftpath: ``evaluate(inputs, rulebook, as_of)`` (default compiled engine): validation, every
  member × occupation × exam grade above the current one, route, earliest date, missing codes,
  trace and flags.
- OpenFisca: one OpenFisca "person" is one member × occupation pair. Histories, certificates,
  diplomas and apprenticeships are lists of dated rows per member, which OpenFisca's
  one-value-per-entity-and-period variables cannot hold, so Polars first reduces them to one
  date per pair and fact (timed separately, reported as "facts"): the date N cumulative years
  in the occupation or a related one are reached (merged histories, per N the rulebook uses),
  the earliest certificate of grade >= g per g, the earliest date each diploma condition of the
  rulebook is matched (kind, assessed level, related specialty, graduation-date rules),
  the apprenticeship completion, the birth date, the current grade and which variant (base
  ladder or occupation override) applies. OpenFisca variables generated from the same plan
  (``build_plan``) then compute, vectorized, each condition's date (calendar-anniversary
  arithmetic on NumPy dates), each route's date (all its conditions), and per exam grade
  1..5: whether the row exists (above the current grade), the earliest date, the first route
  met in rulebook order, and eligibility on ``as_of``.

Compared (must be identical, row for row): the set of (member, occupation, target grade)
rows, ``eligible``, ``earliest_date`` and ``route``. Not compared, because the OpenFisca side
does not compute them: ``missing`` (unmet conditions of the closest route), ``trace`` and
``flags``; craftpath's time includes them and its input validation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import resource
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np
import polars as pl

from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.inputs import LadderInputs, validate_inputs
from craftpath.engines.ladder.plan import MAX_EXAM_GRADE, Cond, Plan, build_plan
from craftpath.engines.ladder.synthetic import synthetic_inputs
from craftpath.engines.rules import load_rulebook

try:
    import openfisca_core
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import DateUnit
    from openfisca_core.simulations import Simulation, SimulationBuilder
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable
except ImportError:  # pragma: no cover - reported in main()
    openfisca_core = None

NEVER = np.datetime64("9000-01-01", "D")  # "no date": a condition that time alone cannot meet
OPEN_END = dt.date(9999, 12, 31)  # exclusive end of an ongoing history
PAIR = ["member_id", "occupation_code"]


# ---------------------------------------------------------------------------------------------
# facts: lists of dated rows -> one date per member × occupation pair and fact (Polars)
# ---------------------------------------------------------------------------------------------


def _related_table(codes: list[str], plan: Plan) -> pl.DataFrame:
    """(occ, other) code positions whose time / specialty counts for ``occ`` (the rulebook's related rule)."""
    pairs = set(plan.related_pairs) | {(b, a) for a, b in plan.related_pairs}
    rows = [
        (i, j)
        for i, a in enumerate(codes)
        for j, b in enumerate(codes)
        if a == b or (plan.related_default == "same_minor_group" and a[:7] == b[:7]) or (a, b) in pairs
    ]
    return pl.DataFrame(rows, schema={"occ": pl.Int64, "other": pl.Int64}, orient="row")


def _service_reached(pairs: pl.DataFrame, histories: pl.DataFrame, related: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Per pair (``pid``) and N in the plan: the day N cumulative years in the occupation or a related one are reached.

    Same rule as ``ladder/dates.py``: history rows counting for the occupation are merged (overlapping or
    back-to-back time once); N years are reached on ``first start + N years + days of gaps before``, in the
    first merged block that still runs on that day. Days are integers since 1970; rows are sorted by pair,
    so per-pair running values use global scans re-based at each pair's first row (no hashing windows).
    """
    pid = pl.col("pid").cast(pl.Int64)
    first_of_pair = (pl.col("pid") != pl.col("pid").shift(1)).fill_null(True)
    rows = (
        pairs.select("pid", "member_id", "occ")
        .join(histories, on="member_id")
        .join(related, on=["occ", "other"])
        .select(
            "pid",
            start=pl.col("start").dt.epoch("d"),
            end_x=(pl.col("end").dt.epoch("d") + 1).fill_null((OPEN_END - dt.date(1970, 1, 1)).days),
        )
        .sort("pid", "start")
        # running max of the exclusive ends within the pair: pid * 2**24 + day keeps pairs apart
        .with_columns(first=first_of_pair, running_end=(pid * 2**24 + pl.col("end_x")).cum_max())
        .with_columns(
            block=(pl.col("first") | (pl.col("start") > pl.col("running_end").shift(1) - pid * 2**24)).cum_sum()
        )
    )
    blocks = (
        rows.group_by("block")
        .agg(pid=pl.col("pid").first(), bs=pl.col("start").min(), be=pl.col("end_x").max())
        .sort("block")
        .with_columns(first=first_of_pair)
        .with_columns(gaps=pl.when(pl.col("first")).then(0).otherwise(pl.col("bs") - pl.col("be").shift(1)).cum_sum())
        .with_columns(
            gaps=pl.col("gaps") - pl.when(pl.col("first")).then(pl.col("gaps")).forward_fill(),
            first_start=pl.when(pl.col("first")).then(pl.col("bs")).forward_fill().cast(pl.Date),
        )
    )
    reach = {n: pl.col("first_start").dt.offset_by(f"{n}y").dt.epoch("d") + pl.col("gaps") for n in plan.service_years}
    return (
        blocks.select("pid", *[pl.when(r <= pl.col("be")).then(r).alias(f"service_{n}y") for n, r in reach.items()])
        .group_by("pid")
        .min()
        .with_columns(pl.exclude("pid").cast(pl.Date))
    )


def _diploma_available(as_of: dt.date) -> pl.Expr:
    g = pl.col("graduated_on")
    return (
        pl.when(g.is_null() | ((g > as_of) & (g.dt.year() == as_of.year)))
        .then(pl.lit(as_of))
        .when(g > as_of)
        .then(pl.date(g.dt.year(), 1, 1))
        .otherwise(g)
    )


def _diploma_facts(pairs: pl.DataFrame, diplomas: pl.DataFrame, related: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Per pair and diploma condition of the plan: the earliest day a matching diploma counts from."""
    d = (
        pairs.select("pid", "member_id", "occ")
        .join(diplomas, on="member_id")
        .join(related.with_columns(rel=pl.lit(True)), on=["occ", "other"], how="left")
        .with_columns(available=_diploma_available(plan.as_of), rel=pl.col("rel").fill_null(False))
    )
    aggs = []
    for i, c in enumerate(plan.diploma_conds):
        ok = pl.col("kind").is_in(list(c.kinds))
        if c.assessed_level_min is not None:
            ok &= pl.col("assessed_level").fill_null(-1) >= c.assessed_level_min
        if c.specialty != "any":
            ok &= pl.col("rel")
        aggs.append(pl.col("available").filter(ok).min().alias(f"diploma_{i}"))
    return d.group_by("pid").agg(aggs) if aggs else d.select("pid").unique()


def facts(clean: LadderInputs, plan: Plan) -> pl.DataFrame:
    """One row per member × occupation pair that has exam rows, with every date the rules need.

    Occupation codes become positions in a sorted code table and a pair becomes one integer
    (``member_id * codes + position``), so the group-bys and joins below run on integers.
    """
    frames = (clean.histories, clean.certificates, clean.diplomas, clean.apprenticeships)
    codes = sorted(set().union(*(set(f["occupation_code"].drop_nulls().unique()) for f in frames)))
    width = max(len(codes), 1)
    occ = pl.col("occupation_code").cast(pl.Enum(codes)).to_physical().cast(pl.Int64)
    key = (pl.col("member_id") * width + occ).alias("key")
    histories = clean.histories.select("member_id", occ.alias("other"), "start", "end")
    certificates = clean.certificates.select(key, "grade", "issued_on")
    diplomas = clean.diplomas.select("member_id", occ.alias("other"), "kind", "assessed_level", "graduated_on")
    cert_grades = sorted({g for g, _ in plan.cert_needs})
    per_cert = certificates.group_by("key").agg(
        [pl.col("grade").max().cast(pl.Int64).alias("current_grade")]
        + [pl.col("issued_on").filter(pl.col("grade") >= g).min().alias(f"certificate_{g}") for g in cert_grades]
    )
    appr = (
        clean.apprenticeships.select(key, "completed_on")
        .group_by("key")
        .agg(apprenticeship=pl.col("completed_on").min())
    )
    variant_of = {codes.index(o): v.index for v in plan.variants for o in v.occupations if o in codes}
    pairs = (
        pl.concat([f.select(key) for f in frames])
        .drop_nulls()
        .unique()
        .join(per_cert, on="key", how="left")
        .with_columns(pl.col("current_grade").fill_null(-1))
        .filter(pl.col("current_grade") < MAX_EXAM_GRADE)
        .sort("key")
        .with_row_index("pid")
        .with_columns(member_id=pl.col("key") // width, occ=pl.col("key") % width)
        .with_columns(variant=pl.col("occ").replace_strict(variant_of, default=0, return_dtype=pl.Int64))
    )
    related = _related_table(codes, plan)
    return (
        pairs.join(clean.members.select("member_id", "birth_date"), on="member_id", how="left")
        .join(_service_reached(pairs, histories, related, plan), on="pid", how="left")
        .join(_diploma_facts(pairs, diplomas, related, plan), on="pid", how="left")
        .join(appr, on="key", how="left")
        .sort("pid")
        .with_columns(occupation_code=pl.col("occ").replace_strict(dict(enumerate(codes)), return_dtype=pl.Utf8))
    )


# ---------------------------------------------------------------------------------------------
# OpenFisca: the plan as variables and formulas
# ---------------------------------------------------------------------------------------------


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """Vectorized calendar anniversary on datetime64[D]; 29 Feb -> 28 Feb; NEVER stays NEVER."""
    if years == 0:
        return days
    month = days.astype("datetime64[M]")
    target = month + 12 * years
    last_day = (target + 1).astype("datetime64[D]") - 1
    out = np.minimum(target.astype("datetime64[D]") + (days - month.astype("datetime64[D]")), last_day)
    return np.where(days >= NEVER, NEVER, out)


# OpenFisca passes the parameters as a third argument to formulas that take three, so formulas
# are closures of exactly (population, period).
def _anniversary(source: str, years: int) -> Callable[[Any, Any], np.ndarray]:
    def formula(pair: Any, period: Any) -> np.ndarray:
        return add_years(pair(source, period), years)

    return formula


def _all_met(conds: list[str]) -> Callable[[Any, Any], np.ndarray]:
    def formula(pair: Any, period: Any) -> np.ndarray:
        out = pair(conds[0], period)
        for c in conds[1:]:
            out = np.maximum(out, pair(c, period))
        return out

    return formula


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_")


class OpenFiscaModel:
    """Input and formula variables generated from a resolved plan; one person = one member × occupation pair."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.entity = build_entity(key="pair", plural="pairs", label="member x occupation", is_person=True)
        self.system = TaxBenefitSystem([self.entity])
        self.inputs: dict[str, str] = {}  # variable -> facts column
        self.route_ids: list[str] = []
        self._cond_vars: dict[Cond, str] = {}
        self._route_vars: dict[str, str] = {}
        self._add_input("current_grade", int, "current_grade")
        self._add_input("variant", int, "variant")
        self._add_input("birth_date", dt.date, "birth_date")
        self._add_input("apprenticeship_completed", dt.date, "apprenticeship")
        for n in sorted(plan.service_years):
            self._add_input(f"years_in_occupation_{n}_reached", dt.date, f"service_{n}y")
        for g in sorted({g for g, _ in plan.cert_needs}):
            self._add_input(f"certificate_{g}_held_since", dt.date, f"certificate_{g}")
        for i, _ in enumerate(plan.diploma_conds):
            self._add_input(f"diploma_condition_{i}_available", dt.date, f"diploma_{i}")
        for t in range(1, MAX_EXAM_GRADE + 1):
            self._add_grade(t)

    def _variable(self, name: str, value_type: type, period: Any, formula: Callable[..., Any] | None) -> None:
        attrs: dict[str, Any] = {
            "value_type": value_type,
            "entity": self.entity,
            "definition_period": period,
            "label": name,
        }
        if formula is not None:
            attrs["formula"] = formula
        if value_type is int:
            attrs["default_value"] = -1
        self.system.add_variable(type(name, (Variable,), attrs))

    def _add_input(self, name: str, value_type: type, column: str) -> None:
        self._variable(name, value_type, DateUnit.ETERNITY, None)
        self.inputs[name] = column

    def _cond(self, c: Cond) -> str:
        """Variable holding the day a condition is met (NEVER if time alone cannot meet it)."""
        if c in self._cond_vars:
            return self._cond_vars[c]
        if c.kind == "years_in_occupation":
            name = f"years_in_occupation_{c.years}_reached"
        elif c.kind == "apprenticeship":
            name = "apprenticeship_completed"
        else:
            if c.kind == "certificate":
                name, source = f"certificate_{c.grade}_for_{c.years}y_on", f"certificate_{c.grade}_held_since"
            elif c.kind == "diploma":
                i = next(i for i, d in enumerate(self.plan.diploma_conds) if d.diploma_key == c.diploma_key)
                name, source = f"diploma_condition_{i}_for_{c.years}y_on", f"diploma_condition_{i}_available"
            else:  # min_age
                name, source = f"age_{c.years}_on", "birth_date"

            self._variable(name, dt.date, DateUnit.DAY, _anniversary(source, c.years))
        self._cond_vars[c] = name
        return name

    def _route(self, route: Any) -> str:
        """Variable holding the day all conditions of a route are met."""
        if route.id in self._route_vars:
            return self._route_vars[route.id]
        conds = [self._cond(c) for c in route.conds]
        name = f"route_{_slug(route.id)}_met_on"

        self._variable(name, dt.date, DateUnit.DAY, _all_met(conds))
        self._route_vars[route.id] = name
        self.route_ids.append(route.id)
        return name

    def _add_grade(self, t: int) -> None:
        per_variant = [
            (v.index, [(self._route(r), self.route_ids.index(r.id)) for r in v.routes[t]]) for v in self.plan.variants
        ]

        def earliest(pair: Any, period: Any) -> np.ndarray:
            variant = pair("variant", period)
            out = np.full(variant.shape, NEVER)
            for v, routes in per_variant:
                mine = variant == v
                for var, _ in routes:
                    out = np.where(mine, np.minimum(out, pair(var, period)), out)
            return out

        def first_route(pair: Any, period: Any) -> np.ndarray:
            as_of = np.datetime64(period.start.date, "D")
            variant = pair("variant", period)
            out = np.full(variant.shape, -1)
            for v, routes in per_variant:
                mine = variant == v
                for var, code in reversed(routes):  # the first route in rulebook order wins
                    out = np.where(mine & (pair(var, period) <= as_of), code, out)
            return out

        def applies(pair: Any, period: Any) -> np.ndarray:
            return pair("current_grade", period) < t

        def eligible(pair: Any, period: Any) -> np.ndarray:
            as_of = np.datetime64(period.start.date, "D")
            return pair(f"exam_{t}_applies", period) & (pair(f"exam_{t}_earliest_date", period) <= as_of)

        self._variable(f"exam_{t}_earliest_date", dt.date, DateUnit.DAY, earliest)
        self._variable(f"exam_{t}_first_route", int, DateUnit.DAY, first_route)
        self._variable(f"exam_{t}_applies", bool, DateUnit.DAY, applies)
        self._variable(f"exam_{t}_eligible", bool, DateUnit.DAY, eligible)

    def simulation(self, table: pl.DataFrame) -> Simulation:
        sim = SimulationBuilder().build_default_simulation(self.system, table.height)
        for name, column in self.inputs.items():
            s = table[column]
            if s.dtype == pl.Date:
                values = s.to_numpy().astype("datetime64[D]")
                values[np.isnat(values)] = NEVER
            else:
                values = s.to_numpy()
            sim.set_input(name, "eternity", values)
        return sim

    def calculate(self, sim: Simulation, as_of: dt.date) -> dict[str, np.ndarray]:
        period = as_of.isoformat()
        out = {}
        for t in range(1, MAX_EXAM_GRADE + 1):
            for what in ("applies", "eligible", "earliest_date", "first_route"):
                out[f"{t}_{what}"] = sim.calculate(f"exam_{t}_{what}", period)
        return out


def openfisca_rows(
    table: pl.DataFrame, res: dict[str, np.ndarray], model: OpenFiscaModel, as_of: dt.date
) -> pl.DataFrame:
    """OpenFisca's results in the shape of the compared columns of ``evaluate``."""
    ids = dict(enumerate(model.route_ids))
    parts = []
    for t in range(1, MAX_EXAM_GRADE + 1):
        earliest = res[f"{t}_earliest_date"]
        parts.append(
            table.select(PAIR)
            .with_columns(
                target_grade=pl.lit(t, pl.Int8),
                applies=pl.Series(res[f"{t}_applies"]),
                eligible=pl.Series(res[f"{t}_eligible"]),
                earliest_date=pl.Series(np.where(earliest >= NEVER, np.datetime64("NaT"), earliest)).cast(pl.Date),
                code=pl.Series(res[f"{t}_first_route"]),
            )
            .filter(pl.col("applies"))
        )
    rows = pl.concat(parts)
    return rows.select(
        *PAIR,
        "target_grade",
        "eligible",
        earliest_date=pl.when(pl.col("eligible")).then(pl.lit(as_of)).otherwise(pl.col("earliest_date")),
        route=pl.when(pl.col("eligible")).then(pl.col("code").replace_strict(ids, default=None, return_dtype=pl.Utf8)),
    ).sort([*PAIR, "target_grade"])


def compare(ours: pl.DataFrame, theirs: pl.DataFrame) -> dict[str, int]:
    keys = [*PAIR, "target_grade"]
    joined = ours.select(*keys, "eligible", "earliest_date", "route").join(
        theirs, on=keys, how="full", suffix="_of", coalesce=True
    )
    both = joined.filter(pl.col("eligible").is_not_null() & pl.col("eligible_of").is_not_null())
    return {
        "rows_craftpath": ours.height,
        "rows_openfisca": theirs.height,
        "rows_only_craftpath": joined.filter(pl.col("eligible_of").is_null()).height,
        "rows_only_openfisca": joined.filter(pl.col("eligible").is_null()).height,
        "eligible_differs": both.filter(pl.col("eligible") != pl.col("eligible_of")).height,
        "earliest_date_differs": both.filter(pl.col("earliest_date").ne_missing(pl.col("earliest_date_of"))).height,
        "route_differs": both.filter(pl.col("route").ne_missing(pl.col("route_of"))).height,
        "eligible_rows": int(both["eligible"].sum()),
        "dated_not_eligible_rows": both.filter(~pl.col("eligible") & pl.col("earliest_date").is_not_null()).height,
    }


# ---------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=200_000)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=2, help="timed runs of each side (best wall time is reported)")
    args = ap.parse_args(argv)
    if openfisca_core is None:
        print(
            "openfisca-core is not importable: this is a peer-only benchmark. Set up the peer venv and run it with\n"
            "  /work/main/.tools/bin/uv venv /work/main/var/peer-venv --python python3.11\n"
            "  /work/main/.tools/bin/uv pip install --python /work/main/var/peer-venv/bin/python "
            "openfisca-core==46.0.1 -e /work/main\n"
            "  /work/main/var/peer-venv/bin/python benchmarks/advance_peer.py",
            file=sys.stderr,
        )
        return 2
    rb = load_rulebook()
    as_of = args.as_of
    print(
        f"machine: {platform.platform()} | {os.cpu_count()} cpus | python {platform.python_version()}"
        f" | polars {pl.__version__} | numpy {np.__version__} | openfisca-core {metadata.version('openfisca-core')}"
    )
    print(f"date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} | load average at start: {os.getloadavg()}")

    inputs = synthetic_inputs(args.members, seed=args.seed, as_of=as_of)
    evaluate(synthetic_inputs(10, seed=1, as_of=as_of), rb, as_of)  # compile / load the kernel (not timed)
    n = args.members

    runs: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("craftpath", "validate", "facts", "system", "load", "calc", "rows")
    }
    ours = theirs = table = None
    model: OpenFiscaModel | None = None
    for _ in range(args.repeat):
        c = Clock()
        ours = evaluate(inputs, rb, as_of)
        runs["craftpath"].append(c.stop())

        c = Clock()
        clean, _flags = validate_inputs(inputs, as_of)  # the cleaned frames craftpath evaluates; reported apart
        runs["validate"].append(c.stop())
        plan = build_plan(rb, as_of)
        c = Clock()
        table = facts(clean, plan)
        runs["facts"].append(c.stop())
        c = Clock()
        model = OpenFiscaModel(plan)
        runs["system"].append(c.stop())
        c = Clock()
        sim = model.simulation(table)
        runs["load"].append(c.stop())
        c = Clock()
        res = model.calculate(sim, as_of)
        runs["calc"].append(c.stop())
        c = Clock()
        theirs = openfisca_rows(table, res, model, as_of)
        runs["rows"].append(c.stop())
        del sim, res
    assert ours is not None
    assert theirs is not None
    assert table is not None
    assert model is not None

    best = {k: min(v) for k, v in runs.items()}
    agree = compare(ours, theirs)
    ok = all(agree[k] == 0 for k in agree if k.endswith("differs") or k.startswith("rows_only"))
    print(
        f"population: {n:,} members -> {table.height:,} member x occupation pairs (OpenFisca persons) -> "
        f"{ours.height:,} exam rows ({agree['eligible_rows']:,} eligible, "
        f"{agree['dated_not_eligible_rows']:,} not yet eligible with an earliest date)"
    )
    print(
        f"OpenFisca model: {len(model.system.variables)} variables generated from the plan "
        f"({len(model.inputs)} inputs, {len(model.route_ids)} routes)"
    )
    print(f"agreement on eligible, earliest_date, route and the row set: {'YES' if ok else 'NO'} {agree}")

    def line(label: str, wall: float, cpu: float, rate: bool = True) -> str:
        per = f"{n / wall:>12,.0f} members/s" if rate else f"{'(once)':>12}"
        return f"  {label:<52} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {per}"

    print(f"timings (best of {args.repeat} by wall time; cpu = time.process_time, all threads):")
    print(line("craftpath evaluate (all columns, validation incl.)", *best["craftpath"]))
    print(line("OpenFisca: build tax-benefit system", *best["system"], rate=False))
    print(line("OpenFisca: load inputs into a Simulation", *best["load"]))
    print(line("OpenFisca: calculate grades 1..5", *best["calc"]))
    of_wall = best["system"][0] + best["load"][0] + best["calc"][0]
    of_cpu = best["system"][1] + best["load"][1] + best["calc"][1]
    print(line("OpenFisca total (system + load + calculate)", of_wall, of_cpu))
    print(line("facts precomputed with Polars (for OpenFisca)", *best["facts"]))
    print(line("(input validation, inside craftpath's time above)", *best["validate"]))
    print(line("(OpenFisca arrays -> result rows, for the check)", *best["rows"]))
    print(line("OpenFisca total + facts", of_wall + best["facts"][0], of_cpu + best["facts"][1]))
    cp_wall, cp_cpu = best["craftpath"]
    print(
        f"ratio craftpath / OpenFisca (members/s, wall): {of_wall / cp_wall:.1f}x without the facts step, "
        f"{(of_wall + best['facts'][0]) / cp_wall:.1f}x with it; "
        f"CPU: {of_cpu / cp_cpu:.1f}x and {(of_cpu + best['facts'][1]) / cp_cpu:.1f}x"
    )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB")
    print(f"load average at end: {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
