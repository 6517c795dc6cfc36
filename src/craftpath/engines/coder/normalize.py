"""Text normalisation for occupation coding: width, case, script, noise and segments.

A job title from a job board carries a lot besides the occupation: salaries, places,
recruiting slogans ("急聘", "包吃住"), bracketed remarks and separators. These helpers
reduce it to the part that names the work, in simplified Chinese, lower case, half width.

Examples:
    >>> normalize_title("【急聘】數控車床操作工（月薪8000-12000元）")
    '数控车床操作工'
    >>> normalize_title("ＪＡＶＡ开发工程师/深圳/双休")
    'java开发工程师'
    >>> title_segments("焊工/电焊工-东莞")
    ['焊工', '电焊工']
    >>> has_content("😀😀 12345")
    False
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

__all__ = [
    "has_content",
    "normalize_name",
    "normalize_title",
    "pick_title_text",
    "strip_markers",
    "title_segments",
    "to_simplified",
]

# Recruiting slogans and perks that never name an occupation. Longest first.
_NOISE_WORDS = sorted(
    {
        "急聘",
        "诚聘",
        "急招",
        "直招",
        "高薪诚聘",
        "高薪招聘",
        "高薪急聘",
        "高薪",
        "招募",
        "诚招",
        "长期招",
        "长期招聘",
        "大量招聘",
        "急需",
        "热招",
        "包吃住",
        "包吃",
        "包住",
        "五险一金",
        "六险一金",
        "五险",
        "双休",
        "单休",
        "周末双休",
        "月休4天",
        "无责底薪",
        "底薪",
        "提成",
        "高提成",
        "年终奖",
        "不加班",
        "可兼职",
        "可实习",
        "应届生可",
        "无经验可",
        "经验不限",
        "学历不限",
        "男女不限",
        "有补贴",
        "现金补贴",
        "日结",
        "周结",
        "月结",
        "朝九晚五",
        "八小时",
        "8小时",
        "长白班",
        "包培训",
        "带薪培训",
        "入职即交社保",
        "无需经验",
        "零经验",
        "接受零经验",
        "接受小白",
        "不坐班",
        "就近分配",
        "可日结",
        "包食宿",
        "包教包会",
    },
    key=len,
    reverse=True,
)
_RECRUITER = "(?!专员|主管|经理|助理|顾问|官|师|负责人|总监|编辑|外包|渠道)"
_NOISE_RE = re.compile("|".join(re.escape(w) for w in _NOISE_WORDS) + "|(?:招聘|聘请)" + _RECRUITER)
_HIRING_RE = re.compile("(?:招聘|聘请)" + _RECRUITER)
# Salaries and amounts: 8000-12000元/月, 8k-12k, 1.5万, 200元/天, 20-30万/年, 保底1万元,
# 月薪6k以上; head counts (3名, 10人); and bare numbers of four digits or more (7000), which in
# a job title are pay, never part of an occupation's name.
_SALARY_RE = re.compile(
    r"(?:月薪|薪资|工资|年薪|底薪|日薪|时薪|保底|月入|月收入|综合薪资|薪)?\s*"
    r"\d+(?:\.\d+)?\s*[kKwW千万]?\s*(?:[-~～至到]\s*\d+(?:\.\d+)?\s*[kKwW千万]?)?\s*"
    r"(?:元|块)?\s*(?:/|每)?\s*(?:月|天|日|年|小时|时|h)"
    r"|(?:月薪|薪资|工资|年薪|底薪|保底|月入|月收入|综合薪资)?\s*"
    r"\d+(?:\.\d+)?\s*[kKwW千万]\s*(?:[-~～至到]\s*\d+(?:\.\d+)?\s*[kKwW千万]?)?\s*元?(?:\+|以上|起)?"
    r"|\d+\s*(?:[-~～至到]\s*\d+)?\s*元(?:以上|起)?"
    r"|(?:月薪|薪资|工资|年薪|底薪|保底|月入|月收入|综合薪资)\s*\d+(?:\.\d+)?(?:\s*[-~～至到]\s*\d+(?:\.\d+)?)?(?:\+|以上|起)?"
    r"|(?<![a-z0-9.])\d+\s*(?:名|人)(?![a-z0-9间])"
    r"|(?<![a-z0-9.])\d{4,}(?![a-z0-9])(?:\+|以上|起|左右)?"
)
# Bracketed remarks: (…), （…）, 【…】, […], {…}, <…>, 《…》 is kept (titles of works).
_BRACKET_RE = re.compile(r"[(\[{<【〔〖「『][^()\[\]{}<>【】〔〕〖〗「」『』]*[)\]}>】〕〗」』]")
_SEPARATORS = re.compile(r"[\s/\\|,;:·•、，；：。!！?？\-—–_~～+＋*#&＆@\"'“”‘’()\[\]{}<>【】]+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORDISH_RE = re.compile(rf"[{_CJK}a-z]")
_DROP_RE = re.compile(rf"[^{_CJK}a-z0-9.#+\s/\\|,;:、，；：\-—_()\[\]{{}}<>【】（）]")
_MARKER_RE = re.compile(r"\s*(?:L/S|L|S)\s*$")
_TITLE_HINT_RE = re.compile(r"(?:职位|岗位|招聘|职务|工种|职位名称|岗位名称|title|position)\s*[:：]?\s*(.{2,30})")
_JOB_SUFFIX_RE = re.compile(
    r"(?:师|员|工|长|经理|主管|专员|工程师|技工|司机|助理|顾问|总监|教练|老师|医生|护士|"
    r"会计|出纳|文员|客服|销售|代表|设计|开发|manager|engineer|developer|designer)$"
)


@functools.cache
def _converter() -> object | None:
    """OpenCC traditional→simplified (with Taiwanese phrases), or None if unavailable."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    for config in ("tw2sp", "t2s"):
        try:
            return opencc.OpenCC(config)
        except Exception:  # noqa: S112 - try the next configuration
            continue
    return None  # pragma: no cover


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified (phrase-aware where OpenCC allows).

    Examples:
        >>> to_simplified("軟體工程師")
        '软件工程师'
    """
    conv = _converter()
    if conv is None or text.isascii():
        return text
    return str(conv.convert(text))  # type: ignore[attr-defined]


@functools.cache
def _places() -> tuple[frozenset[str], re.Pattern[str]]:
    text = resources.files("craftpath.data.coder").joinpath("places.txt").read_text("utf-8")
    names = frozenset(w for w in text.split() if w)
    full = sorted((w for w in names if w[-1] in "省市区县"), key=len, reverse=True)
    return names, re.compile("|".join(re.escape(w) for w in full))


def strip_markers(name: str) -> str:
    """Remove the green/digital markers (``L``, ``S``, ``L/S``) that end some names.

    Examples:
        >>> strip_markers("网络编辑S")
        '网络编辑'
        >>> strip_markers("大地测量工程技术人员L/S")
        '大地测量工程技术人员'
    """
    return _MARKER_RE.sub("", name)


def _basic(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return to_simplified(text)


def title_segments(text: str) -> list[str]:
    """Normalise a title and split it into meaningful segments (places and noise removed).

    Examples:
        >>> title_segments("销售代表（底薪+提成）|上海")
        ['销售代表']
    """
    text = _basic(text)
    names, full_re = _places()
    # Bracketed remarks go, unless nothing else is left.
    stripped = _BRACKET_RE.sub(" ", text)
    if _WORDISH_RE.search(stripped):
        text = stripped
    text = _SALARY_RE.sub(" ", text)
    # "某某公司招聘焊工": what follows the recruiting verb is the title.
    hit = _HIRING_RE.search(text)
    if hit and hit.start() > 0 and _WORDISH_RE.search(text[hit.end() :]):
        text = text[hit.end() :]
    text = _DROP_RE.sub(" ", text)
    text = _NOISE_RE.sub(" ", text)
    text = full_re.sub(" ", text)
    segments = []
    for seg in _SEPARATORS.split(text):
        seg = seg.strip(".#+")
        if not seg or seg in names or not _WORDISH_RE.search(seg):
            continue
        for cut in (3, 2):  # a leading place name: "西安快递员" -> "快递员"
            if len(seg) - cut >= 2 and seg[:cut] in names:
                seg = seg[cut:]
                break
        segments.append(seg)
    return segments


def normalize_name(name: str) -> str:
    """Normalise an occupation name or alias: width, case, script and markers only.

    Examples:
        >>> normalize_name("招聘专员/助理")
        '招聘专员 助理'
    """
    text = _basic(strip_markers(name))
    return " ".join(seg for seg in _SEPARATORS.split(text) if seg)


def normalize_title(text: str) -> str:
    """Normalise a job title to the text used for matching (segments joined by spaces).

    Examples:
        >>> normalize_title("  Senior  Welder ")
        'senior welder'
    """
    return " ".join(title_segments(text))


def has_content(text: str) -> bool:
    """Whether ``text`` holds any letters or Chinese characters worth coding.

    Examples:
        >>> has_content("焊工")
        True
        >>> has_content("？？？ 2024")
        False
    """
    return bool(_WORDISH_RE.search(_basic(text)))


def pick_title_text(text: str, max_chars: int = 48, long_after: int = 40) -> str:
    """From a long job advertisement, keep the title-ish lines; short text is returned as is.

    The cost is bounded: only the first 4,000 characters are read, and at most
    ``max_chars`` characters are returned.

    Examples:
        >>> ad = "某某科技有限公司\\n岗位：电气工程师\\n岗位职责：负责配电系统设计与调试，" * 2
        >>> pick_title_text(ad)
        '电气工程师'
    """
    if len(text) <= long_after:
        return text
    text = _basic(text[:4000])
    picked: list[str] = []
    for m in _TITLE_HINT_RE.finditer(text):
        cand = re.split(r"[\n。；;，,]", m.group(1))[0].strip()
        if cand and "职责" not in cand and "要求" not in cand:
            picked.append(cand)
    lines = [ln.strip() for ln in re.split(r"[\n\r。；;]+", text) if ln.strip()]
    if not picked:
        for ln in lines[:40]:
            short = _BRACKET_RE.sub("", ln).strip()
            if 2 <= len(short) <= 20 and _JOB_SUFFIX_RE.search(short):
                picked.append(short)
    if not picked and lines:
        picked.append(lines[0][:max_chars])
    out: list[str] = []
    for p in picked:
        if p not in out:
            out.append(p)
    return " ".join(out)[:max_chars]
