"""``craftpath whatif --as-of DATE --replace national-2018.yaml=proposal.yaml [--org CODE] [--out FILE]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.engines.rules import RulebookError
from craftpath.ladders.whatif import compare_for_org, load_proposal
from craftpath.orgs.models import Organisation


class Command(BaseCommand):
    help = "Who would gain or lose eligibility under a proposed rulebook file, by union."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True)
        parser.add_argument("--replace", required=True, help="SHIPPED_FILE=PROPOSED_FILE")
        parser.add_argument("--org", help="organisation code (default: the root)")
        parser.add_argument("--out", help="write the member-level changes to .csv or .parquet")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"日期无法识别 / date not recognised: {options['as_of']!r} (use YYYY-MM-DD)") from None
        shipped, sep, proposed = options["replace"].partition("=")
        if not sep or not Path(proposed).is_file():
            raise CommandError("--replace 应为 原文件名=新文件路径 / use --replace national-2018.yaml=proposal.yaml")
        org = (
            Organisation.objects.filter(code=options["org"]).first()
            if options["org"]
            else Organisation.objects.filter(parent__isnull=True).order_by("id").first()
        )
        if org is None:
            raise CommandError(f"找不到工会组织 / no organisation {options['org'] or ''}")
        try:
            proposal = load_proposal(shipped, Path(proposed).read_text(encoding="utf-8"))
        except RulebookError as exc:
            raise CommandError(f"规则文件有误 / rulebook error: {exc}") from None
        changes, summary = compare_for_org(org, proposal, as_of)
        self.stdout.write(str(summary))
        self.stdout.write(
            f"变化 {changes['member_id'].n_unique()} 人 / {changes['member_id'].n_unique()} members change status"
        )
        if options["out"]:
            out = Path(options["out"])
            if out.suffix == ".parquet":
                changes.write_parquet(out)
            else:
                changes.write_csv(out)
