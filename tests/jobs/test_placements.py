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
        do_move_placement(staff, p, "interviewed")
    assert _codes(err) == ["jobs.reason_required"]
    p = do_move_placement(staff, p, "interviewed", reason="录用记错了，实为待定")
    assert (p.status, p.interviewed_on, p.decided_on) == ("interviewed", D(2026, 6, 5), None)
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
        do_move_placement(staff, p, "interviewed")  # withdrawn before any interview: reopen as referred
    assert _codes(err) == ["jobs.transition_closed"]
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "referred")
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


# --------------------------------------------------------------------------- end states and dates


def _figures(market: Market) -> dict[str, int]:
    from craftpath.jobs.views import placement_figures

    rows = placement_figures(market.cast.staff_a)
    return {k: sum(r[k] for r in rows) for k in ("referred", "interviewed", "hired", "not_hired", "withdrawn")}


def test_withdrawn_referral_is_never_hired_straight_away(market: Market) -> None:
    """Reviewer's case through the API: referred → withdrawn → hired was accepted, leaving a hire with
    no interview and a withdrawal date, a placed seeker and a withdrawn hire in the figures."""
    from tests.jobs.test_access import client_for

    staff = client_for(market.cast.staff_a)
    created = staff.post(
        "/api/jobs/placements",
        {"seeker_id": str(market.seeker_a.public_id), "opening_id": str(market.turner_a.public_id)},
        content_type="application/json",
    )
    assert created.status_code == 201
    url = f"/api/jobs/placements/{created.json()['public_id']}/transitions"
    assert staff.post(url, {"status": "withdrawn"}, content_type="application/json").status_code == 200
    for reason in ("", "本人又回来了"):
        refused = staff.post(url, {"status": "hired", "reason": reason}, content_type="application/json")
        assert refused.status_code == 422
        problem = refused.json()["problems"][0]
        assert problem["code"] == "jobs.transition_closed"
        assert "“已撤回”" in problem["message_zh"]
        assert "“已推荐”" in problem["message_zh"]
        assert '"Withdrawn"' in problem["message_en"]
        assert '"Referred"' in problem["message_en"]
    p = Placement.objects.get(seeker=market.seeker_a)
    assert (p.status, p.interviewed_on, p.decided_on) == ("withdrawn", None, None)
    assert p.withdrawn_on is not None
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "active"
    assert _figures(market) == {"referred": 1, "interviewed": 0, "hired": 0, "not_hired": 0, "withdrawn": 1}
    # reopened as referred (the step it was withdrawn from): the withdrawal date goes, the referral date stays
    reopened = staff.post(url, {"status": "referred", "reason": "本人又回来了"}, content_type="application/json")
    assert reopened.status_code == 200
    body = reopened.json()
    assert (body["status"], body["withdrawn_on"], body["referred_on"]) == ("referred", None, p.referred_on.isoformat())
    assert _figures(market) == {"referred": 1, "interviewed": 0, "hired": 0, "not_hired": 0, "withdrawn": 0}


def test_end_states_reopen_only_to_steps_reached_and_clear_later_dates(market: Market) -> None:
    staff = market.cast.staff_a
    p = do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1))
    p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 5))
    p = do_move_placement(staff, p, "withdrawn", on=D(2026, 6, 8))
    for target in ("hired", "not_hired"):
        with pytest.raises(ProblemError) as err:
            do_move_placement(staff, p, target, on=D(2026, 6, 9), reason="x")
        assert _codes(err) == ["jobs.transition_closed"]
    # withdrawn after the interview: reopened at the interview, which keeps its date
    p = do_move_placement(staff, p, "interviewed", reason="撤回登记错了")
    assert (p.status, p.referred_on, p.interviewed_on, p.withdrawn_on) == (
        "interviewed",
        D(2026, 6, 1),
        D(2026, 6, 5),
        None,
    )
    p = do_move_placement(staff, p, "hired", on=D(2026, 6, 9))
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "placed"
    assert _figures(market)["hired"] == 1
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "not_hired", reason="改判")  # one end state to another
    assert _codes(err) == ["jobs.transition_closed"]
    # all the way back to the referral: every later date goes, the referral date stays
    p = do_move_placement(staff, p, "referred", reason="推荐登记错了")
    assert (p.status, p.referred_on, p.interviewed_on, p.decided_on, p.withdrawn_on) == (
        "referred",
        D(2026, 6, 1),
        None,
        None,
        None,
    )
    p.refresh_from_db()
    assert p.referred_on == D(2026, 6, 1)
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "active"
    assert _figures(market) == {"referred": 1, "interviewed": 0, "hired": 0, "not_hired": 0, "withdrawn": 0}


def test_placement_dates_not_in_the_future_nor_before_the_referral(market: Market) -> None:
    from django.utils import timezone

    staff = market.cast.staff_a
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ProblemError) as err:
        do_refer(staff, market.seeker_a, market.turner_a, on=tomorrow)
    assert _codes(err) == ["jobs.date_future"]
    assert tomorrow.isoformat() in err.value.problems[0].zh
    assert tomorrow.isoformat() in err.value.problems[0].en
    p = do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1))
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "interviewed", on=tomorrow)
    assert _codes(err) == ["jobs.date_future"]
    assert err.value.problems[0].field == "on"
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "withdrawn", on=D(2026, 5, 31))  # the day before the referral
    assert _codes(err) == ["jobs.date_order"]
    assert "2026-06-01" in err.value.problems[0].zh
    p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 4))
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "hired", on=D(2026, 6, 2))  # before the interview
    assert _codes(err) == ["jobs.date_order"]
    # going back takes no date: the referral keeps its own
    with pytest.raises(ProblemError) as err:
        do_move_placement(staff, p, "referred", on=D(2026, 6, 10), reason="面试未进行")
    assert _codes(err) == ["jobs.back_date"]
    assert "2026-06-01" in err.value.problems[0].zh
    assert "2026-06-01" in err.value.problems[0].en
    p = do_move_placement(staff, p, "referred", reason="面试未进行")
    assert (p.referred_on, p.interviewed_on) == (D(2026, 6, 1), None)
    assert p.history[-1]["on"] == timezone.localdate().isoformat()
    # the next step on is checked against the referral date, not the day of the correction
    p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 3))
    assert p.interviewed_on == D(2026, 6, 3)


def test_undoing_one_hire_keeps_a_seeker_hired_elsewhere_placed(market: Market) -> None:
    staff = market.cast.staff_a
    first = do_refer(staff, market.seeker_a, market.turner_a, on=D(2026, 6, 1))
    second = do_refer(staff, market.seeker_a, market.miller_a, on=D(2026, 6, 1))
    for p in (first, second):
        p = do_move_placement(staff, p, "interviewed", on=D(2026, 6, 2))
        do_move_placement(staff, p, "hired", on=D(2026, 6, 3))
    do_move_placement(staff, first, "interviewed", reason="录用记错了")
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "placed"
    do_move_placement(staff, second, "interviewed", reason="录用记错了")
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "active"
