"""Jobs fixtures: the occupation coder built once per session, and a small labour market.

The market (all in Nanjing, 3201xx):
- ``ma`` (district A, consents): a 车工 (lathe operator) since 2015 with 高级工 (grade 3), wants 7000.
- ``mb`` (district B, consents): a 铣工 (milling operator) since 2018, no certificate.
- ``ma_colleague_no_consent`` (district A): a 车工 too, but has NOT agreed to job matching.
- Openings (posted in A by staff_a, employer in A): 车工 grade 3 in 玄武 (8000), 车工 grade 4 in
  秦淮 (6000), 铣工 in 玄武 (no pay given), a 快递员 opening, and an expired 车工 opening.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from craftpath.jobs.actions import do_create_opening, do_register_seeker
from craftpath.jobs.coding import coder
from craftpath.jobs.models import JobOpening, JobSeeker
from craftpath.registry.actions import do_add_certificate, do_add_history
from craftpath.registry.models import Member
from tests.conftest import Cast

TURNER = "6-18-01-01"  # 车工
MILLER = "6-18-01-02"  # 铣工
COURIER = "4-02-07-08"  # 快递员
AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def occupation_coder() -> Any:
    """Build the coder once for the whole session (about a second)."""
    return coder()


@dataclass
class Market:
    cast: Cast
    turner_a: JobOpening
    turner_b: JobOpening
    miller_a: JobOpening
    courier: JobOpening
    expired: JobOpening
    seeker_a: JobSeeker
    seeker_b: JobSeeker
    colleague: Member


def _consent(member: Member) -> Member:
    Member.objects.filter(pk=member.pk).update(consent_job_matching=True)
    member.refresh_from_db()
    return member


@pytest.fixture
def market(cast: Cast, occupation_coder: Any) -> Market:
    ma, mb = _consent(cast.ma), _consent(cast.mb)
    colleague = cast.ma_colleague_no_consent
    do_add_history(cast.staff_a, ma, {"occupation_code": TURNER, "start": "2015-03-01"})
    do_add_certificate(
        cast.staff_a,
        ma,
        {
            "occupation_code": TURNER,
            "grade": "高级工",
            "issuer": "测试鉴定中心",
            "number": f"JOB-{ma.pk}",
            "issued_on": "2020-05-01",
            "how": "assessment",
        },
    )
    do_add_history(cast.staff_b, mb, {"occupation_code": MILLER, "start": "2018-03-01"})
    do_add_history(cast.staff_a, colleague, {"occupation_code": TURNER, "start": "2016-03-01"})

    def opening(**data: Any) -> JobOpening:
        base = {"union_code": "T-XW-001", "employer_credit_code": "91350100M000100Y43", "expires_on": "2099-12-31"}
        return do_create_opening(cast.staff_a, {**base, **data})

    turner_a = opening(title="数控车工", occupation_code=TURNER, required_grade=3, region_code="320102", pay_max=8000)
    turner_b = opening(
        title="车工（技师）", occupation_code=TURNER, required_grade=4, region_code="320104", pay_max=6000
    )
    miller_a = opening(title="铣工", occupation_code=MILLER, region_code="320102")
    courier = opening(title="快递员", occupation_code=COURIER, region_code="320102", pay_min=5000, pay_max=7000)
    # an opening that has since closed: posting it with a past date is refused, so it is dated afterwards
    expired = opening(title="车工（已截止）", occupation_code=TURNER, region_code="320102")
    JobOpening.objects.filter(pk=expired.pk).update(expires_on=dt.date(2026, 1, 31))
    expired.refresh_from_db()
    seeker_a = do_register_seeker(cast.staff_a, ma, {"pay_expectation": 7000})
    seeker_b = do_register_seeker(cast.staff_b, mb, {"desired_region": "320104"})
    return Market(cast, turner_a, turner_b, miller_a, courier, expired, seeker_a, seeker_b, colleague)
