"""Placements: referral, dated transitions in order, going back only with a reason, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from craftpath.core.models import AuditEvent
from craftpath.core.problems import ProblemError
from craftpath.jobs.actions import (
    do_move_placement,
    do_refer,
    do_register_seeker,
    do_update_opening,
    do_update_seeker,
)
from craftpath.jobs.models import JobSeeker, Placement
from craftpath.registry.models import Member
from tests.jobs.conftest import Market

pytestmark = pytest.mark.django_db

D = dt.date


def _codes(err: pytest.ExceptionInfo[ProblemError]) -> list[str]:
    return [p.code for p in err.value.problems]


def test_referral_steps_in_order(market: Market) -> None:
    staff = market.cast.staff_a
    p = do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1))
    assert (p.status, p.referred_on) == ("referred", D(2026, 6, 1))
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "hired", on=D(2026, 6, 2))  # skipping the interview
    assert _codes(err) == ["jobs.transition"]
    assert err.value.problems[0].zh
    assert err.value.problems[0].en
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "interviewed", on=D(2026, 5, 1))  # before the referral
    assert _codes(err) == ["jobs.date_order"]
    p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 5))
    p = do_move_placement(staff, p, "hired", on=D(2026, 6, 9))
    assert (p.status, p.interviewed_on, p.decided_on) == ("hired", D(2026, 6, 5), D(2026, 6, 9))
    assert [h["status"] for h in p.history] == ["referred", "interviewed", "hired"]
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "placed"
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "hired")
    assert _codes(err) == ["jobs.transition"]
    # going back needs a reason
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "interviewed", on=D(2026, 6, 10))
    assert _codes(err) == ["jobs.reason_required"]
    p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 10), reason="录用记错了，实为待定")
    assert (p.status, p.decided_on) == ("interviewed", None)
    assert p.history[-1]["reason"] == "录用记错了，实为待定"
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "active"
    assert AuditEvent.objects.filter(action="move_placement", object_id=str(p.public_id)).count() == 3


def test_withdrawn_and_bad_status(market: Market) -> None:
    staff = market.cast.staff_a
    p = do_refer(staff, market.seeker_a, market.miller_a, on=D(2026, 6, 1))
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "promoted")
    assert _codes(err) == ["jobs.status"]
    p = do_move_placement(staff, p, "withdrawn", on=D(2026, 6, 3))
    assert (p.status, p.withdrawn_on) == ("withdrawn", D(2026, 6, 3))
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "interviewed")
    assert _codes(err) == ["jobs.reason_required"]


def test_referral_refusals(market: Market) -> None:
    cast = market.cast
    with pytest.raises(ProblemError) as err:
        do_refer(cast.staff_b, market.seeker_a, market.turner_a)  # not staff_b's seeker
    assert _codes(err) == ["jobs.forbidden"]
    with pytest.raises(ProblemError) as err:
        do_refer(cast.staff_a, market.seeker_a, market.expired, on=D(2026, 6, 1))
    assert _codes(err) == ["jobs.not_open"]
    do_update_opening(cast.staff_a, market.courier, {"status": "filled"})
    market.courier.refresh_from_db()
    with pytest.raises(ProblemError) as err:
        do_refer(cast.staff_a, market.seeker_a, market.courier)
    assert _codes(err) == ["jobs.not_open"]
    do_refer(cast.staff_a, market.seeker_a, market.turner_a)
    with pytest.raises(ProblemError) as err:
        do_refer(cast.staff_a, market.seeker_a, market.turner_a)
    assert _codes(err) == ["jobs.already_referred"]
    Member.objects.filter(pk=cast.ma.pk).update(consent_job_matching=False)
    market.seeker_a.refresh_from_db()
    with pytest.raises(ProblemError) as err:
        do_refer(cast.staff_a, JobSeeker.objects.select_related("member").get(pk=market.seeker_a.pk), market.miller_a)
    assert _codes(err) == ["jobs.no_consent"]


def test_seeker_needs_consent(market: Market) -> None:
    with pytest.raises(ProblemError) as err:
        do_register_seeker(market.cast.staff_a, market.colleague)
    assert _codes(err) == ["jobs.no_consent"]
    with pytest.raises(ProblemError) as err:
        do_register_seeker(market.cast.staff_a, market.cast.ma)
    assert _codes(err) == ["jobs.seeker_exists"]
    Member.objects.filter(pk=market.colleague.pk).update(consent_job_matching=True)
    market.colleague.refresh_from_db()
    with pytest.raises(ProblemError) as err:
        do_register_seeker(market.cast.staff_b, market.colleague)  # not B's member
    assert _codes(err) == ["jobs.forbidden"]
    with pytest.raises(ProblemError) as err:
        do_register_seeker(market.cast.staff_a, market.colleague, {"desired_region": "999999"})
    assert _codes(err) == ["jobs.region_unknown"]


def test_only_seekers_looking_for_work_are_referred(market: Market) -> None:
    """A paused (or placed) seeker asked not to be put forward: no referral sends them to an employer."""
    staff = market.cast.staff_a
    do_update_seeker(staff, market.seeker_a, {"status": "paused"})
    with pytest.raises(ProblemError) as err:
        do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1))
    assert _codes(err) == ["jobs.seeker_not_active"]
    assert "暂停" in err.value.problems[0].zh
    assert "Paused" in err.value.problems[0].en
    assert not Placement.objects.exists()
    # a stale copy read before the pause is refused too
    stale = JobSeeker.objects.select_related("member").get(pk=market.seeker_b.pk)
    do_update_seeker(market.cast.staff_b, market.seeker_b, {"status": "placed"})
    with pytest.raises(ProblemError) as err:
        do_refer(market.cast.staff_b, stale, market.turner_a, on=D(2026, 6, 1))
    assert _codes(err) == ["jobs.seeker_not_active"]
    do_update_seeker(staff, market.seeker_a, {"status": "active"})
    assert do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1)).status == "referred"


def test_concurrent_seeker_edits_keep_both_changes(market: Market) -> None:
    """Two staff edit one seeker at once: the second save must not put back what the first changed."""
    read_by_second = JobSeeker.objects.select_related("member").get(pk=market.seeker_a.pk)
    do_update_seeker(market.cast.staff_a, market.seeker_a, {"pay_expectation": "9000"})
    do_update_seeker(market.cast.province, read_by_second, {"status": "paused"})
    seeker = JobSeeker.objects.get(pk=market.seeker_a.pk)
    assert (seeker.pay_expectation, seeker.status) == (9000, "paused")
