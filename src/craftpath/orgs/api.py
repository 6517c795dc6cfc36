from __future__ import annotations

import uuid

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema

from craftpath.orgs.access import access_organisation_by_code, organisations_visible_to
from craftpath.orgs.models import Organisation

router = Router()


class OrganisationOut(Schema):
    public_id: uuid.UUID
    code: str
    name: str
    name_en: str
    level: str
    kind: str
    region_code: str
    parent_code: str | None
    depth: int


def _out(org: Organisation) -> dict[str, object]:
    return {
        "public_id": org.public_id,
        "code": org.code,
        "name": org.name,
        "name_en": org.name_en,
        "level": org.level,
        "kind": org.kind,
        "region_code": org.region_id,
        "parent_code": org.parent.code if org.parent is not None else None,
        "depth": org.depth,
    }


@router.get("", response=list[OrganisationOut], summary="Organisations I may see (my subtree)")
def list_organisations(request: HttpRequest, level: str | None = None) -> list[dict[str, object]]:
    qs = organisations_visible_to(request.user).select_related("parent")
    if level:
        qs = qs.filter(level=level)
    return [_out(o) for o in qs[:5000]]


class OrganisationDetail(OrganisationOut):
    children: list[OrganisationOut]
    member_count: int


@router.get("/{code}", response=OrganisationDetail, summary="One organisation with its children")
def get_organisation(request: HttpRequest, code: str) -> dict[str, object]:
    org = access_organisation_by_code(request.user, code)
    children = Organisation.objects.filter(parent=org).select_related("parent")
    counts = Organisation.objects.filter(pk=org.pk).aggregate(n=Count("members"))
    return {**_out(org), "children": [_out(c) for c in children], "member_count": counts["n"] or 0}
