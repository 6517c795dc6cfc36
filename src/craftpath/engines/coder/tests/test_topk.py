"""The compiled top-k against a sort of every row."""

from __future__ import annotations

import numpy as np
import pytest

from craftpath.engines.coder.topk import segment_max, topk_idx


def _reference(m: np.ndarray, k: int) -> np.ndarray:
    keyed = np.where(np.isnan(m), -np.inf, m)
    cols = np.arange(m.shape[1])
    return np.array([np.lexsort((cols, -row))[:k] for row in keyed]).reshape(m.shape[0], min(k, m.shape[1]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("rows", "cols", "k"), [(50, 1693, 100), (40, 300, 10), (7, 5, 9), (3, 1, 1), (4, 20, 20)])
def test_same_as_sorting_each_row_with_ties_and_nan(dtype: type, rows: int, cols: int, k: int) -> None:
    rng = np.random.default_rng(rows * 1000 + cols)
    m = rng.integers(0, 12, size=(rows, cols)).astype(dtype) / 4  # few distinct values: many ties
    m[rng.random(m.shape) < 0.05] = np.nan
    m[0, :] = 0.0  # a row of equal scores keeps column order
    got = topk_idx(m, k)
    assert got.shape == (rows, min(k, cols))
    assert np.array_equal(got, _reference(m, k))
    assert got[0].tolist() == list(range(min(k, cols)))


def test_no_columns_and_non_contiguous_input() -> None:
    assert topk_idx(np.zeros((3, 0), np.float32), 5).shape == (3, 0)
    m = np.random.default_rng(1).random((30, 40))
    view = m[:, ::2]  # strided
    assert np.array_equal(topk_idx(view, 7), _reference(view, 7))


def test_skipped_blocks_hide_no_winner() -> None:
    # Long rows with a small k: most blocks are skipped by their maximum. A best value at the
    # end of a block, a block of NaN with one value in it, and infinities must all be found.
    rng = np.random.default_rng(7)
    m = rng.random((25, 10_705)).astype(np.float32)
    m[:, 5000:5016] = np.nan
    m[1, 5007] = 2.0  # inside a NaN block
    m[2, 10_704] = 3.0  # the last column, in the short last block
    m[3, 15] = np.inf
    m[4, :] = -np.inf
    m[4, 9_999] = -1.0
    got = topk_idx(m, 10)
    assert np.array_equal(got, _reference(m, 10))
    assert (got[1, 0], got[2, 0], got[3, 0], got[4, 0]) == (5007, 10_704, 15, 9_999)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_segment_max_is_reduceat(dtype: type) -> None:
    rng = np.random.default_rng(3)
    m: np.ndarray = rng.normal(size=(40, 500)).astype(dtype)
    starts = np.sort(rng.choice(np.arange(1, 500), size=120, replace=False))
    starts = np.concatenate([[0], starts])
    got = segment_max(m, starts)
    assert got.dtype == m.dtype
    assert np.array_equal(got, np.maximum.reduceat(m, starts, axis=1))
    assert np.array_equal(segment_max(m[:, ::2], np.array([0, 3])), np.maximum.reduceat(m[:, ::2], [0, 3], axis=1))
    assert segment_max(m[:0], starts).shape == (0, len(starts))
