from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from craftpath.core import crypto


class Member(models.Model):
    """A union member, registered under their real name (实名).

    The resident ID number and phone are sealed at rest (``*_sealed``); ``id_hash`` is a keyed
    hash used to find duplicates and look members up; ``id_masked`` / ``phone_masked`` are what
    lists show. Reading the plain values goes through ``access.py`` and is logged.
    """

    class EmploymentForm(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        PLATFORM = "platform", _("Platform worker")
        FLEXIBLE = "flexible", _("Flexible employment")
        UNEMPLOYED = "unemployed", _("Unemployed")

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=60, db_index=True)
    id_hash = models.CharField(max_length=64, unique=True)
    id_sealed = models.TextField()
    id_masked = models.CharField(max_length=18)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone_sealed = models.TextField(blank=True)
    phone_masked = models.CharField(max_length=16, blank=True)
    employment_form = models.CharField(max_length=12, choices=EmploymentForm.choices)
    employer = models.ForeignKey(
        "orgs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    union = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="members")
    # Copy of union.path so that subtree filters need no join.
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    consent_employer = models.BooleanField(default=False, help_text="Employer HR may see this member")
    consent_job_matching = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock against concurrent edits")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org_path", "name"])]

    def __str__(self) -> str:
        return self.name

    def reveal_id_number(self) -> str:
        """Plain ID number; call only from access.py, which logs the access."""
        return crypto.unseal(self.id_sealed)

    def reveal_phone(self) -> str:
        return crypto.unseal(self.phone_sealed) if self.phone_sealed else ""


class OccupationHistory(models.Model):
    """A period of work in an occupation (从事本职业工作的经历)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="histories")
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    employer_name = models.CharField(max_length=160, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while ongoing")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member", "start"]
        constraints = [
            models.UniqueConstraint(fields=["member", "occupation", "start"], name="history_unique_start"),
            models.CheckConstraint(
                name="history_end_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.start}–{self.end or ''}"


class Diploma(models.Model):
    """Education and technical-school diplomas that open routes to a grade."""

    class Kind(models.TextChoices):
        TECHNICAL_SCHOOL = "technical_school", _("Technical school (技工学校)")
        SENIOR_TECHNICAL_SCHOOL = "senior_technical_school", _("Senior technical school (高级技工学校)")
        TECHNICIAN_COLLEGE = "technician_college", _("Technician college (技师学院)")
        PREPARATORY_TECHNICIAN = "preparatory_technician", _("Preparatory technician (预备技师)")
        SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school (中等职业学校)")
        HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational college (高等职业学校)")
        JUNIOR_COLLEGE = "junior_college", _("Junior college (大专)")
        BACHELOR = "bachelor", _("Bachelor (本科)")
        POSTGRADUATE = "postgraduate", _("Postgraduate (研究生)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="diplomas")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    institution = models.CharField(max_length=160, blank=True)
    specialty = models.CharField(max_length=120, blank=True)
    occupation = models.ForeignKey(
        "taxonomy.Occupation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", to_field="code"
    )
    graduated_on = models.DateField(null=True, blank=True, help_text="Empty for a current-year graduate")
    assessed_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Grade rank the school was assessed as training to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member", "graduated_on"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind", "graduated_on", "specialty"], name="diploma_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.graduated_on or ''}"


class InForceCertificates(models.Manager["Certificate"]):
    """Certificates that count: revoked ones are kept for the record but never counted."""

    def get_queryset(self) -> models.QuerySet[Certificate]:
        return super().get_queryset().filter(revoked_on__isnull=True)


class Certificate(models.Model):
    """A skill-grade certificate (技能等级证书) a member holds.

    ``objects`` hides revoked certificates, so grades, lists and the advancement engine never
    count them; ``all_objects`` sees every row (uniqueness checks, history).
    """

    class How(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        COMPETITION = "competition", _("Competition")
        APPOINTMENT = "appointment", _("Appointment")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
        LEGACY = "legacy", _("Legacy import")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="certificates")
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    grade = models.PositiveSmallIntegerField()
    issuer = models.CharField(max_length=160)
    number = models.CharField(max_length=64)
    issued_on = models.DateField()
    how = models.CharField(max_length=16, choices=How.choices, default=How.ASSESSMENT)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InForceCertificates()
    all_objects = models.Manager()  # noqa: DJ012  (must follow `objects`, the default manager)

    class Meta:
        ordering = ["member", "-grade", "issued_on"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="certificate_unique_number"),
            models.CheckConstraint(name="certificate_grade_range", condition=models.Q(grade__lte=7)),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.grade})"


class ImportBatch(models.Model):
    """One upload of a member file and what became of each row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    all_or_nothing = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.status}"
