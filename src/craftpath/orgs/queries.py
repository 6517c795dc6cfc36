from __future__ import annotations

from django.db.models import QuerySet

from craftpath.orgs.models import Organisation


def list_subtree(root: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=root.path).select_related("region")


def get_organisation_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()
