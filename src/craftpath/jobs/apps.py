from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "craftpath.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from craftpath.jobs import receivers  # noqa: F401  (connects the signal receivers)
