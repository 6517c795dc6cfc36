"""A member who moves to another union takes their open course places with them.

Places still enrolled or on a waiting list move to the member's new union, whose staff now
follow them; completed and withdrawn places stay with the union that handled them.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from craftpath.registry.signals import members_moved, moves_by_path
from craftpath.training.models import Enrolment

OPEN_PLACES = (Enrolment.Status.ENROLLED, Enrolment.Status.WAITING)


@receiver(members_moved, dispatch_uid="training.follow_moved_members")
def follow_moved_members(sender: Any, moves: dict[int, str], **kwargs: Any) -> None:
    for path, members in moves_by_path(moves):
        Enrolment.objects.filter(member_id__in=members, status__in=OPEN_PLACES).update(org_path=path)
