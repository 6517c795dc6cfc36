"""A member who moves to another union takes their job-seeker case with them.

The seeker record and the referrals still in progress move to the member's new union, whose
staff now follow them up; decided referrals (hired, not hired, withdrawn) stay with the union
that made them, so its placement figures do not change afterwards.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from craftpath.jobs.models import JobSeeker, Placement
from craftpath.registry.signals import members_moved, moves_by_path

OPEN_PLACEMENTS = (Placement.Status.REFERRED, Placement.Status.INTERVIEWED)


@receiver(members_moved, dispatch_uid="jobs.follow_moved_members")
def follow_moved_members(sender: Any, moves: dict[int, str], **kwargs: Any) -> None:
    for path, members in moves_by_path(moves):
        JobSeeker.objects.filter(member_id__in=members).update(org_path=path)
        Placement.objects.filter(seeker__member_id__in=members, status__in=OPEN_PLACEMENTS).update(org_path=path)
