"""A member who moves to another union takes their open job-seeker case and course places along."""

from __future__ import annotations

import pytest

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.jobs.access import access_placement_by_public_id, access_seeker_by_public_id
from craftpath.jobs.actions import do_move_placement, do_refer
from craftpath.jobs.models import JobSeeker, Placement
from craftpath.registry.actions import do_update_member
from craftpath.registry.models import Member
from craftpath.training.actions import do_complete, do_enrol
from craftpath.training.models import Enrolment
from tests.credentials.factories import welding_course
from tests.jobs.conftest import Market

pytestmark = pytest.mark.django_db


def test_open_cases_follow_the_member_and_decided_ones_stay(market: Market) -> None:
    cast = market.cast
    old_path = market.seeker_a.org_path
    open_referral = do_refer(cast.staff_a, market.seeker_a, market.turner_a)
    withdrawn = do_move_placement(cast.staff_a, do_refer(cast.staff_a, market.seeker_a, market.miller_a), "withdrawn")
    course, done_course = welding_course(cast), welding_course(cast)
    place = do_enrol(cast.staff_a, course, cast.ma)
    finished = do_complete(cast.staff_a, do_enrol(cast.staff_a, done_course, cast.ma))
    ma = Member.objects.get(pk=cast.ma.pk)

    do_update_member(cast.province, ma, {"union_code": cast.union_b.code}, expected_version=ma.version)

    new_path = Member.objects.get(pk=ma.pk).org_path
    assert new_path == cast.union_b.path != old_path
    seeker = JobSeeker.objects.get(pk=market.seeker_a.pk)
    assert seeker.org_path == new_path
    assert Placement.objects.get(pk=open_referral.pk).org_path == new_path
    assert Placement.objects.get(pk=withdrawn.pk).org_path == old_path  # the old union's figures keep it
    assert Enrolment.objects.get(pk=place.pk).org_path == new_path
    assert Enrolment.objects.get(pk=finished.pk).org_path == old_path
    # The new union's staff now manage the case; the old union's no longer see it.
    assert access_seeker_by_public_id(cast.staff_b, seeker.public_id, manage=True).pk == seeker.pk
    assert access_placement_by_public_id(cast.staff_b, open_referral.public_id, manage=True).pk == open_referral.pk
    with pytest.raises(NotFoundOrForbidden):
        access_seeker_by_public_id(cast.staff_a, seeker.public_id)
    # The other member's records are untouched.
    assert JobSeeker.objects.get(pk=market.seeker_b.pk).org_path == cast.mb.org_path


def test_an_edit_that_keeps_the_union_moves_nothing(market: Market) -> None:
    cast = market.cast
    before = market.seeker_a.org_path
    ma = Member.objects.get(pk=cast.ma.pk)
    do_update_member(cast.staff_a, ma, {"name": "张三丰"}, expected_version=ma.version)
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).org_path == before
