from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Entries per status list (the Bitstring Status List minimum, 16 KB). When a key has used them
# all, a new key is made for the organisation (see actions.signing_key_for).
STATUS_LIST_SIZE = 131_072


class IssuerKey(models.Model):
    """An issuing organisation's Ed25519 key; its ``did:key`` DID is the certificates' issuer.

    The secret seed is sealed (``craftpath.core.crypto.seal``) and never logged. Rotation retires
    the key instead of deleting it: retired keys sign no new certificates, stay on the trusted
    list so their certificates keep verifying, and still sign their own status lists (a status
    list must come from the certificate's issuer), so old certificates can still be revoked.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    did = models.CharField(max_length=120, unique=True)
    public_key_multibase = models.CharField(max_length=80)
    secret_sealed = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    next_index = models.PositiveIntegerField(default=0, help_text="Next free status list index")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["org", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=models.Q(state="active"), name="issuer_key_one_active_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.did[:24]}… ({self.state})"


class StatusListRecord(models.Model):
    """One issuer key's revocation or suspension bitstring and its latest signed publication."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")
        SUSPENSION = "suspension", _("Suspension")

    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    url = models.CharField(max_length=255, unique=True)
    bits = models.BinaryField()
    signed = models.TextField(help_text="The signed BitstringStatusListCredential, as published")
    etag = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["key", "purpose"]
        constraints = [models.UniqueConstraint(fields=["key", "purpose"], name="status_list_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.purpose} v{self.version}"


class IssuedCredential(models.Model):
    """A signed skill certificate credential, exactly as issued, and its current status."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    # Revoking marks the registry row revoked (hidden from Certificate.objects), never deletes it.
    certificate = models.OneToOneField(
        "registry.Certificate", null=True, blank=True, on_delete=models.SET_NULL, related_name="credential"
    )
    org_path = models.CharField(max_length=255, db_index=True, help_text="Copy of the member's org_path")
    number = models.CharField(max_length=64, unique=True)
    occupation_code = models.CharField(max_length=16)
    grade = models.PositiveSmallIntegerField()
    status_index = models.PositiveIntegerField()
    document = models.TextField(help_text="The signed credential JSON, byte for byte as issued")
    state = models.CharField(max_length=10, choices=State.choices, default=State.VALID)
    state_reason = models.CharField(max_length=255, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key", "status_index"], name="credential_unique_status_index")]
        indexes = [models.Index(fields=["org_path", "issued_at"])]

    def __str__(self) -> str:
        return self.number


class LegacyCertificate(models.Model):
    """Provenance of a certificate imported from paper or an old system: unsigned legacy evidence.

    The registry row (``how="legacy"``) counts for advancement like any certificate, but there is
    no signed credential behind it; pages and the API say so.
    """

    certificate = models.OneToOneField("registry.Certificate", on_delete=models.CASCADE, related_name="legacy")
    source_file = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    source_row = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"legacy {self.certificate_id}"
