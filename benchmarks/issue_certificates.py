"""Issuing signed skill certificates as a batch into the database, with PDFs.

Run: ``.venv/bin/python benchmarks/issue_certificates.py [--count 100000] [--pdf 1000] [--workers 2]``

Builds a throw-away SQLite database under a temp dir (or uses ``--database-url``), creates
``--count`` members with bulk inserts, then issues one certificate each through
``craftpath.credentials.actions.issue_batch`` (the path assessment publication uses: one key
object reused for every signature, bulk inserts of registry certificates, signed credentials
and audit events) in chunks of ``--chunk``. PDFs are rendered for ``--pdf`` of the
certificates (``--pdf all`` for every one) in a process pool and written under the temp dir.
Prints the figures and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WELDER = "6-18-02-04"


def _render(args: tuple[str, str]) -> int:
    from craftpath.engines.credentials import render_certificate_pdf

    path, document = args
    pdf = render_certificate_pdf(json.loads(document))
    Path(path).write_bytes(pdf)
    return len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--pdf", default="1000", help="how many PDFs to render, or 'all'")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="craftpath-issue-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("CRAFTPATH_VAR_DIR", str(work / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from craftpath.credentials.actions import Award, issue_batch
    from craftpath.credentials.models import IssuedCredential
    from craftpath.orgs.actions import do_create_organisation
    from craftpath.orgs.regions import sync_regions
    from craftpath.registry.models import Member
    from craftpath.taxonomy.loader import sync_occupations

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    sync_regions()
    sync_occupations()
    province = do_create_organisation(None, code="B-JS", name="江苏省总工会", level="provincial", region_code="320000")
    union = do_create_organisation(
        None,
        code="B-JS-001",
        name="基层工会",
        level="grassroots",
        kind="enterprise",
        region_code="320102",
        parent=province,
    )
    members = [
        Member(
            name=f"会员{i:06d}",
            id_hash=f"bench{i:059d}",
            id_sealed="bench",
            id_masked=f"320102********{i % 10000:04d}",
            birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=i % 5000),
            sex="M" if i % 2 else "F",
            employment_form="employee",
            union=union,
            org_path=union.path,
        )
        for i in range(args.count)
    ]
    Member.objects.bulk_create(members, batch_size=5000)
    members = list(Member.objects.order_by("id"))
    setup_s = time.perf_counter() - t
    print(f"setup: {args.count:,} members in {setup_s:.1f}s ({connection.vendor})", flush=True)

    issued_on = dt.date(2026, 11, 20)
    t = time.perf_counter()
    cpu = time.process_time()
    done = 0
    for start in range(0, len(members), args.chunk):
        part = members[start : start + args.chunk]
        issue_batch(None, province, [Award(m, WELDER, 2, issued_on) for m in part], source="benchmark")
        done += len(part)
        if done % (args.chunk * 4) == 0 or done == len(members):
            rate = done / (time.perf_counter() - t)
            print(f"  issued {done:,} ({rate:,.0f}/s)", flush=True)
    issue_s = time.perf_counter() - t
    issue_cpu = time.process_time() - cpu
    assert IssuedCredential.objects.count() == args.count

    n_pdf = args.count if args.pdf == "all" else min(int(args.pdf), args.count)
    pdf_dir = work / "pdf"
    pdf_dir.mkdir()
    jobs = [
        (str(pdf_dir / f"{number}.pdf"), document)
        for number, document in IssuedCredential.objects.order_by("id").values_list("number", "document")[:n_pdf]
    ]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        sizes = list(pool.map(_render, jobs, chunksize=16))
    pdf_s = time.perf_counter() - t

    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {load[0]:.1f}")
    print(f"python {sys.version.split()[0]}, {connection.vendor}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"issue (sign + registry certificate + credential + audit, bulk): {args.count:,} in {issue_s:.1f}s")
    print(f"  = {args.count / issue_s:,.0f} certificates/s wall, {args.count / issue_cpu:,.0f}/s per CPU-second")
    if n_pdf:
        per = sum(sizes) / len(sizes) / 1024
        rate = n_pdf / pdf_s
        print(f"PDF: {n_pdf:,} in {pdf_s:.1f}s with {args.workers} workers = {rate:,.1f}/s ({per:.0f} KB each)")
        if n_pdf < args.count:
            print(f"  projected for all {args.count:,}: {args.count / rate / 60:,.0f} min at this rate")
    print(f"files under {work}")


if __name__ == "__main__":
    main()
