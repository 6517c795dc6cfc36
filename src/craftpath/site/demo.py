"""A deterministic demo federation: organisations, employers, members, careers and certificates.

The same generator seeds ``craftpath demo`` (about 20,000 members) and the load benchmarks
(1,000,000 and more). It works in chunks (20,000 members by default), generating each chunk
with NumPy and writing it in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL), so
memory stays flat whatever the size.

What is fictitious, and how to tell
-----------------------------------
- Every member row has ``is_demo=True``.
- Resident ID numbers are checksum-valid (GB 11643) but their 3-digit sequence (digits 15-17)
  is always ``9xx``; the region prefix is a real county so the number passes every check.
- Phone numbers start with ``100``, which is no mobile network's prefix (real ones are 13x-19x).
- Employers are called ``…演示…有限公司``; their unified social credit codes are
  checksum-valid (GB 32100) with an organisation code starting ``MA``.
- Certificate issuers end with ``（演示）`` and numbers start with ``YS`` (演示).
- Organisation codes start with ``demo``; user names start with ``demo-``.

Determinism: the same ``seed``, ``size``, ``chunk_size``, reference data and ``today`` give the
same names, ID numbers, dates and certificates (public UUIDs and the sealed ciphertexts differ,
since sealing uses a random nonce).

Certificates follow the standard application conditions of national occupational skill
standards (docs/policy-rules.md §1.3): 五级 ≥ 1 year into the career; 四级 ≥ 4 years after 五级,
or ≥ 6 years of cumulative work without 五级; 三级 ≥ 5 years after 四级; 二级 ≥ 4 years after
三级; 一级 ≥ 4 years after 二级. A year is counted as 366 days, so every gap is at least the
calendar years the rule asks for. No certificate is issued before 16 or after ``today``. A few
高级技师 are appointed 特级技师 (``how=appointment``).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from math import gcd
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.core import crypto, events
from craftpath.core.models import AuditEvent
from craftpath.engines.codes import mask_phone, mask_resident_id
from craftpath.orgs.models import Employer, Organisation, Region
from craftpath.registry.models import Certificate, Diploma, Member, OccupationHistory
from craftpath.taxonomy.models import Occupation

__all__ = [
    "DEMO_USERS",
    "DemoResult",
    "credit_code",
    "demo_exists",
    "generate_demo",
    "reset_demo",
]

ROOT_CODE = "demo"
PROVINCE = "320000"  # 江苏省
# Cities and districts of the demo province (GB/T 2260 codes, present in orgs.Region).
CITIES: dict[str, list[str]] = {
    "320100": ["320102", "320106", "320115"],  # 南京: 玄武、鼓楼、江宁
    "320500": ["320508", "320506", "320583"],  # 苏州: 姑苏、吴中、昆山
    "320200": ["320213", "320214", "320211"],  # 无锡: 梁溪、新吴、滨湖
}
# Provinces whose counties appear as the birthplace prefix of ID numbers (Jiangsu and the
# provinces many of its workers come from).
ID_PROVINCES = ("32", "34", "41", "51", "43", "36", "52")
BIRTH_FIRST = dt.date(1965, 1, 1)
BIRTH_LAST = dt.date(2004, 12, 31)
SQLITE_BULK_CACHE_KIB = 256 * 1024  # page cache while bulk loading into SQLite
YEAR = 366  # days; a gap of N*YEAR days is always at least N calendar years

# --- demo accounts -------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    what: str


# Fixed, documented demo credentials. Demo only: never on a server with real data.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("demo-province", "demo-province-2023", "union_staff", "省总工会工作人员 / province federation staff"),
    DemoUser("demo-city", "demo-city-2023", "union_staff", "市总工会工作人员（南京）/ city federation staff"),
    DemoUser(
        "demo-district", "demo-district-2023", "union_staff", "区总工会工作人员（玄武区）/ district federation staff"
    ),
    DemoUser("demo-enterprise", "demo-enterprise-2023", "union_staff", "企业工会工作人员 / enterprise union staff"),
    DemoUser(
        "demo-platform", "demo-platform-2023", "union_staff", "外卖骑手工会工作人员 / platform workers' union staff"
    ),
    DemoUser("demo-member1", "demo-member-2023", "member", "会员（玄武区）/ member"),
    DemoUser("demo-member2", "demo-member-2023", "member", "会员（姑苏区）/ member"),
    DemoUser("demo-hr", "demo-hr-2023", "employer_hr", "用人单位人力资源 / employer HR"),
    DemoUser("demo-sysadmin", "demo-sysadmin-2023", "system_admin", "系统管理员 / system administrator"),
    DemoUser("demo-secadmin", "demo-secadmin-2023", "security_admin", "安全管理员 / security administrator"),
    DemoUser("demo-auditadmin", "demo-auditadmin-2023", "audit_admin", "审计管理员 / audit administrator"),
)

# --- names ---------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Rough frequency weights: the first surnames are far more common.
_SURNAME_W = 1.0 / (np.arange(len(_SURNAMES)) + 4.0) ** 1.1
_SURNAME_W /= _SURNAME_W.sum()
_GIVEN_M = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发"
    "武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪"
    "心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启"
    "克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
_GIVEN_F = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹"
    "霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶"
    "怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希"
    "宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可舒影丽阳妮宝贝初程梵罡恒鸿桦骅"
    "剑娇纪宽灵琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"
)

# --- occupations (2022 classification, level-4 codes) ----------------------------------------

OCC_GROUPS: dict[str, tuple[str, ...]] = {
    "manufacturing": (
        "6-18-01-01",
        "6-18-01-02",
        "6-18-01-07",
        "6-18-02-04",
        "6-18-04-01",
        "6-18-04-06",
        "6-20-01-01",
        "6-20-03-01",
        "6-25-04-07",
        "6-25-04-08",
        "6-31-01-01",
        "6-31-01-02",
        "6-31-01-03",
        "6-31-01-10",
        "4-08-05-07",
        "6-11-01-03",
    ),
    "construction": (
        "6-29-01-01",
        "6-29-01-03",
        "6-29-01-04",
        "6-29-01-05",
        "6-29-01-06",
        "6-29-02-08",
        "6-29-03-03",
        "6-30-05-02",
        "6-31-01-03",
        "6-18-02-04",
    ),
    "logistics": ("4-02-06-01", "4-02-05-01", "4-02-02-02", "4-02-07-08", "6-30-05-01"),
    "care": ("4-10-01-05", "4-14-01-02", "4-10-01-06", "4-03-02-01", "4-09-08-01", "4-07-05-01"),
    "delivery": ("4-10-08-01", "4-02-07-08"),
    "driving": ("4-02-02-01", "4-10-08-02"),
    "flexible": (
        "4-10-01-06",
        "4-10-01-05",
        "4-10-03-02",
        "4-03-02-01",
        "6-31-01-03",
        "4-12-01-01",
        "4-12-03-01",
        "4-10-08-02",
    ),
}
INDUSTRIES = ("manufacturing", "construction", "logistics", "care")
_INDUSTRY_P = np.array([0.6, 0.15, 0.1, 0.15])
_PRODUCTS: dict[str, tuple[str, ...]] = {
    "manufacturing": (
        "精密机械",
        "电子科技",
        "汽车零部件",
        "智能装备",
        "电气设备",
        "新材料",
        "模具制造",
        "光电科技",
        "化工",
    ),
    "construction": ("建设工程", "建筑安装", "路桥工程", "装饰工程"),
    "logistics": ("物流", "供应链管理", "仓储服务", "货运"),
    "care": ("康养服务", "物业服务", "餐饮管理", "家政服务"),
}
_ADJECTIVES = (
    "恒通",
    "华创",
    "永新",
    "宏达",
    "瑞丰",
    "金诚",
    "汇力",
    "远航",
    "博远",
    "天成",
    "嘉禾",
    "众合",
    "鼎盛",
    "泰和",
    "正源",
    "中联",
    "新越",
    "安捷",
    "德信",
    "长青",
)
_SPECIALTY: dict[str, tuple[str, ...]] = {
    "manufacturing": ("机械加工技术", "数控技术应用", "焊接加工", "电气自动化设备安装与维修", "模具制造", "机电一体化"),
    "construction": ("建筑施工", "工程测量", "建筑设备安装"),
    "logistics": ("物流服务与管理", "汽车驾驶", "仓储管理"),
    "care": ("护理", "老年服务与管理", "中餐烹饪", "家政服务"),
    "delivery": ("物流服务与管理", "电子商务"),
    "driving": ("汽车驾驶", "汽车运用与维修"),
    "flexible": ("家政服务", "美发与形象设计", "中餐烹饪", "电气设备安装", "汽车维修"),
}
_DIPLOMA_KINDS = (
    # kind, probability, graduation age range (years), assessed level
    ("technical_school", 0.26, (18, 19), 2),
    ("secondary_vocational", 0.24, (18, 19), 2),
    ("senior_technical_school", 0.1, (19, 20), 3),
    ("technician_college", 0.08, (20, 22), 3),
    ("higher_vocational", 0.2, (20, 22), 3),
    ("junior_college", 0.08, (20, 22), None),
    ("bachelor", 0.04, (22, 23), None),
)
_SCHOOL_NAMES = {
    "technical_school": "{city}演示技工学校",
    "secondary_vocational": "{city}演示中等专业学校",
    "senior_technical_school": "{city}演示高级技工学校",
    "technician_college": "江苏演示技师学院",
    "higher_vocational": "{city}演示职业技术学院",
    "junior_college": "江苏演示职业技术学院",
    "bachelor": "江苏演示理工学院",
}
_EMPLOYMENT = ("employee", "platform", "flexible", "unemployed")
_EMPLOYMENT_P = np.array([0.62, 0.2, 0.12, 0.06])

# Certificate ladder: minimum gap (years) after the previous grade, and the chance to go on.
_LADDER_GAP = {2: 4, 3: 5, 4: 4, 5: 4}
_LADDER_GO_ON = {2: 0.72, 3: 0.62, 4: 0.45, 5: 0.4}

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(region_code: str, serial: int) -> str:
    """A checksum-valid unified social credit code (GB 32100-2015) for a fictitious company.

    ``91`` (enterprise registered with market regulation) + the region + an organisation code
    ``MA`` + 7 base-31 characters of ``serial`` + the check character.

    >>> from craftpath.engines.codes import check_credit_code
    >>> code = credit_code("320102", 12345)
    >>> code[:10], check_credit_code(code).ok
    ('91320102MA', True)
    """
    body = []
    n = serial
    for _ in range(7):
        n, r = divmod(n, 31)
        body.append(USCC_CHARS[r])
    first17 = "91" + region_code + "MA" + "".join(reversed(body))
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


# --- results -------------------------------------------------------------------------------


@dataclass
class TableStat:
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class DemoResult:
    size: int
    seed: int
    seconds: float = 0.0
    generate_seconds: float = 0.0  # NumPy generation + sealing, excluding database writes
    tables: dict[str, TableStat] = field(default_factory=dict)
    users: list[DemoUser] = field(default_factory=list)

    def stat(self, name: str) -> TableStat:
        return self.tables.setdefault(name, TableStat())

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


Progress = Callable[[int, int], None]

# --- the organisation tree ---------------------------------------------------------------


@dataclass
class _Structure:
    root: Organisation
    province: Organisation
    cities: list[Organisation]
    districts: list[Organisation]
    district_city: np.ndarray  # district index -> city index
    # enterprise unions
    ent_union: np.ndarray  # org id
    ent_path: list[str]
    ent_employer: np.ndarray  # employer id
    ent_employer_name: list[str]
    ent_industry: np.ndarray  # index into INDUSTRIES
    ent_city: np.ndarray
    ent_weight: np.ndarray
    # district unions
    rider_union: np.ndarray
    rider_path: list[str]
    regional_union: np.ndarray
    regional_path: list[str]
    # city unions and platform branches
    driver_union: np.ndarray
    driver_path: list[str]
    delivery_employer: np.ndarray  # per city
    delivery_name: list[str]
    ridehail_employer: np.ndarray  # per city
    ridehail_name: list[str]
    city_short: list[str]
    employer_names_pool: list[str]


def _next_id(model: type[Model], using: str) -> int:
    last = model._default_manager.db_manager(using).order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _short(name: str) -> str:
    for suffix in ("市", "区", "县", "省"):
        if name.endswith(suffix) and len(name) > 2:
            return name[: -len(suffix)]
    return name


def _build_structure(rng: np.random.Generator, size: int, using: str, now: dt.datetime) -> tuple[_Structure, int, int]:
    regions = {
        r.code: r
        for r in Region.objects.using(using).filter(
            code__in=[PROVINCE, "100000", *CITIES, *(d for ds in CITIES.values() for d in ds)]
        )
    }
    missing = {PROVINCE, "100000", *CITIES} - set(regions)
    if missing:
        raise RuntimeError(f"regions missing ({', '.join(sorted(missing))}); run `craftpath setup` first")
    orgs: list[Organisation] = []
    next_org = _next_id(Organisation, using)

    def org(
        code: str,
        name: str,
        level: str,
        region: str,
        parent: Organisation | None,
        kind: str = "federation",
        name_en: str = "",
    ) -> Organisation:
        nonlocal next_org
        pk = next_org
        next_org += 1
        o = Organisation(
            pk=pk,
            code=code,
            name=name,
            name_en=name_en,
            level=level,
            kind=kind,
            parent=parent,
            region_id=region,
            path=f"{parent.path if parent else '/'}{pk}/",
            depth=(parent.depth + 1) if parent else 0,
            created_at=now,
            updated_at=now,
        )
        orgs.append(o)
        return o

    root = org(
        ROOT_CODE,
        "中华全国总工会（演示）",
        "national",
        "100000",
        None,
        name_en="All-China Federation of Trade Unions (demo)",
    )
    province = org(
        f"demo-{PROVINCE}",
        f"{regions[PROVINCE].name}总工会",
        "provincial",
        PROVINCE,
        root,
        name_en=f"{regions[PROVINCE].pinyin} Federation of Trade Unions",
    )
    cities: list[Organisation] = []
    districts: list[Organisation] = []
    district_city: list[int] = []
    city_short: list[str] = []
    for ci, (city_code, district_codes) in enumerate(CITIES.items()):
        city = org(
            f"demo-{city_code}",
            f"{regions[city_code].name}总工会",
            "city",
            city_code,
            province,
            name_en=f"{regions[city_code].pinyin} Federation of Trade Unions",
        )
        cities.append(city)
        city_short.append(_short(regions[city_code].name))
        for dcode in district_codes:
            if dcode not in regions:
                continue
            districts.append(
                org(
                    f"demo-{dcode}",
                    f"{regions[dcode].name}总工会",
                    "district",
                    dcode,
                    city,
                    name_en=f"{regions[dcode].pinyin} Federation of Trade Unions",
                )
            )
            district_city.append(ci)
    if not districts:
        raise RuntimeError("no districts of the demo province found in the region table")

    # Grassroots: per district a delivery riders' union and a regional union; per city a
    # ride-hailing drivers' union.
    rider = [
        org(
            f"{d.code}-p1",
            f"{d.name.removesuffix('总工会')}外卖骑手工会",
            "grassroots",
            d.region_id,
            d,
            "platform",
            name_en="Delivery riders' union",
        )
        for d in districts
    ]
    regional = [
        org(
            f"{d.code}-r1",
            f"{d.name.removesuffix('总工会')}新就业形态和灵活就业人员联合工会",
            "grassroots",
            d.region_id,
            d,
            "regional",
            name_en="Regional union for flexible and new-form workers",
        )
        for d in districts
    ]
    driver = [
        org(
            f"{c.code}-i1",
            f"{c.name.removesuffix('总工会')}网约车司机联合工会",
            "grassroots",
            c.region_id,
            c,
            "industry",
            name_en="Ride-hailing drivers' union",
        )
        for c in cities
    ]

    # Enterprises, spread round-robin over the districts.
    n_ent = max(len(districts), min(3000, size // 60))
    industry = rng.choice(len(INDUSTRIES), size=n_ent, p=_INDUSTRY_P)
    adj = rng.integers(0, len(_ADJECTIVES), size=n_ent)
    serial_base = int(rng.integers(10_000_000, 20_000_000))
    employers: list[Employer] = []
    next_emp = _next_id(Employer, using)
    ent_union, ent_employer, ent_names, ent_paths, ent_city = [], [], [], [], []
    seen_names: set[str] = set()
    for i in range(n_ent):
        d = i % len(districts)
        ci = district_city[d]
        ind = INDUSTRIES[int(industry[i])]
        products = _PRODUCTS[ind]
        base = f"{city_short[ci]}演示{_ADJECTIVES[int(adj[i])]}{products[(i // len(districts)) % len(products)]}"
        name = f"{base}有限公司"
        if name in seen_names:
            name = f"{base}（{_short(regions[districts[d].region_id].name)}）有限公司"
        if name in seen_names:
            name = f"{base}第{i}分公司"
        seen_names.add(name)
        u = org(
            f"{districts[d].code}-e{i + 1:04d}",
            f"{name}工会委员会",
            "grassroots",
            districts[d].region_id,
            districts[d],
            "enterprise",
        )
        e = Employer(
            pk=next_emp,
            credit_code=credit_code(districts[d].region_id, serial_base + i),
            name=name,
            region_id=districts[d].region_id,
            union=u,
            is_platform=False,
            created_at=now,
            updated_at=now,
        )
        next_emp += 1
        employers.append(e)
        ent_union.append(u.pk)
        ent_employer.append(e.pk)
        ent_names.append(name)
        ent_paths.append(u.path)
        ent_city.append(ci)

    delivery: list[Employer] = []
    ridehail: list[Employer] = []
    for ci, c in enumerate(cities):
        first_district = next(i for i, dc in enumerate(district_city) if dc == ci)
        for label, union, bucket in (
            ("演示即时配送科技有限公司", rider[first_district], delivery),
            ("演示出行科技有限公司", driver[ci], ridehail),
        ):
            e = Employer(
                pk=next_emp,
                credit_code=credit_code(c.region_id, serial_base + n_ent + len(employers)),
                name=f"{label}{city_short[ci]}分公司",
                region_id=c.region_id,
                union=union,
                is_platform=True,
                created_at=now,
                updated_at=now,
            )
            next_emp += 1
            employers.append(e)
            bucket.append(e)

    Organisation.objects.using(using).bulk_create(orgs, batch_size=500)
    Employer.objects.using(using).bulk_create(employers, batch_size=500)
    weight = 1.0 / (rng.permutation(n_ent) + 3.0) ** 0.8
    pool = [
        f"{city_short[i % len(city_short)]}演示{a}{p}有限公司"
        for i, (a, p) in enumerate((a, p) for a in _ADJECTIVES for ps in _PRODUCTS.values() for p in ps)
    ]
    structure = _Structure(
        root=root,
        province=province,
        cities=cities,
        districts=districts,
        district_city=np.array(district_city),
        ent_union=np.array(ent_union),
        ent_path=ent_paths,
        ent_employer=np.array(ent_employer),
        ent_employer_name=ent_names,
        ent_industry=industry,
        ent_city=np.array(ent_city),
        ent_weight=weight / weight.sum(),
        rider_union=np.array([o.pk for o in rider]),
        rider_path=[o.path for o in rider],
        regional_union=np.array([o.pk for o in regional]),
        regional_path=[o.path for o in regional],
        driver_union=np.array([o.pk for o in driver]),
        driver_path=[o.path for o in driver],
        delivery_employer=np.array([e.pk for e in delivery]),
        delivery_name=[e.name for e in delivery],
        ridehail_employer=np.array([e.pk for e in ridehail]),
        ridehail_name=[e.name for e in ridehail],
        city_short=city_short,
        employer_names_pool=pool,
    )
    return structure, len(orgs), len(employers)


# --- bulk writing ---------------------------------------------------------------------------


class _Writer:
    """Append rows to a table as fast as the backend allows (COPY on PostgreSQL)."""

    def __init__(self, using: str, now: dt.datetime) -> None:
        self.using = using
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        self.now = (
            now.isoformat(sep=" ") if self.postgres else now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        )

    def columns(self, model: type[Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
        """All concrete columns: ``given`` first, then the rest with their defaults.

        Columns that other apps add later (with a default) are filled in, so the generator keeps
        working as the schema grows. Returns the columns and, for the extra ones, a fixed value
        or a marker (``_UUID``, or ``(_CALL, field)`` for a callable default).
        """
        extra_cols: list[str] = []
        extra_vals: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.attname in given or f.primary_key:
                continue
            extra_cols.append(f.column)
            if f.attname in ("created_at", "updated_at"):
                extra_vals.append(self.now)
            elif f.attname == "public_id":
                extra_vals.append(_UUID)
            elif callable(getattr(f, "default", None)):
                extra_vals.append((_CALL, f))
            else:
                extra_vals.append(f.get_db_prep_save(f.get_default(), self.connection))
        colmap = {f.attname: f.column for f in model._meta.concrete_fields}
        given_cols = [colmap.get(a, a) for a in given]
        return [*given_cols, *extra_cols], extra_vals

    def write(self, model: type[Model], given: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        cols, extras = self.columns(model, given)
        uuid_fill = [i for i, v in enumerate(extras) if v is _UUID]
        call_fill = [(i, v[1]) for i, v in enumerate(extras) if isinstance(v, tuple) and len(v) == 2 and v[0] is _CALL]
        fixed = [
            None if (v is _UUID or (isinstance(v, tuple) and len(v) == 2 and v[0] is _CALL)) else v for v in extras
        ]
        dynamic = bool(uuid_fill or call_fill)
        hexes = not self.postgres

        def complete(row: Sequence[Any]) -> tuple[Any, ...]:
            if not dynamic:
                return (*row, *fixed)
            tail = list(fixed)
            for i in uuid_fill:
                tail[i] = uuid.uuid4().hex if hexes else str(uuid.uuid4())
            for i, f in call_fill:
                tail[i] = f.get_db_prep_save(f.get_default(), self.connection)
            return (*row, *tail)

        qn = self.connection.ops.quote_name
        table = qn(model._meta.db_table)
        col_sql = ", ".join(qn(c) for c in cols)
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({col_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(complete(row))
                        count += 1
            else:
                batch: list[tuple[Any, ...]] = []
                # Table and column names come from the model, quoted; values are parameters.
                sql = f"INSERT INTO {table} ({col_sql}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
                for row in rows:
                    batch.append(complete(row))
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count

    @contextmanager
    def bulk_mode(self) -> Iterator[None]:
        """On SQLite, a larger page cache while loading: the unique indexes (ID hash, public
        id) take random inserts, which thrash the default 2 MB cache past a few 100k rows."""
        if self.postgres or self.connection.vendor != "sqlite":
            yield
            return
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            before = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_BULK_CACHE_KIB}")
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before}")

    def reset_sequences(self, models: Sequence[type[Model]]) -> None:
        sql = self.connection.ops.sequence_reset_sql(no_style(), list(models))
        if sql:
            with self.connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


_UUID = object()
_CALL = object()

# --- members ----------------------------------------------------------------------------------


@dataclass
class _Context:
    seed: int
    today: dt.date
    today_days: int
    id_counties: list[str]
    slot_a: int
    slot_c: int
    slot_n: int
    occ_codes: dict[str, np.ndarray]
    occ_grades: dict[str, set[int]]
    structure: _Structure
    province_name: str
    city_names: list[str]


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _iso(days: np.ndarray) -> list[str]:
    return list(np.datetime_as_string(days.astype("datetime64[D]")).tolist())


def _id_numbers(ctx: _Context, gidx: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Unique demo ID numbers for global member indices: an affine permutation of the slots."""
    span = _days(BIRTH_LAST) - _days(BIRTH_FIRST) + 1
    slot = (ctx.slot_a * gidx.astype(np.int64) + ctx.slot_c) % ctx.slot_n
    seq = slot % 100
    rest = slot // 100
    birth = _days(BIRTH_FIRST) + rest % span
    county = rest // span
    births = np.datetime_as_string(birth.astype("datetime64[D]")).tolist()
    counties = ctx.id_counties
    first17 = [
        f"{counties[c]}{b[0:4]}{b[5:7]}{b[8:10]}9{s:02d}"
        for c, b, s in zip(county.tolist(), births, seq.tolist(), strict=True)
    ]
    digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(-1, 17).astype(np.int64) - 48
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    checks = np.array(list("10X98765432"))[(digits @ weights) % 11].tolist()
    ids = [f + c for f, c in zip(first17, checks, strict=True)]
    male = (seq % 2) == 1
    return ids, birth, male


def _names(rng: np.random.Generator, male: np.ndarray) -> list[str]:
    n = len(male)
    sur = rng.choice(len(_SURNAMES), size=n, p=_SURNAME_W).tolist()
    g1m = rng.integers(0, len(_GIVEN_M), size=n).tolist()
    g2m = rng.integers(0, len(_GIVEN_M), size=n).tolist()
    g1f = rng.integers(0, len(_GIVEN_F), size=n).tolist()
    g2f = rng.integers(0, len(_GIVEN_F), size=n).tolist()
    two = (rng.random(n) < 0.72).tolist()
    out = []
    for i, m in enumerate(male.tolist()):
        pool, a, b = (_GIVEN_M, g1m[i], g2m[i]) if m else (_GIVEN_F, g1f[i], g2f[i])
        out.append(_SURNAMES[sur[i]] + pool[a] + (pool[b] if two[i] else ""))
    return out


def _pick(rng: np.random.Generator, groups: np.ndarray, ctx: _Context) -> np.ndarray:
    """One occupation code index per row, from the row's group (index into GROUP_NAMES)."""
    out = np.empty(len(groups), dtype=object)
    for gi, name in enumerate(_GROUP_NAMES):
        mask = groups == gi
        k = int(mask.sum())
        if k:
            codes = ctx.occ_codes[name]
            out[mask] = codes[rng.integers(0, len(codes), size=k)]
    return out


_GROUP_NAMES = tuple(OCC_GROUPS)
_GROUP_INDEX = {name: i for i, name in enumerate(_GROUP_NAMES)}


def _chunk(
    ctx: _Context, start: int, n: int, member_base: int, cert_base: int, writer: _Writer, result: DemoResult
) -> int:
    """Generate and write members ``start .. start+n`` (global indices); returns certificates made."""
    t0 = time.perf_counter()
    rng = np.random.default_rng([ctx.seed, 7, start])
    s = ctx.structure
    today = ctx.today_days
    gidx = np.arange(start, start + n, dtype=np.int64)
    ids, birth, male = _id_numbers(ctx, gidx)
    names = _names(rng, male)
    phones = [f"100{(ctx.slot_c + i * 7919) % 100_000_000:08d}" for i in gidx.tolist()]

    form = rng.choice(len(_EMPLOYMENT), size=n, p=_EMPLOYMENT_P)
    union = np.zeros(n, dtype=np.int64)
    employer = np.full(n, -1, dtype=np.int64)
    group = np.zeros(n, dtype=np.int64)
    path = np.empty(n, dtype=object)
    employer_name = np.full(n, "", dtype=object)
    # employees
    emp = form == 0
    k = int(emp.sum())
    ent = rng.choice(len(s.ent_union), size=k, p=s.ent_weight)
    union[emp] = s.ent_union[ent]
    employer[emp] = s.ent_employer[ent]
    group[emp] = (
        np.array([_GROUP_INDEX[INDUSTRIES[i]] for i in s.ent_industry[ent].tolist()], dtype=np.int64) if k else 0
    )
    path[emp] = np.array(s.ent_path, dtype=object)[ent]
    employer_name[emp] = np.array(s.ent_employer_name, dtype=object)[ent]
    # platform workers: riders in district unions, drivers in city unions
    plat = form == 1
    rider = plat & (rng.random(n) < 0.7)
    driver = plat & ~rider
    d = rng.integers(0, len(s.districts), size=n)
    union[rider] = s.rider_union[d[rider]]
    path[rider] = np.array(s.rider_path, dtype=object)[d[rider]]
    city_of_d = s.district_city[d]
    employer[rider] = s.delivery_employer[city_of_d[rider]]
    employer_name[rider] = np.array(s.delivery_name, dtype=object)[city_of_d[rider]]
    group[rider] = _GROUP_INDEX["delivery"]
    c = rng.integers(0, len(s.cities), size=n)
    union[driver] = s.driver_union[c[driver]]
    path[driver] = np.array(s.driver_path, dtype=object)[c[driver]]
    employer[driver] = s.ridehail_employer[c[driver]]
    employer_name[driver] = np.array(s.ridehail_name, dtype=object)[c[driver]]
    group[driver] = _GROUP_INDEX["driving"]
    # flexible and unemployed: district regional unions
    other = form >= 2
    union[other] = s.regional_union[d[other]]
    path[other] = np.array(s.regional_path, dtype=object)[d[other]]
    group[form == 2] = _GROUP_INDEX["flexible"]
    unemployed = form == 3
    group[unemployed] = rng.choice([_GROUP_INDEX[g] for g in INDUSTRIES], size=int(unemployed.sum()))
    occupation = _pick(rng, group, ctx)

    # education and career start
    has_diploma = rng.random(n) < 0.36
    kind_i = rng.choice(len(_DIPLOMA_KINDS), size=n, p=[k[1] for k in _DIPLOMA_KINDS])
    lo = np.array([k[2][0] for k in _DIPLOMA_KINDS])[kind_i]
    hi = np.array([k[2][1] for k in _DIPLOMA_KINDS])[kind_i]
    grad = birth + ((lo + rng.random(n) * (hi - lo)) * 365.25).astype(np.int64) + 180
    grad = np.minimum(grad, today - 60 - rng.integers(0, 60, size=n))
    start_age = birth + ((16.6 + rng.random(n) * 6.5) * 365.25).astype(np.int64)
    career0 = np.where(has_diploma, grad + rng.integers(10, 300, size=n), start_age)
    career0 = np.minimum(career0, today - 30 - rng.integers(0, 365, size=n))
    career0 = np.maximum(career0, birth + 16 * YEAR + 1)
    career0 = np.minimum(career0, today - 1)
    end_all = np.where(unemployed, today - rng.integers(30, 700, size=n), today)
    end_all = np.maximum(end_all, career0 + 1)
    end_all = np.minimum(end_all, today)
    span = end_all - career0
    periods = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    periods = np.where(span < 400, 1, periods)
    f1 = 0.15 + rng.random(n) * 0.3
    f2 = 0.55 + rng.random(n) * 0.3
    f_mid = 0.2 + rng.random(n) * 0.6
    s1 = career0 + (np.where(periods == 3, f1, f_mid) * span).astype(np.int64)
    s2 = career0 + (f2 * span).astype(np.int64)
    earlier_same = rng.random((2, n)) < 0.5
    occ_prev1 = np.where(earlier_same[0], occupation, _pick(rng, group, ctx))
    occ_prev2 = np.where(earlier_same[1], occupation, _pick(rng, group, ctx))
    pool = s.employer_names_pool
    prev_emp1 = [pool[i] for i in rng.integers(0, len(pool), size=n).tolist()]
    prev_emp2 = [pool[i] for i in rng.integers(0, len(pool), size=n).tolist()]

    # certificates in the main occupation, from the start of the career (§1.3)
    level = np.zeros(n, dtype=np.int64)  # highest grade reached
    dates = np.zeros((7, n), dtype=np.int64)
    has1 = rng.random(n) < 0.55
    direct2 = ~has1 & (rng.random(n) < 0.18)
    wait = lambda: (rng.exponential(1.3, size=n) * 365).astype(np.int64)  # noqa: E731
    dates[1] = career0 + YEAR + wait()
    limit = end_all  # cumulative work stops when a member becomes unemployed
    ok1 = has1 & (dates[1] <= limit)
    level[ok1] = 1
    via1 = dates[1] + 4 * YEAR + wait()
    via_years = career0 + 6 * YEAR + wait()
    dates[2] = np.where(ok1, via1, via_years)
    ok2 = ((ok1 & (rng.random(n) < _LADDER_GO_ON[2])) | direct2) & (dates[2] <= limit)
    level[ok2] = 2
    prev_ok = ok2
    for g in (3, 4, 5):
        dates[g] = dates[g - 1] + _LADDER_GAP[g] * YEAR + wait()
        ok = prev_ok & (rng.random(n) < _LADDER_GO_ON[g]) & (dates[g] <= limit)
        level[ok] = g
        prev_ok = ok
    dates[6] = dates[5] + 2 * YEAR + wait()
    ok6 = prev_ok & (form == 0) & (rng.random(n) < 0.12) & (dates[6] <= limit)
    level[ok6] = 6
    competition = rng.random((7, n)) < 0.04
    issuer_pick = rng.integers(0, 3, size=(7, n))
    consent_employer = (form <= 1) & (rng.random(n) < 0.35)
    consent_jobs = rng.random(n) < 0.5
    gen_seconds = time.perf_counter() - t0

    # --- rows
    t1 = time.perf_counter()
    birth_s = _iso(birth)
    member_ids = list(range(member_base, member_base + n))
    city_of_union = _city_of_path(ctx, path)
    male_l = male.tolist()
    form_l = [_EMPLOYMENT[i] for i in form.tolist()]
    employer_l = [None if e < 0 else e for e in employer.tolist()]
    union_l = union.tolist()
    path_l = path.tolist()
    ce_l = consent_employer.tolist()
    cj_l = consent_jobs.tolist()
    seal, hash_ = crypto.seal, crypto.lookup_hash
    member_rows = [
        (
            member_ids[i],
            names[i],
            hash_(ids[i]),
            seal(ids[i]),
            mask_resident_id(ids[i]),
            birth_s[i],
            "M" if male_l[i] else "F",
            seal(phones[i]),
            mask_phone(phones[i]),
            form_l[i],
            employer_l[i],
            union_l[i],
            path_l[i],
            None,
            ce_l[i],
            cj_l[i],
            True,
            1,
        )
        for i in range(n)
    ]
    gen_seconds += time.perf_counter() - t1
    _write(
        result,
        writer,
        "registry_member",
        Member,
        [
            "id",
            "name",
            "id_hash",
            "id_sealed",
            "id_masked",
            "birth_date",
            "sex",
            "phone_sealed",
            "phone_masked",
            "employment_form",
            "employer_id",
            "union_id",
            "org_path",
            "user_id",
            "consent_employer",
            "consent_job_matching",
            "is_demo",
            "version",
        ],
        member_rows,
    )
    del member_rows

    t1 = time.perf_counter()
    c0, s1_s, s2_s = _iso(career0), _iso(s1), _iso(s2)
    end_s = _iso(end_all)
    e1_s, e2_s = _iso(s1 - 1), _iso(s2 - 1)
    per_l = periods.tolist()
    une_l = unemployed.tolist()
    occ_l, p1_l, p2_l = occupation.tolist(), occ_prev1.tolist(), occ_prev2.tolist()
    en_l = employer_name.tolist()
    hist_rows: list[tuple[Any, ...]] = []
    for i in range(n):
        m = member_ids[i]
        last_end = end_s[i] if une_l[i] else None
        k = per_l[i]
        if k == 1:
            hist_rows.append((m, occ_l[i], en_l[i], c0[i], last_end))
        elif k == 2:
            hist_rows.append((m, p1_l[i], prev_emp1[i], c0[i], e1_s[i]))
            hist_rows.append((m, occ_l[i], en_l[i], s1_s[i], last_end))
        else:
            hist_rows.append((m, p2_l[i], prev_emp2[i], c0[i], e1_s[i]))
            hist_rows.append((m, p1_l[i], prev_emp1[i], s1_s[i], e2_s[i]))
            hist_rows.append((m, occ_l[i], en_l[i], s2_s[i], last_end))
    gen_seconds += time.perf_counter() - t1
    _write(
        result,
        writer,
        "registry_occupationhistory",
        OccupationHistory,
        ["member_id", "occupation_id", "employer_name", "start", "end"],
        hist_rows,
    )
    del hist_rows

    t1 = time.perf_counter()
    cert_rows: list[tuple[Any, ...]] = []
    lvl_l = level.tolist()
    d_s = [_iso(dates[g]) if g else [] for g in range(7)]
    comp = competition.tolist()
    ok1_l = ok1.tolist()
    iss = issuer_pick.tolist()
    serial = cert_base
    for i in range(n):
        top = lvl_l[i]
        if not top:
            continue
        code = occ_l[i]
        grades = ctx.occ_grades.get(code, set())
        city = ctx.city_names[city_of_union[i]]
        for g in range(1, top + 1):
            if g == 1 and not ok1_l[i]:
                continue  # went straight to 四级 on cumulative years
            if g not in grades:
                continue
            if g == 6:
                issuer, how = f"{en_l[i]}（演示）", "appointment"  # employees only, see ok6
            elif comp[g][i] and 3 <= g <= 5:
                issuer, how = f"{ctx.province_name}职业技能竞赛组委会（演示）", "competition"
            elif g >= 4 or iss[g][i] == 0:
                issuer, how = f"{ctx.province_name}职业技能鉴定中心（演示）", "assessment"
            elif iss[g][i] == 1:
                issuer, how = f"{city}职业技能鉴定指导中心（演示）", "assessment"
            elif form_l[i] == "employee":  # enterprise self-assessment (企业自主评价)
                issuer, how = f"{en_l[i]}（演示）", "assessment"
            else:
                issuer, how = f"{city}职业技能鉴定指导中心（演示）", "assessment"
            serial += 1
            day = d_s[g][i]
            cert_rows.append((member_ids[i], code, g, issuer, f"YS{day[:4]}{g}{serial:010d}", day, how))
    gen_seconds += time.perf_counter() - t1
    _write(
        result,
        writer,
        "registry_certificate",
        Certificate,
        ["member_id", "occupation_id", "grade", "issuer", "number", "issued_on", "how"],
        cert_rows,
    )
    made = len(cert_rows)
    del cert_rows

    t1 = time.perf_counter()
    grad_s = _iso(grad)
    dip_rows: list[tuple[Any, ...]] = []
    hd = has_diploma.tolist()
    ki = kind_i.tolist()
    grp = group.tolist()
    spec_pick = rng.integers(0, 1000, size=n).tolist()
    for i in range(n):
        if not hd[i]:
            continue
        kind, _p, _ages, assessed = _DIPLOMA_KINDS[ki[i]]
        specs = _SPECIALTY[_GROUP_NAMES[grp[i]]]
        school = _SCHOOL_NAMES[kind].format(city=ctx.city_names[city_of_union[i]].removesuffix("市"))
        dip_rows.append((member_ids[i], kind, school, specs[spec_pick[i] % len(specs)], occ_l[i], grad_s[i], assessed))
    gen_seconds += time.perf_counter() - t1
    _write(
        result,
        writer,
        "registry_diploma",
        Diploma,
        ["member_id", "kind", "institution", "specialty", "occupation_id", "graduated_on", "assessed_level"],
        dip_rows,
    )
    result.generate_seconds += gen_seconds
    return made


def _city_of_path(ctx: _Context, paths: np.ndarray) -> list[int]:
    prefixes = [c.path for c in ctx.structure.cities]
    out = []
    for p in paths.tolist():
        for i, pre in enumerate(prefixes):
            if p.startswith(pre):
                out.append(i)
                break
        else:
            out.append(0)
    return out


def _write(
    result: DemoResult, writer: _Writer, table: str, model: type[Model], cols: Sequence[str], rows: list[Any]
) -> None:
    t = time.perf_counter()
    rows_written = writer.write(model, cols, rows)
    stat = result.stat(table)
    stat.rows += rows_written
    stat.seconds += time.perf_counter() - t


# --- public API -------------------------------------------------------------------------------


def demo_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    return (
        Member.objects.using(using).filter(is_demo=True).exists()
        or Organisation.objects.using(using).filter(code=ROOT_CODE).exists()
    )


def reset_demo(using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove everything the generator made (members with ``is_demo``, demo organisations,
    employers and users). Audit events stay: the trail is append-only."""
    with transaction.atomic(using=using):
        User.objects.using(using).filter(username__in=[u.username for u in DEMO_USERS]).delete()
        members = Member.objects.using(using).filter(is_demo=True)
        for model in (Certificate, OccupationHistory, Diploma):
            model.objects.using(using).filter(member__is_demo=True).delete()
        members.delete()
        orgs = Organisation.objects.using(using).filter(code__startswith=ROOT_CODE)
        Employer.objects.using(using).filter(union__in=orgs).delete()
        # children before parents (PROTECT)
        for depth in sorted(set(orgs.values_list("depth", flat=True)), reverse=True):
            Organisation.objects.using(using).filter(code__startswith=ROOT_CODE, depth=depth).delete()


def _context(seed: int, today: dt.date, using: str, structure: _Structure) -> _Context:
    rng = np.random.default_rng([seed, 1])
    counties = sorted(
        code
        for code in Region.objects.using(using).filter(depth__gte=2).values_list("code", flat=True)
        if code[:2] in ID_PROVINCES and not code.endswith("00") and code.isdigit() and len(code) == 6
    )
    if not counties:
        raise RuntimeError("no regions loaded; run `craftpath setup` first")
    span = _days(BIRTH_LAST) - _days(BIRTH_FIRST) + 1
    slot_n = len(counties) * span * 100
    a = int(rng.integers(slot_n // 3, 2 * slot_n // 3))
    while gcd(a, slot_n) != 1:
        a += 1
    wanted = {code for codes in OCC_GROUPS.values() for code in codes}
    known = {
        code: set(grades or [])
        for code, grades in Occupation.objects.using(using)
        .filter(code__in=wanted, level=4)
        .values_list("code", "grades")
    }
    occ_codes: dict[str, np.ndarray] = {}
    for name, codes in OCC_GROUPS.items():
        present = [c for c in codes if c in known]
        if not present:
            raise RuntimeError(f"occupations of group {name} are missing; run `craftpath setup` first")
        occ_codes[name] = np.array(present, dtype=object)
    province = Region.objects.using(using).get(code=PROVINCE).name
    city_names = [Region.objects.using(using).get(code=c.region_id).name for c in structure.cities]
    return _Context(
        seed=seed,
        today=today,
        today_days=_days(today),
        id_counties=counties,
        slot_a=a,
        slot_c=int(rng.integers(0, slot_n)),
        slot_n=slot_n,
        occ_codes=occ_codes,
        occ_grades=known,
        structure=structure,
        province_name=province,
        city_names=city_names,
    )


def generate_demo(
    size: int = 20_000,
    seed: int = 2023,
    *,
    using: str = DEFAULT_DB_ALIAS,
    chunk_size: int = 20_000,
    today: dt.date | None = None,
    progress: Progress | None = None,
    create_users: bool = True,
) -> DemoResult:
    """Create the demo federation with ``size`` members. Call :func:`reset_demo` first if
    :func:`demo_exists`; the generator does not check (the commands do)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    now = timezone.now()
    result = DemoResult(size=size, seed=seed)
    writer = _Writer(using, now)
    with transaction.atomic(using=using):
        t = time.perf_counter()
        structure, n_orgs, n_emps = _build_structure(np.random.default_rng([seed, 0]), size, using, now)
        result.stat("orgs_organisation").rows += n_orgs
        result.stat("orgs_employer").rows += n_emps
        result.stat("orgs_organisation").seconds += time.perf_counter() - t
        writer.reset_sequences([Organisation, Employer])
    ctx = _context(seed, today, using, structure)
    member_base = _next_id(Member, using)
    cert_serial = 0
    done = 0
    if progress:
        progress(0, size)
    with writer.bulk_mode():
        while done < size:
            n = min(chunk_size, size - done)
            with transaction.atomic(using=using):
                cert_serial += _chunk(ctx, done, n, member_base + done, cert_serial, writer, result)
            done += n
            if progress:
                progress(done, size)
    writer.reset_sequences([Member])
    with transaction.atomic(using=using):
        if create_users:
            result.users = _create_users(structure, using)
        summary = {
            "size": size,
            "seed": seed,
            "today": today.isoformat(),
            "rows": {name: stat.rows for name, stat in result.tables.items()},
        }
        if using == DEFAULT_DB_ALIAS:
            events.record(
                actor=None,
                kind="create",
                action="generate_demo",
                object_type="demo",
                object_id=ROOT_CODE,
                org_path=structure.root.path,
                after=summary,
                note="演示数据 / demo data",
            )
        else:
            AuditEvent.objects.using(using).create(
                actor_label="system",
                kind="create",
                action="generate_demo",
                object_type="demo",
                object_id=ROOT_CODE,
                after=summary,
                note="演示数据 / demo data",
            )
    result.seconds = time.perf_counter() - started
    return result


def _create_users(s: _Structure, using: str) -> list[DemoUser]:
    """One account per role (see :data:`DEMO_USERS`), linked to the demo data."""
    members = Member.objects.using(using).filter(is_demo=True, user__isnull=True)
    enterprise_union = Organisation.objects.using(using).get(pk=int(s.ent_union[0]))
    enterprise = Employer.objects.using(using).get(pk=int(s.ent_employer[0]))
    where: dict[str, dict[str, Any]] = {
        "demo-province": {"org": s.province},
        "demo-city": {"org": s.cities[0]},
        "demo-district": {"org": s.districts[0]},
        "demo-enterprise": {"org": enterprise_union},
        "demo-platform": {"org": Organisation.objects.using(using).get(pk=int(s.rider_union[0]))},
        "demo-hr": {"employer": enterprise},
    }
    hashes: dict[str, str] = {}
    created = []
    for spec in DEMO_USERS:
        if spec.password not in hashes:
            hashes[spec.password] = make_password(spec.password)
        user = User(
            username=spec.username,
            role=spec.role,
            display_name=spec.what.split(" / ")[0],
            password=hashes[spec.password],
            **where.get(spec.username, {}),
        )
        user.save(using=using)
        created.append(spec)
    # Two members, in two districts of two different cities, sign in as themselves.
    for username, district in (
        ("demo-member1", s.districts[0]),
        ("demo-member2", s.districts[len(CITIES[next(iter(CITIES))])]),
    ):
        member = members.filter(org_path__startswith=district.path).order_by("id").first()
        if member is not None:
            Member.objects.using(using).filter(pk=member.pk).update(
                user=User.objects.using(using).get(username=username)
            )
    # The HR account needs some consenting employees to see.
    staff = Member.objects.using(using).filter(employer=enterprise)
    if not staff.filter(consent_employer=True).exists():
        ids = list(staff.order_by("id").values_list("id", flat=True)[:3])
        Member.objects.using(using).filter(pk__in=ids).update(consent_employer=True)
    return created
