"""``craftpath match --out FILE [--org CODE] [--k 10] [--as-of DATE]``: batch job matching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from craftpath.core.problems import ProblemError
from craftpath.jobs.actions import do_run_matching
from craftpath.jobs.queries import today
from craftpath.orgs.models import Organisation


class Command(BaseCommand):
    help = "Top-k open openings for every active, consenting job seeker of a subtree; write Parquet or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="output file: .parquet or .csv")
        parser.add_argument("--org", help="organisation code (default: the root of the federation)")
        parser.add_argument("--k", type=int, default=10, help="openings per seeker (1-100)")
        parser.add_argument("--as-of", help="date openings must still be open on, YYYY-MM-DD (default: today)")
        parser.add_argument("--chunk", type=int, default=5_000, help="seekers matched per block")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk"] < 1:
            raise CommandError(
                f"--chunk 应为正整数（每批匹配的求职者人数，默认 5000）/ --chunk must be a whole number of 1 or more "
                f"(seekers matched per block, default 5000), not {options['chunk']}"
            )
        out = Path(options["out"])
        if out.suffix.lower() not in {".parquet", ".csv"}:
            raise CommandError("输出文件应为 .parquet 或 .csv / --out must end in .parquet or .csv")
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else today()
        except ValueError:
            raise CommandError(
                f"日期无法识别 / date not recognised: {options['as_of']!r} (use YYYY-MM-DD, e.g. 2026-01-31)"
            ) from None
        if options["org"]:
            org = Organisation.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"找不到工会组织 / no organisation with code {options['org']!r}")
        else:
            org = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
            if org is None:
                raise CommandError("还没有工会组织，请先运行 craftpath demo 或导入数据 / no organisations yet")
        out.parent.mkdir(parents=True, exist_ok=True)
        with Progress(
            TextColumn("匹配 / matching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
        ) as bar:
            task = bar.add_task("match", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                run = do_run_matching(
                    None, org, as_of=as_of, k=options["k"], out=out, chunk=options["chunk"], progress=progress
                )
            except ProblemError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已匹配 {run.seekers_total} 名求职者 × {run.openings_total} 个岗位 / matched {run.seekers_total} seekers "
            f"against {run.openings_total} openings: {run.rows_total} rows → {out}"
        )
