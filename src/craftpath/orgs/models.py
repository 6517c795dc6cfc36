from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division (GB/T 2260), shipped reference data."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=60)
    parent_code = models.CharField(max_length=12, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(help_text="1 province, 2 city, 3 district")
    pinyin = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organisation(models.Model):
    """A union organisation in the federation tree.

    ``path`` is a materialised path of primary keys (``/1/7/31/``) so that "this organisation
    and everything under it" is one indexed prefix query.
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("National federation")
        PROVINCIAL = "provincial", _("Provincial federation")
        CITY = "city", _("City federation")
        DISTRICT = "district", _("District federation")
        GRASSROOTS = "grassroots", _("Grassroots union")

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Federation")
        ENTERPRISE = "enterprise", _("Enterprise union")
        REGIONAL = "regional", _("Regional union")
        INDUSTRY = "industry", _("Industry union")
        PLATFORM = "platform", _("Platform workers' union")

    LEVEL_ORDER = ["national", "provincial", "city", "district", "grassroots"]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=40, unique=True, help_text="Short stable code used in files and URLs")
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=160, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FEDERATION)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grassroots(self) -> bool:
        return self.level == self.Level.GRASSROOTS


class Employer(models.Model):
    """An employer, identified by its unified social credit code (GB 32100)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credit_code = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=160)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employers",
        help_text="The grassroots union at this employer, or the union that covers it",
    )
    is_platform = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
