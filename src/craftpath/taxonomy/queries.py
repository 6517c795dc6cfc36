"""Reading the occupational classification for the browser pages."""

from __future__ import annotations

from django.db.models import Q

from craftpath.engines.grades import Grade
from craftpath.taxonomy.loader import parent_of
from craftpath.taxonomy.models import Occupation

SEARCH_LIMIT = 100


def groups_under(code: str = "") -> list[Occupation]:
    """Entries directly under ``code`` (the 8 major groups when empty)."""
    if not code:
        return list(Occupation.objects.filter(level=1).order_by("code"))
    return list(Occupation.objects.filter(parent_code=code).order_by("code"))


def ancestors_of(code: str) -> list[Occupation]:
    codes = []
    current = parent_of(code)
    while current:
        codes.append(current)
        current = parent_of(current)
    found = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    return [found[c] for c in reversed(codes) if c in found]


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Occupation]:
    """Search by Chinese name, alias, pinyin, pinyin initials or code.

    ``search_text`` holds name, aliases, full pinyin and initials in lower case, so one
    case-insensitive containment test covers all of them; exact and prefix name matches rank
    first.
    """
    q = text.strip().lower()
    if not q:
        return []
    squeezed = q.replace(" ", "")
    cond = Q(search_text__contains=q) | Q(code__startswith=q)
    if squeezed != q:
        cond |= Q(search_text__contains=squeezed)
    rows = list(Occupation.objects.filter(cond).order_by("code")[: limit * 3])

    def rank(o: Occupation) -> tuple[int, int, str]:
        name = o.name.lower()
        score = 0 if name == q else 1 if name.startswith(q) else 2 if q in name else 3
        return (score, -o.level, o.code)

    rows.sort(key=rank)
    return rows[:limit]


def grade_labels(ranks: list[int]) -> list[Grade]:
    return [Grade(r) for r in sorted(ranks) if 0 <= r <= 7]


def get_occupation(code: str) -> Occupation | None:
    return Occupation.objects.filter(code=code).first()
