"""Shared fixtures: the packaged coder is built once per test session."""

from __future__ import annotations

import pytest

from craftpath.engines.coder import Coder


@pytest.fixture(scope="session")
def coder() -> Coder:
    return Coder.default()


@pytest.fixture(scope="session")
def cheap_coder() -> Coder:
    return Coder.default(use_embeddings=False)
