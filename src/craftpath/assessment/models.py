from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentBody(models.Model):
    """An assessment body (评价机构): an organisation authorised to assess certain occupations."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160)
    credit_code = models.CharField(max_length=18, blank=True)
    managed_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "assessment bodies"

    def __str__(self) -> str:
        return self.name


class BodyAuthorisation(models.Model):
    """The body may assess ``occupation`` at ``grade`` between the two dates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(AssessmentBody, on_delete=models.CASCADE, related_name="authorisations")
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    grade = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, help_text="Empty: until further notice")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "occupation", "grade", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="authorisation_dates",
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.occupation_id}/{self.grade}"


class AssessmentEvent(models.Model):
    """One sitting of an assessment; its scoring parameters are frozen with their sources."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for registration")
        PUBLISHED = "published", _("Results published")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Organises it and issues certificates",
    )
    org_path = models.CharField(max_length=255, db_index=True)
    body = models.ForeignKey(AssessmentBody, on_delete=models.PROTECT, related_name="events")
    occupation = models.ForeignKey("taxonomy.Occupation", on_delete=models.PROTECT, related_name="+", to_field="code")
    grade = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    theory_weight = models.DecimalField(max_digits=4, decimal_places=3)
    practice_weight = models.DecimalField(max_digits=4, decimal_places=3)
    theory_pass_mark = models.DecimalField(max_digits=5, decimal_places=2)
    practice_pass_mark = models.DecimalField(max_digits=5, decimal_places=2)
    appeal_days = models.PositiveSmallIntegerField()
    parameters = models.JSONField(default=dict, help_text="Each value used, with valid_from and source")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="event_weights_not_negative",
                condition=models.Q(theory_weight__gte=0) & models.Q(practice_weight__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id}/{self.grade} {self.held_on}"


class Candidate(models.Model):
    """A member registered for an event, with the eligibility check made at registration."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(AssessmentEvent, on_delete=models.PROTECT, related_name="candidates")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, help_text="Copy of the member's org_path")
    checked_as_of = models.DateField()
    eligible = models.BooleanField()
    route = models.CharField(max_length=120, blank=True)
    missing = models.JSONField(default=list)
    trace = models.JSONField(default=list)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theory_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    practice_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    credential = models.ForeignKey(
        "credentials.IssuedCredential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="candidate_once_per_event"),
            models.CheckConstraint(
                name="candidate_scores_in_range",
                condition=(models.Q(theory_score__isnull=True) | models.Q(theory_score__gte=0, theory_score__lte=100))
                & (models.Q(practice_score__isnull=True) | models.Q(practice_score__gte=0, practice_score__lte=100)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id}"


class Appeal(models.Model):
    """A candidate's appeal against a published result, lodged within the event's appeal window."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(blank=True)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lodged_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-lodged_at"]

    def __str__(self) -> str:
        return f"appeal {self.candidate_id} {self.state}"
