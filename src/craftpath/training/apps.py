from __future__ import annotations

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "craftpath.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from craftpath.training import receivers  # noqa: F401  (connects the signal receivers)
