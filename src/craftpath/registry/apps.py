from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "craftpath.registry"
    label = "registry"
    verbose_name = "Member registry"
