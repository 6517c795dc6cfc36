"""Rankers: trees that re-rank only the queries the linear ranker is unsure of."""

from __future__ import annotations

import numpy as np

from craftpath.engines.coder.core import FULL_FEATURES, RankerWeights, calibrate
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
