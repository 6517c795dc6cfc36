"""Writing the audit trail. Every action calls :func:`record`; nothing else writes events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from craftpath.core.models import AuditEvent


def record(
    *,
    actor: Any,
    kind: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    org_path: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    user = actor if getattr(actor, "pk", None) else None
    label = getattr(actor, "username", "") if actor is not None else "system"
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label or "system",
        kind=kind,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        org_path=org_path,
        before=_jsonable(before),
        after=_jsonable(after),
        note=note[:255],
    )


def record_many(events: Iterable[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(list(events), batch_size=2000)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on each side."""
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _jsonable(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {
        k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)) for k, v in data.items()
    }
