"""``craftpath generate``: create the deterministic demo federation (or benchmark data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from craftpath.site.demo import DemoResult, demo_exists, generate_demo, reset_demo


class Command(BaseCommand):
    help = "生成演示联合会数据 / generate the demo federation (members, careers, certificates, demo users)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=20_000, help="number of members (default 20000)")
        parser.add_argument("--seed", type=int, default=2023, help="random seed; the same seed gives the same data")
        parser.add_argument(
            "--database",
            "--database-alias",
            dest="database",
            default=DEFAULT_DB_ALIAS,
            help="database alias (default: default)",
        )
        parser.add_argument("--reset", action="store_true", help="remove existing demo data first")
        parser.add_argument("--chunk-size", type=int, default=20_000, help="members generated and written per batch")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        size = options["size"]
        if size < 1:
            raise CommandError("--size 至少为 1 / --size must be at least 1")
        if demo_exists(using):
            if not options["reset"]:
                raise CommandError(
                    "演示数据已存在；如需重新生成请加 --reset / demo data already exists; add --reset to replace it"
                )
            self.stdout.write("正在删除旧的演示数据 / removing the old demo data …")
            reset_demo(using)
        result = run_with_progress(size, options["seed"], using, options["chunk_size"], quiet=options["no_progress"])
        print_summary(result, self.stdout.write)


def run_with_progress(size: int, seed: int, using: str, chunk_size: int, *, quiet: bool = False) -> DemoResult:
    if quiet:
        return generate_demo(size, seed, using=using, chunk_size=chunk_size)
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]会员 / members"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("members", total=size)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return generate_demo(size, seed, using=using, chunk_size=chunk_size, progress=progress)


def print_summary(result: DemoResult, write: Any) -> None:
    table = Table(title=f"演示数据 / demo data: size={result.size} seed={result.seed}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("write s", justify="right")
    table.add_column("rows/s", justify="right")
    for name, stat in result.tables.items():
        table.add_row(
            name, f"{stat.rows:,}", f"{stat.seconds:.2f}", f"{stat.rows_per_second:,.0f}" if stat.seconds else "—"
        )
    console = Console(record=True, width=100)
    with console.capture() as capture:
        console.print(table)
    write(capture.get())
    rate = result.total_rows / max(result.seconds, 1e-9)
    rows, secs = result.total_rows, result.seconds
    write(
        f"共 {rows:,} 行，用时 {secs:.1f} 秒（{rate:,.0f} 行/秒）/ {rows:,} rows in {secs:.1f} s ({rate:,.0f} rows/s)"
    )
