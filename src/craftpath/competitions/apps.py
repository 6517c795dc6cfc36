from __future__ import annotations

from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "craftpath.competitions"
    label = "competitions"
    verbose_name = "Skill competitions and appointed posts"

    def ready(self) -> None:
        from craftpath.competitions import problems  # noqa: F401  (adds the app's problem messages)
