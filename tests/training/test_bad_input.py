"""Bad input to training: each refusal is a bilingual problem (never an error page), and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from craftpath.core.problems import CATALOGUE
from craftpath.training import queries
from craftpath.training.models import Attendance, Course, CourseSession, Enrolment
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welding_course

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = client_for(user)
    client.raise_request_exception = False  # a crash shows as a 500, as a browser would see it
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _course_body(course: Course, **fields: Any) -> dict[str, Any]:
    """A valid new-course request on ``course``'s provider, with ``fields`` changed."""
    body: dict[str, Any] = {
        "provider_id": str(course.provider.public_id),
        "title": "焊工技能提升",
        "occupation_code": WELDER,
        "target_grade": 2,
        "hours": 10,
        "capacity": 5,
    }
    return {**body, **fields}


def _problem(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    problem = response.json()["problems"][0]
    assert problem["code"] == code, problem
    assert code in CATALOGUE  # so both messages are real sentences, not the code echoed
    assert problem["message_zh"] != problem["message_en"]
    return dict(problem)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("hours", 10**12, "training.too_large"),  # beyond PostgreSQL's integer
        ("capacity", 2_147_483_648, "training.too_large"),
        ("cost", "100000000", "training.too_large"),  # beyond the 10-digit money column
        ("cost", "1e20", "training.too_large"),
        ("cost", "99999999.999", "training.too_large"),  # rounds up past the column
        ("cost", "NaN", "training.value"),
        ("cost", "Infinity", "training.value"),
        ("subsidy", "NaN", "training.value"),
    ],
)
def test_course_numbers_the_columns_cannot_hold_are_refused(cast: Cast, field: str, value: Any, code: str) -> None:
    body = _course_body(welding_course(cast), **{field: value})
    problem = _problem(_post(_client(cast.staff_a), "/api/training/courses", body), code)
    assert problem["field"] == field
    assert Course.objects.count() == 1


def test_largest_amount_the_column_holds_is_kept(cast: Cast) -> None:
    body = _course_body(welding_course(cast), capacity=2_147_483_647, cost="99999999.99", subsidy="99999999.99")
    created = _post(_client(cast.staff_a), "/api/training/courses", body)
    assert created.status_code == 201, created.content
    assert (created.json()["cost"], created.json()["capacity"]) == ("99999999.99", 2_147_483_647)


def test_nul_characters_neither_crash_searches_nor_reach_the_database(cast: Cast) -> None:
    course = welding_course(cast)
    member = _client(cast.member_a)
    # Requests are refused whole by the site (core.middleware), in both languages.
    refused = member.get("/api/training/courses", {"region": "320100\x00"})
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["code"] == "request.nul"
    assert member.get("/training/", {"occupation": "\x00"}).status_code == 400
    body = _course_body(course, title="焊工\x00培训", location="\x00玄武区")
    before = Course.objects.count()
    assert _post(_client(cast.staff_a), "/api/training/courses", body).status_code == 400
    assert Course.objects.count() == before
    # Callers other than a request (commands, imports) still never store a NUL.
    from craftpath.training.actions import do_create_course

    created = do_create_course(cast.staff_a, course.provider, {k: v for k, v in body.items() if k != "provider_id"})
    assert (created.title, created.location) == ("焊工培训", "玄武区")
    assert queries.list_courses(Course.objects.all(), region="320100\x00", occupation=WELDER + "\x00").exists()


@pytest.mark.parametrize("value", ["²", "1" * 5000])
def test_course_page_ignores_numbers_int_cannot_read(cast: Cast, value: str) -> None:
    welding_course(cast)
    page = _client(cast.member_a).get("/training/", {"grade": value, "task": value})
    assert page.status_code == 200
    assert "焊工中级培训" in page.content.decode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"starts_on": "2026-03-01", "hours": -1}, "training.value"),
        ({"starts_on": "2026-03-01", "hours": 10**12}, "training.too_large"),
        ({"starts_on": "2026-03-01", "hours": 25}, "training.session_hours"),
        ({"starts_on": "2026-03-01", "ends_on": "2026-03-02", "hours": 49}, "training.session_hours"),
    ],
)
def test_session_hours_are_checked(cast: Cast, body: dict[str, Any], code: str) -> None:
    course = welding_course(cast)
    problem = _problem(_post(_client(cast.staff_a), f"/api/training/courses/{course.public_id}/sessions", body), code)
    assert problem["field"] == "hours"
    assert not CourseSession.objects.exists()


def test_a_long_session_note_is_cut_to_its_column(cast: Cast) -> None:
    course = welding_course(cast)
    url = f"/api/training/courses/{course.public_id}/sessions"
    added = _post(_client(cast.staff_a), url, {"starts_on": "2026-03-01", "hours": 8, "note": "实操" * 150})
    assert added.status_code == 201, added.content
    assert len(CourseSession.objects.get().note) == 200


def _enrolled_with_session(cast: Cast, starts_on: dt.date, hours: int = 8) -> tuple[Enrolment, CourseSession]:
    from craftpath.training.actions import do_add_session, do_enrol

    course = welding_course(cast)
    session = do_add_session(cast.staff_a, course, starts_on=starts_on, hours=hours)
    return do_enrol(cast.member_a, course, cast.ma), session


@pytest.mark.parametrize(
    ("hours", "code"),
    [(-1, "training.value"), (10**12, "training.too_large"), (9, "training.session_hours")],
)
def test_attendance_hours_are_checked(cast: Cast, hours: int, code: str) -> None:
    enrolment, session = _enrolled_with_session(cast, dt.date(2026, 3, 1), hours=8)
    url = f"/api/training/enrolments/{enrolment.public_id}/attendance"
    _problem(_post(_client(cast.staff_a), url, {"session_id": str(session.public_id), "hours": hours}), code)
    assert not Attendance.objects.exists()


def test_attendance_is_not_taken_before_the_session(cast: Cast) -> None:
    enrolment, session = _enrolled_with_session(cast, timezone.localdate() + dt.timedelta(days=7))
    url = f"/api/training/enrolments/{enrolment.public_id}/attendance"
    _problem(_post(_client(cast.staff_a), url, {"session_id": str(session.public_id)}), "training.session_not_started")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("completed_on", "code"),
    [
        (timezone.localdate() + dt.timedelta(days=1), "date.future"),
        (dt.date(1900, 1, 1), "date.before_birth"),
    ],
)
def test_completion_dates_that_cannot_be(cast: Cast, completed_on: dt.date, code: str) -> None:
    from craftpath.training.actions import do_enrol

    enrolment = do_enrol(cast.member_a, welding_course(cast), cast.ma)
    url = f"/api/training/enrolments/{enrolment.public_id}/complete"
    problem = _problem(_post(_client(cast.staff_a), url, {"completed_on": completed_on.isoformat()}), code)
    assert problem["field"] == "completed_on"
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_on) == ("enrolled", None)
