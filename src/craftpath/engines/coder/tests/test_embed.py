"""The second embedding model (multilingual Universal Sentence Encoder) behind the coder."""

from __future__ import annotations

import numpy as np

from craftpath.engines.coder.embed import USE_DIM, SentenceEncoder


def test_unit_vectors_that_place_a_title_near_its_occupation() -> None:
    enc = SentenceEncoder()
    assert enc.available
    v = enc.embed(["电焊工", "焊工", "会计", "welder", "", "   "])
    assert v.shape == (6, USE_DIM)
    np.testing.assert_allclose(np.linalg.norm(v[:4], axis=1), 1.0, atol=1e-4)
    assert not v[4:].any()  # blank texts give zero vectors
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1
    assert v[1] @ v[3] > v[2] @ v[3]  # across languages too


def test_memo_returns_the_same_vectors_and_is_bounded() -> None:
    enc = SentenceEncoder(memo_size=2)
    first = enc.embed(["车工", "钳工", "铣工"])
    assert list(enc._memo) == ["钳工", "铣工"]
    again = enc.embed(["铣工", "车工"])
    np.testing.assert_allclose(again, first[[2, 0]], atol=1e-6)
    assert len(enc._memo) == 2
