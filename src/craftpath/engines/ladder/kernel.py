"""Compiled pass of the eligibility evaluator over member-sorted arrays.

The Polars side (:mod:`craftpath.engines.ladder.evaluate`) turns the validated input frames into
flat NumPy arrays grouped by member (CSR offsets) and the plan into small integer tables; this
module walks each member once, in machine code (numba), and writes fixed-width result columns:
one row per member × occupation × exam grade above the current one. Strings (occupation codes,
routes, traces, missing-condition codes, flags) are never built here: rows carry integer keys
that the caller turns into strings with one lookup per distinct key.

The kernel holds no Python objects, so it runs without the GIL: ``evaluate_partitioned`` runs
partitions in threads side by side. Rows come out in member order.

Conventions (all integers are int64):

- days are counted from 1970-01-01; :data:`NULL_DAY` marks a missing date and :data:`OPEN_END`
  an open history end (the end stored is exclusive: last day + 1);
- occupations are ``"6-31-01-03"`` → ``6310103`` (the integer order is the string order, and
  ``code // 100`` is the minor group);
- condition kinds: :data:`K_YEARS`, :data:`K_CERT`, :data:`K_DIPLOMA`, :data:`K_APPR`, :data:`K_AGE`;
- a missing-condition key is ``cond_index * KEY_SPAN + tenths`` (years shown rounded down to a
  tenth) or ``+ NO_NUMBER`` when the code carries no number; tenths that do not fit (400 years
  and more, only in implausible data) go to ``BIG_KEY + cond_index * BIG_SPAN + tenths``, so the
  usual keys stay in a small dense range; :data:`NO_ROUTE_KEY` is "no route".

Examples:
    >>> add_years_days(days_from_civil(2020, 2, 29), 1) == days_from_civil(2021, 2, 28)
    True
    >>> civil_from_days(days_from_civil(1969, 12, 31))
    (1969, 12, 31)
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = [
    "BIG_KEY",
    "BIG_SPAN",
    "KEY_SPAN",
    "K_AGE",
    "K_APPR",
    "K_CERT",
    "K_DIPLOMA",
    "K_YEARS",
    "NO_NUMBER",
    "NO_ROUTE_KEY",
    "NULL_DAY",
    "OCC_BAD",
    "OCC_NULL",
    "OCC_UNPARSED",
    "OPEN_END",
    "add_years_days",
    "check_records",
    "civil_from_days",
    "days_from_civil",
    "distinct_codes",
    "list_offsets",
    "mask_keys",
    "parse_codes",
    "run_kernel",
    "spell_lists",
]

NULL_DAY = -(2**62)
OPEN_END = 2**62
K_YEARS, K_CERT, K_DIPLOMA, K_APPR, K_AGE = 0, 1, 2, 3, 4
KEY_SPAN = 2**12
NO_NUMBER = KEY_SPAN - 1
BIG_KEY = 2**40
BIG_SPAN = 2**24
NO_ROUTE_KEY = -1
OCC_NULL, OCC_BAD, OCC_UNPARSED = -1, -2, -3  # parse_codes: null, malformed or unknown, left to Python
_MAX_EXAM_GRADE = 5
_DAYS_PER_YEAR = 365.25
_NONE = -1  # a missing-condition code without a number
_UNSET = NULL_DAY + 2  # memo slot not computed yet for this occupation


@nb.njit(cache=True, nogil=True)
def civil_from_days(days: int) -> tuple[int, int, int]:
    """Days since 1970-01-01 → (year, month, day), proleptic Gregorian."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    return y, m, d


@nb.njit(cache=True, nogil=True)
def days_from_civil(y: int, m: int, d: int) -> int:
    """(year, month, day) → days since 1970-01-01."""
    y = y - 1 if m <= 2 else y
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@nb.njit(cache=True, nogil=True)
def add_years_days(days: int, years: int) -> int:
    """``days`` + ``years`` calendar years; 29 February falls back to 28 February."""
    if days == NULL_DAY:
        return NULL_DAY
    if years == 0:
        return days
    y, m, d = civil_from_days(days)
    y += years
    if m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        d = 28
    return days_from_civil(y, m, d)


@nb.njit(cache=True, nogil=True, inline="always")
def _tenths(days: int) -> int:
    return int(np.floor(float(max(days, 0) * 10) / _DAYS_PER_YEAR))


@nb.njit(cache=True, nogil=True, inline="always")
def _related(a: int, b: int, minor: bool, pairs: np.ndarray) -> bool:
    if a == b:
        return True
    if minor and a // 100 == b // 100:
        return True
    if pairs.shape[0] == 0:
        return False
    key = a * 100_000_000 + b
    for i in range(pairs.shape[0]):  # a handful of explicit pairs, sorted
        if pairs[i] >= key:
            return pairs[i] == key
    return False


@nb.njit(cache=True, nogil=True, inline="always")
def _cert_date(
    m: int, occ: int, grade: int, c_off: np.ndarray, c_occ: np.ndarray, c_grade: np.ndarray, c_day: np.ndarray
) -> int:
    best = NULL_DAY
    for j in range(c_off[m], c_off[m + 1]):
        if c_occ[j] == occ and c_grade[j] >= grade and (best == NULL_DAY or c_day[j] < best):
            best = c_day[j]
    return best


@nb.njit(cache=True, nogil=True, inline="always")
def _cond_date(
    ci: int,
    occ: int,
    m: int,
    birth: np.ndarray,
    c_off: np.ndarray,
    c_occ: np.ndarray,
    c_grade: np.ndarray,
    c_day: np.ndarray,
    d_off: np.ndarray,
    d_occ: np.ndarray,
    d_kind: np.ndarray,
    d_level: np.ndarray,
    d_avail: np.ndarray,
    a_off: np.ndarray,
    a_occ: np.ndarray,
    a_day: np.ndarray,
    minor: bool,
    pairs: np.ndarray,
    cond_kind: np.ndarray,
    cond_years: np.ndarray,
    cond_grade: np.ndarray,
    cond_kmask: np.ndarray,
    cond_lmin: np.ndarray,
    cond_any: np.ndarray,
    cond_yidx: np.ndarray,
    s_met: np.ndarray,
) -> int:
    """The date condition ``ci`` is met for member ``m`` in ``occ`` (NULL_DAY = never)."""
    kind = cond_kind[ci]
    if kind == K_YEARS:
        return s_met[cond_yidx[ci]]
    if kind == K_CERT:
        return add_years_days(_cert_date(m, occ, cond_grade[ci], c_off, c_occ, c_grade, c_day), cond_years[ci])
    if kind == K_DIPLOMA:
        best = NULL_DAY
        for j in range(d_off[m], d_off[m + 1]):
            if not (cond_kmask[ci] >> d_kind[j]) & 1:
                continue
            if cond_lmin[ci] >= 0 and (d_level[j] < 0 or d_level[j] < cond_lmin[ci]):
                continue
            if not cond_any[ci] and (d_occ[j] < 0 or not _related(d_occ[j], occ, minor, pairs)):
                continue
            cand = add_years_days(d_avail[j], cond_years[ci])
            if best == NULL_DAY or cand < best:
                best = cand
        return best
    if kind == K_APPR:
        best = NULL_DAY
        for j in range(a_off[m], a_off[m + 1]):
            if a_occ[j] == occ and (best == NULL_DAY or a_day[j] < best):
                best = a_day[j]
        return best
    return add_years_days(birth[m], cond_years[ci])


# no reference counting (``_nrt=False``): nothing is allocated inside, and counting references to
# the array arguments on every inlined call made the kernel five times slower
@nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]
def run_kernel(
    n_members: int,
    s_occ: np.ndarray,
    s_s: np.ndarray,
    s_e: np.ndarray,
    s_met: np.ndarray,
    s_base: np.ndarray,
    s_rdate: np.ndarray,
    s_unmet: np.ndarray,
    s_cd: np.ndarray,
    birth: np.ndarray,
    fmask: np.ndarray,
    h_off: np.ndarray,
    h_occ: np.ndarray,
    h_s: np.ndarray,
    h_e: np.ndarray,
    c_off: np.ndarray,
    c_occ: np.ndarray,
    c_grade: np.ndarray,
    c_day: np.ndarray,
    d_off: np.ndarray,
    d_occ: np.ndarray,
    d_kind: np.ndarray,
    d_level: np.ndarray,
    d_avail: np.ndarray,
    a_off: np.ndarray,
    a_occ: np.ndarray,
    a_day: np.ndarray,
    as_of: int,
    years: np.ndarray,
    minor: bool,
    pairs: np.ndarray,
    var_occ: np.ndarray,
    var_idx: np.ndarray,
    occ_book: np.ndarray,
    vt_off: np.ndarray,
    route_off: np.ndarray,
    cond_kind: np.ndarray,
    cond_years: np.ndarray,
    cond_grade: np.ndarray,
    cond_kmask: np.ndarray,
    cond_lmin: np.ndarray,
    cond_any: np.ndarray,
    cond_yidx: np.ndarray,
    cond_slot: np.ndarray,
    overlap_bit: int,
    o_member: np.ndarray,
    o_occ: np.ndarray,
    o_cur: np.ndarray,
    o_tgt: np.ndarray,
    o_elig: np.ndarray,
    o_route: np.ndarray,
    o_earliest: np.ndarray,
    o_nitems: np.ndarray,
    o_flags: np.ndarray,
    o_items: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Evaluate members ``0 … n_members-1``; write the row and item counts to ``counts``.

    The output arrays must have room for every row (at most one per record and exam grade) and
    every item (at most the longest route's conditions per row). ``scratch`` is the largest
    number of records any one member has. No Python objects are touched, so the GIL is released
    and partitions can run in threads side by side.
    """
    row = 0
    item = 0
    base_of = NULL_DAY
    for m in range(n_members):
        # the member's occupations: every occupation they have a record in, ascending
        n_occ = 0
        for j in range(h_off[m], h_off[m + 1]):
            s_occ[n_occ] = h_occ[j]
            n_occ += 1
        for j in range(c_off[m], c_off[m + 1]):
            s_occ[n_occ] = c_occ[j]
            n_occ += 1
        for j in range(d_off[m], d_off[m + 1]):
            if d_occ[j] >= 0:
                s_occ[n_occ] = d_occ[j]
                n_occ += 1
        for j in range(a_off[m], a_off[m + 1]):
            s_occ[n_occ] = a_occ[j]
            n_occ += 1
        for i in range(1, n_occ):  # insertion sort: a handful of values
            v = s_occ[i]
            k = i - 1
            while k >= 0 and s_occ[k] > v:
                s_occ[k + 1] = s_occ[k]
                k -= 1
            s_occ[k + 1] = v
        first_row = row
        overlap = False
        n_years = years.shape[0]
        prev = -1
        for oi in range(n_occ):
            occ = s_occ[oi]
            if occ == prev:
                continue
            prev = occ
            current = -1
            for j in range(c_off[m], c_off[m + 1]):
                if c_occ[j] == occ and c_grade[j] > current:
                    current = c_grade[j]
            if current >= _MAX_EXAM_GRADE:
                continue
            # merge the histories that count for this occupation (same or related)
            n_h = 0
            for j in range(h_off[m], h_off[m + 1]):
                if _related(h_occ[j], occ, minor, pairs):
                    s = h_s[j]
                    e = h_e[j]
                    k = n_h - 1
                    while k >= 0 and (s_s[k] > s or (s_s[k] == s and s_e[k] > e)):
                        s_s[k + 1] = s_s[k]
                        s_e[k + 1] = s_e[k]
                        k -= 1
                    s_s[k + 1] = s
                    s_e[k + 1] = e
                    n_h += 1
            n_b = 0
            for j in range(n_h):
                if n_b > 0 and s_s[j] <= s_e[n_b - 1]:
                    if s_s[j] < s_e[n_b - 1]:
                        overlap = True
                    if s_e[j] > s_e[n_b - 1]:
                        s_e[n_b - 1] = s_e[j]
                else:
                    s_s[n_b] = s_s[j]
                    s_e[n_b] = s_e[j]
                    n_b += 1
            served = 0
            for b in range(n_b):
                served += max(0, min(s_e[b], as_of) - s_s[b])
            if n_b > 0 and s_s[0] != base_of:
                # "+N years" of a first start, kept while the next occupation or member starts the same day
                base_of = s_s[0]
                y0, m0, d0 = civil_from_days(base_of)
                for yi in range(n_years):
                    y = y0 + years[yi]
                    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
                    s_base[yi] = days_from_civil(y, m0, 28 if m0 == 2 and d0 == 29 and not leap else d0)
            for yi in range(n_years):
                s_met[yi] = NULL_DAY
                if n_b == 0:
                    continue
                base = s_base[yi]
                gaps = 0
                for b in range(n_b):
                    if b > 0:
                        gaps += s_s[b] - s_e[b - 1]
                    reach = base + gaps
                    if reach <= s_e[b]:
                        s_met[yi] = reach
                        break
            for q in range(s_cd.shape[0]):
                s_cd[q] = _UNSET
            book_at = np.searchsorted(occ_book, occ)  # the caller's table of occupation codes
            # the rulebook variant of this occupation
            v = 0
            for vi in range(var_occ.shape[0]):  # a few override occupations, sorted
                if var_occ[vi] >= occ:
                    if var_occ[vi] == occ:
                        v = var_idx[vi]
                    break
            t0 = max(current + 1, 1)
            for t in range(t0, _MAX_EXAM_GRADE + 1):
                r_lo = vt_off[v * _MAX_EXAM_GRADE + t - 1]
                r_hi = vt_off[v * _MAX_EXAM_GRADE + t]
                o_member[row] = m
                o_occ[row] = book_at
                o_cur[row] = current
                o_tgt[row] = t
                if r_lo == r_hi:
                    o_elig[row] = False
                    o_route[row] = -1 - v
                    o_earliest[row] = NULL_DAY
                    o_items[item] = NO_ROUTE_KEY
                    item += 1
                    o_nitems[row] = 1
                    row += 1
                    continue
                earliest = NULL_DAY
                for r in range(r_lo, r_hi):
                    rdate = NULL_DAY + 1  # below every real date
                    unmet = 0
                    for ci in range(route_off[r], route_off[r + 1]):
                        cd = s_cd[cond_slot[ci]]
                        if cd == _UNSET:
                            cd = _cond_date(
                                ci, occ, m, birth, c_off, c_occ, c_grade, c_day, d_off, d_occ, d_kind, d_level, d_avail,
                                a_off, a_occ, a_day, minor, pairs, cond_kind, cond_years, cond_grade, cond_kmask,
                                cond_lmin, cond_any, cond_yidx, s_met,
                            )  # fmt: skip
                            s_cd[cond_slot[ci]] = cd
                        if cd == NULL_DAY or cd > as_of:
                            unmet += 1
                        if rdate != NULL_DAY:
                            rdate = NULL_DAY if cd == NULL_DAY else max(rdate, cd)
                    s_rdate[r - r_lo] = rdate
                    s_unmet[r - r_lo] = unmet
                    if rdate != NULL_DAY and (earliest == NULL_DAY or rdate < earliest):
                        earliest = rdate
                eligible = earliest != NULL_DAY and earliest <= as_of
                dec = -1
                if eligible:
                    for r in range(r_hi - r_lo):
                        if s_rdate[r] != NULL_DAY and s_rdate[r] <= as_of:
                            dec = r
                            break
                elif earliest != NULL_DAY:
                    for r in range(r_hi - r_lo):
                        if s_rdate[r] == earliest:
                            dec = r
                            break
                else:
                    fewest = s_unmet[0]
                    dec = 0
                    for r in range(1, r_hi - r_lo):
                        if s_unmet[r] < fewest:
                            fewest = s_unmet[r]
                            dec = r
                o_elig[row] = eligible
                o_route[row] = r_lo + dec
                o_earliest[row] = as_of if eligible else earliest
                n_items = 0
                if not eligible:
                    r = r_lo + dec
                    for ci in range(route_off[r], route_off[r + 1]):
                        cd = s_cd[cond_slot[ci]]
                        if cd == _UNSET:
                            cd = _cond_date(
                                ci, occ, m, birth, c_off, c_occ, c_grade, c_day, d_off, d_occ, d_kind, d_level, d_avail,
                                a_off, a_occ, a_day, minor, pairs, cond_kind, cond_years, cond_grade, cond_kmask,
                                cond_lmin, cond_any, cond_yidx, s_met,
                            )  # fmt: skip
                            s_cd[cond_slot[ci]] = cd
                        if cd != NULL_DAY and cd <= as_of:
                            continue
                        kind = cond_kind[ci]
                        num = _NONE
                        if kind == K_YEARS:
                            num = _tenths(served)
                        elif kind == K_CERT:
                            if cond_years[ci] != 0:
                                base = _cert_date(m, occ, cond_grade[ci], c_off, c_occ, c_grade, c_day)
                                if base != NULL_DAY:
                                    num = _tenths(as_of - base)
                        elif kind == K_AGE and birth[m] != NULL_DAY:
                            num = _tenths(as_of - birth[m])
                        if num == _NONE:
                            o_items[item] = ci * KEY_SPAN + NO_NUMBER
                        elif num < NO_NUMBER:
                            o_items[item] = ci * KEY_SPAN + num
                        else:
                            o_items[item] = BIG_KEY + ci * BIG_SPAN + min(num, BIG_SPAN - 1)
                        item += 1
                        n_items += 1
                o_nitems[row] = n_items
                row += 1
        flags = fmask[m] | (overlap_bit if overlap else 0)
        for r in range(first_row, row):
            o_flags[r] = flags
    counts[0] = row
    counts[1] = item


@nb.njit(cache=True, nogil=True)
def list_offsets(keys: np.ndarray, shift: int, lengths: np.ndarray, offsets: np.ndarray) -> int:
    """Row ``i`` holds list ``keys[i] + shift`` of a table whose lists have ``lengths``: write the
    rows' list offsets (``keys.shape[0] + 1`` of them) and return the number of items."""
    total = 0
    offsets[0] = 0
    for i in range(keys.shape[0]):
        total += lengths[keys[i] + shift]
        offsets[i + 1] = total
    return total


@nb.njit(cache=True, nogil=True)
def spell_lists(keys: np.ndarray, shift: int, starts: np.ndarray, offsets: np.ndarray, flat: np.ndarray) -> None:
    """Row ``i`` holds list ``keys[i] + shift`` of a table stored flat from ``starts``: write the
    flat positions of its items at ``flat[offsets[i]:offsets[i + 1]]``."""
    for i in range(keys.shape[0]):
        s = starts[keys[i] + shift]
        for j in range(offsets[i + 1] - offsets[i]):
            flat[offsets[i] + j] = s + j


@nb.njit(cache=True, nogil=True)
def mask_keys(masks: np.ndarray, distinct: np.ndarray, keys: np.ndarray) -> int:
    """``keys[i]``: the position of ``masks[i]`` in ``distinct`` (a short list), -1 if absent;
    return how many were absent."""
    absent = 0
    n = distinct.shape[0]
    for i in range(masks.shape[0]):
        m = masks[i]
        j = 0
        while j < n and distinct[j] != m:
            j += 1
        if j == n:
            absent += 1
            j = -1
        keys[i] = j
    return absent


@nb.njit(cache=True, nogil=True)
def check_records(
    birth: np.ndarray,
    h_off: np.ndarray,
    h_occ: np.ndarray,
    h_s: np.ndarray,
    h_e: np.ndarray,
    c_off: np.ndarray,
    c_occ: np.ndarray,
    c_grade: np.ndarray,
    c_day: np.ndarray,
    d_off: np.ndarray,
    d_occ: np.ndarray,
    d_kind: np.ndarray,
    d_grad_null: np.ndarray,
    a_occ: np.ndarray,
    a_day: np.ndarray,
    as_of: int,
    fmask: np.ndarray,
    bit_end_after: int,
    bit_no_birth: int,
    bit_graduate: int,
    bit_specialty: int,
) -> int:
    """The value rules of ``inputs.validate_inputs`` over grouped arrays: count the records it
    would refuse, and set the flags of the assumptions it would make in ``fmask``.

    Occupation codes come as integers: -1 null, -2 malformed or unknown. Diploma kinds: -1
    unknown. Grades: -1 null. A history end is stored exclusive (day after the last).
    """
    bad = 0
    for m in range(h_off.shape[0] - 1):
        for j in range(h_off[m], h_off[m + 1]):
            s = h_s[j]
            e = h_e[j]
            if s == NULL_DAY or h_occ[j] < 0 or s > as_of or (e != OPEN_END and e <= s):
                bad += 1
            elif e != OPEN_END and e - 1 > as_of:
                fmask[m] |= bit_end_after
        sixteen = add_years_days(birth[m], 16)
        for j in range(c_off[m], c_off[m + 1]):
            day = c_day[j]
            if day == NULL_DAY or c_grade[j] < 0 or c_grade[j] > 7 or c_occ[j] < 0 or day > as_of:
                bad += 1
            elif birth[m] == NULL_DAY:
                fmask[m] |= bit_no_birth
            elif day < sixteen:
                bad += 1
        for j in range(d_off[m], d_off[m + 1]):
            if d_kind[j] < 0 or d_occ[j] == -2:
                bad += 1
            else:
                if d_occ[j] == -1:
                    fmask[m] |= bit_specialty
                if d_grad_null[j]:
                    fmask[m] |= bit_graduate
    for j in range(a_occ.shape[0]):
        if a_day[j] == NULL_DAY or a_occ[j] < 0:
            bad += 1
    return bad


@nb.njit(cache=True, nogil=True, error_model="numpy")
def parse_codes(
    views: np.ndarray,
    offset: int,
    validity: np.ndarray,
    has_validity: bool,
    known: np.ndarray,
    check_known: bool,
    out: np.ndarray,
) -> int:
    """Occupation codes straight from an Arrow string-view array: ``"6-31-01-03"`` → ``6310103``.

    ``views`` is the array's view buffer as bytes (16 per string; strings of up to 12 bytes
    are stored inside their view), ``offset`` the array's offset, ``validity`` its validity
    bitmap. A code is exactly ``d-dd-dd-dd``; in ASCII that is 10 bytes, so other lengths are
    malformed (:data:`OCC_BAD`) unless they may hold non-ASCII digits, which are left to the
    caller (:data:`OCC_UNPARSED`, returned as a count). Null → :data:`OCC_NULL`; with
    ``check_known``, a code not in the sorted ``known`` → :data:`OCC_BAD`.
    """
    unparsed = 0
    for i in range(out.shape[0]):
        j = offset + i
        if has_validity and not (validity[j >> 3] >> (j & 7)) & 1:
            out[i] = OCC_NULL
            continue
        b = 16 * j
        length = views[b] | (views[b + 1] << 8) | (views[b + 2] << 16) | (np.int64(views[b + 3]) << 24)
        if length != 10:
            if 10 < length <= 31:  # seven digits of up to 4 bytes each and three dashes
                out[i] = OCC_UNPARSED
                unparsed += 1
            else:
                out[i] = OCC_BAD
            continue
        value = 0
        ok = True
        for p in range(10):
            c = int(views[b + 4 + p])
            if p == 1 or p == 4 or p == 7:
                ok = ok and c == 45  # "-"
            elif 48 <= c <= 57:
                value = value * 10 + (c - 48)
            else:
                ok = False
        if ok and check_known:
            at = np.searchsorted(known, value)
            ok = at < known.shape[0] and known[at] == value
        out[i] = value if ok else OCC_BAD
    return unparsed


@nb.njit(cache=True, nogil=True)
def distinct_codes(codes: np.ndarray, mark: np.ndarray, found: np.ndarray, n_found: int) -> int:
    """Append the good codes (>= 0) of ``codes`` not yet marked to ``found`` (from ``n_found``),
    marking them; return the new count. The caller clears the marks of ``found`` afterwards."""
    for i in range(codes.shape[0]):
        c = codes[i]
        if c >= 0 and not mark[c]:
            mark[c] = 1
            found[n_found] = c
            n_found += 1
    return n_found
