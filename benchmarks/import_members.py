"""Benchmark: import 100,000 members (+3 histories and 2 certificates each) from XLSX and CSV.

    .venv/bin/python benchmarks/import_members.py [--members 100000] [--chunk-size 5000]

Runs on a throw-away SQLite file; when ``DATABASE_URL`` points at PostgreSQL it runs there as
well, in a separate database named ``craftpath_bench_import`` (created and dropped by the script, so
the database in ``DATABASE_URL`` is never touched). All ID numbers are fictitious but carry valid
GB 11643 check characters. Prints rows per second for: a first XLSX import (everything
created), the same file again (everything unchanged) and the same data as one CSV file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGIONS = ["320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115", "320116", "320117"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕晓东"
FORMS = ["职工", "职工", "职工", "新就业形态劳动者", "灵活就业"]
GRADE_LABELS = ["初级工", "中级工", "高级工", "五级", "四级", "三级", "技师"]
UNIONS = 20
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
CERT_HEADER = ["身份证号码", "职业编码", "技能等级", "发证机构", "证书编号", "发证日期", "取得方式"]
EMPLOYER = "91350100M000100Y43"


def generate(n: int, occupations: list[str], seed: int = 2026) -> Any:
    """Yield (member_row, [history rows], [certificate rows]) for n fictitious members."""
    from craftpath.engines.codes import resident_id_check_char

    rng = random.Random(seed)
    seen: set[str] = set()
    today = dt.date.today()
    while len(seen) < n:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 39))
        first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = first17 + resident_id_check_char(first17)
        if id_number in seen:
            continue
        seen.add(id_number)
        i = len(seen)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        member = [
            name,
            id_number,
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            rng.choice(FORMS),
            f"B-XW-{i % UNIONS:03d}",
            EMPLOYER if i % 3 == 0 else "",
            rng.choice(("是", "否")),
            "否",
        ]
        start = (
            birth.replace(year=birth.year + 18)
            if not (birth.month == 2 and birth.day == 29)
            else dt.date(birth.year + 18, 3, 1)
        )
        occ = rng.sample(occupations, 3)
        histories = []
        for k in range(3):
            end = start + dt.timedelta(days=rng.randrange(200, 2500))
            last = k == 2 or end >= today
            histories.append(
                [id_number, occ[k], start.isoformat(), "" if last else end.isoformat(), f"示例企业{rng.randrange(500)}"]
            )
            if last:
                break
            start = end + dt.timedelta(days=1)
        while len(histories) < 3:  # short careers: add parallel part-time work in other occupations
            histories.append([id_number, occ[len(histories)], start.isoformat(), "", "兼职"])
        span = max(1, (today - birth.replace(day=1)).days - 365 * 18 - 1)
        certs = []
        for k in range(2):
            issued = birth.replace(day=1) + dt.timedelta(
                days=365 * 18 + 31 + rng.randrange(span - 31 if span > 31 else 1)
            )
            issued = min(issued, today - dt.timedelta(days=1))
            certs.append(
                [
                    id_number,
                    occ[k],
                    rng.choice(GRADE_LABELS),
                    "江苏省职业技能等级认定中心",
                    f"BM{i:07d}{k}",
                    issued.isoformat(),
                    "评价认定",
                ]
            )
        yield member, histories, certs


def write_files(n: int, occupations: list[str], folder: Path) -> tuple[Path, Path]:
    import xlsxwriter

    xlsx, csv_path = folder / f"members-{n}.xlsx", folder / f"members-{n}.csv"
    book = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True})
    sheets = {
        "m": book.add_worksheet("会员 Members"),
        "h": book.add_worksheet("职业经历 Histories"),
        "c": book.add_worksheet("证书 Certificates"),
    }
    # constant_memory writes each sheet row by row, so keep one cursor per sheet.
    cursor = {"m": 0, "h": 0, "c": 0}

    def put(sheet: str, row: list[str]) -> None:
        ws = sheets[sheet]
        for col, value in enumerate(row):
            ws.write_string(cursor[sheet], col, value)
        cursor[sheet] += 1

    put("m", MEMBER_HEADER)
    put("h", HISTORY_HEADER)
    put("c", CERT_HEADER)
    keys = ["记录类型", *dict.fromkeys(MEMBER_HEADER + HISTORY_HEADER + CERT_HEADER)]
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(keys)
        for member, histories, certs in generate(n, occupations):
            put("m", member)
            writer.writerow(_csv_row(keys, "会员", MEMBER_HEADER, member))
            for h in histories:
                put("h", h)
                writer.writerow(_csv_row(keys, "职业经历", HISTORY_HEADER, h))
            for c in certs:
                put("c", c)
                writer.writerow(_csv_row(keys, "证书", CERT_HEADER, c))
    book.close()
    return xlsx, csv_path


def _csv_row(keys: list[str], kind: str, header: list[str], row: list[str]) -> list[str]:
    values = dict(zip(header, row, strict=True))
    return [kind if k == "记录类型" else values.get(k, "") for k in keys]


def run_backend(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    import django

    workdir = Path(tempfile.mkdtemp(prefix="craftpath-bench-"))
    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # as in production: no query log

    vendor = connection.vendor
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = (
        str(workdir / "bench.sqlite3") if vendor == "sqlite" else "craftpath_bench_import"
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _bench(args, workdir, vendor)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def _bench(args: argparse.Namespace, workdir: Path, vendor: str) -> None:
    from django.db import connection

    from craftpath.accounts.models import User
    from craftpath.core.models import AuditEvent
    from craftpath.orgs.actions import do_create_employer, do_create_organisation
    from craftpath.orgs.regions import sync_regions
    from craftpath.registry.importing import ImportOptions, create_batch, run_import
    from craftpath.registry.models import Certificate, Member, OccupationHistory
    from craftpath.taxonomy.loader import sync_occupations
    from craftpath.taxonomy.models import Occupation

    sync_regions()
    sync_occupations()
    province = do_create_organisation(None, code="B-JS", name="江苏省总工会", level="provincial", region_code="320000")
    city = do_create_organisation(
        None, code="B-NJ", name="南京市总工会", level="city", region_code="320100", parent=province
    )
    district = do_create_organisation(
        None, code="B-XW", name="玄武区总工会", level="district", region_code="320102", parent=city
    )
    for u in range(UNIONS):
        do_create_organisation(
            None,
            code=f"B-XW-{u:03d}",
            name=f"基层工会{u}",
            level="grassroots",
            region_code="320102",
            parent=district,
            kind="enterprise",
        )
    do_create_employer(None, credit_code=EMPLOYER, name="玄武精密机械厂", region_code="320102")
    staff = User.objects.create(username="bench", role="union_staff", org=district)
    occupations = list(Occupation.objects.filter(level=4).order_by("code").values_list("code", flat=True)[:400:8])

    started = time.perf_counter()
    xlsx, csv_path = write_files(args.members, occupations, workdir)
    print(
        f"[{vendor}] generated {args.members:,} members in {time.perf_counter() - started:.1f}s: "
        f"{xlsx.stat().st_size / 1e6:.1f} MB xlsx, {csv_path.stat().st_size / 1e6:.1f} MB csv",
        flush=True,
    )

    def timed(label: str, path: Path) -> None:
        batch = create_batch(actor=staff, org=district, path=path, file_name=path.name, all_or_nothing=False)
        t0 = time.perf_counter()
        result = run_import(
            path, actor=staff, scope_org=district, batch=batch, options=ImportOptions(chunk_size=args.chunk_size)
        )
        seconds = time.perf_counter() - t0
        c = result.counts
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"[{vendor}] {label}: {result.rows_total:,} rows in {seconds:.1f}s = "
            f"{result.rows_total / seconds:,.0f} rows/s "
            f"({args.members / seconds:,.0f} members/s); created {c['created']:,}, updated {c['updated']:,}, "
            f"unchanged {c['unchanged']:,}, failed {c['failed']:,}; peak RSS {rss:,.0f} MB",
            flush=True,
        )
        for p in result.problems[:5]:
            print("   ", p["sheet"], p["row"], p["column"], p["code"], p["en"])

    timed("xlsx, first import", xlsx)
    assert Member.objects.count() == args.members
    print(
        f"[{vendor}] stored: {Member.objects.count():,} members, {OccupationHistory.objects.count():,} histories, "
        f"{Certificate.objects.count():,} certificates, {AuditEvent.objects.count():,} audit events",
        flush=True,
    )
    timed("xlsx, re-import (nothing changes)", xlsx)
    with connection.cursor() as cur:
        for table in ("registry_certificate", "registry_diploma", "registry_occupationhistory", "registry_member"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    timed("csv (record_type), first import", csv_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    args = parser.parse_args()
    if args.backend != "all":
        run_backend(args)
        return
    url = os.environ.get("DATABASE_URL", "")
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        flush=True,
    )
    runs = [("sqlite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
    if url.startswith(("postgres://", "postgresql://")):
        runs.append(("postgres", dict(os.environ)))
    for backend, env in runs:
        cmd = [
            sys.executable,
            __file__,
            "--backend",
            backend,
            "--members",
            str(args.members),
            "--chunk-size",
            str(args.chunk_size),
        ]
        subprocess.run(cmd, env=env, check=True)  # noqa: S603 - our own script


if __name__ == "__main__":
    main()
