"""National identifier checks: resident ID numbers (GB 11643-1999) and unified social credit
codes (GB 32100-2015), one at a time or vectorized over a Polars Series.

Examples:
    >>> check_resident_id("11010519491231002X").birth_date
    datetime.date(1949, 12, 31)
    >>> check_resident_id("11010519491231002X").sex
    'F'
    >>> check_resident_id("110105194912310021").error_code
    'id.checksum'
    >>> check_credit_code("91350100M000100Y43").ok
    True
    >>> mask_resident_id("11010519491231002X")
    '110105********002X'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

__all__ = [
    "CodeCheck",
    "check_credit_code",
    "check_resident_id",
    "credit_code_checksum_ok",
    "mask_phone",
    "mask_resident_id",
    "resident_id_check_char",
    "resident_id_checksum_ok",
]

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Province-level prefixes of GB/T 2260 that a resident ID may start with.
_PROVINCES = frozenset(
    f"{n}"
    for n in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)


@dataclass(frozen=True)
class CodeCheck:
    """Outcome of checking one identifier; ``error_code`` is None when it is valid."""

    value: str
    error_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits.

    Examples:
        >>> resident_id_check_char("11010519491231002")
        'X'
    """
    digits = np.frombuffer(first17.encode("ascii"), dtype=np.uint8).astype(np.int64) - 48
    return _ID_CHECK[int((digits * _ID_WEIGHTS).sum() % 11)]


def check_resident_id(value: str, *, today: dt.date | None = None) -> CodeCheck:
    """Validate an 18-character resident ID number.

    Error codes: ``id.length``, ``id.chars``, ``id.region``, ``id.birth_date``,
    ``id.future_birth`` (when ``today`` is given) and ``id.checksum``.
    """
    text = (value or "").strip().upper()
    if len(text) != 18:
        return CodeCheck(text, "id.length")
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return CodeCheck(text, "id.chars")
    if text[:2] not in _PROVINCES:
        return CodeCheck(text, "id.region")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return CodeCheck(text, "id.birth_date")
    if birth.year < 1900 or (today is not None and birth > today):
        return CodeCheck(text, "id.future_birth" if today and birth > today else "id.birth_date")
    if resident_id_check_char(text[:17]) != text[17]:
        return CodeCheck(text, "id.checksum")
    sex = "M" if int(text[16]) % 2 else "F"
    return CodeCheck(text, None, birth, sex)


def resident_id_checksum_ok(ids: pl.Series) -> pl.Series:
    """Vectorized GB 11643 check: True where an 18-character ID has a correct check character.

    Examples:
        >>> resident_id_checksum_ok(pl.Series(["11010519491231002X", "110105194912310021", "1"])).to_list()
        [True, False, False]
    """
    text = ids.cast(pl.Utf8).fill_null("").str.strip_chars().str.to_uppercase()
    ok_shape = text.str.contains(r"^\d{17}[\dX]$")
    padded = pl.select(pl.when(ok_shape).then(text).otherwise(pl.lit("0" * 18))).to_series()
    raw = np.frombuffer("".join(padded.to_list()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = raw[:, :17].astype(np.int64) - 48
    expected = np.frombuffer(_ID_CHECK.encode("ascii"), dtype=np.uint8)[(digits @ _ID_WEIGHTS) % 11]
    return pl.Series(ids.name, ok_shape.to_numpy() & (expected == raw[:, 17]))


def check_credit_code(value: str) -> CodeCheck:
    """Validate an 18-character unified social credit code (GB 32100-2015).

    Error codes: ``uscc.length``, ``uscc.chars`` and ``uscc.checksum``.
    """
    text = (value or "").strip().upper()
    if len(text) != 18:
        return CodeCheck(text, "uscc.length")
    if any(c not in _USCC_VALUE for c in text) or not text[2:8].isdigit():
        return CodeCheck(text, "uscc.chars")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    if _USCC_CHARS[check] != text[17]:
        return CodeCheck(text, "uscc.checksum")
    return CodeCheck(text)


def credit_code_checksum_ok(codes: pl.Series) -> pl.Series:
    """Vectorized GB 32100 check over a Series of codes."""
    return codes.map_elements(lambda c: check_credit_code(c).ok, return_dtype=pl.Boolean)


def mask_resident_id(value: str) -> str:
    """Show the region prefix and the last four characters only."""
    text = (value or "").strip().upper()
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str) -> str:
    """``138****5678`` style.

    Examples:
        >>> mask_phone("13812345678")
        '138****5678'
    """
    text = (value or "").strip()
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
