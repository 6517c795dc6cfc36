"""Render missing-condition and flag codes as gentle Chinese and English sentences.

Examples:
    >>> explain_code("years_in_occupation:4.2/6")[1][:60]
    'You have 4.2 of the 6 years of work in this or a related occ'
    >>> explain_code("needs_certificate:3")[0]
    '需要先取得高级工（三级）证书，再申报这一等级。'
"""

from __future__ import annotations

from craftpath.engines.grades import Grade
from craftpath.engines.ladder.inputs import PROBLEMS

__all__ = ["explain_code", "explain_codes"]

_DIPLOMA = {
    "technical_school": ("技工学校", "technical school"),
    "senior_technical_school": ("高级技工学校", "senior technical school"),
    "technician_college": ("技师学院", "technician college"),
    "preparatory_technician": ("技师学院预备技师班", "preparatory-technician class of a technician college"),
    "secondary_vocational": ("中等职业学校", "secondary vocational school"),
    "higher_vocational": ("高等职业学校", "higher vocational college"),
    "junior_college": ("大专", "junior college"),
    "bachelor": ("本科", "bachelor's degree"),
    "postgraduate": ("研究生", "postgraduate degree"),
}


def _grade(g: str) -> tuple[str, str]:
    grade = Grade(int(g))
    zh = f"{grade.zh}（{grade.national_label}）" if grade.national_label else grade.zh
    return zh, grade.en


def explain_code(code: str) -> tuple[str, str]:
    """One code → (Chinese, English). Unknown codes are returned as they are."""
    name, _, arg = code.partition(":")
    if name == "years_in_occupation":
        have, need = arg.split("/")
        return (
            f"您已累计从事本职业或相关职业 {have} 年，需要 {need} 年；请保持工作经历记录完整，满 {need} 年即可申报。",
            f"You have {have} of the {need} years of work in this or a related occupation; keep your work record "
            f"up to date and you can apply once you reach {need} years.",
        )
    if name == "needs_certificate":
        zh, en = _grade(arg)
        return (
            f"需要先取得{zh}证书，再申报这一等级。",
            f"You first need the {en} certificate before applying for this grade.",
        )
    if name == "years_since_certificate":
        g, _, rest = arg.partition(":")
        have, need = rest.split("/")
        zh, en = _grade(g)
        return (
            f"取得{zh}证书已满 {have} 年，需要满 {need} 年；到期后即可申报。",
            f"You have held the {en} certificate for {have} of the {need} years needed; "
            f"you can apply when the {need} years are up.",
        )
    if name == "needs_diploma":
        kinds, _, level = arg.partition("@")
        zh = "、".join(_DIPLOMA.get(k, (k, k))[0] for k in kinds.split("|"))
        en = ", ".join(_DIPLOMA.get(k, (k, k))[1] for k in kinds.split("|"))
        if level:
            lz, le = _grade(level)
            zh += f"（经评估按{lz}水平培养）"
            en += f" (assessed as training to {le} level)"
        return (
            f"这一途径需要本专业或相关专业的{zh}学历；如已取得，请把学历信息补充到档案中。",
            f"This route needs a diploma from a {en} in this or a related specialty; "
            "if you have one, please add it to your record.",
        )
    if name == "needs_apprenticeship":
        return (
            "这一途径需要本职业学徒期满；如已满师，请补充学徒记录。",
            "This route needs a completed apprenticeship in this occupation; "
            "if you have finished one, please add it to your record.",
        )
    if name == "min_age":
        have, need = arg.split("/")
        return f"申报需年满 {need} 周岁（目前 {have} 岁）。", f"You need to be at least {need} to apply (now {have})."
    if name == "employer_has_no_post":
        return (
            "所在单位尚未设置该岗位；可与单位沟通设岗事宜。",
            "Your employer has not set up this post yet; you may raise it with them.",
        )
    if name == "no_free_quota":
        return (
            "单位该岗位暂无空余名额；名额空出后可被推荐。",
            "Your employer has no free place in this post now; you can be nominated when one opens.",
        )
    if name == "no_route":
        return "这一等级在适用的标准中没有申报途径。", "The applicable standard has no route to this grade."
    if code in PROBLEMS:
        return PROBLEMS[code]
    return code, code


def explain_codes(codes: list[str], lang: str = "zh") -> list[str]:
    """Sentences for a list of codes in ``zh`` or ``en``.

    Examples:
        >>> explain_codes(["needs_apprenticeship"], "en")[0].startswith("This route needs a completed apprenticeship")
        True
    """
    idx = 0 if lang.startswith("zh") else 1
    return [explain_code(c)[idx] for c in codes]
