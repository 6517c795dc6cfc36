"""The certificate, training and assessment pages render for each role, in Chinese and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from craftpath.assessment.actions import do_record_scores, do_register_candidate
from craftpath.credentials.actions import do_issue_certificate
from craftpath.training.actions import do_enrol
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welder_career, welding_course, welding_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render(cast: Cast, language: str) -> None:
    welder_career(cast.staff_a, cast.ma)
    course = welding_course(cast)
    do_enrol(cast.member_a, course, cast.ma)
    event = welding_event(cast)
    candidate = do_register_candidate(cast.staff_a, event, cast.ma)
    do_record_scores(cast.staff_a, candidate, theory="70", practice="70")
    issued = do_issue_certificate(cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=2)
    pages = [
        "/training/",
        f"/training/courses/{course.public_id}/",
        "/credentials/",
        f"/credentials/{issued.public_id}/",
        "/assessment/",
        f"/assessment/events/{event.public_id}/",
    ]
    for user in (cast.staff_a, cast.member_a, cast.province):
        client = client_for(user)
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
    staff_view = client_for(cast.staff_a).get(f"/credentials/{issued.public_id}/").content.decode()
    assert "revoke" in staff_view
    member_view = client_for(cast.member_a).get(f"/credentials/{issued.public_id}/").content.decode()
    assert "revoke" not in member_view
    assert client_for(cast.member_b).get(f"/credentials/{issued.public_id}/").status_code == 404
    assert Client().get("/verify/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200


def test_staff_change_status_from_the_page(cast: Cast) -> None:
    issued = do_issue_certificate(cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=2)
    client = client_for(cast.staff_a)
    client.post(f"/credentials/{issued.public_id}/suspend/", {"reason": "核查"})
    issued.refresh_from_db()
    assert issued.state == "suspended"
    client.post(f"/credentials/{issued.public_id}/unsuspend/", {"reason": ""})
    issued.refresh_from_db()
    assert issued.state == "valid"
    assert client_for(cast.staff_b).post(f"/credentials/{issued.public_id}/revoke/", {"reason": "x"}).status_code == 404
    client.post(f"/credentials/{issued.public_id}/revoke/", {"reason": ""})  # reason required
    issued.refresh_from_db()
    assert issued.state == "valid"


def test_staff_create_course_and_event_pages(cast: Cast) -> None:
    from craftpath.assessment.actions import do_authorise_body, do_create_body
    from craftpath.assessment.models import AssessmentEvent
    from craftpath.training.models import Course, TrainingProvider

    staff = client_for(cast.staff_a)
    assert client_for(cast.member_a).get("/training/courses/new/").status_code == 404
    staff.post("/training/providers/new/", {"name": "玄武职工学校", "own": "1"})
    provider = TrainingProvider.objects.get()
    assert staff.get("/training/courses/new/").status_code == 200
    bad = staff.post("/training/courses/new/", {"provider": str(provider.public_id), "title": "x", "hours": "x"})
    assert bad.status_code == 200
    created = staff.post(
        "/training/courses/new/",
        {
            "provider": str(provider.public_id),
            "title": "焊工中级",
            "occupation_code": WELDER,
            "target_grade": "2",
            "tasks": "0，4",
            "hours": "40",
            "theory_hours": "10",
            "mode": "offline",
            "capacity": "10",
        },
    )
    course = Course.objects.get()
    assert created.status_code == 302
    assert course.tasks == [0, 4]
    body = do_create_body(cast.staff_a, name="评价中心")
    do_authorise_body(cast.staff_a, body, occupation_code=WELDER, grade=2, valid_from=dt.date(2020, 1, 1))
    assert staff.get("/assessment/events/new/").status_code == 200
    refused = staff.post(
        "/assessment/events/new/",
        {
            "body": str(body.public_id),
            "occupation_code": WELDER,
            "grade": "2",
            "held_on": "2026-03-01",
            "theory_weight": "0.5",
        },
    )
    assert refused.status_code == 200
    assert not AssessmentEvent.objects.exists()
    made = staff.post(
        "/assessment/events/new/",
        {"body": str(body.public_id), "occupation_code": WELDER, "grade": "2", "held_on": "2026-03-01"},
    )
    assert made.status_code == 302
    assert AssessmentEvent.objects.get().theory_weight == Decimal("0.300")
