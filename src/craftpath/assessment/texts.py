"""The advancement engine's missing-condition codes as sentences (Chinese and English).

The wording lives with the engine (``craftpath.engines.ladder.explain``), shared with the
advancement pages.
"""

from __future__ import annotations

from craftpath.engines.ladder.explain import explain_code

# Codes assessment adds when the engine has no row for the event's occupation and grade.
_OWN = {
    "no_record": (
        "登记信息中没有本职业的工作经历、证书或学历，请先补充职业经历。",
        "The record has no work history, certificate or diploma in this occupation; please add the work history first.",
    ),
    "already_held": ("已持有该等级或更高等级的证书。", "A certificate at this grade or higher is already held."),
}


def describe_missing(code: str) -> dict[str, str]:
    """A code → ``{"code", "zh", "en"}``; unknown codes are shown as they are."""
    if code in _OWN:
        return {"code": code, "zh": _OWN[code][0], "en": _OWN[code][1]}
    try:
        zh, en = explain_code(code)
    except (ValueError, IndexError):
        zh = en = code
    return {"code": code, "zh": zh, "en": en}
