"""``craftpath occupations sync|apply FILE|show CODE``: maintain the occupation classification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.taxonomy.actions import apply_corrections_csv
from craftpath.taxonomy.loader import sync_occupations
from craftpath.taxonomy.models import Occupation


class Command(BaseCommand):
    help = "Re-sync the shipped classification, or apply a CSV of local additions and corrections."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync", "apply", "show"])
        parser.add_argument("target", nargs="?", help="CSV file for apply; code for show")

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action == "sync":
            self.stdout.write(str(sync_occupations()))
        elif action == "apply":
            if not target or not Path(target).is_file():
                raise CommandError("请给出CSV文件 / give a CSV file")
            problems = apply_corrections_csv(None, Path(target).read_text(encoding="utf-8-sig"))
            for row, problem in problems:
                self.stderr.write(f"row {row}: {problem.zh} / {problem.en}")
            if problems:
                raise CommandError("未做任何修改 / nothing was changed")
            self.stdout.write("已应用 / applied")
        else:
            occupation = Occupation.objects.filter(code=target or "").first()
            if occupation is None:
                raise CommandError(f"未找到 / not found: {target}")
            self.stdout.write(
                f"{occupation.code} {occupation.name} level={occupation.level} origin={occupation.origin} "
                f"modified={occupation.locally_modified} grades={occupation.grades}"
            )
