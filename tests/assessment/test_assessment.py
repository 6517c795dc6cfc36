"""Assessment: parameters with sources, eligibility at registration, scores, publication, appeals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from craftpath.assessment.actions import (
    do_create_event,
    do_lodge_appeal,
    do_publish_results,
    do_record_scores,
    do_register_candidate,
    do_resolve_appeal,
)
from craftpath.assessment.models import AssessmentBody
from craftpath.assessment.parameters import parameter
from craftpath.core.problems import NotFoundOrForbidden, ProblemError
from craftpath.credentials.models import IssuedCredential
from craftpath.registry.models import Certificate
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welder_career, welding_event

pytestmark = pytest.mark.django_db


def test_defaults_come_from_the_dated_yaml_with_sources(cast: Cast) -> None:
    event = welding_event(cast)
    assert event.theory_weight == Decimal("0.300")
    assert event.practice_weight == Decimal("0.700")
    assert event.appeal_days == 15
    assert "§7.2" in event.parameters["theory_weight_max"]["source"]
    assert event.parameters["theory_weight"]["valid_from"] == "2015-01-01"
    assert parameter("theory_weight_max", dt.date(2026, 1, 1)).value == Decimal("0.30")


def test_theory_weight_above_the_maximum_is_refused(cast: Cast) -> None:
    with pytest.raises(ProblemError) as err:
        welding_event(cast, theory_weight="0.4")
    problem = err.value.problems[0]
    assert problem.code == "assessment.theory_weight_max"
    assert "30%" in problem.zh
    assert "40%" in problem.en
    assert "MOHURD" in problem.en
    event = welding_event(cast, theory_weight="0.2")
    assert event.practice_weight == Decimal("0.8")
    with pytest.raises(ProblemError) as err:
        welding_event(cast, theory_weight="0.2", practice_weight="0.7")
    assert err.value.problems[0].code == "assessment.weights_sum"


def test_body_must_be_authorised_for_occupation_grade_and_date(cast: Cast) -> None:
    body = AssessmentBody.objects.create(name="未授权机构", managed_by=cast.district_a, org_path=cast.district_a.path)
    with pytest.raises(ProblemError) as err:
        do_create_event(
            cast.staff_a, org=cast.district_a, body=body, occupation_code=WELDER, grade=2, held_on=dt.date(2026, 1, 1)
        )
    assert err.value.problems[0].code == "assessment.body_not_authorised"
    with pytest.raises(ProblemError) as err:
        welding_event(cast, grade=6)
    assert err.value.problems[0].code == "assessment.grade_not_examined"


def test_ineligible_registration_is_refused_with_reasons_unless_staff_override(cast: Cast) -> None:
    event = welding_event(cast, grade=3)  # 高级工 needs 中级工 first
    welder_career(cast.staff_a, cast.ma)
    with pytest.raises(ProblemError) as err:
        do_register_candidate(cast.member_a, event, cast.ma)
    codes = [p.code for p in err.value.problems]
    assert codes[0] == "assessment.ineligible"
    assert "assessment.missing_condition" in codes
    missing = [p for p in err.value.problems if p.code == "assessment.missing_condition"]
    assert any("中级工" in p.zh for p in missing)
    assert all(p.en for p in missing)
    api = client_for(cast.member_a).post(
        f"/api/assessment/events/{event.public_id}/candidates", {}, content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["problems"][0]["message_en"]
    with pytest.raises(ProblemError) as err:
        do_register_candidate(cast.member_a, event, cast.ma, override_reason="我觉得可以")
    assert err.value.problems[0].code == "assessment.override_staff_only"
    candidate = do_register_candidate(
        cast.staff_a, event, cast.ma, override_reason="省级技能竞赛获奖，经评审委员会同意"
    )
    assert not candidate.eligible
    assert candidate.override_by == cast.staff_a
    assert candidate.missing
    assert candidate.trace


def test_eligible_registration_stores_the_trace(cast: Cast) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    candidate = do_register_candidate(cast.member_a, event, cast.ma)
    assert candidate.eligible
    assert candidate.route
    assert candidate.trace
    with pytest.raises(ProblemError):
        do_register_candidate(cast.member_a, event, cast.ma)
    with pytest.raises(NotFoundOrForbidden):
        do_register_candidate(cast.staff_b, event, cast.mb)  # B's member is outside A's event tree
    no_history = do_register_candidate
    with pytest.raises(ProblemError) as err:
        no_history(cast.staff_a, event, cast.ma_colleague_no_consent)
    assert any("工作经历" in p.zh for p in err.value.problems)


def test_scores_are_validated_and_publication_issues_certificates(cast: Cast) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    welder_career(cast.staff_a, cast.ma_colleague_no_consent)
    passing = do_register_candidate(cast.staff_a, event, cast.ma)
    failing = do_register_candidate(cast.staff_a, event, cast.ma_colleague_no_consent)
    for bad in ("101", "-1", "abc", "NaN", ""):
        with pytest.raises(ProblemError) as err:
            do_record_scores(cast.staff_a, passing, theory=bad, practice="80")
        assert err.value.problems[0].code == "assessment.score_range"
    with pytest.raises(ProblemError):
        do_record_scores(cast.staff_b, passing, theory="80", practice="80")
    with pytest.raises(ProblemError) as err:
        do_publish_results(cast.staff_a, event)
    assert err.value.problems[0].code == "assessment.unscored"
    do_record_scores(cast.staff_a, passing, theory="70", practice="85.5")
    do_record_scores(cast.staff_a, failing, theory="90", practice="55")
    passing.refresh_from_db()
    assert passing.total_score == Decimal("80.85")
    assert passing.passed
    with pytest.raises(ProblemError):
        do_publish_results(cast.staff_b, event)
    passed = do_publish_results(cast.staff_a, event)
    assert [c.pk for c in passed] == [passing.pk]
    issued = IssuedCredential.objects.get(member=cast.ma)
    assert Certificate.objects.get(pk=issued.certificate_id).how == "assessment"
    assert not IssuedCredential.objects.filter(member=cast.ma_colleague_no_consent).exists()
    event.refresh_from_db()
    assert event.status == "published"
    assert event.appeal_until is not None
    with pytest.raises(ProblemError):
        do_record_scores(cast.staff_a, failing, theory="90", practice="90")
    # Appeal within the window; upheld with corrected scores → certificate issued then.
    failing.refresh_from_db()
    appeal = do_lodge_appeal(cast.staff_a, failing, reason="实操评分表漏计一项")
    with pytest.raises(ProblemError) as err:  # one open appeal per result
        do_lodge_appeal(cast.staff_a, failing, reason="再次申诉")
    assert err.value.problems[0].code == "assessment.appeal_open"
    assert failing.appeals.count() == 1
    do_resolve_appeal(cast.staff_a, appeal, upheld=True, resolution="复核后改分", theory="90", practice="65")
    assert IssuedCredential.objects.filter(member=cast.ma_colleague_no_consent).exists()


def test_appeal_window_closes(cast: Cast) -> None:
    event = welding_event(cast, appeal_days=0)
    welder_career(cast.staff_a, cast.ma)
    candidate = do_register_candidate(cast.staff_a, event, cast.ma)
    with pytest.raises(ProblemError) as err:
        do_lodge_appeal(cast.member_a, candidate, reason="x")
    assert err.value.problems[0].code == "assessment.not_published"
    do_record_scores(cast.staff_a, candidate, theory="10", practice="10")
    do_publish_results(cast.staff_a, event)
    event.refresh_from_db()
    type(event).objects.filter(pk=event.pk).update(appeal_until=dt.date(2020, 1, 1))
    candidate.refresh_from_db()
    with pytest.raises(ProblemError) as err:
        do_lodge_appeal(cast.member_a, candidate, reason="x")
    assert err.value.problems[0].code == "assessment.appeal_window"


def test_pages(cast: Cast) -> None:
    event = welding_event(cast)
    page = client_for(cast.member_a).get(f"/assessment/events/{event.public_id}/")
    assert page.status_code == 200
    assert "焊工" in page.content.decode()
    assert client_for(cast.member_a).get("/assessment/").status_code == 200


def test_event_visibility(cast: Cast) -> None:
    event = welding_event(cast)
    url = f"/api/assessment/events/{event.public_id}"
    for user in (cast.staff_a, cast.province, cast.member_a):
        assert client_for(user).get(url).status_code == 200, user.username
    for user in (cast.staff_b, cast.member_b, cast.hr_a, cast.sysadmin):
        assert client_for(user).get(url).status_code == 404, user.username
    city_event = welding_event(cast, staff=cast.province)
    assert client_for(cast.member_b).get(f"/api/assessment/events/{city_event.public_id}").status_code == 200
    assert client_for(cast.staff_b).get(f"/api/assessment/events/{city_event.public_id}").status_code == 200
    assert client_for(cast.staff_b).post(f"/api/assessment/events/{city_event.public_id}/publish").status_code == 404


def test_openapi_schema_builds(cast: Cast) -> None:
    schema = client_for(cast.staff_a).get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/credentials/verify" in paths
    assert "/api/assessment/events/{public_id}/publish" in paths
    assert "/api/training/courses" in paths
