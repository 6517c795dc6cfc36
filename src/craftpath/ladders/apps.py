from __future__ import annotations

from django.apps import AppConfig


class LaddersConfig(AppConfig):
    name = "craftpath.ladders"
    label = "ladders"
    verbose_name = "Advancement"
