"""The demo federation generator: deterministic, valid identifiers, certificates that follow the
grade rules of docs/policy-rules.md §1.3, one account per role, and ``demo --no-serve``."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.core.models import AuditEvent
from craftpath.engines.codes import check_credit_code, check_resident_id
from craftpath.orgs.access import organisations_visible_to
from craftpath.orgs.models import Employer, Organisation
from craftpath.registry import validation
from craftpath.registry.access import members_visible_to
from craftpath.registry.actions import load_catalogue
from craftpath.registry.models import Certificate, Diploma, Member, OccupationHistory
from craftpath.site.demo import DEMO_USERS, ROOT_CODE, DemoResult, demo_exists, generate_demo, reset_demo

SIZE = 300
SEED = 2023
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# §1.3: minimum years after the previous grade (the 四级 route without 五级 needs 6 years of work).
GAP_AFTER_PREVIOUS = {2: 4, 3: 5, 4: 4, 5: 4}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def snapshot() -> dict[str, Any]:
    """What must be identical for the same seed (public ids and ciphertexts may differ)."""
    members = list(
        Member.objects.filter(is_demo=True)
        .order_by("id")
        .values_list(
            "id",
            "name",
            "id_masked",
            "id_hash",
            "birth_date",
            "sex",
            "phone_masked",
            "employment_form",
            "union__code",
            "employer__credit_code",
        )
    )
    order = {m[0]: i for i, m in enumerate(members)}
    certs = sorted(
        (order[c[0]], *c[1:])
        for c in Certificate.objects.filter(member__is_demo=True).values_list(
            "member_id", "grade", "occupation_id", "issued_on", "issuer", "number", "how"
        )
    )
    histories = sorted(
        (order[h[0]], *h[1:])
        for h in OccupationHistory.objects.filter(member__is_demo=True).values_list(
            "member_id", "occupation_id", "start", "end", "employer_name"
        )
    )
    return {"members": [m[1:] for m in members], "certificates": certs, "histories": histories}


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[DemoResult, dict[str, Any]]]:
    """One generated federation for the whole class, rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        result = generate_demo(SIZE, SEED)
        yield result, snapshot()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestGeneratedFederation:
    def test_sizes_and_tree(self, demo: tuple[DemoResult, dict[str, Any]]) -> None:
        result, _ = demo
        assert Member.objects.filter(is_demo=True).count() == SIZE
        assert result.tables["registry_member"].rows == SIZE
        assert demo_exists()
        root = Organisation.objects.get(code=ROOT_CODE)
        assert root.level == "national"
        assert root.region_id == "100000"
        levels = set(Organisation.objects.filter(path__startswith=root.path).values_list("level", flat=True))
        assert levels == {"national", "provincial", "city", "district", "grassroots"}
        kinds = set(
            Organisation.objects.filter(level="grassroots", code__startswith=ROOT_CODE).values_list("kind", flat=True)
        )
        assert {"enterprise", "platform", "regional", "industry"} <= kinds
        forms = set(Member.objects.values_list("employment_form", flat=True))
        assert forms == {"employee", "platform", "flexible", "unemployed"}
        # org_path always copies the union's path; members only sit in grassroots unions
        for path, union_path, level in Member.objects.values_list("org_path", "union__path", "union__level"):
            assert path == union_path
            assert level == "grassroots"
        assert Employer.objects.filter(is_platform=True).exists()

    def test_identifiers_are_valid_and_clearly_fictitious(self) -> None:
        today = timezone.localdate()
        seen = set()
        for member in Member.objects.filter(is_demo=True):
            number = member.reveal_id_number()
            check = check_resident_id(number, today=today)
            assert check.ok, (number, check.error_code)
            assert number[14] == "9", "demo ID numbers use the sequence 9xx"
            assert check.birth_date == member.birth_date
            assert check.sex == member.sex
            assert dt.date(1965, 1, 1) <= member.birth_date <= dt.date(2004, 12, 31)
            assert member.id_masked == number[:6] + "********" + number[-4:]
            phone = member.reveal_phone()
            assert re.fullmatch(r"100\d{8}", phone)
            seen.add(number)
        assert len(seen) == SIZE
        codes = list(Employer.objects.values_list("credit_code", flat=True))
        assert codes
        assert all(check_credit_code(code).ok for code in codes)
        assert all("演示" in name for name in Employer.objects.values_list("name", flat=True))

    def test_histories_are_consistent(self) -> None:
        today = timezone.localdate()
        cat = load_catalogue()
        births = dict(Member.objects.values_list("id", "birth_date"))
        per_member = defaultdict(list)
        for h in OccupationHistory.objects.filter(member__is_demo=True):
            assert h.end is None or h.end >= h.start
            assert h.start >= births[h.member_id]
            assert h.start <= today
            assert h.end is None or h.end <= today
            data = {
                "occupation_id": h.occupation_id,
                "occupation_code": h.occupation_id,
                "start": h.start,
                "end": h.end,
            }
            cleaned, problems = validation.check_history(data, cat, births[h.member_id], today)
            assert cleaned is not None, problems
            per_member[h.member_id].append(h)
        assert set(per_member) == set(births), "every member has a work history"
        for rows in per_member.values():
            rows.sort(key=lambda h: h.start)
            for earlier, later in itertools.pairwise(rows):
                assert earlier.end is not None, "only the last period is open"
                assert earlier.end < later.start, "periods do not overlap"
        for d in Diploma.objects.filter(member__is_demo=True):
            assert births[d.member_id] < d.graduated_on <= today

    def test_certificates_follow_the_grade_rules(self) -> None:
        """§1.3 over every generated member: age ≥ 16, never in the future, minimum years between grades."""
        today = timezone.localdate()
        cat = load_catalogue()
        members = {m.id: m for m in Member.objects.filter(is_demo=True)}
        career_start = {}
        for h in OccupationHistory.objects.filter(member__is_demo=True).order_by("start"):
            career_start.setdefault(h.member_id, h.start)
        by_member: dict[int, dict[int, Certificate]] = defaultdict(dict)
        for c in Certificate.objects.filter(member__is_demo=True):
            birth = members[c.member_id].birth_date
            assert c.issued_on <= today
            assert add_years(birth, 16) <= c.issued_on
            assert "（演示）" in c.issuer
            data = {
                "occupation_code": c.occupation_id,
                "grade": c.grade,
                "issued_on": c.issued_on,
                "number": c.number,
                "issuer": c.issuer,
                "how": c.how,
            }
            cleaned, problems = validation.check_certificate(data, cat, birth, today)
            assert cleaned is not None, problems
            assert c.grade not in by_member[c.member_id], "one certificate per grade"
            by_member[c.member_id][c.grade] = c
        assert by_member, "some members hold certificates"
        for member_id, certs in by_member.items():
            start = career_start[member_id]
            assert len({c.occupation_id for c in certs.values()}) == 1
            if 1 in certs:
                assert add_years(start, 1) <= certs[1].issued_on
            for grade in range(2, 6):
                if grade not in certs:
                    continue
                previous = certs.get(grade - 1)
                if previous is None:
                    assert grade == 2, f"grade {grade} without grade {grade - 1}"
                    assert add_years(start, 6) <= certs[2].issued_on, "四级 without 五级 needs 6 years of work"
                else:
                    assert add_years(previous.issued_on, GAP_AFTER_PREVIOUS[grade]) <= certs[grade].issued_on
            if 6 in certs:
                assert certs[6].how == "appointment"
                assert 5 in certs
                assert certs[5].issued_on < certs[6].issued_on
            assert 7 not in certs
        hows = {c.how for certs in by_member.values() for c in certs.values()}
        assert "assessment" in hows

    def test_some_members_are_eligible_now_and_some_soon(self) -> None:
        today = timezone.localdate()
        top: dict[int, Certificate] = {}
        for c in Certificate.objects.filter(member__is_demo=True, grade__lte=4):
            if c.member_id not in top or c.grade > top[c.member_id].grade:
                top[c.member_id] = c
        next_at = [add_years(c.issued_on, GAP_AFTER_PREVIOUS.get(c.grade + 1, 4)) for c in top.values()]
        assert any(day <= today for day in next_at), "someone may apply for the next grade now"
        assert any(today < day <= add_years(today, 2) for day in next_at), "someone may apply soon"

    def test_one_summary_audit_event_without_personal_data(self) -> None:
        events = AuditEvent.objects.filter(action="generate_demo")
        assert events.count() == 1
        text = str(events.get().after)
        assert not re.search(r"\d{17}[\dX]", text)
        assert AuditEvent.objects.filter(action="register_member").count() == 0

    def test_every_demo_user_signs_in(self) -> None:
        for spec in DEMO_USERS:
            user = User.objects.get(username=spec.username)
            assert user.role == spec.role
            assert Client().login(username=spec.username, password=spec.password), spec.username

    def test_demo_users_see_what_their_role_allows(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
        province = members_visible_to(users["demo-province"]).count()
        city = members_visible_to(users["demo-city"]).count()
        district = members_visible_to(users["demo-district"]).count()
        assert province == SIZE
        assert 0 < district < city < province
        assert members_visible_to(users["demo-enterprise"]).count() > 0
        assert members_visible_to(users["demo-platform"]).filter(employment_form="platform").exists()
        m1 = members_visible_to(users["demo-member1"]).get()
        m2 = members_visible_to(users["demo-member2"]).get()
        district_of = {o.path: o for o in Organisation.objects.filter(level="district")}
        d1 = next(o for p, o in district_of.items() if m1.org_path.startswith(p))
        d2 = next(o for p, o in district_of.items() if m2.org_path.startswith(p))
        assert d1 != d2
        assert d1.parent_id != d2.parent_id
        hr = members_visible_to(users["demo-hr"])
        assert hr.exists()
        assert all(m.consent_employer for m in hr)
        for admin in ("demo-sysadmin", "demo-secadmin", "demo-auditadmin"):
            assert not members_visible_to(users[admin]).exists()
        assert organisations_visible_to(users["demo-sysadmin"]).exists()

    def test_same_seed_same_data(self, demo: tuple[DemoResult, dict[str, Any]]) -> None:
        _, first = demo
        with override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
            reset_demo()
            assert not demo_exists()
            assert not Member.objects.filter(is_demo=True).exists()
            generate_demo(SIZE, SEED)
            again = snapshot()
            reset_demo()
            generate_demo(SIZE, SEED + 1)
            other = snapshot()
            transaction.set_rollback(True)
        assert again == first
        assert other["members"] != first["members"]

    def test_generate_command_refuses_when_demo_data_exists(self) -> None:
        with pytest.raises(CommandError, match="--reset"):
            call_command("generate_demo", "--size", "10", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_command_end_to_end(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--size", "200", "--no-progress", stdout=out)
    text = out.getvalue()
    assert Member.objects.filter(is_demo=True).count() == 200
    for spec in DEMO_USERS:
        assert spec.username in text
        assert spec.password in text
    assert "http://127.0.0.1:8000/" in text
    assert "WARNING" in text
    assert "演示账号" in text
    assert Client().login(username="demo-province", password="demo-province-2023")
    # the demo holds signed certificates that verify offline, with the published status lists
    from craftpath.credentials.models import IssuedCredential, StatusListRecord
    from craftpath.engines.credentials import run_verify
    from craftpath.ladders.models import EligibilityRun

    assert EligibilityRun.objects.filter(status="done").exists()
    mine = IssuedCredential.objects.filter(member__user__username="demo-member1").first()
    assert mine is not None
    folder = tmp_path_factory.mktemp("verify")
    (folder / "cert.json").write_text(mine.document, encoding="utf-8")
    lists = []
    for n, record in enumerate(StatusListRecord.objects.filter(key=mine.key)):
        (folder / f"list{n}.json").write_text(record.signed, encoding="utf-8")
        lists += ["--status-list", str(folder / f"list{n}.json")]
    assert run_verify([str(folder / "cert.json"), *lists], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    tampered = mine.document.replace(mine.number, mine.number[:-1] + ("1" if mine.number[-1] != "1" else "2"))
    (folder / "bad.json").write_text(tampered, encoding="utf-8")
    assert run_verify([str(folder / "bad.json"), *lists], stdout=io.StringIO(), stderr=io.StringIO()) == 1
    # demo members find courses and job openings with reasons, in both languages
    from craftpath.jobs.models import JobOpening
    from craftpath.training.models import Course

    assert Course.objects.exists()
    assert JobOpening.objects.filter(status="open").exists()
    member = Client()
    assert member.login(username="demo-member1", password="demo-member-2023")
    assert member.get("/api/jobs/members/me/matches").status_code == 200
    # The demo member's own gap plan offers courses, not only "no open course covers yet".
    plans = member.get("/api/jobs/members/me/training-plan").json()
    assert plans
    assert all(p["courses"] for p in plans if p["grade"] is not None)
    opening = JobOpening.objects.filter(status="open").order_by("id").first()
    assert opening is not None
    worker = Member.objects.filter(histories__occupation_id=opening.occupation_id).order_by("id").first()
    assert worker is not None
    staff = Client()
    assert staff.login(username="demo-province", password="demo-province-2023")
    matches = staff.get(f"/api/jobs/members/{worker.public_id}/matches").json()
    assert matches, "a member working in an advertised occupation gets at least one match"
    assert matches[0]["explanation_zh"]
    assert matches[0]["explanation_en"]
    # a second run keeps the data and does not generate again
    again = io.StringIO()
    call_command("demo", "--no-serve", "--no-progress", stdout=again)
    assert Member.objects.count() == 200
    assert "跳过" in again.getvalue()


@pytest.mark.django_db
def test_generate_command_with_reset() -> None:
    out = io.StringIO()
    call_command("generate_demo", "--size", "50", "--no-progress", stdout=out)
    assert "rows/s" in out.getvalue()
    call_command("generate_demo", "--size", "60", "--seed", "7", "--reset", "--no-progress", stdout=io.StringIO())
    assert Member.objects.filter(is_demo=True).count() == 60
    assert User.objects.filter(username="demo-hr").count() == 1
