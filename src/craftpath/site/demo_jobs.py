"""Demo job seekers and referrals, so the jobs pages have a caseload and placement figures.

Run by ``craftpath demo`` after the demo courses and openings are posted. Everything goes
through the jobs app's own actions (consent checked, every write audited), and the choice of
members, openings and referral steps depends only on the demo data, so the same demo always
gets the same seekers and referrals.

Who is registered:

* unemployed members, then platform and flexible workers (the members most at risk of losing
  work), who have agreed to job matching and work in an occupation with an open demo opening;
  a few of them from ``demo-district``'s district so that sign-in has a caseload of its own;
* ``demo-member1``: their agreement to job matching is recorded (an audited member update),
  they are registered, an opening in their own occupation and district is posted if none is
  open yet, and they are referred to it and interviewed, so they see jobs and a referral.

Referrals cycle through the steps referred → interviewed → hired / not hired, dated in the
weeks before the day the demo is generated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from craftpath.accounts.models import User
from craftpath.engines.grades import Grade
from craftpath.jobs.actions import do_create_opening, do_move_placement, do_refer, do_register_seeker
from craftpath.jobs.models import JobOpening, JobSeeker, Placement
from craftpath.registry.actions import do_update_member
from craftpath.registry.models import Certificate, Member, OccupationHistory
from craftpath.taxonomy.models import Occupation

__all__ = ["DemoJobs", "register_demo_job_seekers"]

# Members most in need of work first; employees are not registered (except demo-member1).
AT_RISK = ("unemployed", "platform", "flexible")
# Step reached by the k-th referral, and how many days before ``today`` it was made.
STEPS: tuple[tuple[str, ...], ...] = (
    ("referred",),
    ("referred", "interviewed"),
    ("referred", "interviewed", "hired"),
    ("referred",),
    ("referred", "interviewed", "not_hired"),
    ("referred", "interviewed"),
)


@dataclass
class DemoJobs:
    seekers: int = 0
    referrals: dict[str, int] = field(default_factory=dict)
    member_opening: JobOpening | None = None


def _officer(users: dict[str, User], member: Member) -> User:
    """The most local demo staff account whose subtree holds the member (the case officer)."""
    for name in ("demo-district", "demo-city", "demo-province"):
        user = users.get(name)
        if user is not None and user.org is not None and member.org_path.startswith(user.org.path):
            return user
    return users["demo-province"]


def _current_occupations(member_ids: list[int]) -> dict[int, str]:
    """Each member's most recent occupation (the open period, else the latest one)."""
    out: dict[int, str] = {}
    rows = OccupationHistory.objects.filter(member_id__in=member_ids).order_by("member_id", "start", "id")
    for member_id, code in rows.values_list("member_id", "occupation_id"):
        out[member_id] = str(code)
    return out


def _pick_seekers(open_occupations: set[str], users: dict[str, User], limit: int) -> list[Member]:
    base = Member.objects.filter(
        is_demo=True,
        consent_job_matching=True,
        user__isnull=True,
        job_seeker__isnull=True,
        employment_form__in=AT_RISK,
        histories__occupation_id__in=open_occupations,
    ).distinct()
    chosen: list[Member] = []
    district = users.get("demo-district")
    if district is not None and district.org is not None:
        chosen += list(base.filter(org_path__startswith=district.org.path).order_by("id")[: max(1, limit // 6)])
    taken = [m.pk for m in chosen]
    for form in AT_RISK:
        if len(chosen) >= limit:
            break
        rest = base.filter(employment_form=form).exclude(pk__in=taken).order_by("id")[: limit - len(chosen)]
        chosen += list(rest)
        taken = [m.pk for m in chosen]
    return chosen


def _opening_for_member(actor: User, member: Member, occupation: str, today: dt.date) -> JobOpening:
    """An open opening in the member's occupation and district, posted when there is none yet."""
    existing = (
        JobOpening.objects.filter(status=JobOpening.Status.OPEN, occupation_id=occupation)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .filter(region_id=member.union.region_id)
        .order_by("id")
        .first()
    )
    if existing is not None:
        return existing
    top = (
        Certificate.objects.filter(member=member, occupation_id=occupation, grade__lte=5)
        .order_by("-grade")
        .values_list("grade", flat=True)
        .first()
    )
    name = Occupation.objects.get(code=occupation).name
    wanted = f"（{Grade(top).zh}及以上）" if top else ""
    return do_create_opening(
        actor,
        {
            "title": f"招聘{name}{wanted}",
            "description": "演示岗位 / demo opening",
            "occupation_code": occupation,
            "required_grade": top,
            "region_code": member.union.region_id,
            "pay_min": 5000,
            "pay_max": 7500,
            "expires_on": (today + dt.timedelta(days=45)).isoformat(),
            "union_code": member.union.code,
        },
    )


def _walk(actor: User, seeker: JobSeeker, opening: JobOpening, steps: tuple[str, ...], start: dt.date) -> Placement:
    placement = do_refer(actor, seeker, opening, on=start)
    for n, step in enumerate(steps[1:], start=1):
        placement = do_move_placement(actor, placement, step, on=start + dt.timedelta(days=7 * n))
    return placement


@transaction.atomic
def register_demo_job_seekers(today: dt.date, *, limit: int = 36) -> DemoJobs:
    """Register demo job seekers and referrals at several steps (see the module docstring)."""
    names = ("demo-province", "demo-city", "demo-district", "demo-member1")
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("org")}
    out = DemoJobs()
    if "demo-province" not in users:
        return out
    openings = list(
        JobOpening.objects.filter(status=JobOpening.Status.OPEN, occupation__isnull=False)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("id")
    )
    by_occupation: dict[str, list[JobOpening]] = {}
    for opening in openings:
        by_occupation.setdefault(str(opening.occupation_id), []).append(opening)
    members = _pick_seekers(set(by_occupation), users, limit) if by_occupation else []
    occupations = _current_occupations([m.pk for m in members])
    referrals: dict[str, int] = {}
    for k, member in enumerate(members):
        actor = _officer(users, member)
        seeker = do_register_seeker(actor, member, {"pay_expectation": 4500 + 500 * (k % 6)})
        out.seekers += 1
        choices = by_occupation.get(occupations.get(member.pk, ""), [])
        if not choices or k % 7 == 6:  # some seekers have not been referred anywhere yet
            continue
        steps = STEPS[k % len(STEPS)]
        # a seeker's union region first, else the earliest posted opening
        opening = next((o for o in choices if o.region_id == member.union.region_id), choices[k % len(choices)])
        _walk(actor, seeker, opening, steps, today - dt.timedelta(days=28 - k % 7))
        referrals[steps[-1]] = referrals.get(steps[-1], 0) + 1
    own: Any = users.get("demo-member1")
    mine = Member.objects.filter(user=own).select_related("union").first() if own is not None else None
    if mine is not None and not JobSeeker.objects.filter(member=mine).exists():
        actor = _officer(users, mine)
        if not mine.consent_job_matching:
            mine = do_update_member(actor, mine, {"consent_job_matching": True}, expected_version=mine.version)
        occupation = _current_occupations([mine.pk]).get(mine.pk)
        seeker = do_register_seeker(actor, mine, {"pay_expectation": 6000})
        out.seekers += 1
        if occupation:
            out.member_opening = _opening_for_member(users["demo-province"], mine, occupation, today)
            _walk(actor, seeker, out.member_opening, ("referred", "interviewed"), today - dt.timedelta(days=10))
            referrals["interviewed"] = referrals.get("interviewed", 0) + 1
    out.referrals = referrals
    return out
