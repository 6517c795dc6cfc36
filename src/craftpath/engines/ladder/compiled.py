"""Feed the compiled kernel: validated frames → member-grouped arrays → result frame.

Everything here is columnar (Polars/NumPy/Arrow): the frames are sorted by member once, turned
into CSR arrays, the plan into small integer tables, and the kernel's integer result columns
back into the :data:`~craftpath.engines.ladder.evaluate.RESULT_SCHEMA` frame by looking up each
distinct key's string once (occupation codes, route ids, traces, missing codes, flags).

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> from craftpath.engines.ladder.inputs import LadderInputs, validate_inputs
    >>> from craftpath.engines.ladder.plan import build_plan
    >>> inp = LadderInputs.build(
    ...     members=[{"member_id": 3, "birth_date": dt.date(1990, 1, 1)}],
    ...     histories=[{"member_id": 3, "occupation_code": "6-31-01-03",
    ...                 "start": dt.date(2021, 1, 1), "end": None}])
    >>> clean, flags = validate_inputs(inp, dt.date(2024, 1, 1))
    >>> out = evaluate_compiled(clean, flags, build_plan(load_rulebook(), dt.date(2024, 1, 1)))
    >>> out.select("target_grade", "eligible", "missing").row(1)
    (2, False, ['years_in_occupation:2.9/6'])
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from craftpath.engines.ladder import kernel as k

# evaluate.py imports this module only inside a function, so importing it here is not circular
from craftpath.engines.ladder.evaluate import RESULT_SCHEMA, _diploma_available
from craftpath.engines.ladder.inputs import ASSUMPTIONS, DIPLOMA_KINDS, HOW, LadderInputs, validate_inputs
from craftpath.engines.ladder.plan import MAX_EXAM_GRADE, Cond, Plan

__all__ = ["evaluate_checked", "evaluate_compiled"]

_EPOCH = dt.date(1970, 1, 1)
_OVERLAP = "history_overlap_merged"


@dataclass(frozen=True)
class _Tables:
    """The plan as integer arrays, plus the strings each integer stands for."""

    years: np.ndarray
    minor: bool
    pairs: np.ndarray
    var_occ: np.ndarray
    var_idx: np.ndarray
    vt_off: np.ndarray
    route_off: np.ndarray
    cond_kind: np.ndarray
    cond_years: np.ndarray
    cond_grade: np.ndarray
    cond_kmask: np.ndarray
    cond_lmin: np.ndarray
    cond_any: np.ndarray
    cond_yidx: np.ndarray
    cond_slot: np.ndarray
    n_slots: int
    conds: list[Cond]
    route_ids: list[str]
    traces: list[list[str]]  # index: route + number of variants; variant v's "no route" at -1 - v
    n_variants: int
    max_conds: int


def _occ(code: str) -> int:
    return int(code.replace("-", ""))


_KINDS = {"years_in_occupation": k.K_YEARS, "certificate": k.K_CERT, "diploma": k.K_DIPLOMA}
_KINDS |= {"apprenticeship": k.K_APPR, "min_age": k.K_AGE}


def _tables(plan: Plan) -> _Tables:
    vt_off = [0]
    route_off = [0]
    conds: list[Cond] = []
    route_ids: list[str] = []
    route_traces: list[list[str]] = []
    for v in plan.variants:
        for t in range(1, MAX_EXAM_GRADE + 1):
            for r in v.routes[t]:
                route_ids.append(r.id)
                trace = [v.clause_id, r.id]
                if plan.related_id and any(c.kind == "years_in_occupation" for c in r.conds):
                    trace.append(plan.related_id)
                route_traces.append(trace)
                conds.extend(r.conds)
                route_off.append(len(conds))
            vt_off.append(len(route_ids))
    no_route = [[v.clause_id] for v in reversed(plan.variants)]  # -1 - v, shifted by the variant count
    pairs = sorted({_occ(a) * 100_000_000 + _occ(b) for a, b in plan.related_pairs} | {
        _occ(b) * 100_000_000 + _occ(a) for a, b in plan.related_pairs
    })  # fmt: skip
    var = sorted((_occ(o), v.index) for v in plan.variants for o in v.occupations)
    kind_bit = {name: i for i, name in enumerate(DIPLOMA_KINDS)}
    i64 = np.int64
    years = sorted(plan.service_years)
    slots: dict[Cond, int] = {}  # identical conditions share one memo slot
    for c in conds:
        slots.setdefault(c, len(slots))
    return _Tables(
        years=np.array(years, dtype=i64),
        minor=plan.related_default == "same_minor_group",
        pairs=np.array(pairs, dtype=i64),
        var_occ=np.array([o for o, _ in var], dtype=i64),
        var_idx=np.array([v for _, v in var], dtype=i64),
        vt_off=np.array(vt_off, dtype=i64),
        route_off=np.array(route_off, dtype=i64),
        cond_kind=np.array([_KINDS[c.kind] for c in conds], dtype=i64),
        cond_years=np.array([c.years for c in conds], dtype=i64),
        cond_grade=np.array([c.grade for c in conds], dtype=i64),
        cond_kmask=np.array([sum(1 << kind_bit[x] for x in c.kinds if x in kind_bit) for c in conds], dtype=i64),
        cond_lmin=np.array([-1 if c.assessed_level_min is None else c.assessed_level_min for c in conds], dtype=i64),
        cond_any=np.array([c.specialty != "related" for c in conds], dtype=np.bool_),
        cond_yidx=np.array([years.index(c.years) if c.kind == "years_in_occupation" else 0 for c in conds], dtype=i64),
        cond_slot=np.array([slots[c] for c in conds], dtype=i64),
        n_slots=len(slots),
        conds=conds,
        route_ids=route_ids,
        traces=no_route + route_traces,
        n_variants=len(plan.variants),
        max_conds=max((route_off[i + 1] - route_off[i] for i in range(len(route_off) - 1)), default=0),
    )


def _missing_text(cond: Cond, number: int | None) -> str:
    """The missing-condition code of ``cond``; ``number`` is years in tenths (None: no number)."""
    shown = None if number is None else f"{number // 10}.{number % 10}"
    if cond.kind == "years_in_occupation":
        return f"years_in_occupation:{shown}/{cond.years}"
    if cond.kind == "certificate":
        if shown is None:
            return f"needs_certificate:{cond.grade}"
        return f"years_since_certificate:{cond.grade}:{shown}/{cond.years}"
    if cond.kind == "diploma":
        return f"needs_diploma:{cond.diploma_label()}"
    if cond.kind == "apprenticeship":
        return "needs_apprenticeship"
    return f"min_age:{'?' if shown is None else shown}/{cond.years}"


def _days(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32).cast(pl.Int64).fill_null(k.NULL_DAY)


_OCC = pl.col("occupation_code")
_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}")  # inputs.OCCUPATION_PATTERN, without Python's "$ before \n"
_NULL_OCC, _BAD_OCC = k.OCC_NULL, k.OCC_BAD


def _occ_ints(codes: pl.Series, seen: set[int], known: frozenset[str] | None) -> np.ndarray:
    """``"6-31-01-03"`` → ``6310103``; null → -1, a code that is malformed or (with ``known``)
    not a known occupation → -2. Good codes are added to ``seen``.

    Codes are parsed from the Arrow string views in compiled code (no hashing of strings); only
    codes that may hold non-ASCII digits are matched in Python, once per distinct string.
    """
    arr = codes.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    out = np.empty(len(arr), dtype=np.int64)
    if len(arr) == 0:
        return out
    if arr.type != pa.string_view():  # not what Polars hands out today; parse by hand
        out[:] = [_occ_text_int(c, known) for c in arr.to_pylist()]
    else:
        validity, views = arr.buffers()[:2]
        assert views is not None
        known_ints = _known_ints(known)
        unparsed = k.parse_codes(
            np.frombuffer(views, dtype=np.uint8),
            arr.offset,
            np.frombuffer(validity, dtype=np.uint8) if validity is not None else np.zeros(1, dtype=np.uint8),
            validity is not None,
            known_ints,
            known is not None,
            out,
        )
        if unparsed:
            at = np.flatnonzero(out == k.OCC_UNPARSED)
            texts = codes.gather(at).to_list()
            lut = {c: _occ_text_int(c, known) for c in set(texts)}
            out[at] = [lut[c] for c in texts]
    marks = _marks()
    found = np.empty(min(out.shape[0], marks.shape[0]), dtype=np.int64)
    n = k.distinct_codes(out, marks, found, 0)
    marks[found[:n]] = 0
    seen.update(found[:n].tolist())
    return out


def _occ_text_int(code: str | None, known: frozenset[str] | None) -> int:
    if code is None:
        return _NULL_OCC
    return int(code.replace("-", "")) if _CODE.fullmatch(code) and (known is None or code in known) else _BAD_OCC


def _known_ints(known: frozenset[str] | None) -> np.ndarray:
    """The ASCII codes of ``known`` as sorted integers (a non-ASCII spelling is a different code)."""
    if known is None:
        return np.zeros(0, dtype=np.int64)
    return np.array(sorted({int(c.replace("-", "")) for c in known if c.isascii() and _CODE.fullmatch(c)}), np.int64)


def _marks() -> np.ndarray:
    """A per-thread byte per possible code (``d-dd-dd-dd`` < 10**7), all clear between uses."""
    marks = getattr(_LOCAL, "marks", None)
    if marks is None:
        marks = _LOCAL.marks = np.zeros(10**7, dtype=np.uint8)
    return marks


def _grouped(
    df: pl.DataFrame, mids: np.ndarray, cols: list[pl.Expr], seen: set[int], known: frozenset[str] | None
) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Rows grouped by member → (CSR offsets over ``mids``, the columns as int64 arrays).

    String columns are occupation codes and become integers (:func:`_occ_ints`). Rows already
    in member order (a Parquet file written sorted, a partition of it) are not sorted again.
    None when a row has no member or one missing from ``mids`` (validation reports those).
    """
    if df.height == 0:
        return np.zeros(mids.shape[0] + 1, dtype=np.int64), [np.empty(0, dtype=np.int64) for _ in cols]
    if df["member_id"].null_count():
        return None
    s = df.select(pl.col("member_id"), *cols)
    owner = s["member_id"].to_numpy()
    if owner.shape[0] > 1 and not bool((owner[1:] >= owner[:-1]).all()):
        s = s.sort("member_id")
        owner = s["member_id"].to_numpy()
    off = np.empty(mids.shape[0] + 1, dtype=np.int64)
    off[:-1] = np.searchsorted(owner, mids)
    off[-1] = owner.shape[0]
    # the kernel trusts these offsets (no bounds checks): every row must belong to a listed member
    if (
        owner.dtype != np.int64
        or off[0] != 0
        or bool((np.diff(off) < 0).any())
        or (mids.shape[0] and not np.array_equal(np.repeat(mids, np.diff(off)), owner))
    ):
        return None
    return off, [
        _occ_ints(s[:, i + 1], seen, known) if s[:, i + 1].dtype == pl.Utf8 else _i64(s[:, i + 1].to_numpy())
        for i in range(len(cols))
    ]


@dataclass(frozen=True)
class _Arrays:
    """The input frames as member-grouped int64 arrays (CSR offsets per frame)."""

    mids: np.ndarray
    birth: np.ndarray
    h: tuple[np.ndarray, ...]  # offsets, occupation, start, exclusive end
    c: tuple[np.ndarray, ...]  # offsets, occupation, grade, issued
    d: tuple[np.ndarray, ...]  # offsets, occupation, kind, assessed level, counts from, graduated missing
    a: tuple[np.ndarray, ...]  # offsets, occupation, completed
    occ_book: np.ndarray


def _arrays(inputs: LadderInputs, plan: Plan, known: frozenset[str] | None, *, checked: bool) -> _Arrays | None:
    """Group the frames by member. ``checked``: inputs came through :func:`validate_inputs`
    (members are made unique and sorted; an inconsistency is a bug and raises). Otherwise None
    as soon as the frames need validation's attention (unsorted or repeated members, records
    without a listed member); the values themselves are checked by :func:`kernel.check_records`."""
    members = inputs.members.select("member_id", _days(pl.col("birth_date")).alias("birth"))
    if members["member_id"].null_count():
        if not checked:
            return None
        raise ValueError("member list has rows without member_id; validate the inputs first")
    mids = members["member_id"].to_numpy()
    if mids.shape[0] > 1 and not bool((mids[1:] > mids[:-1]).all()):
        if not checked:
            return None
        members = members.unique("member_id", keep="first").sort("member_id")
        mids = members["member_id"].to_numpy()
    seen: set[int] = set()
    groups = (
        _grouped(
            inputs.histories,
            mids,
            [
                _OCC,
                _days(pl.col("start")),
                (pl.col("end").cast(pl.Int32).cast(pl.Int64) + 1).fill_null(k.OPEN_END),
            ],
            seen,
            known,
        ),
        _grouped(
            inputs.certificates,
            mids,
            [_OCC, pl.col("grade").cast(pl.Int64).fill_null(-1), _days(pl.col("issued_on"))],
            seen,
            known,
        ),
        _grouped(
            inputs.diplomas,
            mids,
            [
                _OCC,
                pl.col("kind")
                .replace_strict({x: i for i, x in enumerate(DIPLOMA_KINDS)}, default=-1, return_dtype=pl.Int64)
                .fill_null(-1),
                pl.col("assessed_level").cast(pl.Int64).fill_null(-1),
                _days(_diploma_available(plan.as_of)),
                pl.col("graduated_on").is_null().cast(pl.Int64),
            ],
            seen,
            known,
        ),
        _grouped(inputs.apprenticeships, mids, [_OCC, _days(pl.col("completed_on"))], seen, known),
    )
    if any(g is None for g in groups):
        if not checked:
            return None
        raise ValueError("rows refer to members missing from the member list; validate the inputs first")
    h, c, d, a = ((g[0], *g[1]) for g in groups if g is not None)
    return _Arrays(
        mids=mids,
        birth=_i64(members["birth"].to_numpy()),
        h=h,
        c=c,
        d=d,
        a=a,
        occ_book=np.array(sorted(seen), dtype=np.int64),
    )


def _flag_lists(masks: np.ndarray, member_masks: np.ndarray, codes: list[str], overlap: int) -> pl.Series:
    """Row flag bit masks → lists of flag codes. A row's mask is its member's input flags, plus
    the overlap bit, so the distinct masks come from the members (few rows, few values)."""
    seen = _dense_unique(member_masks)[0] if member_masks.shape[0] else np.zeros(1, dtype=np.int64)
    distinct = np.unique(np.concatenate([seen, seen | overlap]))
    keys = np.empty(masks.shape[0], dtype=np.int64)
    if k.mask_keys(masks, distinct, keys):
        raise AssertionError("a row's flags are not its member's flags")
    table = [[c for b, c in enumerate(codes) if m >> b & 1] for m in distinct.tolist()]
    return _table_lists("flags", keys, table)


def _table_lists(name: str, keys: np.ndarray, table: list[list[str]], shift: int = 0) -> pl.Series:
    """Row ``i`` gets the list ``table[keys[i] + shift]``: one flat gather of strings, no list gathers."""
    lengths = np.array([len(t) for t in table], dtype=np.int64)
    starts = np.zeros(len(table), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    offsets = np.empty(keys.shape[0] + 1, dtype=np.int64)
    flat = np.empty(k.list_offsets(keys, shift, lengths, offsets), dtype=np.int64)
    k.spell_lists(keys, shift, starts, offsets, flat)
    values = pl.Series([x for t in table for x in t], dtype=pl.Utf8)
    return _list_column(name, offsets, values.gather(flat))


def _i64(a: np.ndarray) -> np.ndarray:
    """Writable, contiguous int64: the one array type the kernel is compiled for."""
    return np.require(a, dtype=np.int64, requirements=["C", "W"])


def _list_column(name: str, offsets: np.ndarray, values: pl.Series) -> pl.Series:
    # string views come across without copying the characters
    arr = pa.LargeListArray.from_arrays(
        pa.array(offsets, type=pa.int64()), values.to_arrow(compat_level=pl.CompatLevel.newest())
    )
    return pl.Series(name, arr)


def evaluate_checked(
    inputs: LadderInputs,
    plan: Plan,
    *,
    on_bad_input: str = "error",
    occupations: pl.Series | None = None,
    workers: int | None = None,
) -> pl.DataFrame:
    """Validate and evaluate: the same result (and the same :class:`InputError`) as
    :func:`validate_inputs` followed by :func:`evaluate_compiled`.

    Inputs are first grouped and checked by the kernel against every validation rule; only when
    something is wrong (or the member list is unsorted) do the frames go through
    :func:`validate_inputs`, which names each problem. Clean bulk data, the usual case, so skips
    a pass of string matching and joins.

    Large inputs (more than :data:`SLICE` members, in id order) are cut
    into member slices evaluated ``workers`` at a time (default 2) in threads: smaller arrays stay
    in cache and the kernel runs without the GIL. If any slice needs validation, the whole input
    goes through :func:`validate_inputs` as one, so problems are counted and reported as a whole.
    """
    if on_bad_input not in ("error", "flag"):
        raise ValueError("on_bad_input must be 'error' or 'flag'")
    known = None if occupations is None else frozenset(occupations.drop_nulls().cast(pl.Utf8).to_list())
    slices = _member_slices(inputs) if inputs.members.height > SLICE else None
    if slices is not None:
        n_workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            parts = list(pool.map(lambda part: _evaluate_if_clean(part, plan, known), slices))
        if all(p is not None for p in parts):
            return pl.concat([p for p in parts if p is not None], rechunk=False)
    else:
        out = _evaluate_if_clean(inputs, plan, known)
        if out is not None:
            return out
    clean, flags = validate_inputs(inputs, plan.as_of, on_bad_input=on_bad_input, occupations=occupations)
    return evaluate_compiled(clean, flags, plan)


SLICE = 100_000  # members per slice of a large input (as evaluate_partitioned's default partition)


def _member_slices(inputs: LadderInputs) -> list[LadderInputs] | None:
    """Consecutive member-id ranges of ``SLICE`` members, each frame cut by position (records
    sorted by member first where they are not); None unless members are unique and in id order
    and no record lacks a member id (validation deals with those)."""
    ids = inputs.members["member_id"]
    mids = ids.to_numpy()
    if ids.null_count() or mids.dtype != np.int64 or not bool((mids[1:] > mids[:-1]).all()):
        return None
    bounds = mids[SLICE::SLICE]
    frames = {}
    cuts = {}
    for name, frame in inputs.frames().items():
        if name == "members":
            frames[name], cuts[name] = frame, np.arange(SLICE, mids.shape[0], SLICE)
            continue
        owner = frame["member_id"]
        if owner.null_count():
            return None
        if not owner.is_sorted():
            frame = frame.sort("member_id")
            owner = frame["member_id"]
        frames[name], cuts[name] = frame, np.searchsorted(owner.to_numpy(), bounds)
    out = []
    for i in range(bounds.shape[0] + 1):
        part = {}
        for name, frame in frames.items():
            lo = 0 if i == 0 else int(cuts[name][i - 1])
            hi = frame.height if i == bounds.shape[0] else int(cuts[name][i])
            part[name] = frame.slice(lo, hi - lo)
        out.append(LadderInputs(**part))
    return out


def _evaluate_if_clean(inputs: LadderInputs, plan: Plan, known: frozenset[str] | None) -> pl.DataFrame | None:
    """Evaluate when the kernel's checks find nothing for validation to report; else None."""
    arrays = _arrays(inputs, plan, known, checked=False)
    if arrays is None:
        return None
    codes = sorted(ASSUMPTIONS)
    bit = {c: 1 << i for i, c in enumerate(codes)}
    fmask = np.zeros(arrays.mids.shape[0], dtype=np.int64)
    h_off, h_occ, h_s, h_e = arrays.h
    c_off, c_occ, c_grade, c_day = arrays.c
    d_off, d_occ, d_kind, _, _, d_grad_null = arrays.d
    _, a_occ, a_day = arrays.a
    bad = k.check_records(
        arrays.birth, h_off, h_occ, h_s, h_e, c_off, c_occ, c_grade, c_day, d_off, d_occ, d_kind,
        d_grad_null, a_occ, a_day, (plan.as_of - _EPOCH).days, fmask,
        bit["history_end_after_as_of"], bit["birth_date_missing"], bit["current_year_graduate_assumed"],
        bit["diploma_specialty_unknown"],
    )  # fmt: skip
    how = inputs.certificates["how"]
    if bad or not (how.null_count() == how.len() or bool(how.drop_nulls().is_in(list(HOW)).all())):
        return None
    return _evaluate_arrays(arrays, fmask, codes, plan)


def evaluate_compiled(inputs: LadderInputs, flags: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Validated inputs and their flags → result rows sorted by member, occupation, target grade."""
    arrays = _arrays(inputs, plan, None, checked=True)
    assert arrays is not None  # checked=True raises instead
    mids = arrays.mids
    n = mids.shape[0]
    # flags: a bit per code, sorted like the lists they become
    codes = sorted(set(flags["flag"].unique().to_list()) | {_OVERLAP})
    bits = {c: 1 << i for i, c in enumerate(codes)}
    fmask = np.zeros(n, dtype=np.int64)
    if flags.height:
        per = (
            flags.unique()
            .group_by("member_id")
            .agg(pl.col("flag").replace_strict(bits, return_dtype=pl.Int64).sum().alias("m"))
        )
        pos = np.searchsorted(mids, per["member_id"].to_numpy())
        ok = (pos < n) & (mids[np.minimum(pos, n - 1)] == per["member_id"].to_numpy()) if n else pos < 0
        fmask[pos[ok]] = per["m"].to_numpy()[ok]
    return _evaluate_arrays(arrays, fmask, codes, plan)


def _evaluate_arrays(arrays: _Arrays, fmask: np.ndarray, flag_codes: list[str], plan: Plan) -> pl.DataFrame:
    """Run the kernel over grouped arrays; ``fmask`` holds each member's flags as bits of ``flag_codes``."""
    tb = _tables(plan)
    as_of = (plan.as_of - _EPOCH).days
    mids, occ_book = arrays.mids, arrays.occ_book
    n = mids.shape[0]
    h_off, h_occ, h_s, h_e = arrays.h
    c_off, c_occ, c_grade, c_day = arrays.c
    d_off, d_occ, d_kind, d_level, d_avail, _ = arrays.d
    a_off, a_occ, a_day = arrays.a
    # room for the upper bound of rows (a row per record and exam grade) and items
    records = np.diff(h_off) + np.diff(c_off) + np.diff(d_off) + np.diff(a_off)
    total_rows = int(records.sum()) * MAX_EXAM_GRADE
    per_row = max(tb.max_conds, 1)
    buf, o_elig, o_items = _buffers(total_rows, per_row)
    o_member, o_occ, o_cur, o_tgt, o_route, o_earliest, o_nitems, o_flags = buf
    counts = np.zeros(2, np.int64)
    if n:
        k.run_kernel(
            n, *_scratch(int(records.max()), tb), arrays.birth, fmask,
            h_off, h_occ, h_s, h_e, c_off, c_occ, c_grade, c_day, d_off, d_occ, d_kind, d_level, d_avail,
            a_off, a_occ, a_day, as_of, tb.years, tb.minor, tb.pairs, tb.var_occ, tb.var_idx, occ_book, tb.vt_off,
            tb.route_off, tb.cond_kind, tb.cond_years, tb.cond_grade, tb.cond_kmask, tb.cond_lmin, tb.cond_any,
            tb.cond_yidx, tb.cond_slot, 1 << flag_codes.index(_OVERLAP), o_member, o_occ, o_cur, o_tgt, o_elig, o_route,
            o_earliest, o_nitems, o_flags, o_items, counts,
        )  # fmt: skip
    rows, items = int(counts[0]), int(counts[1])
    if rows == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    o_member, o_occ, o_cur, o_tgt, o_route, o_earliest, o_nitems, o_flags = buf[:, :rows]
    o_elig, o_items = o_elig[:rows], o_items[:items]
    # strings: one lookup per distinct key
    occ_text = pl.Series(
        [f"{o // 1_000_000}-{o // 10_000 % 100:02d}-{o // 100 % 100:02d}-{o % 100:02d}" for o in occ_book.tolist()],
        dtype=pl.Utf8,
    )
    route_text = pl.Series(tb.route_ids or [""], dtype=pl.Utf8)
    flag_col = _flag_lists(o_flags, fmask, flag_codes, 1 << flag_codes.index(_OVERLAP))
    offsets = np.zeros(o_nitems.shape[0] + 1, dtype=np.int64)
    np.cumsum(o_nitems, out=offsets[1:])
    no_date = o_earliest == k.NULL_DAY
    return pl.DataFrame(
        {
            "member_id": pl.Series(mids[o_member], dtype=pl.Int64),
            "occupation_code": occ_text.gather(o_occ),
            # nulls are set while building (Arrow validity masks), not by a second pass over the frame
            "current_grade": pl.Series(pa.array(o_cur.astype(np.int8), mask=o_cur < 0)),
            "target_grade": pl.Series(o_tgt.astype(np.int8)),
            "eligible": pl.Series(o_elig, dtype=pl.Boolean),
            "route": route_text.gather(pl.Series(pa.array(o_route.astype(np.uint32), mask=~o_elig))),
            "earliest_date": pl.Series(
                pa.array(np.where(no_date, 0, o_earliest).astype(np.int32), type=pa.date32(), mask=no_date)
            ),
            "missing": _list_column("missing", offsets, _missing_values(o_items, tb)),
            "trace": _table_lists("trace", o_route, tb.traces, shift=tb.n_variants),
            "flags": flag_col,
        },
        schema=RESULT_SCHEMA,
    )


def _missing_values(items: np.ndarray, tb: _Tables) -> pl.Series:
    """Missing-condition keys → their codes (formatted once per distinct key)."""
    if items.shape[0] == 0:
        return pl.Series([], dtype=pl.Utf8)
    keys, pos = _dense_unique(items)
    texts = []
    for key in keys.tolist():
        if key == k.NO_ROUTE_KEY:
            texts.append("no_route")
        elif key >= k.BIG_KEY:
            c, x = divmod(key - k.BIG_KEY, k.BIG_SPAN)
            texts.append(_missing_text(tb.conds[c], x))
        else:
            c, x = divmod(key, k.KEY_SPAN)
            texts.append(_missing_text(tb.conds[c], None if x == k.NO_NUMBER else x))
    return pl.Series(texts, dtype=pl.Utf8).gather(pos)


_LOCAL = threading.local()
_KEEP_BYTES = 512 * 2**20  # fits the bound of a 100,000-member partition (~240 MB)


def _buffers(rows: int, per_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kernel's output arrays, kept per thread and reused by its next partition.

    Fresh arrays of this size cost as much to map and clear as the kernel's own work; reusing
    them is safe because every result column is built as a copy (gathers, casts, cumsums).
    """
    held = getattr(_LOCAL, "buffers", None)
    if held is None or held[0].shape[1] < rows or held[2].shape[0] < rows * per_row:
        room = rows + rows // 4
        held = (np.empty((8, room), np.int64), np.empty(room, np.bool_), np.empty(room * per_row, np.int64))
        # a partition's worth is kept; one huge unpartitioned call does not pin its memory
        _LOCAL.buffers = held if room * (9 + 8 * per_row) <= _KEEP_BYTES else None
    return held[0][:, :rows], held[1][:rows], held[2][: rows * per_row]


def _scratch(records: int, tb: _Tables) -> list[np.ndarray]:
    """Work arrays of the kernel: per-member records, per-grade routes, per-occupation memo."""
    routes = int(np.diff(tb.vt_off).max()) if tb.vt_off.shape[0] > 1 else 1
    years = max(tb.years.shape[0], 1)
    sizes = [records + 1] * 3 + [years, years, max(routes, 1), max(routes, 1), max(tb.n_slots, 1)]
    return [np.empty(n, np.int64) for n in sizes]


def _dense_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and each value's position among them, without sorting every value.

    Keys are few and clustered, so they are shifted into a dense range and counted.
    """
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    if span > 4 * values.shape[0] + 1_000_000:
        return np.unique(values, return_inverse=True)
    shifted = values - lo
    used = np.bincount(shifted, minlength=span) > 0
    slot = np.cumsum(used) - 1
    return np.flatnonzero(used) + lo, slot[shifted]
