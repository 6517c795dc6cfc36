"""``craftpath advance --as-of DATE [--org CODE] --out FILE``: the batch advancement run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from craftpath.ladders.actions import do_start_eligibility_run, execute_run
from craftpath.orgs.models import Organisation
from craftpath.registry.models import Member


class Command(BaseCommand):
    help = "Evaluate the advancement rules for every member of an organisation's subtree; write Parquet or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True, help="evaluation date, YYYY-MM-DD")
        parser.add_argument("--org", help="organisation code (default: the root of the federation)")
        parser.add_argument("--out", required=True, help="output file: .parquet or .csv")
        parser.add_argument("--chunk", type=int, default=20_000, help="members per partition")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(
                f"日期无法识别 / date not recognised: {options['as_of']!r} (use YYYY-MM-DD, e.g. 2026-01-31)"
            ) from None
        out = Path(options["out"])
        if out.suffix.lower() not in {".parquet", ".csv"}:
            raise CommandError("输出文件应为 .parquet 或 .csv / --out must end in .parquet or .csv")
        if options["org"]:
            org = Organisation.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"找不到工会组织 / no organisation with code {options['org']!r}")
        else:
            org = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
            if org is None:
                raise CommandError("还没有工会组织，请先运行 craftpath demo 或导入数据 / no organisations yet")
        total = Member.objects.filter(org_path__startswith=org.path).count()
        run = do_start_eligibility_run(None, org, as_of, background=False)
        parquet = out if out.suffix.lower() == ".parquet" else out.with_suffix(".parquet.tmp")
        with Progress(TextColumn("评估 / evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
            task = bar.add_task("run", total=total)
            run = execute_run(
                run.pk, out=parquet, chunk=options["chunk"], progress=lambda n: bar.update(task, completed=n)
            )
        if parquet != out:
            pl.scan_parquet(parquet).with_columns(
                pl.col("missing").list.join("; "), pl.col("trace").list.join("; "), pl.col("flags").list.join("; ")
            ).sink_csv(out)
            parquet.unlink()
        self.stdout.write(
            f"已评估 {run.members_done} 名会员 / evaluated {run.members_done} members: "
            f"现在可申报 eligible now {run.eligible_now}, 半年内 within 6 months {run.eligible_soon}, "
            f"需核对 flagged {run.flagged_members} → {out}"
        )
