"""Every page renders in Chinese and English for the roles that use it, and the forms work."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.core.models import AuditEvent
from craftpath.registry.models import Certificate, Member
from tests.conftest import PASSWORD, make_id_number

from .conftest import ELECTRICIAN

pytestmark = pytest.mark.django_db

# (url name or callable, role that uses it, a string that must appear in zh, and in en)
PAGES: list[tuple[str, Any, str, str, str]] = [
    ("staff dashboard", lambda w: reverse("dashboard"), "province", "按就业形态", "By employment form"),
    ("hr dashboard", lambda w: reverse("dashboard"), "hr_a", "共享档案", "agreed to share"),
    ("system dashboard", lambda w: reverse("dashboard"), "sysadmin", "系统管理", "System administration"),
    ("security dashboard", lambda w: reverse("dashboard"), "secadmin", "已锁定的账户", "Locked accounts"),
    ("audit dashboard", lambda w: reverse("dashboard"), "auditor", "审计日志", "Audit trail"),
    ("member list", lambda w: reverse("registry:list"), "staff_a", "按身份证号码查找", "Find by ID number"),
    ("hr list", lambda w: reverse("registry:list"), "hr_a", "本单位职工", "Employees"),
    ("register", lambda w: reverse("registry:create"), "staff_a", "居民身份证号码", "Resident ID number"),
    (
        "member page",
        lambda w: reverse("registry:detail", args=[w.ma.public_id]),
        "staff_a",
        "当前技能等级",
        "Current skill grades",
    ),
    (
        "own page",
        lambda w: reverse("registry:detail", args=[w.ma.public_id]),
        "member_a",
        "显示完整身份证号码",
        "Show full ID number",
    ),
    ("edit", lambda w: reverse("registry:edit", args=[w.ma.public_id]), "staff_a", "修改会员信息", "Edit member"),
    ("org tree", lambda w: reverse("orgs:tree"), "province", "工会组织", "Organisations"),
    ("org page", lambda w: reverse("orgs:detail", args=[w.union_a.code]), "staff_a", "用人单位", "Employers"),
    ("occupations", lambda w: reverse("taxonomy:list"), "member_a", "全部大类", "All major groups"),
    ("occupation group", lambda w: reverse("taxonomy:list") + "?group=6-00-00-00", "hr_a", "中类", "Medium group"),
    ("occupation", lambda w: reverse("taxonomy:detail", args=[ELECTRICIAN]), "member_b", "主要工作任务", "Main tasks"),
]


@pytest.mark.parametrize(("label", "url", "who", "zh", "en"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_in_both_languages(
    world: Any, client_for: Any, label: str, url: Any, who: str, zh: str, en: str
) -> None:
    for lang, expected, html_lang in (("zh-hans", zh, 'lang="zh-hans"'), ("en", en, 'lang="en"')):
        response = client_for(getattr(world, who), lang).get(url(world))
        assert response.status_code == 200, (label, lang)
        html = response.content.decode()
        assert html_lang in html
        assert expected in html, (label, lang)
        assert ("退出" if lang == "zh-hans" else "Sign out") in html


def test_chinese_is_the_default_language(world: Any) -> None:
    client = Client()
    client.force_login(world.staff_a)
    html = client.get(reverse("registry:list")).content.decode()
    assert 'lang="zh-hans"' in html
    assert "会员" in html


def test_language_switch_posts_to_setlang(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    html = client.get(reverse("registry:list")).content.decode()
    assert 'action="/i18n/setlang/"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("registry:list")})
    assert response.status_code == 302
    assert "Find by ID number" in client.get(reverse("registry:list")).content.decode()


# ---- sign-in ------------------------------------------------------------------------------


def test_sign_in_and_out(world: Any) -> None:
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign-out is a POST
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("accounts:login"))


def test_signed_out_visitor_is_sent_to_sign_in(db: Any) -> None:
    for url in (reverse("dashboard"), reverse("registry:list"), reverse("orgs:tree"), reverse("taxonomy:list")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_locked_account_is_told_when_to_try_again(world: Any, settings: Any) -> None:
    settings.LOCKOUT_THRESHOLD = 3
    client = Client()
    for _ in range(2):
        html = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "nope"}).content.decode()
        assert "已被暂时锁定" not in html
    html = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "nope"}).content.decode()
    until = timezone.localtime(User.objects.get(username="staff_a").locked_until).strftime("%Y-%m-%d %H:%M")
    assert "已被暂时锁定" in html
    assert "This account is locked" in html
    assert until in html
    # the right password is refused with the same clear message while locked
    html = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}).content.decode()
    assert "已被暂时锁定" in html


def test_idle_timeout_is_explained(world: Any, settings: Any, monkeypatch: Any) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert client.get(reverse("registry:list")).status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.IDLE_TIMEOUT_SECONDS + 5)
    response = client.get(reverse("registry:list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "长时间没有操作" in response.content.decode()


def test_security_admin_unlocks_with_an_audit_event(world: Any, client_for: Any) -> None:
    until = timezone.now() + dt.timedelta(minutes=10)
    User.objects.filter(pk=world.staff_b.pk).update(locked_until=until, failed_logins=0)
    client = client_for(world.secadmin)
    html = client.get(reverse("dashboard")).content.decode()
    assert "staff_b" in html
    url = reverse("accounts:unlock", args=[world.staff_b.public_id])
    assert client.get(url).status_code == 405
    assert client_for(world.auditor).post(url).status_code == 404  # only the security administrator
    response = client.post(url)
    assert response.status_code == 302
    assert not User.objects.get(pk=world.staff_b.pk).is_locked()
    event = AuditEvent.objects.get(action="unlock_account")
    assert event.actor == world.secadmin
    assert event.object_id == str(world.staff_b.public_id)


def test_audit_trail_filters_and_pages(world: Any, client_for: Any) -> None:
    client_for(world.staff_a).post(reverse("registry:reveal", args=[world.ma.public_id]), {"purpose": "handle_case"})
    client = client_for(world.auditor, "en")
    html = client.get(reverse("dashboard"), {"kind": "view_pii"}).content.decode()
    assert "reveal_identity" in html
    assert "register_member" not in html
    html = client.get(reverse("dashboard"), {"actor": "staff_b"}).content.decode()
    assert "reveal_identity" not in html
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    html = client.get(reverse("dashboard"), {"since": tomorrow}).content.decode()
    assert "No events match." in html
    assert client.get(reverse("dashboard"), {"page": "999"}).status_code == 200


# ---- member list --------------------------------------------------------------------------


def _many_members(world: Any, n: int) -> None:
    from craftpath.registry.actions import do_add_certificate, do_register_member

    for i in range(n):
        m = do_register_member(
            world.staff_a,
            {
                "name": f"测试{i:03d}",
                "id_number": make_id_number(birth=f"1985{(i % 12) + 1:02d}15"),
                "employment_form": "flexible",
                "union_code": world.union_a.code,
            },
        )
        if i % 3 == 0:
            do_add_certificate(
                world.staff_a,
                m,
                {
                    "occupation_code": ELECTRICIAN,
                    "grade": str(1 + i % 4),
                    "issuer": "测试中心",
                    "number": f"N-{i}",
                    "issued_on": "2020-01-02",
                    "how": "assessment",
                },
            )


def test_member_list_query_count_is_pinned(world: Any, client_for: Any, django_assert_max_num_queries: Any) -> None:
    _many_members(world, 40)
    client = client_for(world.province)
    client.get(reverse("registry:list"))  # warm the session
    # session, user, user's org, union choices, page, highest grades, count, session save (3)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("registry:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/members/') >= 25
    # the same number of queries with filters and on a later page
    after = response.context["page"].last_id
    # plus the chosen union and the cursor's anchor row; never one query per member
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("registry:list"),
            {"employment_form": "flexible", "grade": "2", "union": world.union_a.code, "after": after},
        )
    assert response.status_code == 200


def test_member_list_pages_forward_and_back_without_personal_data_in_links(world: Any, client_for: Any) -> None:
    _many_members(world, 30)
    client = client_for(world.staff_a)
    first = client.get(reverse("registry:list"))
    names_1 = [m.name for m in first.context["page"].rows]
    assert len(names_1) == 25
    second = client.get(reverse("registry:list"), {"after": first.context["page"].last_id})
    names_2 = [m.name for m in second.context["page"].rows]
    assert names_2
    assert not set(names_1) & set(names_2)
    back = client.get(reverse("registry:list"), {"before": second.context["page"].first_id})
    assert [m.name for m in back.context["page"].rows] == names_1
    html = first.content.decode()
    for link in [part.split('"')[0] for part in html.split('href="')[1:]]:
        assert "测试" not in link
        assert "id_number" not in link


def test_member_list_filters(world: Any, client_for: Any) -> None:
    _many_members(world, 12)
    client = client_for(world.province)

    def names(**params: str) -> set[str]:
        response = client.post(reverse("registry:list"), params, follow=True)
        assert re.fullmatch(r"/members/\?s=[\w-]+", response.redirect_chain[-1][0])  # only a key in the address
        return {m.name for m in response.context["page"].rows}

    assert names(name="张") == {"张三"}
    assert names(employment_form="platform") == {"李四"}
    assert names(grade="2") == {"张三", "测试009"}  # every third gets grade 1 + i % 4
    assert "李四" in names(grade="none")
    assert names(occupation=ELECTRICIAN) >= {"张三", "测试000"}
    assert names(union=world.union_b.code) == {"李四"}
    # a union outside one's subtree filters to nothing rather than widening the view
    outside = client_for(world.staff_a).get(reverse("registry:list"), {"union": world.union_b.code})
    assert list(outside.context["page"].rows) == []
    # a name in the address is ignored: names come only from a saved (POSTed) search
    assert len(client.get(reverse("registry:list"), {"name": "张"}).context["page"].rows) > 1


def test_find_by_full_id_number_is_a_post(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    id_number = world.ma.reveal_id_number()
    response = client.post(reverse("registry:find"), {"id_number": id_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:detail", args=[world.ma.public_id])
    assert id_number not in response["Location"]
    # MB is outside A's subtree: the same "not found" as a number nobody has
    html = client.post(reverse("registry:find"), {"id_number": world.mb.reveal_id_number()}).content.decode()
    assert "找不到该记录" in html
    html = client.post(reverse("registry:find"), {"id_number": "12345"}).content.decode()
    assert "18位" in html
    assert client.get(reverse("registry:find")).status_code == 405


# ---- member page and forms ------------------------------------------------------------------


def test_member_page_shows_current_grade_per_occupation(world: Any, client_for: Any) -> None:
    html = client_for(world.staff_a).get(reverse("registry:detail", args=[world.ma.public_id])).content.decode()
    assert "电工" in html
    assert "中级工" in html
    assert "Intermediate worker (level 4)" in html
    assert world.ma.id_masked in html


def test_add_certificate_updates_the_grade(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    url = reverse("registry:add_certificate", args=[world.ma.public_id])
    data = {
        "cert-occupation_code": ELECTRICIAN,
        "cert-grade": "3",
        "cert-issuer": "南京市职业技能鉴定中心",
        "cert-number": "T-0002",
        "cert-issued_on": "2019-05-06",
        "cert-how": "assessment",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "证书已添加" in html
    grades = response.context["current_grades"]
    assert [(g.occupation_code, int(g.grade)) for g in grades] == [(ELECTRICIAN, 3)]
    assert Certificate.objects.filter(member=world.ma).count() == 2


def test_form_problems_appear_next_to_fields_in_both_languages(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a, "en")
    url = reverse("registry:add_certificate", args=[world.ma.public_id])
    data = {
        "cert-occupation_code": "6-31-01-00",
        "cert-grade": "3",
        "cert-issuer": "",
        "cert-number": "T-0001",
        "cert-issued_on": "2999-01-01",
        "cert-how": "assessment",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    cert = response.context["cert"]
    assert {"occupation_code", "issuer", "issued_on"} <= set(cert.by_field)
    assert "请填写具体职业" in html
    assert "is a group, not an occupation" in html
    assert 'id="id_cert-occupation_code-errors"' in html
    assert 'aria-invalid="true"' in html
    assert '<details class="card" id="add-certificate" open>' in html


def test_add_history_and_diploma(world: Any, client_for: Any) -> None:
    client = client_for(world.province)
    r = client.post(
        reverse("registry:add_history", args=[world.ma.public_id]),
        {
            "history-occupation_code": "2-02-07-04",
            "history-start": "2016-01-01",
            "history-end": "2018-12-31",
            "history-employer_name": "某厂",
        },
        follow=True,
    )
    assert "职业经历已添加" in r.content.decode() or r.context["history"].any
    r = client.post(
        reverse("registry:add_diploma", args=[world.ma.public_id]),
        {
            "diploma-kind": "technician_college",
            "diploma-institution": "南京技师学院",
            "diploma-specialty": "电气自动化",
            "diploma-graduated_on": "2010-07-01",
        },
        follow=True,
    )
    assert "学历证书已添加" in r.content.decode()
    r = client.post(reverse("registry:add_diploma", args=[world.ma.public_id]), {"diploma-kind": "nonsense"})
    assert r.context["diploma"].by_field["kind"]


def test_edit_saves_and_detects_conflicts(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    url = reverse("registry:edit", args=[world.ma.public_id])
    form = client.get(url).context["fp"].form
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update({"name": "张三丰", "phone": "13900000009"})
    response = client.post(url, data, follow=True)
    assert "会员信息已保存" in response.content.decode()
    member = Member.objects.get(pk=world.ma.pk)
    assert member.name == "张三丰"
    assert member.phone_masked == "139****0009"
    # a second tab still holding the old version
    data["name"] = "张三"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["stale"]
    html = response.content.decode()
    assert "其他人已修改" in html
    assert Member.objects.get(pk=world.ma.pk).name == "张三丰"


def test_edit_problems_are_shown(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    url = reverse("registry:edit", args=[world.ma.public_id])
    data = dict(client.get(url).context["fp"].form.initial)
    data.update({"name": "", "phone": "123", "consent_employer": "on"})
    response = client.post(url, data)
    fp = response.context["fp"]
    assert set(fp.by_field) >= {"name", "phone"}
    assert "手机号码应为11位" in response.content.decode()


def test_register_member(world: Any, client_for: Any) -> None:
    client = client_for(world.staff_a)
    id_number = make_id_number(birth="19950505")
    data = {
        "name": "王五",
        "id_number": id_number,
        "phone": "13700000000",
        "employment_form": "platform",
        "union_code": world.union_a.code,
        "consent_job_matching": "on",
    }
    response = client.post(reverse("registry:create"), data)
    member = Member.objects.get(name="王五")
    assert response["Location"] == reverse("registry:detail", args=[member.public_id])
    assert member.consent_job_matching
    # again: a duplicate, shown next to the ID number field
    response = client.post(reverse("registry:create"), data)
    assert response.status_code == 200
    assert "id_number" in response.context["fp"].by_field
    # a union in the other district is not offered and is refused
    data["union_code"] = world.union_b.code
    data["id_number"] = make_id_number(birth="19960606")
    response = client.post(reverse("registry:create"), data)
    assert response.context["fp"].any
    assert not Member.objects.filter(name="王五", union=world.union_b).exists()


def test_member_dashboard_is_their_own_page(world: Any, client_for: Any) -> None:
    response = client_for(world.member_a).get(reverse("dashboard"))
    assert response["Location"] == reverse("registry:detail", args=[world.ma.public_id])


def test_staff_dashboard_counts(world: Any, client_for: Any) -> None:
    response = client_for(world.staff_a).get(reverse("dashboard"))
    assert response.context["total"] == 2  # MA and the colleague
    assert [(int(g), n) for g, n in response.context["by_grade"]] == [(2, 1)]
    assert response.context["ungraded"] == 1
    assert 'href="/members/import/"' in response.content.decode()


# ---- organisations and occupations ----------------------------------------------------------


def test_org_tree_counts_members_per_branch(world: Any, client_for: Any) -> None:
    html = client_for(world.province, "en").get(reverse("orgs:tree")).content.decode()
    assert "<details" in html
    assert "3 members" in html  # the province: MA, colleague, MB
    assert world.union_b.name in html
    html = client_for(world.staff_a, "en").get(reverse("orgs:tree")).content.decode()
    assert world.union_b.name not in html


@pytest.mark.parametrize("query", ["电工", "diangong", "dg", "6-31-01"])
def test_occupation_search(world: Any, client_for: Any, query: str) -> None:
    response = client_for(world.member_a).get(reverse("taxonomy:list"), {"q": query})
    codes = [o.code for o in response.context["results"]]
    assert ELECTRICIAN in codes


def test_occupation_detail_shows_grades_and_markers(world: Any, client_for: Any) -> None:
    html = client_for(world.member_a).get(reverse("taxonomy:detail", args=[ELECTRICIAN])).content.decode()
    for text in ("学徒工", "高级技师", "首席技师", "安装、调试"):
        assert text in html


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "text"), [("zh-hans", "未找到"), ("en", "Not found")])
def test_404_page_in_both_languages(world: Any, client_for: Any, lang: str, text: str) -> None:
    response = client_for(world.staff_a, lang).get("/members/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert "找不到该记录，或您无权查看。" in html
    assert "That record does not exist or you may not see it." in html


def test_500_and_403_templates_render() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器出错" in html
    assert "Server error" in html


def test_register_with_a_union_code_when_there_are_too_many_unions_to_list(
    world: Any, client_for: Any, monkeypatch: Any
) -> None:
    from craftpath.registry import views

    monkeypatch.setattr(views, "UNION_CHOICES_LIMIT", 1)
    client = client_for(world.province)
    html = client.get(reverse("registry:create")).content.decode()
    assert '<input type="text" name="union_code"' in html
    data = {
        "name": "钱七",
        "id_number": make_id_number(birth="19920202"),
        "employment_form": "employee",
        "union_code": world.union_b.code,
    }
    response = client.post(reverse("registry:create"), data)
    assert response.status_code == 302
    assert Member.objects.get(name="钱七").union == world.union_b


def test_audit_trail_pages_without_counting_everything(world: Any, client_for: Any) -> None:
    from craftpath.core import events
    from craftpath.site import views

    for i in range(views.AUDIT_PAGE_SIZE + 5):
        events.record(actor=world.staff_a, kind="update", action=f"bulk_{i}")
    client = client_for(world.auditor, "en")
    first = client.get(reverse("dashboard"))
    assert first.context["has_next"]
    assert not first.context["has_previous"]
    second = client.get(reverse("dashboard"), {"page": "2"})
    assert second.context["has_previous"]
    assert not second.context["has_next"]
    assert "Page 2" in second.content.decode()
    assert client.get(reverse("dashboard"), {"page": "x"}).status_code == 200


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "无权操作"), ("en", "Not allowed")])
def test_expired_form_gets_a_bilingual_403(world: Any, lang: str, title: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff_a)
    client.cookies["django_language"] = lang
    response = client.post(reverse("registry:add_certificate", args=[world.ma.public_id]), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert title in html
    assert "页面已过期" in html
    assert "The page had expired" in html
