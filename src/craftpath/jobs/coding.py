"""Coding job titles to occupations with the shared occupation coder (built once per process)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from craftpath.engines.coder import Coder

_lock = threading.Lock()
_coder: Coder | None = None


def coder() -> Coder:
    """The process-wide coder; building it takes about a second, so it is built on first use."""
    global _coder
    if _coder is None:
        with _lock:
            if _coder is None:
                _coder = Coder.default()
    return _coder


@dataclass
class Coding:
    code: str | None
    name: str = ""
    confidence: float | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


def code_titles(texts: list[str], k: int = 3) -> list[Coding]:
    """One :class:`Coding` per text, in order; ``code`` is None when the coder is not confident.

    The cheap path (no embeddings) is used: it is fast, deterministic and good enough to
    suggest a code that staff can confirm; unsure titles go to staff anyway.
    """
    if not texts:
        return []
    frame = coder().code(texts, k=k, use_embeddings=False)
    out = [Coding(None) for _ in texts]
    for index, group in frame.group_by("input_index", maintain_order=True):
        i = int(index[0])
        rows = group.sort("rank", nulls_last=True).to_dicts()
        evidence = [
            {"code": r["code"], "name": r["name"], "score": round(float(r["score"]), 4), "evidence": r["evidence"]}
            for r in rows
            if r["code"] is not None
        ]
        top = rows[0]
        confidence = None if top["confidence"] is None else round(float(top["confidence"]), 4)
        if top["no_confident_code"] or top["code"] is None:
            out[i] = Coding(None, "", confidence, evidence)
        else:
            out[i] = Coding(top["code"], top["name"], confidence, evidence)
    return out
