"""Re-seal personal data under the newest key in CRAFTPATH_FIELD_KEYS (after prepending one)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from craftpath.core import crypto, events
from craftpath.registry.models import Member


class Command(BaseCommand):
    help = "Re-encrypt sealed ID numbers and phones with the current first key."

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        last = 0
        while True:
            batch = list(
                Member.objects.filter(pk__gt=last).order_by("pk").only("pk", "id_sealed", "phone_sealed")[:5000]
            )
            if not batch:
                break
            last = batch[-1].pk
            changed = []
            for member in batch:
                if crypto.needs_reseal(member.id_sealed) or (
                    member.phone_sealed and crypto.needs_reseal(member.phone_sealed)
                ):
                    member.id_sealed = crypto.seal(crypto.unseal(member.id_sealed))
                    if member.phone_sealed:
                        member.phone_sealed = crypto.seal(crypto.unseal(member.phone_sealed))
                    changed.append(member)
            with transaction.atomic():
                Member.objects.bulk_update(changed, ["id_sealed", "phone_sealed"], batch_size=1000)
            done += len(changed)
        events.record(actor=None, kind="admin", action="rotate_field_keys", note=f"{done} members re-sealed")
        self.stdout.write(f"已重新加密 / re-sealed: {done}")
