"""Rankers: trees that re-rank only the queries the linear ranker is unsure of."""

from __future__ import annotations

import numpy as np

from craftpath.engines.coder.core import FULL_FEATURES, USE_FEATURES, RankerWeights, calibrate
from craftpath.engines.coder.ranker import GbmRanker, fit_weights, softmax_rows


def _weights(tree_below: float | None) -> tuple[RankerWeights, np.ndarray]:
    rng = np.random.default_rng(0)
    f = len(FULL_FEATURES)
    X = rng.normal(size=(300, 30, f)).astype(np.float32)
    y = np.argmax(X[:, :, 0] * 2 + X[:, :, 1] * X[:, :, 2] + rng.normal(size=(300, 30)), axis=1)
    w = fit_weights(X, y)
    trees = GbmRanker.fit(X, y, rounds=20, learning_rate=0.2, top=10)
    weights = RankerWeights(
        np.zeros(20), w, dist=w, calib_dist=(1.5, -0.2), gbm={"dist": trees}, calib_gbm={"dist": (0.8, 0.3)}
    )
    if tree_below is not None:
        weights.tree_below = {"dist": tree_below}
    return weights, X


def test_trees_rank_only_unsure_queries() -> None:
    weights, X = _weights(0.5)
    p, conf, treed = weights.rank("dist", X)
    lin = softmax_rows(X @ weights.dist.astype(np.float32))  # type: ignore[union-attr]
    unsure = lin.max(axis=1) < 0.5
    assert 0 < unsure.sum() < len(X)  # both kinds of query occur
    np.testing.assert_array_equal(treed, unsure)
    # Sure queries keep the linear ranking and its calibration.
    np.testing.assert_allclose(p[~unsure], lin[~unsure], rtol=1e-6)
    np.testing.assert_allclose(conf[~unsure], calibrate(lin[~unsure].max(axis=1), (1.5, -0.2)), rtol=1e-6)
    # Unsure ones get the trees' probabilities, over the linear ranker's best 10 only.
    all_trees, _, everywhere = RankerWeights(
        weights.cheap, weights.full, dist=weights.dist, gbm=weights.gbm, calib_gbm=weights.calib_gbm
    ).rank("dist", X)
    assert everywhere.all()
    np.testing.assert_allclose(p[unsure], all_trees[unsure], rtol=1e-6)
    assert ((p[unsure] > 0).sum(axis=1) <= 10).all()
    np.testing.assert_allclose(conf[unsure], calibrate(p[unsure].max(axis=1), (0.8, 0.3)), rtol=1e-6)
    assert not np.allclose(p[unsure], lin[unsure])


def test_threshold_survives_json() -> None:
    weights, X = _weights(0.5)
    again = RankerWeights.from_json(weights.to_json())
    assert again.tree_below == {"dist": 0.5}
    p1, c1, t1 = weights.rank("dist", X)
    p2, c2, t2 = again.rank("dist", X)
    np.testing.assert_array_equal(t1, t2)
    np.testing.assert_allclose(p1, p2, atol=1e-5)
    np.testing.assert_allclose(c1, c2, atol=1e-5)


def test_no_queries() -> None:
    weights, X = _weights(0.5)
    p, conf, treed = weights.rank("dist", X[:0])
    assert p.shape == (0, 30)
    assert conf.shape == (0,)
    assert treed.shape == (0,)


def test_trees_with_extra_signals_get_them_only_for_the_rows_they_rank() -> None:
    rng = np.random.default_rng(1)
    f, e = len(FULL_FEATURES), len(USE_FEATURES)
    X = rng.normal(size=(200, 30, f)).astype(np.float32)
    U = rng.normal(size=(200, 30, e)).astype(np.float32)
    y = np.argmax(6 * X[:, :, 0] + 2 * U[:, :, 0] + rng.normal(size=(200, 30)), axis=1)
    w = fit_weights(X, y)
    trees = GbmRanker.fit(np.concatenate([X, U], axis=2), y, rounds=20, learning_rate=0.2, top=10)
    assert trees.n_features == f + e
    weights = RankerWeights(np.zeros(20), w, dist=w, gbm={"dist": trees}, tree_below={"dist": 0.5})
    asked: list[np.ndarray] = []

    def extra(rows: np.ndarray) -> np.ndarray:
        asked.append(rows)
        return U[rows]

    p, _, treed = weights.rank("dist", X, extra)
    assert 0 < treed.sum() < len(X)
    assert len(asked) == 1
    np.testing.assert_array_equal(asked[0], np.flatnonzero(treed))
    # The extra signals matter: the trees' answer is not what they give without them.
    wrong = weights.rank("dist", X, lambda rows: np.zeros_like(U[rows]))[0]
    assert not np.allclose(p[treed], wrong[treed])
    # Without the extra signals the trees cannot run: the linear ranker decides every row.
    p_lin, _, none = weights.rank("dist", X)
    assert not none.any()
    np.testing.assert_allclose(p_lin, softmax_rows(X @ w.astype(np.float32)), rtol=1e-6)
    # The feature list travels with the weights.
    assert RankerWeights.from_json(weights.to_json()).gbm["dist"].n_features == f + e
