"""Create or upgrade the database and load the shipped reference data (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from craftpath.orgs.regions import sync_regions
from craftpath.taxonomy.loader import sync_occupations


class Command(BaseCommand):
    help = "Apply migrations and load regions and the 2022 occupational classification."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        regions = sync_regions()
        occupations = sync_occupations()
        self.stdout.write(
            f"数据库已就绪 / database ready: {regions} regions, "
            f"{occupations['created']} occupations added, {occupations['updated']} updated"
        )
