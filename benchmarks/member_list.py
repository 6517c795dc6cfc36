"""Latency of the member list page and the member API on a database loaded by
``benchmarks/load_members.py`` (run that first, with the same ``--members`` and ``--database``).

    .venv/bin/python benchmarks/member_list.py --members 1000000 --database sqlite
    .venv/bin/python benchmarks/member_list.py --members 1000000 --database postgres

Requests go through Django's test Client in-process (no network, no server): what is measured
is URL routing, middleware, access checks, the queries and template rendering. Each case is
requested once cold (its first request; the list page caches its count for a few minutes) and
then ``--repeat`` times; the median and 95th percentile of the repeats are reported.
Results go to stdout (Markdown) and ``benchmarks/out/member_list_<db>_<N>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from load_members import DEFAULT_PG_ADMIN, database_url, machine_info, sqlite_path  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", DEFAULT_PG_ADMIN))
    args = parser.parse_args(argv)

    if args.database == "sqlite" and not sqlite_path(args.members).exists():
        print(f"no database at {sqlite_path(args.members)}; run benchmarks/load_members.py first", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = database_url(args.database, args.members, args.pg_admin_url)
    os.environ.setdefault("CRAFTPATH_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from craftpath.accounts.models import User
    from craftpath.registry.models import Member

    total = Member.objects.count()
    clients: dict[str, Client] = {}
    users: dict[str, Any] = {}
    visible: dict[str, int] = {}
    for username in ("demo-city", "demo-province"):
        user = User.objects.select_related("org").get(username=username)
        client = Client()
        client.force_login(user)
        clients[username] = client
        users[username] = user
        visible[username] = Member.objects.filter(org_path__startswith=user.org.path).count()  # type: ignore[union-attr]

    def next_cursor_page(who: str) -> str:
        """The list page's own "next" link: a cursor taken from the first page."""
        from craftpath.registry.queries import MemberFilters, filtered_members, page_of

        page = page_of(filtered_members(users[who], MemberFilters()))
        return f"/members/?after={page.last_id}"

    def next_cursor_api(client: Client) -> str:
        data = client.get("/api/members?limit=50").json()
        return f"/api/members?limit=50&cursor={data['next_cursor']}"

    cases: list[tuple[str, str, str]] = []
    for who in ("demo-city", "demo-province"):
        c = clients[who]
        cases += [
            (who, "list page 1", "/members/"),
            (who, "list page 2 (keyset cursor)", next_cursor_page(who)),
            (who, "list, name starts with 王", "/members/?name=%E7%8E%8B"),
            (who, "list, platform workers", "/members/?employment_form=platform"),
            (who, "list, highest grade 高级工", "/members/?grade=3"),
            (who, "list, occupation 6-31-01-03 电工", "/members/?occupation=6-31-01-03"),
            (who, "API page 1 (50)", "/api/members?limit=50"),
            (who, "API page 2 (cursor)", next_cursor_api(c)),
            (who, "API, name starts with 王", "/api/members?limit=50&name=%E7%8E%8B"),
        ]

    load_before = os.getloadavg()
    results = []
    for who, label, url in cases:
        client = clients[who]
        t = time.perf_counter()
        response = client.get(url)
        cold = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            print(f"{who} {url}: HTTP {response.status_code}", file=sys.stderr)
            results.append({"user": who, "case": label, "url": url, "status": response.status_code})
            continue
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        row = {
            "user": who,
            "case": label,
            "url": url,
            "status": 200,
            "cold_ms": round(cold, 1),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "median_cpu_ms": round(statistics.median(cpu), 1),
            "bytes": len(response.content),
        }
        results.append(row)
        print(
            f"  {who:14} {label:34} cold {row['cold_ms']:8.1f} ms  median {row['median_ms']:7.1f} ms  "
            f"p95 {row['p95_ms']:7.1f} ms  cpu {row['median_cpu_ms']:7.1f} ms",
            flush=True,
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            db_version = cursor.fetchone()[0].split(" on ")[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            db_version = "SQLite " + cursor.fetchone()[0]
    report = {
        "benchmark": "member_list",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": f"benchmarks/member_list.py --members {args.members} --database {args.database} "
        f"--repeat {args.repeat}",
        "members": total,
        "visible": visible,
        "database": db_version,
        "machine": machine_info(),
        "repeat": args.repeat,
        "loadavg_1min_before_after": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
        "results": results,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"member_list_{args.database}_{args.members}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    print(markdown(report))
    return 0


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"- command: `{r['command']}`",
        f"- date: {r['date']}; database: {r['database']}; {r['members']:,} members "
        f"(city staff sees {r['visible']['demo-city']:,}, province staff {r['visible']['demo-province']:,})",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, Python {m['python']}; "
        f"1-minute load average before/after: {' / '.join(str(x) for x in r['loadavg_1min_before_after'])}",
        "",
        "| user | case | cold ms | median ms | p95 ms | median CPU ms (this process) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in r["results"]:
        if row.get("status") != 200:
            lines.append(f"| {row['user']} | {row['case']} | HTTP {row['status']} | — | — | — |")
        else:
            lines.append(
                f"| {row['user']} | {row['case']} | {row['cold_ms']} | {row['median_ms']} | {row['p95_ms']} "
                f"| {row['median_cpu_ms']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
