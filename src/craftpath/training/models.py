from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingProvider(models.Model):
    """Who runs courses: a union organisation's own school, or an outside provider (by credit code).

    ``org_path`` is the subtree of the organisation that manages the provider's records; staff
    there (and above) may edit its courses.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160)
    org = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    credit_code = models.CharField(max_length=18, blank=True)
    managed_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="provider_org_or_credit_code",
                condition=models.Q(org__isnull=False) | ~models.Q(credit_code=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A training course towards a grade in an occupation."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("In person")
        MIXED = "mixed", _("Mixed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    target_grade = models.PositiveSmallIntegerField()
    tasks = models.JSONField(default=list, blank=True, help_text="Indices into Occupation.tasks the course covers")
    hours = models.PositiveIntegerField()
    theory_hours = models.PositiveIntegerField(default=0)
    practice_hours = models.PositiveIntegerField(default=0)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    subsidy = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    capacity = models.PositiveIntegerField()
    region = models.ForeignKey("orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(max_length=200, blank=True)
    org_path = models.CharField(max_length=255, db_index=True)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occupation_id", "target_grade", "id"]
        indexes = [models.Index(fields=["occupation", "target_grade"])]
        constraints = [
            models.CheckConstraint(name="course_grade_range", condition=models.Q(target_grade__lte=7)),
            models.CheckConstraint(name="course_capacity_positive", condition=models.Q(capacity__gte=1)),
            models.CheckConstraint(name="course_subsidy_le_cost", condition=models.Q(subsidy__lte=models.F("cost"))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def member_cost(self) -> object:
        return self.cost - self.subsidy


class CourseSession(models.Model):
    """One dated meeting of a course (attendance is taken per session)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_on = models.DateField()
    ends_on = models.DateField()
    hours = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_end_after_start", condition=models.Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.starts_on}"


class Enrolment(models.Model):
    """A member's place on a course, or on its waiting list (first come, first served)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("Waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, help_text="Copy of the member's org_path")
    status = models.CharField(max_length=10, choices=Status.choices)
    queued_at = models.DateTimeField(help_text="When the member asked for a place; orders the waiting list")
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="enrolment_once_per_course")]
        indexes = [models.Index(fields=["course", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.member_id} {self.status}"


class Attendance(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    hours = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "enrolment"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.session_id}"
