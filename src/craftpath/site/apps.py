from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "craftpath.site"
    label = "craftpath_site"
    verbose_name = "Site"
