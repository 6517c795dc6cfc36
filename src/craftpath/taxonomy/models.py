from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Grades 1..5 (初级工 … 高级技师) plus 学徒工; posts 6, 7 only where 高级技师 exists.
DEFAULT_GRADES = [0, 1, 2, 3, 4, 5, 6, 7]


class Occupation(models.Model):
    """An entry of the 2022 national occupational classification (职业分类大典).

    Shipped rows come from ``craftpath/data/csco22``; ``origin=local`` rows and
    ``locally_modified`` rows are a federation's own corrections, which re-syncing the shipped
    file never overwrites.
    """

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("National classification")
        LOCAL = "local", _("Local addition")

    code = models.CharField(max_length=16, unique=True)
    level = models.PositiveSmallIntegerField(help_text="1 major, 2 medium, 3 minor group, 4 occupation")
    parent_code = models.CharField(max_length=16, blank=True, db_index=True)
    name = models.CharField(max_length=120)
    definition = models.TextField(blank=True)
    tasks = models.JSONField(default=list, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    is_green = models.BooleanField(default=False)
    is_digital = models.BooleanField(default=False)
    grades = models.JSONField(default=list, blank=True, help_text="Grade ranks this occupation has")
    search_text = models.TextField(blank=True, help_text="name, aliases, pinyin and initials, for search")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SHIPPED)
    locally_modified = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_occupation(self) -> bool:
        return self.level == 4
