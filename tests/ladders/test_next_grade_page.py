"""The member's "my next grade" page speaks the member's language: no engine codes on the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from craftpath.registry.actions import do_add_certificate, do_add_history
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

WELDER = "6-18-02-04"
# Codes the engine and the rulebooks use; none of them may reach the member as they are.
RAW_CODES = (
    "assistant_engineer",
    "senior_engineer",
    "frontline_engineering_post",
    "annual_appraisal_passed_3y",
    "continuing_education_done",
    "years_since_certificate",
    "years_in_occupation",
    "needs_certificate",
    "needs_apprenticeship",
    "needs_diploma",
    "no_route",
)


@pytest.fixture
def engineer_path(cast: Cast) -> Cast:
    """ma: welder since 2008; 高级工 2014, 技师 2019, 高级技师 in the last year.

    Title pathway: 助理工程师 and 工程师 may be applied for now, 高级工程师 only later (4 years
    after the 高级技师 certificate), so the page shows both states and a missing condition.
    """
    today = dt.date.today()
    do_add_history(cast.staff_a, cast.ma, {"occupation_code": WELDER, "start": "2008-03-01"})
    for grade, number, issued in (
        ("初级工", "P-1", "2009-05-01"),
        ("中级工", "P-2", "2013-05-01"),
        ("高级工", "P-3", "2018-05-01"),
        ("技师", "P-4", "2022-05-01"),
    ):
        do_add_certificate(
            cast.staff_a,
            cast.ma,
            {"occupation_code": WELDER, "grade": grade, "issuer": "测试中心", "number": number, "issued_on": issued},
        )
    recent = (today - dt.timedelta(days=100)).isoformat()
    do_add_certificate(
        cast.staff_a,
        cast.ma,
        {"occupation_code": WELDER, "grade": "高级技师", "issuer": "测试中心", "number": "P-5", "issued_on": recent},
    )
    return cast


def _page(user: Any, lang: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/ladders/me/")
    assert response.status_code == 200
    return response.content.decode()


def _titles_table(page: str) -> str:
    match = re.search(r'<section class="card" aria-labelledby="titles">.*?</section>', page, re.S)
    assert match, "the title pathway section is shown"
    return match.group(0)


def _visible_text(html: str) -> str:
    """Text a reader sees: tags and attribute values dropped."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_title_pathway_shows_title_names_not_codes(engineer_path: Cast, lang: str) -> None:
    page = _page(engineer_path.member_a, lang)
    titles = _visible_text(_titles_table(page))
    for zh, en in (("助理工程师", "Assistant engineer"), ("工程师", "Engineer"), ("高级工程师", "Senior engineer")):
        assert zh in titles
        assert en in titles
    # the three conditions the engine cannot check are named, not given as codes
    assert "生产一线" in titles
    assert "on the front line" in titles
    # the 高级工程师 row is not open yet and says why in words
    assert "高级技师" in titles
    assert "Senior technician" in titles
    text = _visible_text(page)
    for code in RAW_CODES:
        assert code not in text, code


def test_title_column_header_names_the_professional_title(engineer_path: Cast) -> None:
    zh = _visible_text(_titles_table(_page(engineer_path.member_a, "zh-hans")))
    en = _visible_text(_titles_table(_page(engineer_path.member_a, "en")))
    assert "课程名称" not in zh  # the course form's "Title" is a different word
    assert "职称" in zh
    assert "Professional title" in en


def _without_trace(html: str) -> str:
    return re.sub(r"<details>.*?</details>", " ", html, flags=re.S)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_grade_rows_explain_missing_conditions_and_routes(engineer_path: Cast, lang: str) -> None:
    """A courier of two years: routes and missing conditions are sentences, not rule ids or codes."""
    cast = engineer_path
    start = (dt.date.today() - dt.timedelta(days=2 * 366)).isoformat()
    do_add_history(cast.staff_b, cast.mb, {"occupation_code": "4-02-07-10", "start": start})
    page = _page(cast.member_b, lang)
    text = _visible_text(page)
    for code in RAW_CODES:
        assert code not in text, code
    # the route the member may apply by, in both languages, and no bare rule id outside the trace
    assert "本职业或相关职业工作满 1 年" in text
    assert "1 year of work in this or a related occupation" in text
    assert "national-2018" not in _visible_text(_without_trace(page))
    # the confidence of an assumed rule is a word in the page's language
    if lang == "zh-hans":
        assert "推定" in text
        assert "assumed" not in text
    else:
        assert "assumed" in text


def test_top_grade_holder_is_not_told_to_add_a_work_history(engineer_path: Cast) -> None:
    zh = _visible_text(_page(engineer_path.member_a, "zh-hans"))
    en = _visible_text(_page(engineer_path.member_a, "en"))
    assert "没有可再申报的技能等级" in zh
    assert "no further skill grade to apply for" in en
    assert "add your work history" not in en
