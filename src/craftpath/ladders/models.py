from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EligibilityRun(models.Model):
    """One batch evaluation of the advancement rules over an organisation's subtree.

    The full result (every member × occupation × higher grade) is written to a Parquet file;
    rows that qualify now or within the horizon are also stored as :class:`EligibilityRow` for
    the staff lists. A run is frozen: later edits to members do not change it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    as_of = models.DateField()
    horizon_days = models.PositiveIntegerField(default=183)
    rulebook = models.CharField(max_length=200, help_text="Rulebook files and their content hash")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    members_total = models.PositiveIntegerField(default=0)
    members_done = models.PositiveIntegerField(default=0)
    eligible_now = models.PositiveIntegerField(default=0)
    eligible_soon = models.PositiveIntegerField(default=0)
    flagged_members = models.PositiveIntegerField(default=0)
    result_file = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org_id} {self.as_of} {self.status}"

    @property
    def progress_pct(self) -> int:
        return int(100 * self.members_done / self.members_total) if self.members_total else 0


class EligibilityRow(models.Model):
    """A member who qualifies for a higher grade now or within the run's horizon."""

    run = models.ForeignKey(EligibilityRun, on_delete=models.CASCADE, related_name="rows")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255)
    occupation_code = models.CharField(max_length=16)
    current_grade = models.SmallIntegerField(null=True)
    target_grade = models.SmallIntegerField()
    eligible = models.BooleanField()
    earliest_date = models.DateField(null=True)
    route = models.CharField(max_length=120, blank=True)
    missing = models.JSONField(default=list)
    trace = models.JSONField(default=list)
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["earliest_date", "member_id", "occupation_code", "target_grade"]
        indexes = [
            models.Index(fields=["run", "org_path"]),
            models.Index(fields=["run", "earliest_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.occupation_code} → {self.target_grade}"
