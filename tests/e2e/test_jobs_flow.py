"""Jobs and training in a real browser: a member's recommended jobs and courses in both languages,
staff's caseload with referral → interview → hire and the placement figures, and employer HR who
see consenting candidates only.

The labour market is the one of ``tests/jobs/conftest.py``. The jobs pages work out matches for
``queries.today()``, which is pinned to that market's day so the written-out scores hold.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from craftpath.jobs import queries
from craftpath.jobs.actions import do_register_seeker
from craftpath.jobs.models import JobOpening, JobSeeker, Placement
from craftpath.orgs.actions import do_create_employer
from craftpath.registry.actions import do_update_member
from craftpath.registry.models import Member
from craftpath.training.actions import do_add_session, do_create_course, do_create_provider
from craftpath.training.models import Course
from tests.conftest import PASSWORD, _user
from tests.jobs.conftest import AS_OF, TURNER, Market, market  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_FOUND = "找不到该记录，或您无权查看。"


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _to_english(page: Any) -> None:
    page.get_by_label(re.compile("语言")).select_option("en")
    page.get_by_role("button", name="切换").click()


@pytest.fixture
def occupation_coder() -> None:
    """The market's openings are all given their occupation code, so the coder is not needed."""
    return None


@pytest.fixture
def jobs_day(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The day the jobs pages match for (the live server runs in this process)."""
    monkeypatch.setattr(queries, "today", lambda: AS_OF)
    return AS_OF


@pytest.fixture
def courses(market: Market) -> tuple[Course, Course]:  # noqa: F811
    """Two 车工 technician courses that together cover all six tasks (the cheapest set)."""
    cast = market.cast
    provider = do_create_provider(cast.staff_a, name="玄武职工学校", org=cast.district_a)

    def course(title: str, tasks: list[int], cost: str, subsidy: str) -> Course:
        return do_create_course(
            cast.staff_a,
            provider,
            {
                "title": title,
                "occupation_code": TURNER,
                "target_grade": 4,
                "tasks": tasks,
                "hours": 40,
                "theory_hours": 40,
                "practice_hours": 0,
                "cost": cost,
                "subsidy": subsidy,
                "capacity": 10,
            },
        )

    first = course("车工技师上篇", [0, 1, 2], "800", "0")
    second = course("车工技师下篇", [3, 4, 5], "900", "200")
    # the whole syllabus in one course costs more than both parts together
    course("车工技师全科", [0, 1, 2, 3, 4, 5], "3000", "500")
    do_add_session(cast.staff_a, second, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))
    return first, second


def _job_row(page: Any, title: str) -> Any:
    return page.locator("section[aria-labelledby=jobs-h] tbody tr").filter(has=page.get_by_text(title, exact=True))


def test_member_sees_jobs_and_courses_with_reasons_in_both_languages(
    market: Market,  # noqa: F811
    courses: tuple[Course, Course],
    jobs_day: dt.date,
    live_server: Any,
    new_page: Any,
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page()
    _sign_in(page, base, "member_a")
    # from "my next grade" to the courses that close the gap and the jobs that fit
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的下一个等级").click()
    page.get_by_role("link", name="补齐差距的课程与合适的岗位").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的就业与培训")
    expect(page.get_by_text("求职状态")).to_contain_text("求职中")

    jobs = page.locator("section[aria-labelledby=jobs-h] tbody tr")
    expect(jobs).to_have_count(3)  # the expired and the courier openings are not offered
    expect(jobs.nth(0)).to_contain_text("数控车工")
    expect(jobs.nth(1)).to_contain_text("车工（技师）")
    expect(jobs.nth(2)).to_contain_text("铣工")
    best = _job_row(page, "数控车工")
    expect(best.locator("td").nth(1)).to_have_text("100.0")
    expect(best.locator("li")).to_have_text(
        [
            "同一职业 +35",
            "技能覆盖 6/6 +30",
            "等级：要求高级工，持有高级工 +15",
            "地区：同区县 +12",
            "薪酬：达到期望薪酬 +8",
        ]
    )
    expect(best).to_contain_text("≤8000 元/月")
    second = _job_row(page, "车工（技师）")
    expect(second).to_contain_text("89.857")
    expect(second).to_contain_text("等级：要求技师，持有高级工 +10")
    expect(second).to_contain_text("地区：同城 +8")
    expect(second).to_contain_text("薪酬：低于期望 6000/7000 +6.857")
    miller = _job_row(page, "铣工")
    expect(miller).to_contain_text("同一小类 +25")
    expect(miller).to_contain_text("技能覆盖 0/6 +0")
    expect(miller).to_contain_text("薪酬：薪酬不明（中性） +4")
    # what is still missing for the miller's job: its tasks, by name
    expect(miller.locator("td").nth(3)).to_contain_text("安装夹具，调整铣床")

    plans = page.locator("section[aria-labelledby=plans-h]")
    expect(plans.get_by_role("heading", level=3).first).to_have_text("技师 · 6-18-01-01 车工")
    expect(plans).to_contain_text("6 项工作任务中还有 6 项需要学习。")
    expect(plans).to_contain_text("最省钱的课程组合：扣除补贴后 1500 元。")
    expect(plans.get_by_role("link", name="车工技师上篇")).to_be_visible()
    expect(plans.get_by_role("link", name="车工技师下篇")).to_be_visible()
    expect(plans.get_by_role("link", name="车工技师全科")).to_have_count(0)
    expect(plans).to_contain_text("700 元, 40 学时, 2026-07-01–2026-07-10")
    page.screenshot(path=str(screenshot_dir / "member-jobs-zh.png"), full_page=True)

    # a recommended course opens
    plans.get_by_role("link", name="车工技师下篇").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("车工技师下篇")
    page.go_back()

    # the same page in English
    _to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs and training for me")
    expect(page.get_by_text("Job-seeker status")).to_contain_text("Looking for work")
    best = _job_row(page, "数控车工")
    expect(best.locator("li")).to_have_text(
        [
            "same occupation +35",
            "competencies 6/6 +30",
            "grade: needs Senior worker (level 3), holds Senior worker (level 3) +15",
            "region: same district +12",
            "pay: meets expectation +8",
        ]
    )
    expect(best).to_contain_text("≤8000 yuan/month")
    second = _job_row(page, "车工（技师）")
    expect(second).to_contain_text("grade: needs Technician (level 2), holds Senior worker (level 3) +10")
    expect(second).to_contain_text("region: same city +8")
    expect(second).to_contain_text("pay: below expectation 6000/7000 +6.857")
    expect(_job_row(page, "铣工")).to_contain_text("pay: pay unknown (neutral) +4")
    main = page.locator("main")
    for chinese in ("同一职业", "技能覆盖", "元/月", "学时", "最省钱"):
        expect(main).not_to_contain_text(chinese)
    plans = page.locator("section[aria-labelledby=plans-h]")
    expect(plans.get_by_role("heading", level=3).first).to_have_text("Technician (level 2) · 6-18-01-01 车工")
    expect(plans).to_contain_text("6 of 6 tasks still to learn.")
    expect(plans).to_contain_text("Cheapest set of courses: 1500 yuan after subsidy.")
    expect(plans).to_contain_text("700 yuan, 40 hours, 2026-07-01–2026-07-10")

    # courses for another career move than the first
    moves = page.locator("section[aria-labelledby=moves-h] tbody tr")
    expect(moves.first).to_contain_text("6-18-01-02")
    moves.filter(has_text="6-18-01-05").get_by_role("link", name="Courses for this move").click()
    expect(page.get_by_role("heading", level=3, name=re.compile("Move to 6-18-01-05"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "member-jobs-en.png"), full_page=True)


def _history(card: Any) -> Any:
    return card.locator("ol li")


def test_staff_refer_interview_hire_and_placement_figures(
    market: Market,  # noqa: F811
    jobs_day: dt.date,
    live_server: Any,
    new_page: Any,
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    cast = market.cast
    base = live_server.url
    # Referral steps are dated by the real clock, so the opening referred to must not close.
    today = timezone.localdate().isoformat()
    JobOpening.objects.filter(pk=market.turner_a.pk).update(expires_on=None)
    page = new_page()
    _sign_in(page, base, "staff_a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="就业").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("求职者")
    caseload = page.locator("main table").first
    expect(caseload.locator("tbody tr")).to_have_count(1)  # 李四 is district B's
    row = caseload.locator("tbody tr").filter(has_text="张三")
    # each match names its employer and region, so two openings of one title can be told apart
    expect(row.locator("td").nth(4).locator("div")).to_have_text(
        [
            re.compile(r"^数控车工 · \S+ · 玄武区 · 100\.0$"),
            re.compile(r"^车工（技师） · \S+ · \S+ · 89\.857$"),
            re.compile(r"^铣工 · \S+ · 玄武区 · 56\.0$"),
        ]
    )
    figures = page.locator("section", has=page.get_by_role("heading", name="各工会推荐就业情况"))
    expect(figures).to_contain_text("暂无推荐记录")

    row.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    matches = page.locator("section", has=page.get_by_role("heading", name="最匹配的岗位")).locator("tbody tr")
    expect(matches).to_have_count(3)
    best = matches.filter(has_text="数控车工")
    expect(best).to_contain_text("同一职业 +35")
    expect(best).to_contain_text("等级：要求高级工，持有高级工 +15")
    best.get_by_role("button", name="推荐").click()
    expect(matches.filter(has_text="数控车工").locator(".badge")).to_have_text("已推荐")

    referrals = page.locator("section", has=page.get_by_role("heading", name="推荐记录"))
    card = referrals.locator(".card", has_text="数控车工")
    expect(card.locator(".badge")).to_have_text("已推荐")

    def record(status: str, on: str = "") -> None:
        card.get_by_label("新状态").select_option(label=status)
        card.get_by_label("日期").fill(on)
        card.get_by_role("button", name="登记").click()

    # skipping the interview is refused, with the steps named in Chinese
    record("已录用")
    expect(page.locator(".messages")).to_contain_text("推荐状态不能从“已推荐”直接变为“已录用”")
    # an interview dated before the referral is refused
    record("已面试", "2020-01-02")
    expect(page.locator("main")).to_contain_text(f"日期 2020-01-02 早于上一步的日期 {today}")
    record("已面试")
    expect(card.locator(".badge")).to_have_text("已面试")
    record("已录用")
    expect(card.locator(".badge")).to_have_text("已录用")
    expect(_history(card)).to_have_text(
        [f"{today} 已推荐 (staff_a)", f"{today} 已面试 (staff_a)", f"{today} 已录用 (staff_a)"]
    )
    expect(page.locator("main > p", has_text=cast.union_a.name)).to_contain_text("已就业")
    placement = Placement.objects.get(seeker=market.seeker_a)
    assert (placement.status, placement.opening_id) == ("hired", market.turner_a.pk)
    assert JobSeeker.objects.get(pk=market.seeker_a.pk).status == "placed"
    page.screenshot(path=str(screenshot_dir / "staff-seeker-hired-zh.png"), full_page=True)

    # the placement figures per union reflect it; the placed seeker shows under "all"
    page.get_by_role("link", name="求职者").first.click()
    figures = page.locator("section", has=page.get_by_role("heading", name="各工会推荐就业情况"))
    expect(figures.locator("tbody tr")).to_have_count(1)
    expect(figures.locator("tbody tr td")).to_have_text([cast.union_a.name, "1", "1", "1", "0", "0"])
    expect(page.locator("main table").first.get_by_role("link", name="张三")).to_have_count(0)
    page.get_by_label("状态").select_option("all")
    page.get_by_role("button", name="显示").click()
    expect(page.locator("main table").first.locator("tbody tr").filter(has_text="张三")).to_contain_text("已就业")
    _to_english(page)
    figures = page.locator("section", has=page.get_by_role("heading", name="Placements by union"))
    expect(figures.locator("thead th")).to_have_text(
        ["Union", "Referred", "Interviewed", "Hired", "Not hired", "Withdrawn"]
    )
    expect(figures.locator("tbody tr td")).to_have_text([cast.union_a.name, "1", "1", "1", "0", "0"])
    page.screenshot(path=str(screenshot_dir / "staff-placements-en.png"), full_page=True)

    # the member sees the outcome on their own page
    member = new_page()
    _sign_in(member, base, "member_a")
    member.goto(f"{base}/jobs/me/")
    expect(member.locator("section", has=member.get_by_role("heading", name="我的推荐"))).to_contain_text(
        "数控车工 — 已录用"
    )

    # staff of the other district: not in their caseload, not in their figures, page not found
    other = new_page()
    _sign_in(other, base, "staff_b")
    other.goto(f"{base}/jobs/seekers/?status=all")
    expect(other.locator("main table").first.get_by_role("link", name="李四")).to_be_visible()
    expect(other.locator("main table").first.get_by_role("link", name="张三")).to_have_count(0)
    expect(other.locator("section", has=other.get_by_role("heading", name="各工会推荐就业情况"))).to_contain_text(
        "暂无推荐记录"
    )
    response = other.goto(f"{base}/jobs/seekers/{market.seeker_a.public_id}/")
    assert response is not None
    assert response.status == 404
    expect(other.get_by_text(NOT_FOUND)).to_be_visible()
    expect(other.locator("main")).not_to_contain_text("张三")
    response = other.goto(f"{base}/jobs/openings/{market.turner_a.public_id}/")
    assert response is not None
    assert response.status == 404


def test_hr_sees_only_consenting_candidates(
    market: Market,  # noqa: F811
    jobs_day: dt.date,
    live_server: Any,
    new_page: Any,
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    cast = market.cast
    # the colleague registers as a seeker, then withdraws consent: never a candidate
    colleague = Member.objects.get(pk=market.colleague.pk)
    do_update_member(cast.staff_a, colleague, {"consent_job_matching": True}, expected_version=colleague.version)
    colleague.refresh_from_db()
    do_register_seeker(cast.staff_a, colleague)
    colleague.refresh_from_db()
    do_update_member(cast.staff_a, colleague, {"consent_job_matching": False}, expected_version=colleague.version)

    base = live_server.url
    page = new_page()
    _sign_in(page, base, "hr_a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="招聘岗位").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("招聘岗位")
    listed = page.locator("main table tbody tr")
    expect(listed).to_have_count(5)  # all five openings are for hr_a's employer
    # an opening past its closing date is not shown as taking applicants
    expect(listed.filter(has_text="车工（已截止）").locator("td").last).to_have_text("已过期")
    expect(listed.filter(has_text="数控车工").locator("td").last).to_have_text("招聘中")
    page.get_by_role("link", name="车工（已截止）").click()
    expect(page.locator("main p", has_text="截止 2026-01-31")).to_contain_text("已过期")
    expect(
        page.locator("section", has=page.get_by_role("heading", name="匹配的候选人")).locator("tbody tr")
    ).to_have_count(0)
    page.go_back()
    page.get_by_role("link", name="数控车工").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("数控车工")
    candidates = page.locator("section", has=page.get_by_role("heading", name="匹配的候选人"))
    expect(candidates).to_contain_text("姓名和身份证号已部分隐藏。")
    rows = candidates.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("张*")
    expect(rows.nth(0)).to_contain_text("同一职业 +35")
    expect(rows.nth(1)).to_contain_text("李*")
    main = page.locator("main")
    for hidden in ("张三", "李四", "赵"):
        expect(main).not_to_contain_text(hidden)
    expect(candidates.get_by_role("link")).to_have_count(0)  # no way into the seeker records
    page.screenshot(path=str(screenshot_dir / "hr-candidates-zh.png"), full_page=True)

    # 张三 withdraws consent: gone from the list at once
    ma = Member.objects.get(pk=cast.ma.pk)
    do_update_member(cast.staff_a, ma, {"consent_job_matching": False}, expected_version=ma.version)
    page.reload()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("李*")
    expect(main).not_to_contain_text("张*")

    # HR pages for staff are not theirs
    response = page.goto(f"{base}/jobs/seekers/")
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{base}/jobs/seekers/{market.seeker_b.public_id}/")
    assert response is not None
    assert response.status == 404

    # HR of another employer neither lists nor opens this employer's opening
    other_employer = do_create_employer(
        None, credit_code="91320104MA00000015", name="秦淮物流公司", region_code="320104", union=cast.union_b
    )
    _user("hr_other", "employer_hr", employer=other_employer)
    other = new_page()
    _sign_in(other, base, "hr_other")
    other.goto(f"{base}/jobs/openings/")
    expect(other.get_by_role("link", name="数控车工")).to_have_count(0)
    response = other.goto(f"{base}/jobs/openings/{market.turner_a.public_id}/")
    assert response is not None
    assert response.status == 404
    expect(other.get_by_text(NOT_FOUND)).to_be_visible()
