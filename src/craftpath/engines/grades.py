"""The eight skill grades of the new eight-level system (新八级工), lowest first.

Source: MOHRSS 《关于健全完善新时代技能人才职业技能等级制度的意见(试行)》 (2022-04-27),
see ``docs/policy-rules.md`` §1.2. The five national levels map 五级→初级工 … 一级→高级技师.

Examples:
    >>> Grade.from_label("技师") is Grade.TECHNICIAN
    True
    >>> Grade.from_national_level(5).zh
    '初级工'
    >>> Grade.SENIOR_TECHNICIAN.national_level
    1
    >>> Grade.CHIEF_TECHNICIAN.is_post
    True
"""

from __future__ import annotations

import re
from enum import IntEnum

__all__ = ["EXAM_GRADES", "POST_GRADES", "Grade"]

_ZH = ("学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师")
_EN = (
    "Apprentice",
    "Junior worker (level 5)",
    "Intermediate worker (level 4)",
    "Senior worker (level 3)",
    "Technician (level 2)",
    "Senior technician (level 1)",
    "Special-grade technician",
    "Chief technician",
)
_NATIONAL_ZH = {1: "五级", 2: "四级", 3: "三级", 4: "二级", 5: "一级"}
# ``4级``, ``level 4``: a national level written with its number.
_LEVEL_RE = re.compile(r"^(?:level\s*([1-5])|([1-5])\s*级)$", re.IGNORECASE)


class Grade(IntEnum):
    """Ordered skill grade; the integer value is the rank (0 lowest, 7 highest)."""

    APPRENTICE = 0
    JUNIOR = 1
    INTERMEDIATE = 2
    SENIOR = 3
    TECHNICIAN = 4
    SENIOR_TECHNICIAN = 5
    SPECIAL_TECHNICIAN = 6
    CHIEF_TECHNICIAN = 7

    @property
    def zh(self) -> str:
        """Chinese name, e.g. ``高级工``."""
        return _ZH[self.value]

    @property
    def en(self) -> str:
        """English name."""
        return _EN[self.value]

    @property
    def national_level(self) -> int | None:
        """National level number (5 = 五级 … 1 = 一级), or None outside the five levels."""
        return 6 - self.value if 1 <= self.value <= 5 else None

    @property
    def national_label(self) -> str | None:
        """``五级`` … ``一级`` or None."""
        return _NATIONAL_ZH.get(self.value)

    @property
    def is_post(self) -> bool:
        """特级技师 and 首席技师 are posts filled by appointment (评聘), never by exam."""
        return self.value >= 6

    @classmethod
    def from_national_level(cls, level: int) -> Grade:
        """Map a national level (5 lowest … 1 highest) to a grade."""
        if level not in range(1, 6):
            raise ValueError(f"national level must be 1-5, got {level!r}")
        return cls(6 - level)

    @classmethod
    def from_label(cls, label: str) -> Grade:
        """Parse a grade from its Chinese name, national label, English enum name or rank.

        Examples:
            >>> Grade.from_label("三级")
            <Grade.SENIOR: 3>
            >>> Grade.from_label("senior_technician")
            <Grade.SENIOR_TECHNICIAN: 5>
        """
        text = str(label).strip()
        if text in _ZH:
            return cls(_ZH.index(text))
        for value, name in _NATIONAL_ZH.items():
            if text in (name, f"{name}/{_ZH[value]}", f"{_ZH[value]}（{name}）", f"{_ZH[value]}({name})"):
                return cls(value)
        if text.isdigit() and int(text) in range(8):
            return cls(int(text))
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown grade {label!r}") from None

    @classmethod
    def parse(cls, text: str, *, numbers: str = "rank") -> Grade | None:
        """A grade as people write it, or None: every form :meth:`from_label` reads, plus a
        national level with its number (``4级``, ``level 4``) and the English names the pages
        show, with or without their ``(level N)`` ending. Traditional characters are the
        caller's to convert.

        A bare number is read by ``numbers``: ``"rank"`` (a form's grade list, the APIs) reads
        0–7 as the rank, so 4 is 技师; ``"level"`` (files typed by people, who copy the level
        from a certificate) reads 5 … 1 as the national level the pages show, so 4 is 四级 =
        中级工, and gives None for 0, 6 and 7: 学徒工, 特级技师 and 首席技师 have no level
        number and are written by name.

        Examples:
            >>> Grade.parse("4"), Grade.parse("4", numbers="level"), Grade.parse("level 2")
            (<Grade.TECHNICIAN: 4>, <Grade.INTERMEDIATE: 2>, <Grade.TECHNICIAN: 4>)
            >>> Grade.parse("senior worker"), Grade.parse("7", numbers="level")
            (<Grade.SENIOR: 3>, None)
        """
        text = str(text).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a number cell of a workbook (3 arrives as 3.0)
            text = text[:-2]
        if text.isdigit():
            n = int(text)
            if numbers == "level":
                return cls.from_national_level(n) if 1 <= n <= 5 else None
            return cls(n) if 0 <= n <= 7 else None
        level = _LEVEL_RE.match(text)
        if level:
            return cls.from_national_level(int(level.group(1) or level.group(2)))
        english = _EN_NAMES.get(text.lower())
        if english is not None:
            return cls(english)
        try:
            return cls.from_label(text)
        except ValueError:
            return None


# English names as the pages show them, with or without the "(level N)" ending → rank.
_EN_NAMES = {
    **{name.lower(): rank for rank, name in enumerate(_EN)},
    **{re.sub(r"\s*\(level \d\)$", "", name).lower(): rank for rank, name in enumerate(_EN)},
}

EXAM_GRADES: tuple[Grade, ...] = tuple(g for g in Grade if 1 <= g.value <= 5)
POST_GRADES: tuple[Grade, ...] = (Grade.SPECIAL_TECHNICIAN, Grade.CHIEF_TECHNICIAN)
