from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "craftpath.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from craftpath.core import checks  # noqa: F401  (registers system checks)
