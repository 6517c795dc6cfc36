"""``manage.py import_assessment_scores EVENT_ID FILE --as USERNAME``: a whole event's scores at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.accounts.models import User
from craftpath.assessment.access import access_event_by_public_id
from craftpath.assessment.scores_import import import_scores
from craftpath.core.problems import NotFoundOrForbidden


class Command(BaseCommand):
    help = "Enter theory and practice scores for an assessment event from CSV or XLSX (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("event")
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--report", type=Path)
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], role="union_staff").first()
        if actor is None:
            raise CommandError("没有该工会工作人员账号 / no union staff account with that username")
        try:
            event = access_event_by_public_id(actor, options["event"], manage=True)
        except NotFoundOrForbidden:
            raise CommandError("找不到该评价活动，或您无权管理 / no such event, or you may not manage it") from None
        if not options["file"].is_file():
            raise CommandError(f"找不到文件 / file not found: {options['file']}")
        report = import_scores(actor, event, options["file"])
        key = "message_zh" if options["lang"] == "zh" else "message_en"
        for p in report["problems"]:
            self.stdout.write(f"row {p['row']}: {p[key]}")
        self.stdout.write(f"rows {report['rows']} · saved {report['saved']} · failed {report['failed']}")
        if options["report"]:
            options["report"].write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
