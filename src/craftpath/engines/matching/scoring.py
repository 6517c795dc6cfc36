"""Two-way job matching with readable, exact, block-wise scoring.

The score of a (seeker, job) pair is the sum of five integer parts, in thousandths of a point
(100 points at most with the default :class:`MatchWeights`):

* occupation fit — same code > same minor group > same medium group > only shared competencies;
* competencies — share of the job occupation's competencies the seeker holds;
* grade — full when the seeker's grade in that occupation reaches the required grade, minus a
  step per missing level (a grade in another occupation of the same minor group counts one
  level lower);
* region — same district > same city > same province > elsewhere (GB/T 2260); unknown is neutral
  (half) and flagged;
* pay — full when the offer reaches the expectation, proportional below it; unknown is neutral.

A pair is a candidate only if the job's occupation is in the same medium group as one of the
seeker's occupations or shares at least one competency with the seeker. Ties are broken by id
(smaller first), so results do not depend on block size or order.

Protected traits (sex, age, ethnicity, …) are never inputs: only the documented columns of the
seekers frame are read, and the known protected columns are dropped first.

Examples:
    >>> oc = pl.DataFrame({"occupation_code": ["6-31-01-03", "6-31-01-03", "6-31-01-04"],
    ...                    "competency_id": ["a#1", "a#2", "b#1"], "text": ["车削", "磨削", "铣削"]})
    >>> seekers = pl.DataFrame({"seeker_id": [1], "region_code": ["440305"],
    ...                         "pay_expectation": [6000]})
    >>> so = pl.DataFrame({"seeker_id": [1], "occupation_code": ["6-31-01-03"], "grade": [3]})
    >>> sc = pl.DataFrame({"seeker_id": [1, 1], "competency_id": ["a#1", "a#2"]})
    >>> jobs = pl.DataFrame({"job_id": [10, 11, 12], "occupation_code": ["6-31-01-03",
    ...     "6-31-01-04", "2-02-01-00"], "required_grade": [4, None, None],
    ...     "region_code": ["440305", "440306", "440305"], "pay": [7000, 5000, 9000]})
    >>> r = match_jobs_for_seekers(seekers, jobs, seeker_occupations=so,
    ...     seeker_competencies=sc, occupation_competencies=oc, k=5)
    >>> r.select("job_id", "score", "occupation_points", "grade_points").rows()
    [(10, 95.0, 35.0, 10.0), (11, 54.666, 25.0, 15.0)]
    >>> for part in r["explanation_en"][0].split("; "):
    ...     print(part)
    job 10 (6-31-01-03): same occupation +35
    competencies 2/2 +30
    grade: needs Technician (level 2), holds Senior worker (level 3) +10
    region: same district +12
    pay: meets expectation +8
    >>> r["explanation_zh"][0].split("；")[0]
    '岗位 10（6-31-01-03）：同一职业 +35'

"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numba as nb
import numpy as np
import polars as pl
import scipy.sparse as sp

from craftpath.engines.grades import Grade
from craftpath.engines.matching._hierarchy import (
    REGION_CITY,
    REGION_DISTRICT,
    REGION_ELSEWHERE,
    REGION_PROVINCE,
    REGION_UNKNOWN,
    occupation_prefixes,
    region_code_int,
    region_tiers,
)

__all__ = [
    "PROTECTED_COLUMNS",
    "MatchWeights",
    "brute_force_matches",
    "match_jobs_for_seekers",
    "match_seekers_for_jobs",
]

PROTECTED_COLUMNS = frozenset(
    {
        "sex",
        "gender",
        "age",
        "birth_date",
        "date_of_birth",
        "birth_year",
        "ethnicity",
        "nation",
        "nationality",
        "minzu",
        "民族",
        "性别",
        "年龄",
        "出生日期",
        "religion",
        "marital_status",
        "pregnancy",
        "disability",
        "health",
        "political_status",
        "hukou",
        "household_registration",
        "resident_id",
        "id_number",
        "photo",
        "height",
        "weight",
    }
)
"""Column names dropped from seekers frames before anything else happens."""

TIER_OTHER, TIER_MEDIUM, TIER_MINOR, TIER_SAME = 0, 1, 2, 3
_TIER_NAMES = ("shared_competencies", "same_medium_group", "same_minor_group", "same_occupation")
_TIER_ZH = ("仅有共同技能", "同一中类", "同一小类", "同一职业")
_TIER_EN = ("shared competencies only", "same medium group", "same minor group", "same occupation")
_REGION_NAMES = ("unknown", "elsewhere", "same_province", "same_city", "same_district")
_REGION_ZH = ("地区不明（中性）", "外省", "同省", "同城", "同区县")
_REGION_EN = ("unknown (neutral)", "elsewhere", "same province", "same city", "same district")
_DONE = -(1 << 62)  # a visited occupation's bound in the kernel
_FLAG_NAMES = ("region_unknown", "competencies_unlisted", "pay_unknown")
_FLAG_LISTS = pl.Series(
    "flags",
    [[name for bit, name in enumerate(_FLAG_NAMES) if code >> bit & 1] for code in range(8)],
    dtype=pl.List(pl.String),
)


@dataclass(frozen=True)
class MatchWeights:
    """Points of each part in thousandths (so all arithmetic is exact integer arithmetic).

    Attributes:
        occupation: Points for (other, same medium group, same minor group, same code).
        competencies: Points when all of the job occupation's competencies are held.
        grade: Points when the grade requirement is met.
        grade_step: Points lost per missing grade level.
        region: Points for (unknown, elsewhere, province, city, district).
        pay: Points when the pay offer reaches the expectation.
    """

    occupation: tuple[int, int, int, int] = (0, 15_000, 25_000, 35_000)
    competencies: int = 30_000
    grade: int = 15_000
    grade_step: int = 5_000
    region: tuple[int, int, int, int, int] = (6_000, 0, 4_000, 8_000, 12_000)
    pay: int = 8_000
    scale: int = field(default=1000, repr=False)

    def __post_init__(self) -> None:
        # the exact pruning bounds rely on these: every part is a reward (never a penalty) and a
        # closer occupation never earns less than a farther one
        occ, region = tuple(self.occupation), tuple(self.region)
        if len(occ) != 4 or len(region) != 5:
            raise ValueError(
                "MatchWeights: occupation 需要 4 个分值、region 需要 5 个分值 / occupation takes 4 values and region 5"
            )
        parts = [*occ, *region, self.competencies, self.grade, self.grade_step, self.pay]
        if any(int(v) != v or v < 0 for v in parts):
            raise ValueError("MatchWeights: 各项分值须为非负整数 / every weight must be a non-negative integer")
        if list(occ) != sorted(occ):
            raise ValueError(
                "MatchWeights: 职业越接近分值不能越低 / occupation points must not fall as occupations get "
                "closer (other ≤ medium group ≤ minor group ≤ same code)"
            )

    def grade_table(self) -> np.ndarray:
        """``table[held + 1, required + 1]`` (held/required −1 = none)."""
        held = np.arange(-1, 8)[:, None]
        req = np.arange(-1, 8)[None, :]
        short = np.maximum(req - held, 0)
        pts = np.maximum(self.grade - self.grade_step * short, 0)
        pts[:, 0] = self.grade
        return pts.astype(np.int64)

    @property
    def max_other(self) -> int:
        return max(self.region) + self.pay


def _check_k(k: int) -> None:
    if int(k) != k or k < 1:
        raise ValueError(f"k 至少为 1 / k must be a whole number of at least 1, got {k!r}")


_MAX_PAY = 1e9  # a month's pay above this is a data error, and would overflow the integer points


def _plausible_pay(values: pl.Series) -> np.ndarray:
    """Pay amounts as float64; missing, NaN or above ``_MAX_PAY`` → NaN (unknown)."""
    pay = values.fill_null(float("nan")).to_numpy().astype(np.float64)
    pay[~(pay <= _MAX_PAY)] = np.nan
    return pay


def _pay_points(expect: np.ndarray, pay: np.ndarray, full: int) -> np.ndarray:
    """Pay part ``floor(min(pay, expect) * full / expect)`` (broadcasting, int32).

    Unknown pay or expectation (NaN, negative, zero expectation) gives ``full // 2``.

    Examples:
        >>> _pay_points(np.array([6000.0, 6000.0, np.nan]), np.array([7000.0, 4500.0, 5000.0]), 8000).tolist()
        [8000, 6000, 4000]
    """
    e = np.asarray(expect, dtype=np.float64)
    p = np.asarray(pay, dtype=np.float64)
    ue = ~(np.isfinite(e) & (e > 0))
    up = ~(np.isfinite(p) & (p >= 0))
    e2 = np.where(ue, 1.0, e)
    p2 = np.where(up, 1.0, p)
    t = np.minimum(p2, e2)
    t *= full
    t /= e2
    np.floor(t, out=t)
    pts = t.astype(np.int32)
    half = full // 2
    for u in (ue, up):
        if not u.any():
            continue
        if u.shape == pts.shape:
            pts[u] = half
        elif u.ndim == 2 and u.shape[1] == 1 and u.shape[0] == pts.shape[0]:
            pts[u[:, 0], :] = half
        elif u.ndim == 2 and u.shape[0] == 1 and u.shape[1] == pts.shape[1]:
            pts[:, u[0]] = half
        else:
            pts[np.broadcast_to(u, pts.shape)] = half
    return pts


# --------------------------------------------------------------------------- preparation


@dataclass
class _Prepared:
    weights: MatchWeights
    occ_codes: list[str]
    occ_medium: np.ndarray
    occ_minor: np.ndarray
    occ_nreq: np.ndarray
    medium_ptr: np.ndarray
    medium_occ: np.ndarray
    seeker_ids: pl.Series
    s_region: np.ndarray
    s_pay: np.ndarray
    e_ptr: np.ndarray  # seeker -> entries (CSR)
    e_occ: np.ndarray
    e_grade: np.ndarray
    W: sp.csr_matrix  # seekers x competencies
    job_ids: pl.Series
    j_occ: np.ndarray
    j_req: np.ndarray
    j_region: np.ndarray
    j_pay: np.ndarray
    R: sp.csr_matrix  # occupations x competencies
    comp_ids: list[str]
    occ_comp: pl.DataFrame

    @property
    def n_seekers(self) -> int:
        return len(self.seeker_ids)

    @property
    def n_jobs(self) -> int:
        return len(self.job_ids)


def _csr_index(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, keys + 1, 1)
    return np.cumsum(ptr), order


def _region_ints(codes: pl.Series, regions: Sequence[int] | None) -> np.ndarray:
    """:func:`region_code_int` of a column, evaluated once per distinct code."""
    uniq = codes.drop_nulls().unique()
    ints = region_code_int(uniq.to_list(), regions)
    return codes.replace_strict(uniq, ints, default=-1, return_dtype=pl.Int64).to_numpy().astype(np.int64)


def _prepare(
    seekers: pl.DataFrame,
    jobs: pl.DataFrame,
    seeker_occupations: pl.DataFrame | None,
    seeker_competencies: pl.DataFrame | None,
    occupation_competencies: pl.DataFrame | None,
    regions: Sequence[int] | None,
    weights: MatchWeights,
) -> _Prepared:
    seekers = seekers.drop([c for c in seekers.columns if c.lower() in PROTECTED_COLUMNS])
    for col in ("seeker_id",):
        if col not in seekers.columns:
            raise ValueError(f"seekers frame needs {col!r}")
    for col in ("job_id", "occupation_code"):
        if col not in jobs.columns:
            raise ValueError(f"jobs frame needs {col!r}")
    s = seekers.select(
        "seeker_id",
        (pl.col("region_code") if "region_code" in seekers.columns else pl.lit(None))
        .cast(pl.String)
        .alias("region_code"),
        (pl.col("pay_expectation") if "pay_expectation" in seekers.columns else pl.lit(None))
        .cast(pl.Float64)
        .alias("pay_expectation"),
    ).sort("seeker_id")
    if s["seeker_id"].is_duplicated().any():
        raise ValueError("seeker_id must be unique")
    j = jobs.select(
        "job_id",
        pl.col("occupation_code").cast(pl.String),
        (pl.col("required_grade") if "required_grade" in jobs.columns else pl.lit(None))
        .cast(pl.Int64)
        .alias("required_grade"),
        (pl.col("region_code") if "region_code" in jobs.columns else pl.lit(None)).cast(pl.String).alias("region_code"),
        (pl.col("pay") if "pay" in jobs.columns else pl.lit(None)).cast(pl.Float64).alias("pay"),
    ).sort("job_id")
    if j["job_id"].is_duplicated().any():
        raise ValueError("job_id must be unique")
    oc = (
        occupation_competencies.select(
            pl.col("occupation_code").cast(pl.String), pl.col("competency_id").cast(pl.String)
        ).unique(maintain_order=True)
        if occupation_competencies is not None
        else pl.DataFrame(schema={"occupation_code": pl.String, "competency_id": pl.String})
    )
    so = (
        seeker_occupations.select(
            pl.col("seeker_id").cast(s.schema["seeker_id"]),
            pl.col("occupation_code").cast(pl.String),
            (pl.col("grade") if "grade" in seeker_occupations.columns else pl.lit(None)).cast(pl.Int64).alias("grade"),
        )
        if seeker_occupations is not None
        else pl.DataFrame(schema={"seeker_id": s.schema["seeker_id"], "occupation_code": pl.String, "grade": pl.Int64})
    )
    # duplicates are summed away when the sparse matrix is built (its values are then set to 1)
    sc = (
        seeker_competencies.select(
            pl.col("seeker_id").cast(s.schema["seeker_id"]), pl.col("competency_id").cast(pl.String)
        )
        if seeker_competencies is not None
        else pl.DataFrame(schema={"seeker_id": s.schema["seeker_id"], "competency_id": pl.String})
    )
    occ_codes = sorted(
        set(oc["occupation_code"].to_list())
        | set(j["occupation_code"].to_list())
        | set(so["occupation_code"].drop_nulls().to_list())
    )
    occ_index = {c: i for i, c in enumerate(occ_codes)}
    prefixes = [occupation_prefixes(c) for c in occ_codes]
    med_names = {m: i for i, m in enumerate(sorted({p[0] for p in prefixes}))}
    min_names = {m: i for i, m in enumerate(sorted({p[1] for p in prefixes}))}
    occ_medium = np.array([med_names[p[0]] for p in prefixes], dtype=np.int64)
    occ_minor = np.array([min_names[p[1]] for p in prefixes], dtype=np.int64)
    medium_ptr, medium_occ = _csr_index(occ_medium, len(med_names))
    n_occ = len(occ_codes)

    comp_ids = sorted(set(oc["competency_id"].to_list()))
    {c: i for i, c in enumerate(comp_ids)}
    occ_lookup = pl.DataFrame({"occupation_code": occ_codes, "_o": np.arange(n_occ)}, schema_overrides={"_o": pl.Int64})
    comp_lookup = pl.DataFrame(
        {"competency_id": comp_ids, "_c": np.arange(len(comp_ids))},
        schema={"competency_id": pl.String, "_c": pl.Int64},
    )
    ocx = oc.join(occ_lookup, on="occupation_code").join(comp_lookup, on="competency_id")
    R = sp.csr_matrix(
        (np.ones(ocx.height, dtype=np.int32), (ocx["_o"].to_numpy(), ocx["_c"].to_numpy())),
        shape=(n_occ, len(comp_ids)),
    )
    R.data[:] = 1
    occ_nreq = np.diff(R.indptr).astype(np.int64)

    s_lookup = pl.DataFrame({"seeker_id": s["seeker_id"], "_s": np.arange(s.height, dtype=np.int64)})
    scx = (
        sc.with_columns(pl.col("competency_id").cast(pl.Enum(comp_ids), strict=False).to_physical().alias("_c"))
        .drop_nulls("_c")
        .join(s_lookup, on="seeker_id")
    )
    W = sp.csr_matrix(
        (np.ones(scx.height, dtype=np.int32), (scx["_s"].to_numpy(), scx["_c"].to_numpy())),
        shape=(s.height, len(comp_ids)),
    )
    W.data[:] = 1
    sox = (
        so.join(s_lookup, on="seeker_id")
        .join(occ_lookup, on="occupation_code")
        .group_by(["_s", "_o"])
        .agg(pl.col("grade").max())
        .sort(["_s", "_o"])
    )
    e_seeker = sox["_s"].to_numpy()
    e_ptr = np.searchsorted(e_seeker, np.arange(s.height + 1)).astype(np.int64)
    e_grade = sox["grade"].fill_null(-1).to_numpy().astype(np.int64)
    return _Prepared(
        weights=weights,
        occ_codes=occ_codes,
        occ_medium=occ_medium,
        occ_minor=occ_minor,
        occ_nreq=occ_nreq,
        medium_ptr=medium_ptr,
        medium_occ=medium_occ,
        seeker_ids=s["seeker_id"],
        s_region=_region_ints(s["region_code"], regions),
        s_pay=_plausible_pay(s["pay_expectation"]),
        e_ptr=e_ptr,
        e_occ=sox["_o"].to_numpy().astype(np.int64),
        e_grade=np.clip(e_grade, -1, 7),
        W=W,
        job_ids=j["job_id"],
        j_occ=np.array([occ_index[c] for c in j["occupation_code"].to_list()], dtype=np.int64),
        j_req=np.clip(j["required_grade"].fill_null(-1).to_numpy().astype(np.int64), -1, 7),
        j_region=_region_ints(j["region_code"], regions),
        j_pay=_plausible_pay(j["pay"]),
        R=R,
        comp_ids=comp_ids,
        occ_comp=oc,
    )


# --------------------------------------------------------------------------- pair tables


def _expand(ptr: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and CSR member indices for rows ``idx`` of a CSR pointer array."""
    starts, counts = ptr[idx], ptr[idx + 1] - ptr[idx]
    total = int(counts.sum())
    pos = np.repeat(np.arange(len(idx)), counts)
    offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return pos, np.repeat(starts, counts) + offs


def _pair_tables(
    p: _Prepared, s_idx: np.ndarray, occ: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tier, competency count and held grade for seekers ``s_idx`` × occupations ``occ``.

    Returns ``(tier, count, held, eligible)`` each shaped ``(len(s_idx), len(occ))``.
    """
    ns, no = len(s_idx), len(occ)
    tier = np.zeros((ns, no), dtype=np.int64)
    held = np.full((ns, no), -1, dtype=np.int64)
    rows, ent = _expand(p.e_ptr, s_idx)
    if len(ent):
        eo = p.e_occ[ent]
        same = eo[:, None] == occ[None, :]
        minor = p.occ_minor[eo][:, None] == p.occ_minor[occ][None, :]
        medium = p.occ_medium[eo][:, None] == p.occ_medium[occ][None, :]
        t = np.where(same, TIER_SAME, np.where(minor, TIER_MINOR, np.where(medium, TIER_MEDIUM, 0)))
        g = p.e_grade[ent][:, None]
        h = np.where(same, g, np.where(minor & (g >= 0), g - 1, -1))
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        tier[rows[starts]] = np.maximum.reduceat(t, starts, axis=0)
        held[rows[starts]] = np.maximum.reduceat(h, starts, axis=0)
    cnt = np.asarray((p.W[s_idx] @ p.R[occ].T).toarray(), dtype=np.int64)
    eligible = (tier > 0) | (cnt > 0)
    return tier, cnt, held, eligible


def _cov_points(cnt: np.ndarray, nreq: np.ndarray, full: int) -> np.ndarray:
    safe = np.maximum(nreq, 1)
    return np.where(nreq > 0, (full * cnt) // safe, full // 2)


# --------------------------------------------------------------------------- kernels


def _finish(
    top_key: np.ndarray, shift: int, rows: np.ndarray, count=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    keep = top_key >= 0
    rr = np.broadcast_to(np.arange(len(rows))[:, None], top_key.shape)[keep]
    tk = top_key[keep]
    tc = ((1 << shift) - 1) - (tk & ((1 << shift) - 1))
    cnt = count(rr, tc) if count is not None and len(tc) else np.zeros(len(tc), np.int64)
    return rows[rr], tc, tk, cnt


def _seekers_block(p: _Prepared, rows: np.ndarray, o: int, k: int, budget: int, ctx: dict) -> tuple:
    """Top-k seekers for a block of jobs that all have occupation ``o``.

    Candidates come in stages — holders of ``o`` and seekers sharing its competencies, then the
    rest of its minor group, then its medium group — and a stage is skipped once its best
    possible score is below every row's k-th score.
    """
    w = p.weights
    shift = max(1, (p.n_seekers - 1).bit_length())
    B = len(rows)
    top_key = np.full((B, k), -1, dtype=np.int64)
    gt = w.grade_table()
    req = p.j_req[rows]
    region_pts = np.asarray(w.region)
    cov0 = int(_cov_points(np.zeros(1, np.int64), p.occ_nreq[o : o + 1], w.competencies)[0])
    optr, oseek = ctx["occ_seekers"]
    mptr, mseek = ctx["minor_seekers"]
    dptr, dseek = ctx["medium_seekers"]
    ct = ctx["CT"]
    mi, me = p.occ_minor[o], p.occ_medium[o]
    stages = [
        (None, lambda: np.union1d(oseek[optr[o] : optr[o + 1]], ct.indices[ct.indptr[o] : ct.indptr[o + 1]])),
        (w.occupation[TIER_MINOR], lambda: mseek[mptr[mi] : mptr[mi + 1]]),
        (w.occupation[TIER_MEDIUM], lambda: dseek[dptr[me] : dptr[me + 1]]),
    ]
    seen = np.zeros(0, dtype=np.int64)
    got_s: list[np.ndarray] = []
    got_c: list[np.ndarray] = []
    for bound, members in stages:
        if bound is not None:
            full = (top_key >= 0).all(axis=1)
            best = bound + cov0 + w.grade + w.max_other
            if full.all() and best < (top_key.min(axis=1) >> shift).min():
                break
        cand = np.setdiff1d(members(), seen, assume_unique=True).astype(np.int64)
        if len(cand) == 0:
            continue
        seen = np.union1d(seen, cand)
        tier, cnt, held, elig = _pair_tables(p, cand, np.array([o]))
        tier, cnt, held, elig = tier[:, 0], cnt[:, 0], held[:, 0], elig[:, 0]
        cand, tier, cnt, held = cand[elig], tier[elig], cnt[elig], held[elig]
        got_s.append(cand)
        got_c.append(cnt)
        base = np.asarray(w.occupation)[tier] + _cov_points(cnt, p.occ_nreq[o], w.competencies)
        A = base[:, None] + gt[held + 1]  # (cand, 9)
        # bound without region and pay; candidates in segments of one region, bound-sorted inside
        ub = base + gt[held + 1, req.min() + 1]
        s_reg = p.s_region[cand]
        order = np.lexsort((cand, -ub, s_reg))
        cand, A, ub, s_reg = cand[order], A[order], ub[order], s_reg[order]
        seg = np.flatnonzero(np.r_[True, s_reg[1:] != s_reg[:-1]])
        _seekers_kernel(
            top_key,
            shift,
            cand.astype(np.int64),
            np.ascontiguousarray(A, dtype=np.int64),
            ub.astype(np.int64),
            np.r_[seg, len(cand)].astype(np.int64),
            s_reg[seg].astype(np.int64),
            req.astype(np.int64),
            p.j_region[rows].astype(np.int64),
            p.j_pay[rows].astype(np.float64),
            p.s_pay,
            region_pts.astype(np.int64),
            int(w.pay),
        )

    def count(_r: np.ndarray, c: np.ndarray) -> np.ndarray:
        gs, gc = np.concatenate(got_s), np.concatenate(got_c)
        o_ = np.argsort(gs)
        return gc[o_][np.searchsorted(gs[o_], c)]

    return _finish(top_key, shift, rows, count)


@nb.njit(cache=True, nogil=True, inline="always")
def _region_tier(a: int, b: int) -> int:
    """Scalar :func:`region_tiers` (4 district, 3 city, 2 province, 1 elsewhere, 0 unknown)."""
    if a < 0 or b < 0:
        return REGION_UNKNOWN
    if a == b and a % 100 != 0:
        return REGION_DISTRICT
    ca = a // 100
    if ca == b // 100 and ca % 100 != 0:
        return REGION_CITY
    if a // 10000 == b // 10000:
        return REGION_PROVINCE
    return REGION_ELSEWHERE


@nb.njit(cache=True, nogil=True, inline="always")
def _pay_point(e: float, pay: float, full: int) -> int:
    """Scalar :func:`_pay_points` (same floating-point operations, so the same integers)."""
    if not (np.isfinite(e) and e > 0) or not (np.isfinite(pay) and pay >= 0):
        return full // 2
    t = min(pay, e)
    t *= full
    t /= e
    return int(np.floor(t))


@nb.njit(cache=True, nogil=True, inline="always")
def _offer(
    top: np.ndarray, info: np.ndarray, nk: int, kmin: int, key: int, t: int, h: int, c: int, rt: int, pp: int
) -> tuple[int, int]:
    """Put ``key`` into the running top-k (``top[:nk]``, smallest at ``kmin`` once full).

    ``info`` keeps the parts shown with a result: tier, held grade, competencies held, region
    tier, pay points.
    """
    k = top.shape[0]
    if nk < k:
        slot = nk
        nk += 1
    elif key > top[kmin]:
        slot = kmin
    else:
        return nk, kmin
    top[slot] = key
    info[slot, 0], info[slot, 1], info[slot, 2], info[slot, 3], info[slot, 4] = t, h, c, rt, pp
    if nk == k:
        kmin = 0
        for z in range(1, k):
            if top[z] < top[kmin]:
                kmin = z
    return nk, kmin


@nb.njit(cache=True, nogil=True)
def _jobs_kernel(
    lo: int,
    hi: int,
    shift: int,
    e_ptr: np.ndarray,
    e_occ: np.ndarray,
    e_grade: np.ndarray,
    w_ptr: np.ndarray,
    w_idx: np.ndarray,
    rt_ptr: np.ndarray,
    rt_idx: np.ndarray,
    s_region: np.ndarray,
    s_pay: np.ndarray,
    occ_minor: np.ndarray,
    occ_medium: np.ndarray,
    medium_ptr: np.ndarray,
    medium_occ: np.ndarray,
    occ_nreq: np.ndarray,
    occ_grp: np.ndarray,
    occ_minreq: np.ndarray,
    occ_maxpay: np.ndarray,
    occ_nopay: np.ndarray,
    grp_region: np.ndarray,
    grp_minreq: np.ndarray,
    grp_maxpay: np.ndarray,
    grp_nopay: np.ndarray,
    grp_cls: np.ndarray,
    cls_req: np.ndarray,
    cls_nopay: np.ndarray,
    cls_ptr: np.ndarray,
    by_pay_job: np.ndarray,
    by_pay_pay: np.ndarray,
    by_id_job: np.ndarray,
    by_id_pay: np.ndarray,
    occ_pts: np.ndarray,
    gt: np.ndarray,
    region_pts: np.ndarray,
    w_comp: int,
    w_pay: int,
    out_job: np.ndarray,
    out_info: np.ndarray,
    out_n: np.ndarray,
) -> None:
    """Exact top-k jobs for seekers ``lo..hi`` (slots ``s * k ...`` of the outputs, best first).

    Jobs are grouped by occupation, then region (a *group*), then required grade and pay-known
    flag (a *class*). For a seeker every score part but pay is constant inside a class, so:

    * occupations are visited best bound first and left out once their bound is below the
      current k-th score; inside one, the seeker's own region comes first;
    * a region group or a class is skipped when its bound is below the k-th score;
    * inside a class, openings paying at least the expectation all get the same pay points, so
      they are read in id order (``by_id``) and only until one can no longer enter; openings
      paying less are read by pay, descending (``by_pay``), until the score falls below the
      k-th.

    Keys ``score << shift | (mask − job)`` are unique and every skip compares a true upper
    bound with ``<`` (scores) or ``<=`` (keys, which are unique), so the result equals the
    full sort.
    """
    k = out_job.shape[0] // max(out_n.shape[0], 1)
    n_occ = occ_minor.shape[0]
    mask = (1 << shift) - 1
    tier = np.zeros(n_occ, dtype=np.int64)
    held = np.full(n_occ, -1, dtype=np.int64)
    cnt = np.zeros(n_occ, dtype=np.int64)
    seen = np.zeros(n_occ, dtype=np.bool_)
    touched = np.empty(n_occ, dtype=np.int64)
    cand_ub = np.empty(n_occ, dtype=np.int64)
    cand = np.empty(n_occ, dtype=np.int64)
    occ_part = np.empty(n_occ, dtype=np.int64)
    top = np.empty(k, dtype=np.int64)
    info = np.empty((k, 5), dtype=np.int64)
    max_region = region_pts.max()
    rest_region = max(
        region_pts[REGION_UNKNOWN], region_pts[REGION_ELSEWHERE], region_pts[REGION_PROVINCE], region_pts[REGION_CITY]
    )
    half_pay = w_pay // 2
    for s in range(lo, hi):
        # candidate occupations: medium groups of held occupations, occupations sharing competencies
        nt = 0
        for e in range(e_ptr[s], e_ptr[s + 1]):
            eo, g = e_occ[e], e_grade[e]
            m = occ_medium[eo]
            for q in range(medium_ptr[m], medium_ptr[m + 1]):
                o = medium_occ[q]
                if not seen[o]:
                    seen[o] = True
                    touched[nt] = o
                    nt += 1
                if o == eo:
                    t, h = 3, g
                elif occ_minor[o] == occ_minor[eo]:
                    t, h = 2, (g - 1 if g >= 0 else -1)
                else:
                    t, h = 1, -1
                if t > tier[o]:
                    tier[o] = t
                if h > held[o]:
                    held[o] = h
        for q in range(w_ptr[s], w_ptr[s + 1]):
            c = w_idx[q]
            for r in range(rt_ptr[c], rt_ptr[c + 1]):
                o = rt_idx[r]
                if not seen[o]:
                    seen[o] = True
                    touched[nt] = o
                    nt += 1
                cnt[o] += 1
        rs = s_region[s]
        es = s_pay[s]
        e_known = np.isfinite(es) and es > 0
        pay_at_expectation = _pay_point(es, es, w_pay)  # every offer >= es gets exactly this
        reg_ub = max_region if rs >= 0 else region_pts[REGION_UNKNOWN]
        nc = 0
        for i in range(nt):
            o = touched[i]
            if occ_grp[o + 1] > occ_grp[o] and (tier[o] > 0 or cnt[o] > 0):
                nreq = occ_nreq[o]
                a = occ_pts[tier[o]] + ((w_comp * cnt[o]) // nreq if nreq > 0 else w_comp // 2)
                occ_part[o] = a
                p_ub = _pay_point(es, occ_maxpay[o], w_pay)
                if occ_nopay[o] and half_pay > p_ub:
                    p_ub = half_pay
                cand[nc] = o
                cand_ub[nc] = a + gt[held[o] + 1, occ_minreq[o] + 1] + reg_ub + p_ub
                nc += 1
        nk, kmin = 0, 0
        for _ in range(nc):
            # next occupation: the best remaining bound (few are visited, so no full sort)
            i = 0
            for z in range(1, nc):
                if cand_ub[z] > cand_ub[i]:
                    i = z
            if cand_ub[i] == _DONE or (nk == k and cand_ub[i] < (top[kmin] >> shift)):
                break
            cand_ub[i] = _DONE
            o = cand[i]
            a, c_o, t_o, h = occ_part[o], cnt[o], tier[o], held[o]
            g0, g1 = occ_grp[o], occ_grp[o + 1]
            own = g0  # the seeker's own region first: it usually fills the top-k with high scores
            while own < g1 and grp_region[own] != rs:
                own += 1
            # bound of every other region group (none of them can be the same district)
            rest_ub = a + gt[h + 1, occ_minreq[o] + 1] + (rest_region if rs >= 0 else region_pts[REGION_UNKNOWN])
            p_ub = _pay_point(es, occ_maxpay[o], w_pay)
            rest_ub += half_pay if occ_nopay[o] and half_pay > p_ub else p_ub
            for step in range(-1, g1 - g0):
                if step == 0 and nk == k and rest_ub < (top[kmin] >> shift):
                    break
                gi = own if step < 0 else g0 + step
                if gi == g1 or (step >= 0 and gi == own):
                    continue
                rt = _region_tier(rs, grp_region[gi])
                r_pts = region_pts[rt]
                p_ub = _pay_point(es, grp_maxpay[gi], w_pay)
                if grp_nopay[gi] and half_pay > p_ub:
                    p_ub = half_pay
                if nk == k and a + gt[h + 1, grp_minreq[gi] + 1] + r_pts + p_ub < (top[kmin] >> shift):
                    continue
                for cl in range(grp_cls[gi], grp_cls[gi + 1]):
                    part = a + gt[h + 1, cls_req[cl] + 1] + r_pts
                    q0, q1 = cls_ptr[cl], cls_ptr[cl + 1]
                    if cls_nopay[cl] or not e_known:
                        # every offer of the class gets the neutral pay points: id order
                        score = part + half_pay
                        for q in range(q0, q1):
                            key = (score << shift) | (mask - by_id_job[q])
                            if nk == k and key <= top[kmin]:
                                break
                            nk, kmin = _offer(top, info, nk, kmin, key, t_o, h, c_o, rt, half_pay)
                        continue
                    if nk == k and part + _pay_point(es, by_pay_pay[q0], w_pay) < (top[kmin] >> shift):
                        continue
                    # offers paying at least es: the same score, so smallest ids first
                    lo_q, hi_q = q0, q1  # first offer paying less than es (pays descending)
                    while lo_q < hi_q:
                        mid = (lo_q + hi_q) // 2
                        if by_pay_pay[mid] >= es:
                            lo_q = mid + 1
                        else:
                            hi_q = mid
                    n_at = lo_q - q0
                    if n_at:
                        score = part + pay_at_expectation
                        left = n_at
                        for q in range(q0, q1):
                            if by_id_pay[q] < es:
                                continue
                            key = (score << shift) | (mask - by_id_job[q])
                            if nk == k and key <= top[kmin]:
                                break
                            nk, kmin = _offer(top, info, nk, kmin, key, t_o, h, c_o, rt, pay_at_expectation)
                            left -= 1
                            if left == 0:
                                break
                    # offers paying less: by pay, descending
                    for q in range(q0 + n_at, q1):
                        pp = _pay_point(es, by_pay_pay[q], w_pay)
                        score = part + pp
                        if nk == k and score < (top[kmin] >> shift):
                            break
                        key = (score << shift) | (mask - by_pay_job[q])
                        nk, kmin = _offer(top, info, nk, kmin, key, t_o, h, c_o, rt, pp)
        # write the top-k best first and reset the scratch tables
        base = s * k
        for r in range(nk):
            best = r
            for z in range(r + 1, nk):
                if top[z] > top[best]:
                    best = z
            top[r], top[best] = top[best], top[r]
            for f in range(5):
                info[r, f], info[best, f] = info[best, f], info[r, f]
            out_job[base + r] = mask - (top[r] & mask)
            for f in range(5):
                out_info[base + r, f] = info[r, f]
        out_n[s] = nk
        for i in range(nt):
            o = touched[i]
            seen[o] = False
            tier[o] = 0
            held[o] = -1
            cnt[o] = 0


@nb.njit(cache=True, nogil=True)
def _seekers_kernel(
    top_key: np.ndarray,
    shift: int,
    cand: np.ndarray,
    A: np.ndarray,
    ub: np.ndarray,
    seg_ptr: np.ndarray,
    seg_region: np.ndarray,
    req: np.ndarray,
    j_region: np.ndarray,
    j_pay: np.ndarray,
    s_pay: np.ndarray,
    region_pts: np.ndarray,
    w_pay: int,
) -> None:
    """Merge candidates ``cand`` into each job's top-k.

    Candidates come in segments of one region (``seg_ptr``, ``seg_region``), each sorted by
    ``ub`` (occupation, competency and grade points at the block's lowest requirement),
    descending. ``A[i, req + 1]`` is candidate ``i``'s occupation, competency and grade points
    for a job requiring ``req``. A job reads its own region's segment first, then the others;
    a segment is left at the first candidate whose bound (``ub`` + the segment's region points +
    full pay) is below the job's k-th score. ``top_key`` rows hold keys ``score << shift |
    (mask − seeker)``, −1 for an empty slot.
    """
    mask = (1 << shift) - 1
    k = top_key.shape[1]
    n_seg = seg_region.shape[0]
    for b in range(top_key.shape[0]):
        top = top_key[b]
        nk, kmin = 0, 0
        for z in range(k):
            if top[z] >= 0:
                nk += 1
        if nk == k:
            for z in range(1, k):
                if top[z] < top[kmin]:
                    kmin = z
        col, rj, pj = req[b] + 1, j_region[b], j_pay[b]
        own = 0
        while own < n_seg and seg_region[own] != rj:
            own += 1
        for step in range(-1, n_seg):
            g = own if step < 0 else step
            if g == n_seg or (step >= 0 and g == own):
                continue
            r_pts = region_pts[_region_tier(rj, seg_region[g])]
            for i in range(seg_ptr[g], seg_ptr[g + 1]):
                if nk == k and ub[i] + r_pts + w_pay < (top[kmin] >> shift):
                    break
                c = cand[i]
                score = A[i, col] + r_pts + _pay_point(s_pay[c], pj, w_pay)
                key = (score << shift) | (mask - c)
                if nk < k:
                    # empty slots hold -1 and sit anywhere: fill the first one
                    z = 0
                    while top[z] >= 0:
                        z += 1
                    top[z] = key
                    nk += 1
                    if nk == k:
                        kmin = 0
                        for z in range(1, k):
                            if top[z] < top[kmin]:
                                kmin = z
                elif key > top[kmin]:
                    top[kmin] = key
                    kmin = 0
                    for z in range(1, k):
                        if top[z] < top[kmin]:
                            kmin = z


def _run(tasks: list, fn, n_jobs: int) -> list:
    if n_jobs <= 1 or len(tasks) <= 1:
        return [fn(t) for t in tasks]
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        return list(pool.map(fn, tasks))


# --------------------------------------------------------------------------- output


def _tier_held(p: _Prepared, s: np.ndarray, jo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occupation tier and held grade for flat (seeker, job occupation) pairs."""
    n = len(s)
    tier = np.zeros(n, dtype=np.int64)
    held = np.full(n, -1, dtype=np.int64)
    counts = p.e_ptr[s + 1] - p.e_ptr[s]
    if counts.sum():
        pair = np.repeat(np.arange(n), counts)
        ent = np.repeat(p.e_ptr[s], counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
        eo, o = p.e_occ[ent], jo[pair]
        same = eo == o
        minor = p.occ_minor[eo] == p.occ_minor[o]
        medium = p.occ_medium[eo] == p.occ_medium[o]
        t = np.where(same, TIER_SAME, np.where(minor, TIER_MINOR, np.where(medium, TIER_MEDIUM, 0)))
        g = p.e_grade[ent]
        h = np.where(same, g, np.where(minor & (g >= 0), g - 1, -1))
        np.maximum.at(tier, pair, t)
        np.maximum.at(held, pair, h)
    return tier, held


def _parts(
    p: _Prepared,
    s: np.ndarray,
    j: np.ndarray,
    cnt: np.ndarray | None = None,
    tier: np.ndarray | None = None,
    held: np.ndarray | None = None,
    rt: np.ndarray | None = None,
    pay: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Score parts for flat (seeker, job) index pairs (any length).

    ``cnt`` (competencies held), ``tier``, ``held`` (grade), ``rt`` (region tier) and ``pay``
    (pay points) are recomputed unless given.
    """
    w = p.weights
    jo = p.j_occ[j]
    if tier is None or held is None:
        tier, held = _tier_held(p, s, jo)
    if cnt is None:
        cnt = np.asarray(p.W[s].multiply(p.R[jo]).sum(axis=1)).ravel().astype(np.int64)
    nreq = p.occ_nreq[jo]
    if rt is None:
        rt = region_tiers(p.s_region[s], p.j_region[j])
    if pay is None:
        pay = _pay_points(p.s_pay[s], p.j_pay[j], w.pay)
    parts = {
        "occupation_points": np.asarray(w.occupation)[tier],
        "competency_points": _cov_points(cnt, nreq, w.competencies),
        "grade_points": w.grade_table()[held + 1, p.j_req[j] + 1],
        "region_points": np.asarray(w.region)[rt],
        "pay_points": pay,
    }
    parts["_tier"] = tier
    parts["_held"] = held
    parts["_cnt"] = cnt
    parts["_nreq"] = nreq
    parts["_region_tier"] = rt
    return parts


def _grade_text(g: int, zh: bool) -> str:
    if g < 0:
        return "无" if zh else "none"
    return Grade(g).zh if zh else Grade(g).en


def _explain(p: _Prepared, parts: dict[str, np.ndarray], s: np.ndarray, j: np.ndarray) -> tuple[list[str], list[str]]:
    sc = p.weights.scale
    zh_out, en_out = [], []
    occ_codes = p.occ_codes
    for i in range(len(s)):
        jj = j[i]
        code = occ_codes[p.j_occ[jj]]
        t = int(parts["_tier"][i])
        if t == 0:
            t_zh, t_en = _TIER_ZH[0], _TIER_EN[0]
        else:
            t_zh, t_en = _TIER_ZH[t], _TIER_EN[t]
        occ_pts = parts["occupation_points"][i] / sc
        cov_pts = parts["competency_points"][i] / sc
        g_pts = parts["grade_points"][i] / sc
        r_pts = parts["region_points"][i] / sc
        pay_pts = parts["pay_points"][i] / sc
        cnt, nreq = int(parts["_cnt"][i]), int(parts["_nreq"][i])
        req, held = int(p.j_req[jj]), int(parts["_held"][i])
        rt = int(parts["_region_tier"][i])
        cov_zh = f"技能覆盖 {cnt}/{nreq}" if nreq else "职业未列技能（中性）"
        cov_en = f"competencies {cnt}/{nreq}" if nreq else "no competencies listed (neutral)"
        if req < 0:
            g_zh, g_en = "不限等级", "no grade required"
        else:
            if held < 0:
                g_zh = f"要求{_grade_text(req, True)}，尚无该职业等级"
                g_en = f"needs {_grade_text(req, False)}, holds no grade in it"
            else:
                g_zh = f"要求{_grade_text(req, True)}，持有{_grade_text(held, True)}"
                g_en = f"needs {_grade_text(req, False)}, holds {_grade_text(held, False)}"
        e, pay = p.s_pay[s[i]], p.j_pay[jj]
        if not (np.isfinite(e) and np.isfinite(pay) and e > 0):
            pay_zh, pay_en = "薪酬不明（中性）", "pay unknown (neutral)"
        elif pay >= e:
            pay_zh, pay_en = "达到期望薪酬", "meets expectation"
        else:
            pay_zh, pay_en = f"低于期望 {pay:.0f}/{e:.0f}", f"below expectation {pay:.0f}/{e:.0f}"
        zh_out.append(
            f"岗位 {p.job_ids[int(jj)]}（{code}）：{t_zh} +{occ_pts:g}；{cov_zh} +{cov_pts:g}；"
            f"等级：{g_zh} +{g_pts:g}；地区：{_REGION_ZH[rt]} +{r_pts:g}；薪酬：{pay_zh} +{pay_pts:g}"
        )
        en_out.append(
            f"job {p.job_ids[int(jj)]} ({code}): {t_en} +{occ_pts:g}; {cov_en} +{cov_pts:g}; "
            f"grade: {g_en} +{g_pts:g}; region: {_REGION_EN[rt]} +{r_pts:g}; pay: {pay_en} +{pay_pts:g}"
        )
    return zh_out, en_out


def _covered_missing(p: _Prepared, s: np.ndarray, j: np.ndarray) -> tuple[pl.Series, pl.Series]:
    covered, missing = [], []
    for si, ji in zip(s.tolist(), j.tolist(), strict=True):
        have = set(p.W.indices[p.W.indptr[si] : p.W.indptr[si + 1]].tolist())
        o = int(p.j_occ[ji])
        req = p.R.indices[p.R.indptr[o] : p.R.indptr[o + 1]].tolist()
        covered.append(sorted(p.comp_ids[c] for c in req if c in have))
        missing.append(sorted(p.comp_ids[c] for c in req if c not in have))
    return (
        pl.Series("competencies_covered", covered, dtype=pl.List(pl.String)),
        pl.Series("competencies_missing", missing, dtype=pl.List(pl.String)),
    )


def _result_frame(
    p: _Prepared,
    s: np.ndarray,
    j: np.ndarray,
    rank: np.ndarray,
    explain: bool,
    seekers_first: bool,
    cnt: np.ndarray | None = None,
    tier: np.ndarray | None = None,
    held: np.ndarray | None = None,
    rt: np.ndarray | None = None,
    pay: np.ndarray | None = None,
) -> pl.DataFrame:
    parts = _parts(p, s, j, cnt, tier, held, rt, pay)
    sc = p.weights.scale
    names = ["occupation_points", "competency_points", "grade_points", "region_points", "pay_points"]
    total = sum(parts[n] for n in names)
    pay_known = np.isfinite(p.s_pay[s]) & np.isfinite(p.j_pay[j]) & (p.s_pay[s] > 0)
    cols: dict[str, object] = {
        "seeker_id": p.seeker_ids.gather(s) if len(s) else p.seeker_ids.clear(),
        "job_id": p.job_ids.gather(j) if len(j) else p.job_ids.clear(),
        "rank": pl.Series("rank", rank, dtype=pl.Int32),
        "score": pl.Series("score", np.asarray(total) / sc, dtype=pl.Float64),
        "occupation_code": pl.Series(p.occ_codes, dtype=pl.String).gather(p.j_occ[j]),
        "occupation_tier": pl.Series(_TIER_NAMES, dtype=pl.Enum(_TIER_NAMES)).gather(parts["_tier"]),
        "region_tier": pl.Series(_REGION_NAMES, dtype=pl.Enum(_REGION_NAMES)).gather(parts["_region_tier"]),
    }
    for n in names:
        cols[n] = pl.Series(n, parts[n] / sc, dtype=pl.Float64)
    cols["competencies_held"] = pl.Series(parts["_cnt"], dtype=pl.Int32)
    cols["competencies_required"] = pl.Series(parts["_nreq"], dtype=pl.Int32)
    # flags: one of 8 fixed lists, picked by a 3-bit code (much cheaper than building lists per row)
    code = (parts["_region_tier"] == REGION_UNKNOWN).astype(np.int8)
    code |= (parts["_nreq"] == 0).astype(np.int8) << 1
    code |= (~pay_known).astype(np.int8) << 2
    cols["flags"] = _FLAG_LISTS.gather(code)
    frame = pl.DataFrame(cols)
    if explain:
        cov, miss = _covered_missing(p, s, j)
        zh, en = _explain(p, parts, s, j)
        frame = frame.with_columns(cov, miss, pl.Series("explanation_zh", zh), pl.Series("explanation_en", en))
    if not seekers_first:
        frame = frame.select("job_id", "seeker_id", *[c for c in frame.columns if c not in ("job_id", "seeker_id")])
    return frame


def _ranks(group: np.ndarray) -> np.ndarray:
    if len(group) == 0:
        return np.zeros(0, dtype=np.int32)
    start = np.r_[True, group[1:] != group[:-1]]
    idx = np.arange(len(group))
    first = np.maximum.accumulate(np.where(start, idx, 0))
    return (idx - first + 1).astype(np.int32)


# --------------------------------------------------------------------------- public API


def match_jobs_for_seekers(
    seekers: pl.DataFrame,
    jobs: pl.DataFrame,
    *,
    seeker_occupations: pl.DataFrame | None = None,
    seeker_competencies: pl.DataFrame | None = None,
    occupation_competencies: pl.DataFrame | None = None,
    regions: Sequence[int] | None = None,
    k: int = 10,
    weights: MatchWeights | None = None,
    block_size: int = 1024,
    budget: int = 1 << 21,
    n_jobs: int | None = None,
    explain: bool = True,
) -> pl.DataFrame:
    """Top-k jobs for every seeker.

    Args:
        seekers: ``seeker_id (unique), region_code (GB/T 2260, nullable), pay_expectation
            (monthly CNY, nullable)``. Any other column is ignored; protected-trait columns
            (:data:`PROTECTED_COLUMNS`) are dropped before anything else.
        jobs: ``job_id (unique), occupation_code, required_grade (0–7, nullable), region_code
            (nullable), pay (monthly CNY, nullable)``.
        seeker_occupations: ``seeker_id, occupation_code, grade (nullable)`` — e.g.
            ``WorkerProfile.grades`` renamed.
        seeker_competencies: ``seeker_id, competency_id``.
        occupation_competencies: ``occupation_code, competency_id[, text]``.
        regions: Known region codes (6-digit ints); codes outside it count as unknown.
        k: Results per seeker.
        weights: Part weights.
        block_size: Seekers per call of the compiled kernel; threads take calls in turn
            (results do not depend on it).
        budget: Not used any more (kept so that existing calls work): no score matrix is built.
            Memory is ``k`` result slots per seeker plus per-thread tables the size of the
            occupation list.
        n_jobs: Worker threads (default: CPU count); the kernel releases the GIL.
        explain: Add covered/missing competency lists and Chinese/English explanations.

    Returns:
        One row per (seeker, job), ``rank`` 1..k by score then ``job_id``: ``seeker_id, job_id,
        rank, score, occupation_code, occupation_tier, region_tier, occupation_points,
        competency_points, grade_points, region_points, pay_points, competencies_held,
        competencies_required, flags`` and, with ``explain``, ``competencies_covered,
        competencies_missing, explanation_zh, explanation_en``.
    """
    _check_k(k)
    p = _prepare(
        seekers,
        jobs,
        seeker_occupations,
        seeker_competencies,
        occupation_competencies,
        regions,
        weights or MatchWeights(),
    )
    return _assemble_seekers(p, _jobs_for_seekers(p, k, block_size, n_jobs or os.cpu_count() or 1), explain)


def _job_classes(p: _Prepared) -> dict[str, np.ndarray]:
    """Jobs grouped for the kernel: occupation → region group → class → jobs.

    A class holds the jobs of one occupation, region, required grade and pay-known flag; its
    jobs are listed twice, by pay (descending, then index) and by index. Groups (occupation,
    region) and classes are contiguous and sorted.
    """
    n_occ = len(p.occ_codes)
    unknown_pay = ~(np.isfinite(p.j_pay) & (p.j_pay >= 0))
    neg_pay = np.where(unknown_pay, 0.0, -p.j_pay)
    idx = np.arange(p.n_jobs, dtype=np.int64)
    by_pay = np.lexsort((idx, neg_pay, unknown_pay, p.j_req, p.j_region, p.j_occ))
    by_id = np.lexsort((idx, unknown_pay, p.j_req, p.j_region, p.j_occ))
    o, reg, req, up = p.j_occ[by_pay], p.j_region[by_pay], p.j_req[by_pay], unknown_pay[by_pay]
    n = len(by_pay)
    new_grp = np.r_[True, (o[1:] != o[:-1]) | (reg[1:] != reg[:-1])][:n]
    new_cls = new_grp | np.r_[True, (req[1:] != req[:-1]) | (up[1:] != up[:-1])][:n]
    cls_start = np.flatnonzero(new_cls)
    grp_start = np.flatnonzero(new_grp)
    grp_of_job = np.cumsum(new_grp) - 1
    grp_occ = o[grp_start]
    known_pay = np.where(up, -np.inf, -neg_pay[by_pay])
    grp_maxpay = np.full(len(grp_start), -np.inf)
    np.maximum.at(grp_maxpay, grp_of_job, known_pay)
    grp_nopay = np.zeros(len(grp_start), dtype=np.bool_)
    grp_nopay[grp_of_job[up]] = True
    grp_minreq = np.full(len(grp_start), 7, dtype=np.int64)
    np.minimum.at(grp_minreq, grp_of_job, req)
    occ_maxpay = np.full(n_occ, -np.inf)
    np.maximum.at(occ_maxpay, grp_occ, grp_maxpay)
    occ_nopay = np.zeros(n_occ, dtype=np.bool_)
    occ_nopay[grp_occ[grp_nopay]] = True
    occ_minreq = np.full(n_occ, 7, dtype=np.int64)
    np.minimum.at(occ_minreq, grp_occ, grp_minreq)
    pay = p.j_pay.astype(np.float64)
    return {
        "occ_grp": np.searchsorted(grp_occ, np.arange(n_occ + 1)).astype(np.int64),
        "occ_minreq": occ_minreq,
        "occ_maxpay": np.where(np.isfinite(occ_maxpay), occ_maxpay, np.nan),
        "occ_nopay": occ_nopay,
        "grp_region": reg[grp_start].astype(np.int64),
        "grp_minreq": grp_minreq,
        "grp_maxpay": np.where(np.isfinite(grp_maxpay), grp_maxpay, np.nan),
        "grp_nopay": grp_nopay,
        "grp_cls": np.searchsorted(cls_start, np.r_[grp_start, n]).astype(np.int64),
        "cls_req": req[cls_start].astype(np.int64),
        "cls_nopay": up[cls_start],
        "cls_ptr": np.r_[cls_start, n].astype(np.int64),
        "by_pay_job": by_pay.astype(np.int64),
        "by_pay_pay": pay[by_pay],
        "by_id_job": by_id.astype(np.int64),
        "by_id_pay": pay[by_id],
    }


def _jobs_for_seekers(p: _Prepared, k: int, chunk: int, n_jobs: int) -> dict[str, np.ndarray]:
    """Run the compiled kernel over all seekers in chunks (threads; the kernel releases the GIL)."""
    w = p.weights
    n = p.n_seekers
    shift = max(1, (p.n_jobs - 1).bit_length())
    cls = _job_classes(p)
    RT = p.R.T.tocsr()
    W = p.W
    i64 = np.int64
    out: dict[str, np.ndarray] = {
        "job": np.zeros(n * k, dtype=i64),
        # tier, held grade, competencies held, region tier, pay points
        "info": np.zeros((n * k, 5), dtype=np.int32),
        "n": np.zeros(n, dtype=i64),
    }
    args: tuple[Any, ...] = (
        shift,
        p.e_ptr.astype(i64),
        p.e_occ.astype(i64),
        p.e_grade.astype(i64),
        W.indptr.astype(i64),
        W.indices.astype(i64),
        RT.indptr.astype(i64),
        RT.indices.astype(i64),
        p.s_region.astype(i64),
        p.s_pay.astype(np.float64),
        p.occ_minor.astype(i64),
        p.occ_medium.astype(i64),
        p.medium_ptr.astype(i64),
        p.medium_occ.astype(i64),
        p.occ_nreq.astype(i64),
        *(
            cls[name]
            for name in (
                "occ_grp",
                "occ_minreq",
                "occ_maxpay",
                "occ_nopay",
                "grp_region",
                "grp_minreq",
                "grp_maxpay",
                "grp_nopay",
                "grp_cls",
                "cls_req",
                "cls_nopay",
                "cls_ptr",
                "by_pay_job",
                "by_pay_pay",
                "by_id_job",
                "by_id_pay",
            )
        ),
        np.asarray(w.occupation, dtype=i64),
        w.grade_table().astype(i64),
        np.asarray(w.region, dtype=i64),
        int(w.competencies),
        int(w.pay),
        out["job"],
        out["info"],
        out["n"],
    )
    if p.n_jobs and n and k:
        chunk = max(1, chunk)
        _run(
            [(a, min(a + chunk, n)) for a in range(0, n, chunk)],
            lambda t: _jobs_kernel(t[0], t[1], *args),
            n_jobs,
        )
    return out


def _assemble_seekers(p: _Prepared, out: dict[str, np.ndarray], explain: bool) -> pl.DataFrame:
    """Result frame from the kernel's per-seeker slots (already in seeker, rank order)."""
    n = p.n_seekers
    k = len(out["job"]) // max(n, 1)
    if k and (out["n"] == k).all():  # the usual case: every seeker has k results
        r = np.repeat(np.arange(n, dtype=np.int64), k)
        rank = np.tile(np.arange(1, k + 1, dtype=np.int32), n)
        j, info = out["job"], out["info"]
    else:
        slot = np.arange(len(out["job"]), dtype=np.int64)
        if k:
            slot = slot[(slot % k) < np.repeat(out["n"], k)]
        r = slot // max(k, 1)
        rank = (slot - r * k + 1).astype(np.int32)
        j, info = out["job"][slot], out["info"][slot]
    chunk = 1 << 20  # bounds the temporaries of the per-row parts
    frames = [
        _result_frame(
            p, r[sl], j[sl], rank[sl], explain, True, *(info[sl, f].astype(np.int64) for f in (2, 0, 1, 3, 4))
        )
        for sl in (slice(a, a + chunk) for a in range(0, max(len(r), 1), chunk))
    ]
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=False)


def _assemble(p: _Prepared, out: list, explain: bool, seekers_first: bool) -> pl.DataFrame:
    if out:
        r, c, key, cnt = (np.concatenate([o[i] for o in out]) for i in range(4))
    else:
        r = c = key = cnt = np.zeros(0, dtype=np.int64)
    order = np.lexsort((-key, r))
    r, c, cnt = r[order], c[order], cnt[order]
    rank = _ranks(r)
    chunk = 1 << 20  # bounds the temporaries of the per-row parts
    frames = []
    for a in range(0, max(len(r), 1), chunk):
        sl = slice(a, a + chunk)
        if seekers_first:
            frames.append(_result_frame(p, r[sl], c[sl], rank[sl], explain, True, cnt[sl]))
        else:
            frames.append(_result_frame(p, c[sl], r[sl], rank[sl], explain, False, cnt[sl]))
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=False)


def match_seekers_for_jobs(
    seekers: pl.DataFrame,
    jobs: pl.DataFrame,
    *,
    seeker_occupations: pl.DataFrame | None = None,
    seeker_competencies: pl.DataFrame | None = None,
    occupation_competencies: pl.DataFrame | None = None,
    regions: Sequence[int] | None = None,
    k: int = 10,
    weights: MatchWeights | None = None,
    block_size: int = 4096,
    budget: int = 1 << 21,
    n_jobs: int | None = None,
    explain: bool = True,
) -> pl.DataFrame:
    """Top-k candidates (seekers) for every job; same score as :func:`match_jobs_for_seekers`.

    Arguments are those of :func:`match_jobs_for_seekers`; ``block_size`` counts jobs of one
    occupation that share the candidate lists (results do not depend on it; bigger blocks build
    the lists fewer times).

    Returns:
        One row per (job, seeker), ``rank`` 1..k by score then ``seeker_id``, columns as in
        :func:`match_jobs_for_seekers` with ``job_id`` first.

    Examples:
        >>> seekers = pl.DataFrame({"seeker_id": ["s1", "s2"], "region_code": ["110101", None],
        ...                         "pay_expectation": [8000, None]})
        >>> so = pl.DataFrame({"seeker_id": ["s1", "s2"],
        ...                    "occupation_code": ["4-01-02-01", "4-01-02-02"], "grade": [2, 2]})
        >>> jobs = pl.DataFrame({"job_id": ["j1"], "occupation_code": ["4-01-02-01"],
        ...     "required_grade": [2], "region_code": ["110105"], "pay": [6000]})
        >>> r = match_seekers_for_jobs(seekers, jobs, seeker_occupations=so, k=2)
        >>> r.select("seeker_id", "score", "region_tier").rows()
        [('s1', 79.0, 'same_city'), ('s2', 60.0, 'unknown')]
        >>> r["flags"].to_list()[1]
        ['region_unknown', 'competencies_unlisted', 'pay_unknown']
    """
    _check_k(k)
    p = _prepare(
        seekers,
        jobs,
        seeker_occupations,
        seeker_competencies,
        occupation_competencies,
        regions,
        weights or MatchWeights(),
    )
    ns = max(p.n_seekers, 1)
    e_seeker = np.repeat(np.arange(p.n_seekers), np.diff(p.e_ptr))

    def index(group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
        pairs = np.unique(group * ns + e_seeker)
        ptr = np.searchsorted(pairs // ns, np.arange(n_groups + 1))
        return ptr, pairs % ns

    ctx = {
        "occ_seekers": index(p.e_occ, len(p.occ_codes)),
        "minor_seekers": index(p.occ_minor[p.e_occ], int(p.occ_minor.max(initial=0)) + 1),
        "medium_seekers": index(p.occ_medium[p.e_occ], int(p.occ_medium.max(initial=0)) + 1),
        "CT": (p.R @ p.W.T).tocsr(),
    }
    jptr, jorder = _csr_index(p.j_occ, len(p.occ_codes))
    tasks: list[tuple[int, np.ndarray]] = []
    for o in np.flatnonzero(np.diff(jptr)):
        js = np.sort(jorder[jptr[o] : jptr[o + 1]])
        tasks.extend((int(o), js[a : a + block_size]) for a in range(0, len(js), block_size))
    out = _run(
        tasks,
        lambda t: _seekers_block(p, t[1], t[0], k, budget, ctx),
        n_jobs or os.cpu_count() or 1,
    )
    return _assemble(p, out, explain, seekers_first=False)


def brute_force_matches(
    seekers: pl.DataFrame,
    jobs: pl.DataFrame,
    *,
    seeker_occupations: pl.DataFrame | None = None,
    seeker_competencies: pl.DataFrame | None = None,
    occupation_competencies: pl.DataFrame | None = None,
    regions: Sequence[int] | None = None,
    k: int = 10,
    weights: MatchWeights | None = None,
    direction: str = "jobs_for_seekers",
    seeker_sample: Sequence[object] | None = None,
    rows_per_block: int = 64,
) -> pl.DataFrame:
    """Reference implementation: the full score matrix, row block by row block, no pruning.

    Computes tiers from the code prefixes and competency overlap with a dense product, then
    sorts every row completely. Used by tests and ``benchmarks/match.py`` to check the fast
    paths; ``seeker_sample`` restricts the seekers (rows) scored for ``jobs_for_seekers``.

    Returns:
        ``seeker_id, job_id, rank, score`` (``jobs_for_seekers``) or ``job_id, seeker_id, rank,
        score`` (``seekers_for_jobs``).
    """
    _check_k(k)
    p = _prepare(
        seekers,
        jobs,
        seeker_occupations,
        seeker_competencies,
        occupation_competencies,
        regions,
        weights or MatchWeights(),
    )
    w = p.weights
    gt = w.grade_table()
    occ_arr = np.array(p.occ_codes, dtype=object)
    pref = [occupation_prefixes(c) for c in p.occ_codes]
    med = np.array([x[0] for x in pref], dtype=object)
    minr = np.array([x[1] for x in pref], dtype=object)
    nreq = np.asarray(p.R.sum(axis=1)).ravel().astype(np.int64)

    def score_rows(si: np.ndarray) -> np.ndarray:
        ns = len(si)
        tier = np.zeros((ns, p.n_jobs), dtype=np.int64)
        held = np.full((ns, p.n_jobs), -1, dtype=np.int64)
        jc = occ_arr[p.j_occ]
        jmi, jme = minr[p.j_occ], med[p.j_occ]
        er, ent = _expand(p.e_ptr, si)
        for a in range(0, len(ent), 256):
            r, e = er[a : a + 256], ent[a : a + 256]
            o, g = p.e_occ[e][:, None], p.e_grade[e][:, None]
            same = jc[None, :] == occ_arr[o]
            mi = jmi[None, :] == minr[o]
            me = jme[None, :] == med[o]
            t = np.where(same, 3, np.where(mi, 2, np.where(me, 1, 0)))
            h = np.where(same, g, np.where(mi & (g >= 0), g - 1, -1))
            np.maximum.at(tier, r, t)
            np.maximum.at(held, r, h)
        cnt = np.asarray((p.W[si] @ p.R.T).toarray(), dtype=np.int64)[:, p.j_occ]
        nr = nreq[p.j_occ][None, :]
        S = (
            np.asarray(w.occupation)[tier]
            + np.where(nr > 0, (w.competencies * cnt) // np.maximum(nr, 1), w.competencies // 2)
            + gt[held + 1, p.j_req[None, :] + 1]
            + np.asarray(w.region)[region_tiers(p.s_region[si][:, None], p.j_region[None, :])]
            + _pay_points(p.s_pay[si][:, None], p.j_pay[None, :], w.pay)
        )
        return np.where((tier > 0) | (cnt > 0), S, -1)

    if direction == "jobs_for_seekers":
        if seeker_sample is None:
            si_all = np.arange(p.n_seekers)
        else:
            wanted = set(seeker_sample)
            si_all = np.array([i for i, v in enumerate(p.seeker_ids.to_list()) if v in wanted], dtype=np.int64)
        rows, cols, scores = [], [], []
        for a in range(0, len(si_all), rows_per_block):
            si = si_all[a : a + rows_per_block]
            S = score_rows(si)
            order = np.lexsort((np.broadcast_to(np.arange(p.n_jobs), S.shape), -S), axis=1)[:, :k]
            top = np.take_along_axis(S, order, axis=1)
            keep = top >= 0
            rows.append(np.broadcast_to(si[:, None], top.shape)[keep])
            cols.append(order[keep])
            scores.append(top[keep])
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        sc = np.concatenate(scores) if scores else np.zeros(0, np.int64)
        return pl.DataFrame(
            {
                "seeker_id": p.seeker_ids.gather(r.tolist()),
                "job_id": p.job_ids.gather(c.tolist()),
                "rank": _ranks(r),
                "score": sc / w.scale,
            }
        )
    S = np.concatenate(
        [score_rows(np.arange(a, min(a + rows_per_block, p.n_seekers))) for a in range(0, p.n_seekers, rows_per_block)]
        or [np.zeros((0, p.n_jobs), np.int64)]
    ).T
    order = np.lexsort((np.broadcast_to(np.arange(p.n_seekers), S.shape), -S), axis=1)[:, :k]
    top = np.take_along_axis(S, order, axis=1)
    keep = top >= 0
    jr = np.broadcast_to(np.arange(p.n_jobs)[:, None], top.shape)[keep]
    return pl.DataFrame(
        {
            "job_id": p.job_ids.gather(jr.tolist()),
            "seeker_id": p.seeker_ids.gather(order[keep].tolist()),
            "rank": _ranks(jr),
            "score": top[keep] / w.scale,
        }
    )
