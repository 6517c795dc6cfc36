"""The compiled top-k against a sort of every row."""

from __future__ import annotations

import numpy as np
import pytest

from craftpath.engines.coder.topk import topk_idx


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
