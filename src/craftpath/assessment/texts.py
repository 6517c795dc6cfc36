"""The advancement engine's missing-condition codes as sentences (Chinese and English).

The wording lives with the engine (``craftpath.engines.ladder.explain``), shared with the
advancement pages.
"""

from __future__ import annotations

from craftpath.engines.ladder.explain import explain_code


def describe_missing(code: str) -> dict[str, str]:
    """A code → ``{"code", "zh", "en"}``; unknown codes are shown as they are."""
    try:
        zh, en = explain_code(code)
    except (ValueError, IndexError):
        zh = en = code
    return {"code": code, "zh": zh, "en": en}
