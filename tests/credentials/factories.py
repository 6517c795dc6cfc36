"""Builders shared by the training, credentials, assessment and end-to-end tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from craftpath.assessment.actions import do_authorise_body, do_create_body, do_create_event
from craftpath.assessment.models import AssessmentEvent
from craftpath.registry.actions import do_add_certificate, do_add_history
from craftpath.registry.models import Member
from craftpath.training.actions import do_create_course, do_create_provider
from craftpath.training.models import Course
from tests.conftest import Cast

WELDER = "6-18-02-04"  # 焊工: has tasks and grades 1-5


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def welder_career(
    staff: Any, member: Member, *, since: str = "2010-03-01", junior_on: str | None = "2012-05-01"
) -> None:
    """A welder since 2010 holding 初级工 from 2012: eligible for 中级工 (grade 2) today."""
    do_add_history(staff, member, {"occupation_code": WELDER, "start": since})
    if junior_on:
        do_add_certificate(
            staff,
            member,
            {
                "occupation_code": WELDER,
                "grade": "初级工",
                "issuer": "测试鉴定中心",
                "number": f"OLD-{member.pk}",
                "issued_on": junior_on,
                "how": "legacy",
            },
        )


def welding_course(cast: Cast, *, capacity: int = 2, staff: Any = None) -> Course:
    staff = staff or cast.staff_a
    provider = do_create_provider(staff, name="玄武职工学校", org=staff.org)
    return do_create_course(
        staff,
        provider,
        {
            "title": "焊工中级培训",
            "occupation_code": WELDER,
            "target_grade": 2,
            "tasks": [0, 4],
            "hours": 80,
            "theory_hours": 24,
            "mode": "mixed",
            "cost": "1200",
            "subsidy": "800",
            "capacity": capacity,
            "region_code": "320102",
            "location": "南京市玄武区",
        },
    )


def welding_event(cast: Cast, *, grade: int = 2, staff: Any = None, **params: Any) -> AssessmentEvent:
    staff = staff or cast.staff_a
    body = do_create_body(staff, name="玄武职业技能评价中心", credit_code="")
    do_authorise_body(staff, body, occupation_code=WELDER, grade=grade, valid_from=dt.date(2020, 1, 1))
    return do_create_event(
        staff, org=staff.org, body=body, occupation_code=WELDER, grade=grade, held_on=dt.date(2026, 1, 10), **params
    )
