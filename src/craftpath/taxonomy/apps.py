from __future__ import annotations

from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "craftpath.taxonomy"
    label = "taxonomy"
    verbose_name = "Occupations"
