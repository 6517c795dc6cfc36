"""The advancement engine's missing-condition codes as sentences (Chinese and English).

The same wording as the advancement pages (``craftpath.ladders.texts``); assessment sits beside
ladders in the layers, so it cannot import it and keeps this short copy.
"""

from __future__ import annotations

from craftpath.engines.grades import Grade


def _grade(rank: str) -> tuple[str, str]:
    try:
        g = Grade(int(rank))
    except (ValueError, TypeError):
        return rank, rank
    return g.zh, g.en


def describe_missing(code: str) -> dict[str, str]:
    kind, _, rest = code.partition(":")
    if kind == "years_in_occupation":
        have, _, need = rest.partition("/")
        return {
            "code": code,
            "zh": f"从事本职业或相关职业累计需满 {need} 年，目前约 {have} 年。",
            "en": f"Needs {need} years in this or a related occupation; you have about {have}.",
        }
    if kind == "years_since_certificate":
        rank, _, counts = rest.partition(":")
        have, _, need = counts.partition("/")
        zh, en = _grade(rank)
        return {
            "code": code,
            "zh": f"取得{zh}证书后需满 {need} 年，目前约 {have} 年。",
            "en": f"Needs {need} years after the {en} certificate; you have about {have}.",
        }
    if kind == "needs_certificate":
        zh, en = _grade(rest)
        return {
            "code": code,
            "zh": f"需要先取得本职业的{zh}证书。",
            "en": f"Needs the {en} certificate in this occupation first.",
        }
    if kind == "needs_diploma":
        return {"code": code, "zh": f"此途径需要{rest}毕业证书。", "en": f"This route needs a diploma: {rest}."}
    if kind == "needs_apprenticeship":
        return {"code": code, "zh": "此途径需要学徒期满。", "en": "This route needs a completed apprenticeship."}
    if kind == "min_age":
        _, _, need = rest.partition("/")
        return {"code": code, "zh": f"需年满 {need} 周岁。", "en": f"You need to be at least {need} years old."}
    if kind == "no_record":
        return {
            "code": code,
            "zh": "登记信息中没有本职业的工作经历、证书或学历，请先补充职业经历。",
            "en": "The record has no work history, certificate or diploma in this occupation; "
            "please add the work history first.",
        }
    if kind == "already_held":
        return {
            "code": code,
            "zh": "已持有该等级或更高等级的证书。",
            "en": "A certificate at this grade or higher is already held.",
        }
    return {"code": code, "zh": code, "en": code}
