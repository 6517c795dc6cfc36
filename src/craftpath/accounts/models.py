from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see follows from ``role`` and where they sit.

    - union_staff: the organisation ``org`` and everything below it.
    - member: their own record only (``registry.Member.user``).
    - employer_hr: employees of ``employer`` who have consented.
    - system_admin / security_admin / audit_admin: the three separated administrator roles
      (三员分立). None of them sees members' personal data; the audit administrator reads the
      audit trail, the security administrator manages accounts and lockouts, the system
      administrator manages organisations and reference data.
    """

    class Role(models.TextChoices):
        UNION_STAFF = "union_staff", _("Union staff")
        MEMBER = "member", _("Member")
        EMPLOYER_HR = "employer_hr", _("Employer HR")
        SYSTEM_ADMIN = "system_admin", _("System administrator")
        SECURITY_ADMIN = "security_admin", _("Security administrator")
        AUDIT_ADMIN = "audit_admin", _("Audit administrator")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    org = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    employer = models.ForeignKey(
        "orgs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="hr_users"
    )
    display_name = models.CharField(max_length=100, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="staff_has_org",
                condition=~models.Q(role="union_staff") | models.Q(org__isnull=False),
            ),
            models.CheckConstraint(
                name="hr_has_employer",
                condition=~models.Q(role="employer_hr") | models.Q(employer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def is_staff_role(self) -> bool:
        return self.role == self.Role.UNION_STAFF


class ApiToken(models.Model):
    """A bearer token for machine clients; only its hash is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_valid(self) -> bool:
        return self.user.is_active and (self.expires_at is None or self.expires_at > timezone.now())
