"""Batch job matching from the database: how long building the engine's frames takes next to
the engine itself, and the whole ``craftpath match`` run (frames + engine + stored rows + Parquet).

    .venv/bin/python benchmarks/match_db.py --seekers 20000 --openings 2000
    .venv/bin/python benchmarks/match_db.py --seekers 20000 --openings 2000 --database postgres

Builds its own database (SQLite at ``var/bench/match_db.sqlite3``, or the PostgreSQL database
``craftpath_match_bench``) with synthetic members (bulk inserts, not the registration action:
this measures matching, not registration), each with one to three occupations drawn from
twelve minor groups, a certificate for half of them, a job-seeker record, and openings in the
same groups. Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from load_members import machine_info  # noqa: E402

PG_DB = "craftpath_match_bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=20_000)
    parser.add_argument("--openings", type=int, default=2_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)

    if args.database == "sqlite":
        path = ROOT / "var" / "bench" / "match_db.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = args.pg_admin_url.rsplit("/", 1)[0] + f"/{PG_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from craftpath.engines.matching import match_jobs_for_seekers
    from craftpath.jobs import queries
    from craftpath.jobs.actions import do_run_matching
    from craftpath.jobs.models import JobOpening, JobSeeker
    from craftpath.orgs.actions import do_create_organisation
    from craftpath.orgs.regions import sync_regions
    from craftpath.registry.models import Certificate, Member, OccupationHistory
    from craftpath.taxonomy.loader import sync_occupations
    from craftpath.taxonomy.models import Occupation

    sync_regions()
    sync_occupations()
    rng = random.Random(7)
    root = do_create_organisation(None, code="B-ROOT", name="基准总工会", level="provincial", region_code="320000")
    unions = [
        do_create_organisation(
            None, code=f"B-{i}", name=f"基准工会{i}", level="grassroots", region_code=region, parent=root
        )
        for i, region in enumerate(["320102", "320104", "320105", "320106", "320111", "320200"])
    ]
    groups = ["6-18-01", "6-18-02", "4-02-07", "6-29-01", "4-03-02", "6-31-01"]
    groups += ["2-02-10", "4-07-05", "5-01-01", "6-28-01", "4-01-02", "6-20-01"]
    codes = [
        c
        for c in Occupation.objects.filter(level=4).values_list("code", flat=True)
        if any(c.startswith(g) for g in groups)
    ]
    started = time.perf_counter()
    members = [
        Member(
            name=f"会员{i}",
            id_hash=f"bench{i:012d}",
            id_sealed="-",
            id_masked="3201**********0000",
            birth_date=dt.date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
            sex="MF"[i % 2],
            employment_form="unemployed",
            union=(u := unions[i % len(unions)]),
            org_path=u.path,
            consent_job_matching=True,
        )
        for i in range(args.seekers)
    ]
    Member.objects.bulk_create(members, batch_size=2000)
    ids = list(Member.objects.order_by("pk").values_list("pk", "org_path"))
    OccupationHistory.objects.bulk_create(
        [
            OccupationHistory(member_id=pk, occupation_id=code, start=dt.date(2015, 1, 1))
            for pk, _ in ids
            for code in rng.sample(codes, rng.randint(1, 3))
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                member_id=pk,
                occupation_id=rng.choice(codes),
                grade=rng.randint(1, 4),
                issuer="基准",
                number=f"B{pk}",
                issued_on=dt.date(2020, 1, 1),
            )
            for pk, _ in ids[::2]
        ],
        batch_size=2000,
    )
    JobSeeker.objects.bulk_create(
        [
            JobSeeker(member_id=pk, org_path=path, pay_expectation=rng.choice([None, 5000, 6000, 8000]))
            for pk, path in ids
        ],
        batch_size=2000,
    )
    JobOpening.objects.bulk_create(
        [
            JobOpening(
                union=(u := unions[i % len(unions)]),
                org_path=u.path,
                title=f"岗位{i}",
                occupation_id=rng.choice(codes),
                coded_by="given",
                required_grade=rng.choice([None, 1, 2, 3, 4]),
                region_id=rng.choice(["320102", "320104", "320200", "110101"]),
                pay_max=rng.choice([None, 5000, 7000, 9000]),
            )
            for i in range(args.openings)
        ],
        batch_size=2000,
    )
    load_s = time.perf_counter() - started
    as_of = dt.date(2026, 6, 1)
    queries.occupation_competencies()  # per-process cache, as in a running server

    def timed(fn):  # type: ignore[no-untyped-def]
        cpu0, wall0 = time.process_time(), time.perf_counter()
        value = fn()
        return value, time.perf_counter() - wall0, time.process_time() - cpu0

    seekers = JobSeeker.objects.all()
    inputs, frames_wall, frames_cpu = timed(lambda: queries.inputs_for_seekers(seekers, as_of))
    jobs, jobs_wall, jobs_cpu = timed(lambda: queries.openings_frame(queries.matchable_openings(as_of)))
    result, engine_wall, engine_cpu = timed(
        lambda: match_jobs_for_seekers(
            inputs.seekers,
            jobs,
            seeker_occupations=inputs.occupations,
            seeker_competencies=inputs.competencies,
            occupation_competencies=queries.occupation_competencies(),
            k=args.k,
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        run, run_wall, run_cpu = timed(
            lambda: do_run_matching(None, root, as_of=as_of, k=args.k, out=Path(tmp) / "m.parquet")
        )
    m = machine_info()
    print(f"- command: `{' '.join(['benchmarks/match_db.py', *(argv or sys.argv[1:])])}`")
    print(f"- database: {args.database}; {args.seekers:,} seekers, {args.openings:,} openings, k={args.k}")
    print(f"- machine: {m}")
    print(f"- synthetic load (bulk inserts): {load_s:.1f} s")
    print()
    print("| step | wall s | CPU s |")
    print("| --- | --- | --- |")
    print(f"| seeker frames from the DB (`inputs_for_seekers`) | {frames_wall:.2f} | {frames_cpu:.2f} |")
    print(f"| openings frame | {jobs_wall:.2f} | {jobs_cpu:.2f} |")
    print(f"| engine `match_jobs_for_seekers` ({result.height:,} rows) | {engine_wall:.2f} | {engine_cpu:.2f} |")
    whole = f"whole `do_run_matching` ({run.rows_total:,} rows to Parquet, top 3 stored)"
    print(f"| {whole} | {run_wall:.2f} | {run_cpu:.2f} |")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
