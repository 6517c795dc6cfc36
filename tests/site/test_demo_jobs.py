"""Demo job seekers and referrals: consenting seekers at risk of losing work, demo-member1 among
them with jobs to see and a referral, staff with a caseload and placement figures, and the same
result for the same demo."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.core.models import AuditEvent
from craftpath.jobs.access import seekers_visible_to
from craftpath.jobs.matching import jobs_for_member
from craftpath.jobs.models import JobSeeker, Placement
from craftpath.jobs.views import placement_figures
from craftpath.orgs.access import may_manage_path
from craftpath.registry.models import Member
from craftpath.site.demo import generate_demo
from craftpath.site.demo_jobs import AT_RISK, DemoJobs, register_demo_job_seekers
from craftpath.site.management.commands.demo import Command

SIZE = 400
SEED = 2023
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _build(size: int = SIZE) -> DemoJobs:
    generate_demo(size, SEED)
    Command(stdout=io.StringIO()).first_courses_and_openings()
    return register_demo_job_seekers(timezone.localdate())


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Placement.objects.values_list(
            "seeker__member__id_hash",
            "opening__title",
            "opening__region_id",
            "status",
            "referred_on",
            "interviewed_on",
            "decided_on",
        )
    )


@pytest.fixture(scope="class")
def demo_jobs(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[DemoJobs, list[tuple[Any, ...]]]]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        done = _build()
        yield done, _snapshot()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_jobs")
class TestDemoJobSeekers:
    def test_seekers_consent_and_are_at_risk(self, demo_jobs: tuple[DemoJobs, list[Any]]) -> None:
        done, _ = demo_jobs
        seekers = list(JobSeeker.objects.select_related("member", "case_officer"))
        assert len(seekers) == done.seekers >= 10
        for seeker in seekers:
            assert seeker.member.consent_job_matching, "a seeker needs consent to job matching"
            assert seeker.member.is_demo
            assert seeker.org_path == seeker.member.org_path
            assert seeker.case_officer is not None
            assert may_manage_path(seeker.case_officer, seeker.org_path)
            if seeker.member.user_id is None:
                assert seeker.member.employment_form in AT_RISK
        forms = {s.member.employment_form for s in seekers}
        assert "unemployed" in forms
        events = AuditEvent.objects.filter(action="register_seeker").count()
        assert events == len(seekers)

    def test_referrals_at_every_step_with_dates_in_order(self) -> None:
        today = timezone.localdate()
        statuses = set(Placement.objects.values_list("status", flat=True))
        assert {"referred", "interviewed", "hired"} <= statuses
        for p in Placement.objects.select_related("seeker"):
            days = [dt.date.fromisoformat(h["on"]) for h in p.history]
            assert days == sorted(days)
            assert days[-1] <= today
            assert [h["status"] for h in p.history][-1] == p.status
            assert p.org_path == p.seeker.org_path
            if p.status == "hired":
                assert p.seeker.status == JobSeeker.Status.PLACED
                assert p.interviewed_on is not None
                assert p.decided_on is not None
        # one referral per seeker: seekers are not sent to two openings at once
        seekers = list(Placement.objects.values_list("seeker_id", flat=True))
        assert len(seekers) == len(set(seekers))

    def test_demo_member_sees_jobs_and_a_referral(self, demo_jobs: tuple[DemoJobs, list[Any]]) -> None:
        done, _ = demo_jobs
        member = Member.objects.get(user__username="demo-member1")
        assert member.consent_job_matching
        seeker = JobSeeker.objects.get(member=member)
        placement = Placement.objects.get(seeker=seeker)
        assert placement.status == "interviewed"
        assert done.member_opening is not None
        assert placement.opening == done.member_opening
        jobs = jobs_for_member(member, timezone.localdate())
        assert done.member_opening.pk in {r["opening"].pk for r in jobs}
        client = Client()
        assert client.login(username="demo-member1", password="demo-member-2023")
        page = client.get("/jobs/me/").content.decode()
        assert done.member_opening.title in page
        assert "我的推荐记录" in page  # the "my referrals" section is shown

    def test_demo_member_consent_is_recorded_before_registering(self) -> None:
        """If demo-member1 has not agreed to job matching, the demo records it (audited) first."""
        member = Member.objects.get(user__username="demo-member1")
        with transaction.atomic():
            JobSeeker.objects.filter(member=member).delete()
            Member.objects.filter(pk=member.pk).update(consent_job_matching=False)
            register_demo_job_seekers(timezone.localdate())
            member.refresh_from_db()
            assert member.consent_job_matching
            consent = AuditEvent.objects.get(action="update_member", object_id=str(member.public_id))
            assert consent.after == {"consent_job_matching": True}
            assert consent.before == {"consent_job_matching": False}
            assert Placement.objects.filter(seeker__member=member, status="interviewed").exists()
            transaction.set_rollback(True)

    def test_staff_see_a_caseload_and_placement_figures(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=["demo-province", "demo-district"])}
        district = seekers_visible_to(users["demo-district"])
        assert district.count() >= 2, "the district sign-in has a caseload of its own"
        figures = placement_figures(users["demo-province"])
        assert sum(f["hired"] for f in figures) >= 1
        assert sum(f["referred"] for f in figures) == Placement.objects.count()
        client = Client()
        assert client.login(username="demo-district", password="demo-district-2023")
        page = client.get("/jobs/seekers/").content.decode()
        some = district.select_related("member").order_by("id").first()
        assert some is not None
        assert some.member.name in page


@pytest.mark.django_db
def test_same_demo_same_seekers_and_referrals() -> None:
    snapshots = []
    for _ in range(2):
        with override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
            _build(200)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert snapshots[0]
    assert snapshots[0] == snapshots[1]
