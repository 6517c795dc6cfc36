"""Top-k indices per row, in one compiled pass.

``np.argpartition`` followed by a sort costs a negated copy, a partition and a gather per
row block; for the coder's shapes (hundreds of rows × a few thousand columns, k ≤ 100) a
single pass that keeps each row's best k in order is several times cheaper. Ties go to the
lower column index, so the result is fully determined by the values.

Examples:
    >>> import numpy as np
    >>> topk_idx(np.array([[0.1, 0.9, 0.5, 0.9]], dtype=np.float32), 3).tolist()
    [[1, 3, 2]]
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["segment_max", "topk_idx"]


_BLOCK = 16


@nb.njit(cache=True, nogil=True)
def _topk_rows(m: np.ndarray, k: int, out: np.ndarray) -> None:
    n = m.shape[1]
    vals = np.empty(k, dtype=np.float64)  # the kept values, best first, beside their indices
    for r in range(m.shape[0]):
        row = m[r]
        filled = 0
        worst = -np.inf  # the k-th best so far, once k are kept
        j = 0
        while j < n:
            stop = min(j + _BLOCK, n)
            if filled == k:
                # Once k are kept most values fall below the k-th: skip a block whose best
                # does (a NaN never wins the comparison, so it is skipped as the lowest value).
                best = -np.inf
                for t in range(j, stop):
                    if row[t] > best:
                        best = row[t]
                if best <= worst:
                    j = stop
                    continue
            for t in range(j, stop):
                v = row[t]
                if v != v:  # NaN ranks below everything
                    v = -np.inf
                if filled == k:
                    if v <= worst:  # a tie keeps the lower index, which came first
                        continue
                    pos = k - 1
                else:
                    pos = filled
                    filled += 1
                while pos > 0 and vals[pos - 1] < v:
                    vals[pos] = vals[pos - 1]
                    out[r, pos] = out[r, pos - 1]
                    pos -= 1
                vals[pos] = v
                out[r, pos] = t
                if filled == k:
                    worst = vals[k - 1]
            j = stop


@nb.njit(cache=True, nogil=True)
def _segment_max_rows(m: np.ndarray, starts: np.ndarray, out: np.ndarray) -> None:
    n, s = m.shape[1], len(starts)
    for r in range(m.shape[0]):
        for g in range(s):
            stop = starts[g + 1] if g + 1 < s else n
            best = m[r, starts[g]]
            for j in range(starts[g] + 1, stop):
                if m[r, j] > best:
                    best = m[r, j]
            out[r, g] = best


def segment_max(m: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per row, the maximum of each run of columns ``starts[g] … starts[g+1]-1`` (the last run
    goes to the end): ``np.maximum.reduceat(m, starts, axis=1)`` for increasing ``starts``,
    in one pass over each row instead of a strided one over each column run."""
    out = np.empty((m.shape[0], len(starts)), dtype=m.dtype)
    if len(starts) and m.shape[0]:
        _segment_max_rows(np.ascontiguousarray(m), np.asarray(starts, dtype=np.int64), out)
    return out


def topk_idx(m: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` largest entries of each row of ``m``, largest first (ties:
    lower index first; NaN last); ``k`` is capped at the number of columns."""
    k = min(k, m.shape[1])
    out = np.empty((m.shape[0], k), dtype=np.int64)
    if k > 0:
        _topk_rows(np.ascontiguousarray(m), k, out)
    return out
