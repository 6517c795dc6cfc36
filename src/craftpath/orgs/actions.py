"""Every change to organisations and employers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from craftpath.core import events
from craftpath.core.problems import Problem, ProblemError
from craftpath.engines.codes import check_credit_code
from craftpath.orgs.models import Employer, Organisation, Region

_CHILD_LEVEL = dict(zip(Organisation.LEVEL_ORDER, Organisation.LEVEL_ORDER[1:], strict=False))


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ProblemError(Problem("org.unknown", {"value": code}, "region"))
    return region


@transaction.atomic
def do_create_organisation(
    actor: Any,
    *,
    code: str,
    name: str,
    level: str,
    region_code: str,
    parent: Organisation | None = None,
    kind: str = Organisation.Kind.FEDERATION,
    name_en: str = "",
) -> Organisation:
    if parent is not None:
        allowed = _CHILD_LEVEL.get(parent.level)
        # A grassroots union can hang under any federation level (e.g. a provincial industry union).
        if level != Organisation.Level.GRASSROOTS and level != allowed:
            raise ValueError(f"a {level} organisation cannot sit under a {parent.level} one")
        if parent.is_grassroots:
            raise ValueError("nothing sits under a grassroots union")
    org = Organisation.objects.create(
        code=code,
        name=name,
        name_en=name_en,
        level=level,
        kind=kind,
        parent=parent,
        region=_region(region_code),
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    events.record(
        actor=actor,
        kind="create",
        action="create_organisation",
        object_type="organisation",
        object_id=str(org.public_id),
        org_path=org.path,
        after={"code": code, "name": name, "level": level},
    )
    return org


@transaction.atomic
def do_create_employer(
    actor: Any,
    *,
    credit_code: str,
    name: str,
    region_code: str,
    union: Organisation | None = None,
    is_platform: bool = False,
) -> Employer:
    check = check_credit_code(credit_code)
    if not check.ok:
        raise ProblemError(Problem(check.error_code or "uscc.checksum", {"value": credit_code}, "credit_code"))
    employer = Employer.objects.create(
        credit_code=check.value, name=name, region=_region(region_code), union=union, is_platform=is_platform
    )
    events.record(
        actor=actor,
        kind="create",
        action="create_employer",
        object_type="employer",
        object_id=str(employer.public_id),
        org_path=union.path if union else "",
        after={"credit_code": check.value, "name": name},
    )
    return employer
