"""Matching through the engine: both directions, explanations, protected traits, consent, expiry,
training plans and career moves. Expected orderings are written out so that the same test pins
identical results on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from craftpath.jobs import matching, queries
from craftpath.jobs.access import candidate_pool
from craftpath.jobs.models import JobSeeker
from craftpath.registry.models import Member
from craftpath.training.actions import do_add_session, do_complete, do_create_course, do_create_provider, do_enrol
from tests.jobs.conftest import AS_OF, TURNER, Market

pytestmark = pytest.mark.django_db


def _titles_scores(rows: list[dict]) -> list[tuple[str, float]]:
    return [(r["opening"].title, r["score"]) for r in rows]


def test_jobs_for_a_worker_with_readable_parts(market: Market) -> None:
    rows = matching.jobs_for_member(market.cast.ma, AS_OF)
    # Exact expected ordering and scores (deterministic: ties broken by id in the engine).
    assert _titles_scores(rows) == [("数控车工", 100.0), ("车工（技师）", 89.857), ("铣工", 56.0)]
    best = rows[0]
    assert best["parts"] == {
        "occupation_points": 35.0,
        "competency_points": 30.0,
        "grade_points": 15.0,
        "region_points": 12.0,
        "pay_points": 8.0,
    }
    assert best["reasons_zh"][0] == "同一职业 +35"
    assert best["reasons_en"][0] == "same occupation +35"
    assert "等级：要求高级工，持有高级工 +15" in best["reasons_zh"]
    second = rows[1]
    assert "pay: below expectation 6000/7000 +6.857" in second["reasons_en"]
    assert "grade: needs Technician (level 2), holds Senior worker (level 3) +10" in second["reasons_en"]
    miller = rows[2]
    assert miller["occupation_tier"] == "same_minor_group"
    assert len(miller["competencies_missing"]) == 6
    assert miller["competencies_missing"][0]["text"].startswith("安装夹具")
    # expired and unrelated (courier) openings are not offered
    titles = [t for t, _ in _titles_scores(rows)]
    assert "车工（已截止）" not in titles
    assert "快递员" not in titles


def test_batch_and_single_answers_agree(market: Market) -> None:
    batch = matching.jobs_for_seekers(JobSeeker.objects.all(), AS_OF, k=10)
    single = matching.jobs_for_member(market.cast.ma, AS_OF)
    assert _titles_scores(batch[market.seeker_a.pk]) == _titles_scores(single)
    # the B seeker is a miller who wants to work in 秦淮 (320104)
    assert _titles_scores(batch[market.seeker_b.pk]) == [("铣工", 92.0), ("车工（技师）", 41.0), ("数控车工", 37.0)]


def test_workers_for_a_job_only_consenting_seekers(market: Market) -> None:
    cast = market.cast
    rows = matching.candidates_for_opening(market.turner_a, candidate_pool(cast.province, market.turner_a), AS_OF)
    assert [(r["seeker"].member.name, r["score"]) for r in rows] == [("张三", 100.0), ("李四", 37.0)]
    assert rows[0]["reasons_en"][:2] == ["same occupation +35", "competencies 6/6 +30"]
    # the colleague (a turner too) has not agreed to matching: never a candidate, even as a seeker
    Member.objects.filter(pk=market.colleague.pk).update(consent_job_matching=True)
    colleague_seeker = JobSeeker.objects.create(member=market.colleague, org_path=market.colleague.org_path)
    Member.objects.filter(pk=market.colleague.pk).update(consent_job_matching=False)
    names = [
        r["seeker"].member.name
        for r in matching.candidates_for_opening(market.turner_a, candidate_pool(cast.province, market.turner_a), AS_OF)
    ]
    assert "赵六" not in names
    assert colleague_seeker.pk not in {s.pk for s in candidate_pool(cast.staff_a, market.turner_a)}
    # staff see candidates from their own subtree only
    assert [
        r["seeker"].member.name
        for r in matching.candidates_for_opening(market.turner_a, candidate_pool(cast.staff_b, market.turner_a), AS_OF)
    ] == ["李四"]
    # expired openings have no candidates
    assert matching.candidates_for_opening(market.expired, candidate_pool(cast.province, market.expired), AS_OF) == []


def test_protected_traits_change_nothing(market: Market) -> None:
    ma = market.cast.ma
    before_jobs = matching.jobs_for_member(ma, AS_OF)
    before_cands = matching.candidates_for_opening(
        market.turner_a, candidate_pool(market.cast.province, market.turner_a), AS_OF
    )
    Member.objects.filter(pk=ma.pk).update(sex="F" if ma.sex == "M" else "M", birth_date=dt.date(1961, 2, 3))
    ma.refresh_from_db()
    after_jobs = matching.jobs_for_member(ma, AS_OF)
    after_cands = matching.candidates_for_opening(
        market.turner_a, candidate_pool(market.cast.province, market.turner_a), AS_OF
    )

    def strip(rows: list[dict], key: str) -> list[tuple]:
        return [(getattr(r[key], "pk", None), r["score"], r["parts"], r["explanation_zh"]) for r in rows]

    assert strip(after_jobs, "opening") == strip(before_jobs, "opening")
    assert strip(after_cands, "seeker") == strip(before_cands, "seeker")
    # and the frames handed to the engine carry no such columns at all
    inputs = queries.inputs_for_member(ma, AS_OF)
    assert inputs.seekers.columns == ["seeker_id", "region_code", "pay_expectation"]
    assert set(inputs.occupations.columns) == {"seeker_id", "occupation_code", "grade"}


def test_training_plan_closes_the_gap_cheapest_first(market: Market) -> None:
    cast = market.cast
    provider = do_create_provider(cast.staff_a, name="玄武职工学校", org=cast.district_a)

    def course(title: str, tasks: list[int], cost: str, subsidy: str = "0", grade: int = 4) -> object:
        return do_create_course(
            cast.staff_a,
            provider,
            {
                "title": title,
                "occupation_code": TURNER,
                "target_grade": grade,
                "tasks": tasks,
                "hours": 40,
                "theory_hours": 40,
                "practice_hours": 0,
                "cost": cost,
                "subsidy": subsidy,
                "capacity": 10,
            },
        )

    full = course("车工技师全科", [0, 1, 2, 3, 4, 5], "3000", "500")
    part_a = course("车工技师上篇", [0, 1, 2], "800")
    part_b = course("车工技师下篇", [3, 4, 5], "900", "200")
    do_add_session(cast.staff_a, part_a, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))
    plan = matching.training_plan(cast.ma, occupation=TURNER, grade=4, as_of=AS_OF)
    assert len(plan["missing"]) == 6
    assert [c["course"].pk for c in plan["courses"]] == [part_a.pk, part_b.pk]
    assert plan["total_cost"] == 1500.0
    assert plan["courses"][0]["session"] is not None
    assert plan["uncovered"] == []
    assert full.pk not in [c["course"].pk for c in plan["courses"]]
    # completing the first part leaves only the second
    enrolment = do_enrol(cast.member_a, part_a, cast.ma)
    do_complete(cast.staff_a, enrolment, completed_on=dt.date(2026, 5, 1))
    plan = matching.training_plan(cast.ma, occupation=TURNER, grade=4, as_of=AS_OF)
    assert len(plan["missing"]) == 3
    assert [c["course"].pk for c in plan["courses"]] == [part_b.pk]
    # the next-grade target comes from the certificate (高级工 → 技师)
    assert matching.next_grade_targets(cast.ma, AS_OF) == [(TURNER, 4)]


def test_career_moves_show_carry_over_and_gaps(market: Market) -> None:
    moves = matching.career_moves(market.cast.ma, AS_OF)
    assert moves[0]["occupation_code"] == "6-18-01-02"
    assert moves[0]["from_occupation"] == TURNER
    assert 0 < moves[0]["carry_over"] <= 1
    assert moves[0]["competencies_missing"][0]["text"]
    assert [m["rank"] for m in moves] == list(range(1, len(moves) + 1))
    plan = matching.training_plan(market.cast.ma, occupation="6-18-01-02", grade=None, as_of=AS_OF)
    assert len(plan["missing"]) == 6
    assert plan["courses"] == []


def test_the_value_of_an_hour_trades_fees_for_time_on_every_surface(market: Market) -> None:
    from tests.credentials.factories import client_for

    cast = market.cast
    provider = do_create_provider(cast.staff_a, name="玄武职工学校", org=cast.district_a)

    def course(title: str, tasks: list[int], cost: str, hours: int) -> object:
        data = {"title": title, "occupation_code": TURNER, "target_grade": 4, "tasks": tasks, "hours": hours}
        return do_create_course(cast.staff_a, provider, {**data, "theory_hours": hours, "cost": cost, "capacity": 9})

    part_a = course("车工技师上篇", [0, 1, 2], "800", 40)
    part_b = course("车工技师下篇", [3, 4, 5], "700", 40)
    quick = course("车工技师速成", [0, 1, 2, 3, 4, 5], "1800", 16)

    fees_only = matching.training_plan(cast.ma, occupation=TURNER, grade=4, as_of=AS_OF)
    assert [c["course"].pk for c in fees_only["courses"]] == [part_a.pk, part_b.pk]
    assert (fees_only["total_fees"], fees_only["total_hours"]) == (1500.0, 80.0)
    # At 10 yuan an hour the two parts cost 1500 + 800, the short course 1800 + 160.
    timed = matching.training_plan(cast.ma, occupation=TURNER, grade=4, as_of=AS_OF, hour_value=10)
    assert [c["course"].pk for c in timed["courses"]] == [quick.pk]
    assert (timed["total_fees"], timed["total_hours"], timed["total_cost"]) == (1800.0, 16.0, 1960.0)
    assert timed["courses"][0]["fee"] == 1800.0

    member = client_for(cast.member_a)
    body = member.get("/api/jobs/members/me/training-plan", {"hour_value": "10"}).json()
    assert [c["title"] for c in body[0]["courses"]] == ["车工技师速成"]
    assert (body[0]["total_hours"], body[0]["hour_value"]) == (16.0, 10.0)
    for bad in ("-1", "nan", "inf", "abc", "1e999"):
        refused = member.get("/api/jobs/members/me/training-plan", {"hour_value": bad})
        assert refused.status_code == 422
        problem = refused.json()["problems"][0]
        assert problem["code"] == "jobs.hour_value"
        assert f'"{bad}"' in problem["message_en"]  # what was sent, not a reading of it ("-1.0")
        assert f"“{bad}”" in problem["message_zh"]
    page = member.get("/jobs/me/", {"hour_value": "10"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "车工技师速成" in page
    assert "16 hours of training in all" in page
    page = member.get("/jobs/me/", {"hour_value": "-5"}).content.decode()
    assert "每小时时间价值" in page  # the problem, in Chinese, and the plans computed on fees only
    assert "车工技师上篇" in page
