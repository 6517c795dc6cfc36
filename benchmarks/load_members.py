"""Load benchmark: generate and bulk-load N demo members (with careers, certificates and
diplomas) into a fresh SQLite file or a fresh PostgreSQL database.

    .venv/bin/python benchmarks/load_members.py --members 1000000 --database sqlite
    .venv/bin/python benchmarks/load_members.py --members 1000000 --database postgres

SQLite goes to ``var/bench/members_<N>.sqlite3``; PostgreSQL to a database ``craftpath_bench``
that this script drops and creates through ``--pg-admin-url`` (trust auth on 127.0.0.1). The
loaded database is kept, so ``benchmarks/member_list.py`` can measure pages on it afterwards.
Results go to stdout (Markdown) and ``benchmarks/out/load_<db>_<N>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "craftpath_bench"
DEFAULT_PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def sqlite_path(members: int) -> Path:
    return ROOT / "var" / "bench" / f"members_{members}.sqlite3"


def database_url(kind: str, members: int, pg_admin_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{sqlite_path(members)}"
    base = pg_admin_url.rsplit("/", 1)[0]
    return f"{base}/{BENCH_DB}"


def fresh_database(kind: str, members: int, pg_admin_url: str) -> None:
    if kind == "sqlite":
        path = sqlite_path(members)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", DEFAULT_PG_ADMIN))
    args = parser.parse_args(argv)

    fresh_database(args.database, args.members, args.pg_admin_url)
    os.environ["DATABASE_URL"] = database_url(args.database, args.members, args.pg_admin_url)
    os.environ.setdefault("CRAFTPATH_DEBUG", "0")  # no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from craftpath.site.demo import generate_demo

    t = time.perf_counter()
    call_command("setup", verbosity=0)
    setup_seconds = time.perf_counter() - t
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10 or done == total:
            last[0] = now
            rate = done / max(now - started, 1e-9)
            print(
                f"  {done:>9,}/{total:,} members  {now - started:7.1f} s  {rate:,.0f} members/s  "
                f"RSS {peak_rss_mib():,.0f} MiB",
                flush=True,
            )

    load_before = os.getloadavg()
    cpu_started = time.process_time()
    result = generate_demo(args.members, args.seed, chunk_size=args.chunk_size, progress=progress)
    cpu_seconds = time.process_time() - cpu_started
    load_after = os.getloadavg()
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyze_seconds = time.perf_counter() - t

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            db_version = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            db_bytes = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            db_version = "SQLite " + cursor.fetchone()[0]
            db_bytes = sum(
                p.stat().st_size for p in sqlite_path(args.members).parent.glob(f"{sqlite_path(args.members).name}*")
            )

    report = {
        "benchmark": "load_members",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": f"benchmarks/load_members.py --members {args.members} --database {args.database}",
        "members": args.members,
        "database": db_version,
        "machine": machine_info(),
        "setup_seconds": round(setup_seconds, 2),
        "load_seconds": round(result.seconds, 1),
        "process_cpu_seconds": round(cpu_seconds, 1),
        "loadavg_1min_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
        "generate_seconds": round(result.generate_seconds, 1),
        "analyze_seconds": round(analyze_seconds, 1),
        "total_rows": result.total_rows,
        "rows_per_second": round(result.total_rows / result.seconds),
        "members_per_second": round(args.members / result.seconds),
        "peak_rss_mib": round(peak_rss_mib()),
        "database_mib": round(db_bytes / 1024 / 1024),
        "tables": {
            name: {"rows": s.rows, "write_seconds": round(s.seconds, 2), "rows_per_second": round(s.rows_per_second)}
            for name, s in result.tables.items()
        },
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"load_{args.database}_{args.members}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(markdown(report))
    return 0


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"- command: `{r['command']}`",
        f"- date: {r['date']}; database: {r['database']}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, {m['os']}, Python {m['python']}",
        f"- total: {r['total_rows']:,} rows in {r['load_seconds']} s ({r['rows_per_second']:,} rows/s, "
        f"{r['members_per_second']:,} members/s); of which generating + sealing {r['generate_seconds']} s",
        f"- CPU time of the loading process: {r['process_cpu_seconds']} s (for SQLite this includes the database "
        f"engine; for PostgreSQL only the client side); 1-minute load average before/after: "
        f"{r['loadavg_1min_before_after'][0]} / {r['loadavg_1min_before_after'][1]} on {m['cores']} cores",
        f"- ANALYZE afterwards: {r['analyze_seconds']} s; peak RSS {r['peak_rss_mib']:,} MiB; "
        f"database size {r['database_mib']:,} MiB",
        "",
        "| table | rows | write s | rows/s (write only) |",
        "|---|---:|---:|---:|",
    ]
    for name, t in r["tables"].items():
        rate = f"{t['rows_per_second']:,}" if t["write_seconds"] else "—"
        lines.append(f"| {name} | {t['rows']:,} | {t['write_seconds']} | {rate} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
