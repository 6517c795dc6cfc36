"""Skill competitions (职业技能竞赛) and their results; 特级技师/首席技师 posts and appointments (评聘).

A result may earn a skill-grade promotion under the competition table of its jurisdiction; the
promotion is a ``registry.Certificate`` with ``how="competition"`` linked from the result. An
appointment to a post is a ``registry.Certificate`` with ``how="appointment"`` linked from the
appointment; ending the appointment keeps the certificate as history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Competition(models.Model):
    class Tier(models.TextChoices):
        NATIONAL = "national", _("National (全国)")
        PROVINCIAL_1 = "provincial_1", _("Provincial, class 1 (省级一类)")
        PROVINCIAL_2 = "provincial_2", _("Provincial, class 2 (省级二类)")
        CITY_1 = "city_1", _("City, class 1 (市级一类)")
        CITY_2 = "city_2", _("City, class 2 (市级二类)")
        DISTRICT = "district", _("District (区县级)")
        ENTERPRISE = "enterprise", _("Enterprise (企业)")
        SCHOOL = "school", _("School (院校)")

    class EventSize(models.IntegerChoices):
        SINGLE = 1, _("Single (单人)")
        PAIR = 2, _("Pair (双人)")
        TRIO = 3, _("Trio (三人)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    jurisdiction = models.ForeignKey(
        "orgs.Region", on_delete=models.PROTECT, related_name="+", help_text="GB/T 2260 code of the jurisdiction"
    )
    tier = models.CharField(max_length=16, choices=Tier.choices)
    event_size = models.PositiveSmallIntegerField(choices=EventSize.choices, default=EventSize.SINGLE)
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    held_on = models.DateField()
    entrants = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "name"]
        constraints = [
            models.CheckConstraint(name="competition_entrants_positive", condition=models.Q(entrants__gte=1)),
            models.CheckConstraint(name="competition_event_size", condition=models.Q(event_size__in=[1, 2, 3])),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.held_on}"


class CompetitionResult(models.Model):
    class Prize(models.TextChoices):
        GOLD = "gold", _("Gold (金牌)")
        SILVER = "silver", _("Silver (银牌)")
        BRONZE = "bronze", _("Bronze (铜牌)")
        EXCELLENCE = "excellence", _("Excellence (优胜奖)")
        NONE = "none", _("None")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, help_text="The member's union path")
    rank = models.PositiveIntegerField()
    prize = models.CharField(max_length=12, choices=Prize.choices, default=Prize.NONE)
    is_student = models.BooleanField(default=False)
    # Outcome of the last "apply promotions" run for this result.
    outcome = models.CharField(max_length=20, blank=True)
    from_grade = models.SmallIntegerField(null=True, blank=True)
    new_grade = models.SmallIntegerField(null=True, blank=True)
    outcome_trace = models.JSONField(default=list, blank=True)
    outcome_note = models.CharField(max_length=255, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    certificate = models.OneToOneField(
        "registry.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["competition", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "member"], name="competition_result_once"),
            models.CheckConstraint(name="competition_rank_positive", condition=models.Q(rank__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id} #{self.rank}"


class EmployerPost(models.Model):
    """特级技师 (6) or 首席技师 (7) posts an employer has set up in one occupation, with a quota."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey("orgs.Employer", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, help_text="Path of the employer's union")
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    grade = models.PositiveSmallIntegerField()
    quota = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["employer", "occupation", "grade"]
        constraints = [
            models.CheckConstraint(name="employer_post_grade", condition=models.Q(grade__in=[6, 7])),
            models.CheckConstraint(
                name="employer_post_dates",
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.occupation_id} {self.grade}×{self.quota}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPOINTED = "appointed", _("Appointed")
        ENDED = "ended", _("Ended")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(EmployerPost, on_delete=models.PROTECT, related_name="appointments")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, help_text="The member's union path")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOMINATED)
    nominated_on = models.DateField()
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    certificate = models.OneToOneField(
        "registry.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["post", "status", "nominated_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=models.Q(status__in=["nominated", "appointed"]),
                name="appointment_one_open_per_post",
            ),
            models.CheckConstraint(
                name="appointment_end_after_start",
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.member_id} {self.status}"
