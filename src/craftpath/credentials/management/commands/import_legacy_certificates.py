"""``manage.py import_legacy_certificates FILE --as USERNAME``: legacy certificates as unsigned evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.accounts.models import User
from craftpath.credentials.legacy import import_legacy_certificates


class Command(BaseCommand):
    help = "Import legacy skill certificates (CSV or XLSX) as unsigned legacy evidence; safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="Union staff account doing the import")
        parser.add_argument("--report", type=Path, help="Write the per-row report (JSON) here")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 / file not found: {path}")
        actor = User.objects.filter(username=options["username"], role="union_staff").first()
        if actor is None:
            raise CommandError("没有该工会工作人员账号 / no union staff account with that username")
        report = import_legacy_certificates(actor, path)
        key = "message_zh" if options["lang"] == "zh" else "message_en"
        for p in report.problems:
            self.stdout.write(f"row {p['row']}: {p[key]}")
        self.stdout.write(
            f"rows {report.rows} · created {report.created} · unchanged {report.unchanged} · failed {report.failed}"
        )
        if options["report"]:
            options["report"].write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
