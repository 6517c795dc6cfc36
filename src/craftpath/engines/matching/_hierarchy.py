"""Integer encodings of occupation codes and GB/T 2260 region codes.

Occupation codes are encoded as three dense integer ids (medium group, minor group, code) so the
scoring kernels compare integers instead of strings. Two code systems are recognised:

* CSCO 2022 ``6-31-01-03``: medium group ``6-31``, minor group ``6-31-01``.
* O*NET-SOC ``51-4041.00``: medium group ``51-4`` (SOC minor group), minor group ``51-404``
  (SOC broad occupation).

Anything else is its own medium and minor group.

Examples:
    >>> occupation_prefixes("6-31-01-03")
    ('6-31', '6-31-01')
    >>> occupation_prefixes("51-4041.00")
    ('51-4', '51-404')
    >>> region_code_int(["440305", "4403", None, "990000"]).tolist()
    [440305, 440300, -1, -1]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

__all__ = [
    "REGION_CITY",
    "REGION_DISTRICT",
    "REGION_ELSEWHERE",
    "REGION_PROVINCE",
    "REGION_UNKNOWN",
    "occupation_prefixes",
    "region_code_int",
    "region_tiers",
]

_CSCO = re.compile(r"^(\d)-(\d\d)-(\d\d)-(\d\d)$")
_SOC = re.compile(r"^(\d\d)-(\d)(\d\d)(\d)(?:\.\d\d)?$")
# GB/T 2260 province-level prefixes.
_PROVINCES = frozenset(
    int(p)
    for p in (
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
    )
)

REGION_UNKNOWN = 0
REGION_ELSEWHERE = 1
REGION_PROVINCE = 2
REGION_CITY = 3
REGION_DISTRICT = 4


def occupation_prefixes(code: str) -> tuple[str, str]:
    """Medium-group and minor-group prefixes of an occupation code."""
    text = code.strip()
    m = _CSCO.match(text)
    if m:
        return f"{m[1]}-{m[2]}", f"{m[1]}-{m[2]}-{m[3]}"
    m = _SOC.match(text)
    if m:
        return f"{m[1]}-{m[2]}", f"{m[1]}-{m[2]}{m[3]}"
    return text, text


def region_code_int(codes: Iterable[object], known: Iterable[int] | None = None) -> np.ndarray:
    """Normalise region codes to 6-digit integers; -1 means unknown.

    Codes of 2 or 4 digits are padded with zeros (province, city); longer codes (township,
    village) are cut to their county part. A code whose province prefix is not a GB/T 2260
    province, or that is absent from ``known`` when given, is unknown.
    """
    known_set = None if known is None else {int(x) for x in known}
    out = []
    for value in codes:
        if value is None or (isinstance(value, float) and value != value):
            out.append(-1)
            continue
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit() or len(text) not in (2, 4, 6, 9, 12):
            out.append(-1)
            continue
        num = int((text + "0000")[:6])
        if num // 10000 not in _PROVINCES:
            out.append(-1)
            continue
        if known_set is not None and num not in known_set:
            out.append(-1)
            continue
        out.append(num)
    return np.asarray(out, dtype=np.int64)


def region_tiers(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Relation tier between normalised region codes (broadcasting).

    4 same district, 3 same city, 2 same province, 1 elsewhere, 0 unknown (either side -1).
    A city-level code (``440300``) matches any district of that city at city tier.

    Examples:
        >>> region_tiers(np.array([440305, 440305, 440305, 440305, -1]),
        ...              np.array([440305, 440306, 440100, 110101, 440305])).tolist()
        [4, 3, 2, 1, 0]
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    unknown = (a < 0) | (b < 0)
    same_district = (a == b) & (a % 100 != 0)
    ca = a // 100
    same_city = (ca == b // 100) & (ca % 100 != 0)
    same_province = a // 10000 == b // 10000
    tier = np.where(
        same_district,
        REGION_DISTRICT,
        np.where(same_city, REGION_CITY, np.where(same_province, REGION_PROVINCE, REGION_ELSEWHERE)),
    )
    return np.where(unknown, REGION_UNKNOWN, tier).astype(np.int8)
