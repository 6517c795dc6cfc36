from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest
from ninja import Router, Schema

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.taxonomy.models import Occupation

router = Router()


class OccupationOut(Schema):
    code: str
    level: int
    parent_code: str
    name: str
    is_green: bool
    is_digital: bool
    origin: str


class OccupationDetail(OccupationOut):
    definition: str
    tasks: list[str]
    aliases: list[str]
    grades: list[int]


@router.get("", response=list[OccupationOut], summary="Browse or search occupations (Chinese, pinyin or initials)")
def list_occupations(
    request: HttpRequest, q: str | None = None, level: int | None = None, parent: str | None = None, limit: int = 50
) -> list[Occupation]:
    qs = Occupation.objects.all()
    if q:
        term = q.strip().lower()
        qs = (
            qs.filter(Q(code__startswith=term) | Q(search_text__contains=term))
            .annotate(
                rank=Case(
                    When(name=q.strip(), then=Value(0)),
                    When(name__startswith=q.strip(), then=Value(1)),
                    When(search_text__startswith=term, then=Value(1)),
                    When(search_text__contains=f" {term}", then=Value(2)),
                    default=Value(3),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "level", "code")
        )
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_code=parent)
    return list(qs[: max(1, min(limit, 500))])


@router.get("/{code}", response=OccupationDetail, summary="One occupation with definition, tasks and grades")
def get_occupation(request: HttpRequest, code: str) -> Occupation:
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise NotFoundOrForbidden()
    return occupation
