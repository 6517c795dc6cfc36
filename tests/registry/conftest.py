"""Fixtures for import tests: a small federation tree built through the actions, and file writers."""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from craftpath.accounts.models import User
from craftpath.engines.codes import resident_id_check_char
from craftpath.orgs.actions import do_create_employer, do_create_organisation
from craftpath.orgs.models import Employer, Organisation
from craftpath.orgs.regions import sync_regions
from craftpath.taxonomy.loader import sync_occupations
from craftpath.taxonomy.models import Occupation

_SEQ = itertools.count(1)
EMPLOYER_CODE = "91350100M000100Y43"
OCC = "6-18-01-01"  # 车工 (lathe operator)
OCC2 = "6-18-01-02"  # 铣工 (milling machine operator)


def fake_id(birth: str = "19900101", region: str = "320102") -> str:
    """A checksum-valid, fictitious resident ID number; every call gives a new one."""
    first17 = f"{region}{birth}{600 + next(_SEQ) % 399:03d}"
    return first17 + resident_id_check_char(first17)


@dataclass
class Tree:
    province: Organisation
    city: Organisation
    district: Organisation
    union: Organisation
    other_district: Organisation
    other_union: Organisation
    employer: Employer
    staff: User
    other_staff: User
    city_staff: User
    member_user: User


@pytest.fixture
def import_reference(db: Any) -> None:
    # The shared session fixture loads these once; transactional tests flush them, so check.
    if not Occupation.objects.exists():
        sync_regions()
        sync_occupations()


def _user(username: str, role: str, **kw: Any) -> User:
    user = User(username=username, role=role, **kw)
    user.set_password("correct-horse-battery-9")
    user.save()
    return user


@pytest.fixture
def tree(import_reference: None) -> Tree:
    province = do_create_organisation(
        None, code="I-JS", name="江苏省总工会（导入测试）", level="provincial", region_code="320000"
    )
    city = do_create_organisation(
        None, code="I-NJ", name="南京市总工会（导入测试）", level="city", region_code="320100", parent=province
    )
    district = do_create_organisation(
        None, code="I-XW", name="玄武区总工会（导入测试）", level="district", region_code="320102", parent=city
    )
    union = do_create_organisation(
        None,
        code="I-XW-001",
        name="玄武精密机械厂工会",
        level="grassroots",
        kind="enterprise",
        region_code="320102",
        parent=district,
    )
    other_district = do_create_organisation(
        None, code="I-QH", name="秦淮区总工会（导入测试）", level="district", region_code="320104", parent=city
    )
    other_union = do_create_organisation(
        None,
        code="I-QH-001",
        name="秦淮外卖骑手工会",
        level="grassroots",
        kind="platform",
        region_code="320104",
        parent=other_district,
    )
    employer = do_create_employer(
        None, credit_code=EMPLOYER_CODE, name="玄武精密机械厂", region_code="320102", union=union
    )
    return Tree(
        province,
        city,
        district,
        union,
        other_district,
        other_union,
        employer,
        staff=_user("imp_staff", "union_staff", org=district),
        other_staff=_user("imp_other", "union_staff", org=other_district),
        city_staff=_user("imp_city", "union_staff", org=city),
        member_user=_user("imp_member", "member"),
    )


MEMBER_HEADER = [
    "姓名",
    "身份证号码",
    "手机号码",
    "就业形态",
    "基层工会编码",
    "用人单位统一社会信用代码",
    "同意用人单位查看",
    "同意岗位推荐",
]
HISTORY_HEADER = ["身份证号码", "职业编码", "开始日期", "结束日期", "工作单位"]
DIPLOMA_HEADER = ["身份证号码", "学历类型", "毕业日期", "毕业院校", "专业", "职业编码"]
CERT_HEADER = ["身份证号码", "职业编码", "技能等级", "发证机构", "证书编号", "发证日期", "取得方式"]


def member_row(
    id_number: str,
    name: str = "王五",
    *,
    phone: str = "13912345678",
    form: str = "职工",
    union: str = "I-XW-001",
    employer: str = EMPLOYER_CODE,
    consent: str = "是",
) -> list[Any]:
    return [name, id_number, phone, form, union, employer, consent, "否"]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    book.close()
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def standard_sheets(ids: list[str]) -> dict[str, list[list[Any]]]:
    """A workbook with members, two histories and a certificate each, and one diploma."""
    return {
        "会员 Members": [MEMBER_HEADER, *[member_row(i, f"会员{n}") for n, i in enumerate(ids)]],
        "职业经历 Histories": [
            HISTORY_HEADER,
            *[
                r
                for i in ids
                for r in ([i, OCC, "2010-07-01", "2015-06-30", "甲厂"], [i, OCC2, "2015-07-01", "", "乙厂"])
            ],
        ],
        "学历 Diplomas": [DIPLOMA_HEADER, [ids[0], "技师学院", "2010-06-30", "南京技师学院", "数控加工", OCC]],
        "证书 Certificates": [
            CERT_HEADER,
            *[
                [
                    i,
                    OCC,
                    "高级工" if n % 2 else "三级",
                    "南京市职业技能鉴定中心",
                    f"N{n:06d}-{i[-4:]}",
                    "2016-05-20",
                    "评价认定",
                ]
                for n, i in enumerate(ids)
            ],
        ],
    }
