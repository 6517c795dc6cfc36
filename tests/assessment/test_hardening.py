"""Bad input and two officers at once: clear bilingual refusals, never a 500 or a half-written record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from craftpath.assessment.actions import (
    do_authorise_body,
    do_create_body,
    do_lodge_appeal,
    do_publish_results,
    do_record_scores,
    do_register_candidate,
    do_resolve_appeal,
)
from craftpath.assessment.models import Appeal, AssessmentBody, AssessmentEvent, Candidate
from craftpath.assessment.scores_import import import_scores
from craftpath.core.problems import ProblemError
from craftpath.credentials.models import IssuedCredential
from tests.concurrency import while_first_is_open
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welder_career, welding_event


def _api(user: Any) -> Client:
    client = client_for(user)
    client.raise_request_exception = False  # a 500 shows as a status code, not as the test's own error
    return client


def _event_payload(body: AssessmentBody, **extra: Any) -> dict[str, Any]:
    return {"body_id": str(body.public_id), "occupation_code": WELDER, "grade": 2, "held_on": "2026-01-01", **extra}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"held_on": "2014-06-01"}, "assessment.no_parameters"),  # before the parameter table's first values
        ({"appeal_days": -1}, "assessment.appeal_days"),
        ({"appeal_days": 40000}, "assessment.appeal_days"),  # beyond a PostgreSQL smallint
        ({"appeal_days": 10**12}, "assessment.appeal_days"),
        ({"theory_weight": "1e1000000"}, "assessment.weights_sum"),  # overflowed the decimal context
    ],
)
def test_event_with_absurd_values_is_refused_in_both_languages(cast: Cast, extra: dict[str, Any], code: str) -> None:
    body = do_create_body(cast.staff_a, name="玄武职业技能评价中心")
    do_authorise_body(cast.staff_a, body, occupation_code=WELDER, grade=2, valid_from=dt.date(2010, 1, 1))
    response = _api(cast.staff_a).post(
        "/api/assessment/events", _event_payload(body, **extra), content_type="application/json"
    )
    assert response.status_code == 422, response.content[:300]
    problem = response.json()["problems"][0]
    assert problem["code"] == code
    assert problem["message_zh"]
    assert problem["message_en"]
    assert not AssessmentEvent.objects.exists()


@pytest.mark.django_db
def test_event_page_refuses_a_date_before_the_parameter_table(cast: Cast) -> None:
    body = do_create_body(cast.staff_a, name="评价中心")
    do_authorise_body(cast.staff_a, body, occupation_code=WELDER, grade=2, valid_from=dt.date(2010, 1, 1))
    page = _api(cast.staff_a).post(
        "/assessment/events/new/",
        {"body": str(body.public_id), "occupation_code": WELDER, "grade": "2", "held_on": "2012-03-01"},
    )
    assert page.status_code == 200
    assert "2012-03-01" in page.content.decode()
    assert not AssessmentEvent.objects.exists()


@pytest.mark.django_db
def test_body_credit_code_is_checked(cast: Cast) -> None:
    client = _api(cast.staff_a)
    for bad, code in (("X" * 30, "uscc.length"), ("91350100M000100Y44", "uscc.checksum")):
        response = client.post(
            "/api/assessment/bodies", {"name": "评价中心", "credit_code": bad}, content_type="application/json"
        )
        assert response.status_code == 422, response.content[:300]
        assert response.json()["problems"][0]["code"] == code
    assert not AssessmentBody.objects.exists()
    ok = client.post(
        "/api/assessment/bodies",
        {"name": "评价中心", "credit_code": " 91350100m000100y43 "},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert AssessmentBody.objects.get().credit_code == "91350100M000100Y43"


@pytest.mark.django_db
def test_a_stale_copy_cannot_change_scores_or_register_after_publication(cast: Cast) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    welder_career(cast.staff_a, cast.ma_colleague_no_consent)
    candidate = do_register_candidate(cast.staff_a, event, cast.ma)
    do_record_scores(cast.staff_a, candidate, theory="10", practice="10")
    stale_candidate = Candidate.objects.select_related("event", "member").get(pk=candidate.pk)
    stale_event = AssessmentEvent.objects.get(pk=event.pk)
    do_publish_results(cast.staff_a, event)
    with pytest.raises(ProblemError) as err:
        do_record_scores(cast.staff_a, stale_candidate, theory="90", practice="90")
    assert [p.code for p in err.value.problems] == ["assessment.closed"]
    candidate.refresh_from_db()
    assert (candidate.theory_score, candidate.passed) == (10, False)
    assert not IssuedCredential.objects.exists()
    with pytest.raises(ProblemError) as err:
        do_register_candidate(cast.staff_a, stale_event, cast.ma_colleague_no_consent)
    assert [p.code for p in err.value.problems] == ["assessment.closed"]
    assert Candidate.objects.filter(event=event).count() == 1


def _failed_and_appealed(cast: Cast) -> tuple[Candidate, Appeal]:
    """A published fail (practice 50) with the member's appeal lodged against it."""
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    candidate = do_register_candidate(cast.staff_a, event, cast.ma)
    do_record_scores(cast.staff_a, candidate, theory="90", practice="50")
    do_publish_results(cast.staff_a, event)
    candidate.refresh_from_db()
    return candidate, do_lodge_appeal(cast.member_a, candidate, reason="实操评分表漏计一项")


@pytest.mark.django_db
def test_an_appeal_is_decided_once(cast: Cast) -> None:
    candidate, appeal = _failed_and_appealed(cast)
    second_copy = Appeal.objects.get(pk=appeal.pk)
    do_resolve_appeal(cast.staff_a, appeal, upheld=False, resolution="维持原评分")
    with pytest.raises(ProblemError) as err:
        do_resolve_appeal(cast.province, second_copy, upheld=True, resolution="改分", theory="90", practice="90")
    assert [p.code for p in err.value.problems] == ["assessment.appeal_closed"]
    appeal.refresh_from_db()
    assert (appeal.state, appeal.resolution, appeal.resolved_by) == ("dismissed", "维持原评分", cast.staff_a)
    candidate.refresh_from_db()
    assert candidate.passed is False
    assert not IssuedCredential.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_officers_register_the_same_member_at_once(cast: Cast) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    outcome = while_first_is_open(
        lambda: do_register_candidate(cast.staff_a, event, cast.ma),
        lambda: do_register_candidate(cast.province, event, cast.ma),
    )
    assert outcome == ["assessment.already_registered"]
    assert Candidate.objects.filter(event=event, member=cast.ma).count() == 1


@pytest.mark.django_db(transaction=True)
def test_scores_entered_while_results_are_published_are_refused(cast: Cast) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    candidate = do_register_candidate(cast.staff_a, event, cast.ma)
    do_record_scores(cast.staff_a, candidate, theory="10", practice="10")
    opened = Candidate.objects.select_related("event", "member").get(pk=candidate.pk)  # a form opened before
    outcome = while_first_is_open(
        lambda: do_publish_results(cast.staff_a, event),
        lambda: do_record_scores(cast.province, opened, theory="95", practice="95"),
    )
    assert outcome == ["assessment.closed"]
    candidate.refresh_from_db()
    assert candidate.passed is False
    assert not IssuedCredential.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_officers_decide_the_same_appeal_at_once(cast: Cast) -> None:
    _, appeal = _failed_and_appealed(cast)
    other = Appeal.objects.get(pk=appeal.pk)
    outcome = while_first_is_open(
        lambda: do_resolve_appeal(cast.staff_a, appeal, upheld=True, resolution="复核", theory="90", practice="70"),
        lambda: do_resolve_appeal(cast.province, other, upheld=True, resolution="复核", theory="90", practice="70"),
    )
    assert outcome == ["assessment.appeal_closed"]
    assert IssuedCredential.objects.filter(member=cast.ma).count() == 1


@pytest.mark.django_db
def test_a_damaged_score_sheet_is_reported_not_a_crash(cast: Cast, tmp_path: Path) -> None:
    event = welding_event(cast)
    sheet = tmp_path / "scores.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    report = import_scores(cast.staff_a, event, sheet)
    assert report["saved"] == 0
    assert [p["code"] for p in report["problems"]] == ["file.format"]
    assert report["problems"][0]["message_en"]
