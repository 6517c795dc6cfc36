from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobOpening(models.Model):
    """A vacancy posted through a union (with or without a registered employer).

    The occupation is coded from the title by the occupation coder when staff do not give it;
    when the coder is not confident the code stays empty and ``needs_coding`` asks staff to code
    it by hand. An opening without a code is never matched.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("job opening", "Open")
        FILLED = "filled", _("Filled")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", pgettext_lazy("job", "Withdrawn")

    class CodedBy(models.TextChoices):
        GIVEN = "given", _("Given")
        CODER = "coder", _("Occupation coder")
        STAFF = "staff", _("Coded by staff")
        NONE = "none", _("Not coded")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    # Copy of union.path so that subtree filters need no join.
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    occupation = models.ForeignKey(
        "taxonomy.Occupation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", to_field="code"
    )
    coded_by = models.CharField(max_length=8, choices=CodedBy.choices, default=CodedBy.NONE)
    coding_confidence = models.FloatField(null=True, blank=True)
    coding_evidence = models.JSONField(default=list, blank=True)
    needs_coding = models.BooleanField(default=False, db_index=True)
    required_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    region = models.ForeignKey("orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pay_min = models.PositiveIntegerField(null=True, blank=True, help_text="元/month")
    pay_max = models.PositiveIntegerField(null=True, blank=True, help_text="元/month")
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    import_key = models.CharField(max_length=80, blank=True, help_text="Reference from an import file")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="opening_grade_range",
                condition=models.Q(required_grade__isnull=True) | models.Q(required_grade__lte=7),
            ),
            models.CheckConstraint(
                name="opening_pay_order",
                condition=models.Q(pay_min__isnull=True)
                | models.Q(pay_max__isnull=True)
                | models.Q(pay_max__gte=models.F("pay_min")),
            ),
            models.UniqueConstraint(
                fields=["union", "import_key"], name="opening_import_key", condition=~models.Q(import_key="")
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def pay_range(self) -> str:
        """``6000–8000``, ``≤8000``, ``≥6000`` or empty (元/month)."""
        low, high = self.pay_min, self.pay_max
        if low is not None and high is not None:
            return f"{low}–{high}"
        if high is not None:
            return f"≤{high}"
        return f"≥{low}" if low is not None else ""

    @property
    def offer(self) -> int | None:
        """The pay the engine compares with an expectation: the top of the range (what it can reach)."""
        return self.pay_max if self.pay_max is not None else self.pay_min


class JobSeeker(models.Model):
    """A member looking for work through the union; needs the member's consent to job matching."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Looking for work")
        PLACED = "placed", _("Placed")
        PAUSED = "paused", _("Paused")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.OneToOneField("registry.Member", on_delete=models.CASCADE, related_name="job_seeker")
    org_path = models.CharField(max_length=255, db_index=True, help_text="Copy of the member's org_path")
    desired_occupations = models.JSONField(default=list, blank=True)
    desired_region = models.ForeignKey("orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pay_expectation = models.PositiveIntegerField(null=True, blank=True, help_text="元/month")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org_path", "id"]

    def __str__(self) -> str:
        return f"seeker {self.member_id}"


class Placement(models.Model):
    """A referral of a seeker to an opening and what came of it.

    ``history`` lists every transition ``{status, on, by, reason}``; the dated columns hold the
    latest date each step was reached.
    """

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        INTERVIEWED = "interviewed", _("Interviewed")
        HIRED = "hired", _("Hired")
        NOT_HIRED = "not_hired", _("Not hired")
        WITHDRAWN = "withdrawn", pgettext_lazy("job", "Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="placements")
    opening = models.ForeignKey(JobOpening, on_delete=models.PROTECT, related_name="placements")
    org_path = models.CharField(max_length=255, db_index=True, help_text="Copy of the seeker's org_path")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REFERRED)
    referred_on = models.DateField()
    interviewed_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "id"]
        constraints = [models.UniqueConstraint(fields=["seeker", "opening"], name="placement_once_per_opening")]

    def __str__(self) -> str:
        return f"{self.seeker_id}→{self.opening_id} {self.status}"


class MatchRun(models.Model):
    """A frozen batch match (top-k openings for every active seeker of a subtree)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    as_of = models.DateField()
    k = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    seekers_total = models.PositiveIntegerField(default=0)
    openings_total = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    result_file = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.org_id} {self.as_of} {self.status}"


class MatchRow(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="rows")
    seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="+")
    opening = models.ForeignKey(JobOpening, on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    parts = models.JSONField(default=dict)
    explanation_zh = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)

    class Meta:
        ordering = ["seeker_id", "rank"]
        indexes = [models.Index(fields=["run", "seeker"]), models.Index(fields=["run", "org_path"])]

    def __str__(self) -> str:
        return f"{self.seeker_id}#{self.rank} {self.opening_id}"
