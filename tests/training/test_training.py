"""Training: providers, courses, search, enrolment with a waiting list, attendance, completion."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from craftpath.core.problems import NotFoundOrForbidden, ProblemError
from craftpath.registry.actions import do_register_member
from craftpath.training import queries
from craftpath.training.actions import (
    do_add_session,
    do_complete,
    do_create_provider,
    do_enrol,
    do_record_attendance,
    do_withdraw,
)
from craftpath.training.models import Course, Enrolment
from tests.conftest import Cast, make_id_number
from tests.credentials.factories import WELDER, client_for, welder_career, welding_course

pytestmark = pytest.mark.django_db


def _extra_member(cast: Cast, name: str) -> Any:
    return do_register_member(
        cast.staff_a,
        {"name": name, "id_number": make_id_number(), "employment_form": "employee", "union_code": "T-XW-001"},
    )


def test_provider_needs_org_or_credit_code(cast: Cast) -> None:
    with pytest.raises(ProblemError) as err:
        do_create_provider(cast.staff_a, name="无名机构")
    assert err.value.problems[0].code == "training.provider_identity"
    assert err.value.problems[0].zh
    assert err.value.problems[0].en
    with pytest.raises(ProblemError) as err:
        do_create_provider(cast.staff_a, name="外部机构", credit_code="91350100M000100Y44")
    assert err.value.problems[0].code == "uscc.checksum"
    provider = do_create_provider(cast.staff_a, name="外部机构", credit_code="91350100M000100Y43")
    assert provider.org_path == cast.district_a.path


def test_course_validation_and_search(cast: Cast) -> None:
    course = welding_course(cast)
    assert course.practice_hours == 56
    found = queries.list_courses(Course.objects.all(), occupation=WELDER, grade=2, region="320100", task=4)
    assert [c.pk for c in found] == [course.pk]
    assert not queries.list_courses(Course.objects.all(), task=2).exists()
    assert not queries.list_courses(Course.objects.all(), region="330000").exists()
    provider = course.provider
    from craftpath.training.actions import do_create_course

    with pytest.raises(ProblemError) as err:
        do_create_course(
            cast.staff_a,
            provider,
            {"title": "x", "occupation_code": WELDER, "target_grade": 2, "tasks": [99], "hours": 10, "capacity": 1},
        )
    assert err.value.problems[0].code == "training.task_index"
    with pytest.raises(ProblemError):
        do_create_course(cast.staff_b, provider, {"title": "x", "occupation_code": WELDER, "target_grade": 2})


def test_courses_for_missing_grade(cast: Cast) -> None:
    welder_career(cast.staff_a, cast.ma)
    course = welding_course(cast)
    suggestions = queries.courses_for_member(Course.objects.all(), cast.ma, dt.date(2026, 6, 1))
    assert suggestions
    assert suggestions[0][0]["target_grade"] == 2
    assert [c.pk for c in suggestions[0][1]] == [course.pk]
    page = client_for(cast.member_a).get("/training/")
    assert page.status_code == 200
    assert "焊工中级培训" in page.content.decode()


def test_waiting_list_and_promotion(cast: Cast) -> None:
    course = welding_course(cast, capacity=1)
    first = do_enrol(cast.member_a, course, cast.ma)
    other = _extra_member(cast, "王五")
    second = do_enrol(cast.staff_a, course, other)
    third = do_enrol(cast.staff_a, course, cast.ma_colleague_no_consent)
    assert (first.status, second.status, third.status) == ("enrolled", "waiting", "waiting")
    with pytest.raises(ProblemError):
        do_enrol(cast.member_a, course, cast.ma)
    promoted = do_withdraw(cast.member_a, first)
    assert promoted is not None
    assert promoted.pk == second.pk
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("enrolled", "waiting")
    # A waiting member who withdraws frees no seat.
    assert do_withdraw(cast.staff_a, third) is None
    # Re-enrolling after withdrawal goes to the back of the queue (course is full).
    again = do_enrol(cast.member_a, course, cast.ma)
    assert again.pk == first.pk
    assert again.status == "waiting"


def test_members_enrol_only_themselves_and_staff_only_their_subtree(cast: Cast) -> None:
    course = welding_course(cast)
    with pytest.raises(NotFoundOrForbidden):
        do_enrol(cast.member_b, course, cast.ma)
    with pytest.raises(NotFoundOrForbidden):
        do_enrol(cast.staff_b, course, cast.ma)
    enrolment = do_enrol(cast.staff_b, course, cast.mb)  # B's member on A's course: fine
    with pytest.raises(ProblemError):
        do_complete(cast.staff_b, enrolment)  # but B's staff do not run the course
    assert client_for(cast.member_a).post(f"/api/training/enrolments/{enrolment.public_id}/withdraw").status_code == 404


def test_attendance_and_completion(cast: Cast) -> None:
    course = welding_course(cast)
    session = do_add_session(cast.staff_a, course, starts_on=dt.date(2026, 3, 1), hours=8)
    enrolment = do_enrol(cast.member_a, course, cast.ma)
    row = do_record_attendance(cast.staff_a, enrolment, session)
    assert row.hours == 8
    done = do_complete(cast.staff_a, enrolment, completed_on=dt.date(2026, 3, 31))
    assert done.status == "completed"
    assert done.completed_on == dt.date(2026, 3, 31)
    with pytest.raises(ProblemError):
        do_complete(cast.staff_a, done)


def test_api_course_search_and_enrolment(cast: Cast) -> None:
    course = welding_course(cast, capacity=1)
    member = client_for(cast.member_a)
    listed = member.get("/api/training/courses", {"occupation": WELDER, "grade": 2})
    assert listed.status_code == 200
    assert listed.json()[0]["public_id"] == str(course.public_id)
    enrolled = member.post(f"/api/training/courses/{course.public_id}/enrolments", {}, content_type="application/json")
    assert enrolled.status_code == 201
    assert enrolled.json()["status"] == "enrolled"
    waiting = client_for(cast.member_b).post(
        f"/api/training/courses/{course.public_id}/enrolments", {}, content_type="application/json"
    )
    assert waiting.json()["status"] == "waiting"
    withdrawn = member.post(f"/api/training/enrolments/{enrolled.json()['public_id']}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["promoted"] == waiting.json()["public_id"]


@pytest.mark.django_db(transaction=True)
def test_two_enrolments_for_the_last_seat(cast: Cast) -> None:
    course = welding_course(cast, capacity=1)
    members = [cast.ma, cast.ma_colleague_no_consent]
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def enrol(member: Any) -> None:
        # No retries: the loser waits on the course row's lock (PostgreSQL) or on the write lock that
        # SQLite's IMMEDIATE transactions take, within its busy timeout.
        try:
            barrier.wait(timeout=10)
            results.append(do_enrol(cast.staff_a, course, member).status)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection; a kept one blocks dropping the test database

    threads = [threading.Thread(target=enrol, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == ["enrolled", "waiting"]
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_enrolment_gives_one_place(cast: Cast) -> None:
    course = welding_course(cast, capacity=5)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def enrol() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(do_enrol(cast.member_a, course, cast.ma).status)
        except ProblemError as exc:
            results.append(exc.problems[0].code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == ["enrolled", "training.already_enrolled"]
    assert Enrolment.objects.filter(course=course, member=cast.ma).count() == 1
