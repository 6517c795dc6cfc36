"""Two staff acting on the same seeker at once (PostgreSQL: row locks; SQLite: one writer at a time)."""

from __future__ import annotations

import pytest

from craftpath.jobs.actions import do_refer, do_register_seeker
from craftpath.jobs.models import JobSeeker, Placement
from craftpath.registry.models import Member
from tests.concurrency import while_first_is_open
from tests.jobs.conftest import Market


@pytest.mark.django_db(transaction=True)
def test_two_staff_refer_and_register_at_once(market: Market) -> None:
    cast = market.cast
    outcome = while_first_is_open(
        lambda: do_refer(cast.staff_a, market.seeker_a, market.turner_a),
        lambda: do_refer(cast.province, market.seeker_a, market.turner_a),
    )
    assert outcome == ["jobs.already_referred"]
    assert Placement.objects.filter(seeker=market.seeker_a).count() == 1

    Member.objects.filter(pk=market.colleague.pk).update(consent_job_matching=True)
    colleague = Member.objects.get(pk=market.colleague.pk)
    outcome = while_first_is_open(
        lambda: do_register_seeker(cast.staff_a, colleague), lambda: do_register_seeker(cast.province, colleague)
    )
    assert outcome == ["jobs.seeker_exists"]
    assert JobSeeker.objects.filter(member=colleague).count() == 1
