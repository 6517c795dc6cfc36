"""Shared fixtures: reference data and a small named cast of users.

Who may see what (the cast is built once per test that asks for it):
- ``province``: staff of the provincial federation; sees everything below it (A and B).
- ``staff_a`` / ``staff_b``: staff of district federation A / B; each sees only its district.
- ``member_a`` / ``member_b``: members in district A / B; each sees only themself.
- ``hr_a``: HR of an employer in A; sees that employer's consenting members, never ID numbers.
- ``sysadmin``, ``secadmin``, ``auditor``: the three administrators; no member records at all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from craftpath.accounts.models import User
from craftpath.engines.codes import resident_id_check_char
from craftpath.orgs.actions import do_create_employer, do_create_organisation
from craftpath.orgs.models import Employer, Organisation
from craftpath.orgs.regions import sync_regions
from craftpath.registry.actions import do_register_member
from craftpath.registry.models import Member
from craftpath.taxonomy.loader import sync_occupations
from craftpath.taxonomy.models import Occupation

_SEQ = itertools.count(100)


def make_id_number(birth: str = "19900101", region: str = "320102", male: bool = True) -> str:
    """A checksum-valid, fictitious resident ID number (sequence 9xx marks test data)."""
    seq = next(_SEQ) % 50 * 2 + 900 + (1 if male else 0)
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load regions and occupations once into the test database."""
    with django_db_blocker.unblock():
        sync_regions()
        sync_occupations()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db: Any) -> None:
    # Transactional tests flush every table, so check rather than load once per session.
    if not Occupation.objects.exists():
        sync_regions()
        sync_occupations()


@dataclass
class Cast:
    national: Organisation
    province_org: Organisation
    city: Organisation
    district_a: Organisation
    district_b: Organisation
    union_a: Organisation
    union_b: Organisation
    employer_a: Employer
    province: User
    staff_a: User
    staff_b: User
    member_a: User
    member_b: User
    hr_a: User
    sysadmin: User
    secadmin: User
    auditor: User
    ma: Member
    mb: Member
    ma_colleague_no_consent: Member

    @property
    def everyone(self) -> dict[str, User]:
        return {
            n: getattr(self, n)
            for n in (
                "province",
                "staff_a",
                "staff_b",
                "member_a",
                "member_b",
                "hr_a",
                "sysadmin",
                "secadmin",
                "auditor",
            )
        }


PASSWORD = "correct-horse-battery-9"


def _user(username: str, role: str, **kw: Any) -> User:
    user = User(username=username, role=role, **kw)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def cast(reference_data: None) -> Cast:
    national = do_create_organisation(
        None, code="T-ACFTU", name="全国总工会（测试）", level="national", region_code="100000"
    )
    province_org = do_create_organisation(
        None, code="T-JS", name="江苏省总工会（测试）", level="provincial", region_code="320000", parent=national
    )
    city = do_create_organisation(
        None, code="T-NJ", name="南京市总工会（测试）", level="city", region_code="320100", parent=province_org
    )
    district_a = do_create_organisation(
        None, code="T-XW", name="玄武区总工会（测试）", level="district", region_code="320102", parent=city
    )
    district_b = do_create_organisation(
        None, code="T-QH", name="秦淮区总工会（测试）", level="district", region_code="320104", parent=city
    )
    union_a = do_create_organisation(
        None,
        code="T-XW-001",
        name="玄武精密机械厂工会",
        level="grassroots",
        kind="enterprise",
        region_code="320102",
        parent=district_a,
    )
    union_b = do_create_organisation(
        None,
        code="T-QH-001",
        name="秦淮外卖骑手工会",
        level="grassroots",
        kind="platform",
        region_code="320104",
        parent=district_b,
    )
    employer_a = do_create_employer(
        None, credit_code="91350100M000100Y43", name="玄武精密机械厂", region_code="320102", union=union_a
    )
    province = _user("province", "union_staff", org=province_org)
    staff_a = _user("staff_a", "union_staff", org=district_a)
    staff_b = _user("staff_b", "union_staff", org=district_b)
    ma = do_register_member(
        staff_a,
        {
            "name": "张三",
            "id_number": make_id_number(),
            "phone": "13800000001",
            "employment_form": "employee",
            "union_code": "T-XW-001",
            "employer_credit_code": "91350100M000100Y43",
            "consent_employer": True,
        },
    )
    colleague = do_register_member(
        staff_a,
        {
            "name": "赵六",
            "id_number": make_id_number(male=False),
            "phone": "13800000003",
            "employment_form": "employee",
            "union_code": "T-XW-001",
            "employer_credit_code": "91350100M000100Y43",
        },
    )
    mb = do_register_member(
        staff_b,
        {
            "name": "李四",
            "id_number": make_id_number(region="320104"),
            "phone": "13800000002",
            "employment_form": "platform",
            "union_code": "T-QH-001",
        },
    )
    member_a = _user("member_a", "member")
    member_b = _user("member_b", "member")
    Member.objects.filter(pk=ma.pk).update(user=member_a)
    Member.objects.filter(pk=mb.pk).update(user=member_b)
    ma.refresh_from_db()
    mb.refresh_from_db()
    hr_a = _user("hr_a", "employer_hr", employer=employer_a)
    return Cast(
        national,
        province_org,
        city,
        district_a,
        district_b,
        union_a,
        union_b,
        employer_a,
        province,
        staff_a,
        staff_b,
        member_a,
        member_b,
        hr_a,
        _user("sysadmin", "system_admin"),
        _user("secadmin", "security_admin"),
        _user("auditor", "audit_admin"),
        ma,
        mb,
        colleague,
    )
