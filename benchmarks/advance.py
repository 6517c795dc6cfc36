"""Benchmark the advancement engine against the per-member reference evaluator.

    .venv/bin/python benchmarks/advance.py --members 1000000
    .venv/bin/python benchmarks/advance.py --members 10000000 --partition 100000
    .venv/bin/python benchmarks/advance.py --members 1000000 --engine polars   # the frame engine

Synthetic members (~3 histories, 2 certificates, some diplomas and apprenticeships each) are
written to Parquet in member-id order, then evaluated with ``evaluate_partitioned(presorted=True)`` over
``pl.scan_parquet`` so only one partition is in memory. The reference evaluator runs on a
sample in the same process; the sample must agree row for row. Prints members/s, peak RSS,
the machine, and the side-by-side ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

# the same allocator setting as the `craftpath advance` command (see craftpath.cli.BATCH_ALLOCATOR)
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:60000,muzzy_decay_ms:60000")

import polars as pl  # reads the setting above when it loads

from craftpath.engines.ladder.evaluate import evaluate, evaluate_partitioned
from craftpath.engines.ladder.reference import reference_evaluate
from craftpath.engines.ladder.synthetic import synthetic_inputs
from craftpath.engines.rules import load_rulebook

FRAMES = ("members", "histories", "certificates", "diplomas", "awards", "apprenticeships")


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def write_population(directory: Path, members: int, chunk: int, as_of: dt.date) -> float:
    t0 = time.perf_counter()
    for i, first in enumerate(range(1, members + 1, chunk)):
        n = min(chunk, members + 1 - first)
        inp = synthetic_inputs(n, seed=first, as_of=as_of, first_id=first)
        for name in FRAMES:
            (directory / name).mkdir(exist_ok=True)
            getattr(inp, name).sort("member_id").write_parquet(
                directory / name / f"part-{i:05d}.parquet", row_group_size=64_000
            )
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--partition", type=int, default=100_000, help="members per partition")
    ap.add_argument("--sample", type=int, default=5_000, help="members for the side-by-side reference run")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse/keep generated Parquet here")
    ap.add_argument("--engine", choices=("compiled", "polars"), default="compiled")
    ap.add_argument("--workers", type=int, default=None, help="partitions evaluated at once (default: 2 threads)")
    args = ap.parse_args(argv)
    rb = load_rulebook()
    print(
        f"machine: {platform.platform()} | {os.cpu_count()} cpus | python {platform.python_version()}"
        f" | polars {pl.__version__}"
    )
    print(f"load average at start: {os.getloadavg()}")
    print(f"date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")

    # the compiled kernel is built (or loaded from numba's on-disk cache) on first use: once per process
    t0 = time.perf_counter()
    evaluate(synthetic_inputs(10, seed=1, as_of=args.as_of), rb, args.as_of)
    print(f"kernel ready in {time.perf_counter() - t0:.1f} s (first use in this process; not timed below)")

    # side by side on the same sample: compiled engine, frame engine, per-member Python; all must agree
    sample = synthetic_inputs(args.sample, seed=12345, as_of=args.as_of)
    t0, c0 = time.perf_counter(), time.process_time()
    ref = reference_evaluate(sample, rb, args.as_of)
    t_ref, c_ref = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    vec = evaluate(sample, rb, args.as_of)
    t_vec_sample = time.perf_counter() - t0
    t0 = time.perf_counter()
    frames = evaluate(sample, rb, args.as_of, engine="polars")
    t_frames = time.perf_counter() - t0
    if not vec.equals(ref) or not frames.equals(ref):
        print("MISMATCH between engine and reference on the sample", file=sys.stderr)
        return 1
    print(
        f"sample of {args.sample:,} members: reference {t_ref:.2f} s ({args.sample / t_ref:,.0f} members/s), "
        f"frame engine {t_frames:.3f} s, compiled engine {t_vec_sample:.3f} s; rows agree ({ref.height:,} rows)"
    )

    tmp = None
    data = args.data_dir
    if data is None:
        tmp = tempfile.mkdtemp(prefix="craftpath-advance-")
        data = Path(tmp)
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "members").exists():
        gen = write_population(data, args.members, args.partition, args.as_of)
        print(f"generated {args.members:,} members to Parquet in {gen:.1f} s (not timed below)")
    lazy = {name: pl.scan_parquet(data / name / "*.parquet") for name in FRAMES}
    rows = eligible = 0
    t0, c0 = time.perf_counter(), time.process_time()
    parts = evaluate_partitioned(
        lazy, rb, args.as_of, partition_size=args.partition, engine=args.engine, presorted=True, workers=args.workers
    )
    for part in parts:
        rows += part.height
        eligible += int(part["eligible"].sum())
    t_full, c_full = time.perf_counter() - t0, time.process_time() - c0
    rate = args.members / t_full
    ref_rate = args.sample / t_ref
    print(
        f"engine: {args.members:,} members -> {rows:,} rows ({eligible:,} eligible) in {t_full:.1f} s "
        f"= {rate:,.0f} members/s (reads Parquet, validates, evaluates all grades with earliest dates"
        " and missing codes)"
    )
    print(f"peak RSS: {peak_rss_gb():.2f} GB")
    print(f"ratio engine / reference (members per second): {rate / ref_rate:.1f}x")
    # CPU seconds (all threads) do not depend on how busy a shared machine is
    cpu_per_member = c_full / args.members
    ref_cpu_per_member = c_ref / args.sample
    print(
        f"CPU time: engine {c_full:.1f} s ({cpu_per_member * 1e6:.1f} us/member, all threads), "
        f"reference {ref_cpu_per_member * 1e6:.0f} us/member; CPU ratio {ref_cpu_per_member / cpu_per_member:.1f}x; "
        f"on {os.cpu_count()} idle cores that is ~{args.members / (c_full / (os.cpu_count() or 1)):,.0f} members/s"
    )
    print(f"load average at end: {os.getloadavg()}")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
