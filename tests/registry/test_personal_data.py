"""Personal data is sealed at rest, rotated without loss, and kept out of the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from tests.conftest import Cast

from craftpath.core import crypto
from craftpath.core.models import AuditEvent
from craftpath.registry.models import Member

pytestmark = pytest.mark.django_db


def test_id_number_is_not_stored_in_plain_text(cast: Cast) -> None:
    plain = cast.ma.reveal_id_number()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_sealed, id_hash, id_masked, phone_sealed FROM registry_member WHERE id = %s", [cast.ma.pk]
        )
        row = cursor.fetchone()
    assert plain not in " ".join(row)
    assert row[2] == plain[:6] + "********" + plain[-4:]
    assert row[1] == crypto.lookup_hash(plain)


def test_audit_trail_never_holds_plain_id_or_phone(cast: Cast) -> None:
    plain = cast.ma.reveal_id_number()
    dumped = " ".join(str(e.before) + str(e.after) + e.note for e in AuditEvent.objects.all())
    assert plain not in dumped
    assert "13800000001" not in dumped


def test_rotation_keeps_every_value_readable(cast: Cast, settings: Any) -> None:
    before = {m.pk: (m.reveal_id_number(), m.reveal_phone()) for m in Member.objects.all()}
    old_token = Member.objects.get(pk=cast.ma.pk).id_sealed
    settings.FIELD_ENCRYPTION_KEYS = ["a-brand-new-key-of-sufficient-length-0001", *settings.FIELD_ENCRYPTION_KEYS]
    assert crypto.needs_reseal(old_token)
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {m.pk: (m.reveal_id_number(), m.reveal_phone()) for m in Member.objects.all()}
    assert after == before
    assert not crypto.needs_reseal(Member.objects.get(pk=cast.ma.pk).id_sealed)
    # With the old key gone, the re-sealed values still open.
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert Member.objects.get(pk=cast.ma.pk).reveal_id_number() == before[cast.ma.pk][0]


def test_audit_events_are_append_only(cast: Cast) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
