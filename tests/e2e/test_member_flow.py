"""The main flows in a real browser: staff add a certificate, a member sees only themself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELECTRICIAN = "6-31-01-03"


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_staff_finds_a_member_and_adds_a_certificate(
    cast: Any, live_server: Any, new_page: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page()
    _sign_in(page, base, "staff_a")

    # Chinese by default: the district dashboard
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.district_a.name)
    expect(page.get_by_text("按就业形态")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "staff-dashboard-zh.png"), full_page=True)

    # switch to English with the header form
    page.get_by_label(re.compile("语言")).select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("By employment form")).to_be_visible()

    # find the member by name prefix and open the page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_label("Name starts with").fill("张")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="张三")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "staff-member-list-en.png"), full_page=True)
    assert cast.ma.reveal_id_number() not in page.url
    page.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("张三")
    assert str(cast.ma.public_id) in page.url
    expect(page.locator("#current-grades")).to_have_text("No certificate yet.")

    # add a certificate; the current grade updates
    page.get_by_text("Add a certificate").click()
    form = page.locator("#add-certificate form")
    form.get_by_label("Occupation code").fill(ELECTRICIAN)
    form.get_by_label("Grade").select_option("3")
    form.get_by_label("Issued by").fill("南京市职业技能鉴定中心")
    form.get_by_label("Certificate number").fill("E2E-0001")
    form.get_by_label("Issued on").fill("2019-05-06")
    form.get_by_role("button", name="Add certificate").click()
    expect(page.get_by_text("The certificate is added.")).to_be_visible()
    grades = page.locator("#current-grades")
    expect(grades).to_contain_text("电工")
    expect(grades).to_contain_text("高级工")
    expect(grades).to_contain_text("Senior worker (level 3)")
    page.screenshot(path=str(screenshot_dir / "staff-member-page-en.png"), full_page=True)

    # a wrong entry is explained next to the field, in Chinese and English
    page.get_by_text("Add a certificate").click()
    form = page.locator("#add-certificate form")
    form.get_by_label("Occupation code").fill("6-31-01-00")
    form.get_by_label("Grade").select_option("4")
    form.get_by_label("Issued by").fill("南京市职业技能鉴定中心")
    form.get_by_label("Certificate number").fill("E2E-0002")
    form.get_by_label("Issued on").fill("2020-05-06")
    form.get_by_role("button", name="Add certificate").click()
    errors = page.locator("#id_cert-occupation_code-errors")
    expect(errors).to_contain_text("请填写具体职业")
    expect(errors).to_contain_text("is a group, not an occupation")
    page.screenshot(path=str(screenshot_dir / "staff-certificate-problem-en.png"), full_page=True)


def test_member_sees_only_themself(cast: Any, live_server: Any, new_page: Any, screenshot_dir: Path) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page()
    _sign_in(page, base, "member_a")
    expect(page.get_by_role("heading", level=1)).to_have_text("张三")
    assert str(cast.ma.public_id) in page.url
    expect(page.get_by_text(cast.ma.id_masked)).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="我的档案")).to_be_visible()
    expect(nav.get_by_role("link", name="会员")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "member-own-page-zh.png"), full_page=True)

    # show the full number: a POST, recorded
    page.get_by_role("button", name="显示完整身份证号码和手机号码").click()
    expect(page.locator("#revealed-id")).to_have_text(cast.ma.reveal_id_number())

    # somebody else's page and the member list answer "not found"
    response = page.goto(f"{base}/members/{cast.mb.public_id}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("找不到该记录，或您无权查看。")).to_be_visible()
    response = page.goto(f"{base}/members/")
    assert response is not None
    assert response.status == 404


def test_tree_and_occupations_on_a_phone(cast: Any, live_server: Any, new_page: Any, screenshot_dir: Path) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page(width=390, height=844)
    _sign_in(page, base, "province")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工会组织").click()
    tree = page.locator("ul.tree")
    expect(tree).to_contain_text(cast.province_org.name)
    expect(tree).to_contain_text("3 名会员")
    page.locator("summary", has_text=cast.district_b.name).click(position={"x": 4, "y": 12})  # unfold
    expect(page.get_by_role("link", name=cast.union_b.name)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "province-tree-phone-zh.png"), full_page=True)
    # the page is laid out for the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="职业分类").click()
    page.get_by_label("搜索").fill("dg")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="电工", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("电工")
    expect(page.get_by_text("高级技师")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "occupation-phone-zh.png"), full_page=True)


def test_locked_account_message(
    cast: Any, live_server: Any, new_page: Any, screenshot_dir: Path, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.LOCKOUT_THRESHOLD = 2
    page = new_page()
    for _ in range(2):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("staff_b")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("已被暂时锁定")
    expect(alert).to_contain_text("try again after")
    page.screenshot(path=str(screenshot_dir / "sign-in-locked-zh.png"), full_page=True)
