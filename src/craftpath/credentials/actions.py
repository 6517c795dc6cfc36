"""Issuer keys, issuing, revoking and suspending signed skill certificates.

Every issuance and every status change is audited. Signing keys are unsealed only in memory
(one key object per issuer key, reused), never logged, never put in an audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from craftpath.core import crypto, events
from craftpath.core.models import AuditEvent
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.credentials import problems as _problems  # noqa: F401  (registers messages)
from craftpath.credentials.models import STATUS_LIST_SIZE, IssuedCredential, IssuerKey, StatusListRecord
from craftpath.engines.credentials import (
    Ed25519KeyPair,
    StatusList,
    add_proof,
    build_skill_certificate,
    build_status_list_credential,
)
from craftpath.orgs.access import can_act_in
from craftpath.orgs.models import Organisation
from craftpath.registry import validation
from craftpath.registry.actions import load_catalogue
from craftpath.registry.models import Certificate, Member
from craftpath.taxonomy.models import Occupation

PURPOSES = ("revocation", "suspension")
_KEY_OBJECTS: dict[tuple[int, str], Ed25519KeyPair] = {}


def public_base_url() -> str:
    return str(getattr(settings, "CRAFTPATH_PUBLIC_URL", "http://localhost:8000")).rstrip("/")


def status_list_url(key: IssuerKey, purpose: str) -> str:
    return f"{public_base_url()}/credentials/status/{key.public_id}/{purpose}.json"


def key_pair(key: IssuerKey) -> Ed25519KeyPair:
    """The signing key object for an issuer key (unsealed once per process and reused)."""
    cache_key = (key.pk, hashlib.sha256(key.secret_sealed.encode()).hexdigest())
    pair = _KEY_OBJECTS.get(cache_key)
    if pair is None:
        pair = Ed25519KeyPair.from_multikey(crypto.unseal(key.secret_sealed), key.public_key_multibase)
        _KEY_OBJECTS[cache_key] = pair
    return pair


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _publish(record: StatusListRecord, bits: StatusList, pair: Ed25519KeyPair, now: dt.datetime) -> None:
    signed = build_status_list_credential(
        record.url, issuer=pair.did, purpose=record.purpose, status_list=bits, valid_from=now, key=pair
    )
    record.bits = bits.to_bytes()
    record.signed = _json(signed)
    record.etag = hashlib.sha256(record.signed.encode()).hexdigest()[:32]
    record.published_at = now


def _create_key(org: Organisation, now: dt.datetime) -> IssuerKey:
    pair = Ed25519KeyPair.generate()
    key = IssuerKey.objects.create(
        org=org,
        org_path=org.path,
        did=pair.did,
        public_key_multibase=pair.public_key_multibase,
        secret_sealed=crypto.seal(pair.secret_key_multibase()),
    )
    _KEY_OBJECTS[(key.pk, hashlib.sha256(key.secret_sealed.encode()).hexdigest())] = pair
    for purpose in PURPOSES:
        record = StatusListRecord(key=key, purpose=purpose, url=status_list_url(key, purpose))
        _publish(record, StatusList(STATUS_LIST_SIZE), pair, now)
        record.save()
    return key


def _retire_active(org: Organisation, now: dt.datetime) -> IssuerKey | None:
    old = IssuerKey.objects.select_for_update().filter(org=org, state=IssuerKey.State.ACTIVE).first()
    if old is not None:
        old.state, old.retired_at = IssuerKey.State.RETIRED, now
        old.save(update_fields=["state", "retired_at"])
    return old


def _lock_org(org: Organisation) -> None:
    """Key changes for one organisation happen one at a time: two first issues (or a rotation racing an
    issue) would otherwise both create an active key and the second would fail on the one-active rule."""
    Organisation.objects.select_for_update().only("pk").get(pk=org.pk)


@transaction.atomic
def do_rotate_issuer_key(actor: Any, org: Organisation) -> IssuerKey:
    """A new signing key for ``org``; the old one is retired but stays trusted for its certificates."""
    if actor is not None and not can_act_in(actor, org):
        raise NotFoundOrForbidden()
    _lock_org(org)
    now = timezone.now()
    old = _retire_active(org, now)
    key = _create_key(org, now)
    events.record(
        actor=actor,
        kind="update" if old else "create",
        action="rotate_issuer_key" if old else "create_issuer_key",
        object_type="issuer_key",
        object_id=str(key.public_id),
        org_path=org.path,
        before={"did": old.did} if old else None,
        after={"did": key.did},
    )
    return key


def _allocate(actor: Any, org: Organisation, count: int) -> tuple[IssuerKey, int, int]:
    """Reserve up to ``count`` status indices on the org's active key: (key, first, how many).

    The key row is locked, so concurrent issuers never get the same index. A full key is
    rotated (the new key's DID is added to the trusted list automatically).
    """
    _lock_org(org)
    key = IssuerKey.objects.select_for_update().filter(org=org, state=IssuerKey.State.ACTIVE).first()
    if key is None or key.next_index >= STATUS_LIST_SIZE:
        now = timezone.now()
        _retire_active(org, now)
        key = _create_key(org, now)
        events.record(
            actor=actor,
            kind="create",
            action="create_issuer_key",
            object_type="issuer_key",
            object_id=str(key.public_id),
            org_path=org.path,
            after={"did": key.did},
        )
        key = IssuerKey.objects.select_for_update().get(pk=key.pk)
    first = key.next_index
    taken = min(count, STATUS_LIST_SIZE - first)
    IssuerKey.objects.filter(pk=key.pk).update(next_index=first + taken)
    key.next_index = first + taken
    return key, first, taken


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


def certificate_number(key: IssuerKey, index: int, issued_on: dt.date) -> str:
    """``CP`` + year + issuer key number + status index: unique because (key, index) is."""
    return f"CP{issued_on:%Y}{key.pk:04d}{index:06d}"


@dataclass(frozen=True)
class Award:
    """One certificate to issue (the batch form of :func:`do_issue_certificate`'s arguments)."""

    member: Member
    occupation_code: str
    grade: int
    issued_on: dt.date


def _check(award: Award, catalogue: validation.Catalogue, today: dt.date, issuer: str) -> None:
    _, problems = validation.check_certificate(
        {
            "occupation_code": award.occupation_code,
            "grade": award.grade,
            "issued_on": award.issued_on,
            "number": "pending",
            "issuer": issuer,
            "how": "assessment",
        },
        catalogue,
        award.member.birth_date,
        today,
    )
    if problems:
        raise ProblemError(*problems)


def _may_issue(actor: Any, org: Organisation, member: Member) -> bool:
    if actor is None:  # batch commands run as the system
        return member.org_path.startswith(org.path)
    return can_act_in(actor, org) and member.org_path.startswith(org.path)


@transaction.atomic
def do_issue_certificate(
    actor: Any,
    member: Member,
    *,
    org: Organisation,
    occupation_code: str,
    grade: int,
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    source: str = "",
    catalogue: validation.Catalogue | None = None,
) -> IssuedCredential:
    """Sign a skill certificate and record it in the registry (``how="assessment"``) at once.

    The member's grade in the occupation changes immediately: the advancement engine reads the
    registry certificate on its next evaluation.
    """
    if not _may_issue(actor, org, member):
        raise NotFoundOrForbidden()
    award = Award(member, occupation_code, int(grade), issued_on or timezone.localdate())
    _check(award, catalogue or load_catalogue(), timezone.localdate(), org.name)
    if valid_until is not None and valid_until <= award.issued_on:
        # Valid from the issue date's midnight to valid_until's: it would be expired as it is signed.
        raise ProblemError(
            Problem(
                "credential.valid_until",
                {"value": valid_until.isoformat(), "issued_on": award.issued_on.isoformat()},
                "valid_until",
            )
        )
    issued = issue_batch(actor, org, [award], valid_until=valid_until, source=source)
    return issued[0]


def issue_batch(
    actor: Any,
    org: Organisation,
    awards: list[Award],
    *,
    valid_until: dt.date | None = None,
    source: str = "",
    now: dt.datetime | None = None,
    pdf_dir: Any = None,
) -> list[IssuedCredential]:
    """Issue many already-checked awards with bulk inserts and one reused key object.

    Callers check each award (``do_issue_certificate`` does; the benchmark builds valid data).
    With ``pdf_dir`` a PDF of each certificate is written there as ``<number>.pdf``.
    """
    from craftpath.engines.credentials import render_certificate_pdf

    now = now or timezone.now()
    created = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    names = dict(Occupation.objects.filter(code__in={a.occupation_code for a in awards}).values_list("code", "name"))
    out: list[IssuedCredential] = []
    pending = list(awards)
    with transaction.atomic():
        while pending:
            key, first, taken = _allocate(actor, org, len(pending))
            chunk, pending = pending[:taken], pending[taken:]
            pair = key_pair(key)
            urls = {p: status_list_url(key, p) for p in PURPOSES}
            certs: list[Certificate] = []
            rows: list[IssuedCredential] = []
            for offset, award in enumerate(chunk):
                index = first + offset
                number = certificate_number(key, index, award.issued_on)
                doc = build_skill_certificate(
                    certificate_number=number,
                    holder_name=award.member.name,
                    holder_id_masked=award.member.id_masked,
                    grade=award.grade,
                    occupation_code=award.occupation_code,
                    occupation_name=names.get(award.occupation_code, award.occupation_code),
                    issuer_id=key.did,
                    issuer_name=org.name,
                    issue_date=award.issued_on,
                    # Valid from local midnight of the issue date (never later than now): a
                    # certificate issued this morning in Beijing is valid at once, not at 08:00.
                    valid_from=min(_local_midnight(award.issued_on), now),
                    valid_until=_local_midnight(valid_until) if valid_until else None,
                    status_index=index,
                    revocation_list_url=urls["revocation"],
                    suspension_list_url=urls["suspension"],
                )
                signed = add_proof(doc, pair, created=created)
                text = _json(signed)
                certs.append(
                    Certificate(
                        member=award.member,
                        occupation_id=award.occupation_code,
                        grade=award.grade,
                        issuer=org.name[:160],
                        number=number,
                        issued_on=award.issued_on,
                        how=Certificate.How.ASSESSMENT,
                    )
                )
                rows.append(
                    IssuedCredential(
                        key=key,
                        member=award.member,
                        org_path=award.member.org_path,
                        number=number,
                        occupation_code=award.occupation_code,
                        grade=award.grade,
                        status_index=index,
                        document=text,
                        issued_at=now,
                        issued_by=actor if getattr(actor, "pk", None) else None,
                    )
                )
                if pdf_dir is not None:
                    (pdf_dir / f"{number}.pdf").write_bytes(render_certificate_pdf(signed))
            Certificate.objects.bulk_create(certs, batch_size=1000)
            if not all(c.pk for c in certs):  # backends without RETURNING ids
                by_number = dict(
                    Certificate.objects.filter(issuer=org.name[:160], number__in=[c.number for c in certs]).values_list(
                        "number", "pk"
                    )
                )
                for c in certs:
                    c.pk = by_number[c.number]
            for row, cert in zip(rows, certs, strict=True):
                row.certificate = cert
            IssuedCredential.objects.bulk_create(rows, batch_size=1000)
            # Like every registry change, a new certificate bumps the member's version so that an
            # edit form opened before it is refused rather than silently overwriting.
            Member.objects.filter(pk__in={a.member.pk for a in chunk}).update(version=F("version") + 1)
            audit = [
                AuditEvent(
                    actor=actor if getattr(actor, "pk", None) else None,
                    actor_label=getattr(actor, "username", "") or "system",
                    kind="create",
                    action="issue_certificate",
                    object_type="credential",
                    object_id=row.number,
                    org_path=row.org_path,
                    after={
                        "number": row.number,
                        "member": str(row.member.public_id),
                        "occupation": row.occupation_code,
                        "grade": row.grade,
                        "issuer": key.did,
                        "source": source[:120],
                    },
                )
                for row in rows
            ]
            events.record_many(audit)
            out.extend(rows)
    return out


def _set_bit(credential: IssuedCredential, purpose: str, value: bool) -> None:
    record = StatusListRecord.objects.select_for_update().get(key_id=credential.key_id, purpose=purpose)
    bits = StatusList(data=bytes(record.bits))
    bits.set(credential.status_index, value)
    record.version += 1
    _publish(record, bits, key_pair(credential.key), timezone.now())
    record.save(update_fields=["bits", "signed", "etag", "version", "published_at"])


def _guard(actor: Any, credential: IssuedCredential) -> IssuedCredential:
    from craftpath.credentials.access import may_manage_credential

    if not may_manage_credential(actor, credential):
        raise NotFoundOrForbidden()
    return IssuedCredential.objects.select_for_update().select_related("key").get(pk=credential.pk)


def _change(actor: Any, current: IssuedCredential, action: str, before: str, reason: str) -> IssuedCredential:
    current.state_reason = reason[:255]
    current.save(update_fields=["state", "state_reason", "updated_at"])
    events.record(
        actor=actor,
        kind="update",
        action=action,
        object_type="credential",
        object_id=current.number,
        org_path=current.org_path,
        before={"state": before},
        after={"state": current.state, "reason": reason[:200]},
    )
    return current


@transaction.atomic
def do_revoke_credential(actor: Any, credential: IssuedCredential, *, reason: str) -> IssuedCredential:
    """Revoke for good: the revocation bit is set and the registry certificate is marked revoked,
    so the grade no longer counts for advancement. Both records are kept."""
    current = _guard(actor, credential)
    if current.state == IssuedCredential.State.REVOKED:
        raise ProblemError(Problem("credential.already_revoked", {"value": current.number}))
    if not reason.strip():
        raise ProblemError(Problem("credential.reason_required", {}, "reason"))
    before = current.state
    _set_bit(current, "revocation", True)
    current.state = IssuedCredential.State.REVOKED
    if current.certificate_id is not None:
        # Kept for the record, never counted again (Certificate.objects hides revoked rows).
        Certificate.all_objects.filter(pk=current.certificate_id).update(
            revoked_on=timezone.localdate(), revoked_reason=reason.strip()[:255]
        )
    return _change(actor, current, "revoke_certificate", before, reason)


@transaction.atomic
def do_suspend_credential(actor: Any, credential: IssuedCredential, *, reason: str) -> IssuedCredential:
    current = _guard(actor, credential)
    if current.state != IssuedCredential.State.VALID:
        raise ProblemError(Problem("credential.state", {"value": current.get_state_display()}))
    if not reason.strip():
        raise ProblemError(Problem("credential.reason_required", {}, "reason"))
    _set_bit(current, "suspension", True)
    current.state = IssuedCredential.State.SUSPENDED
    return _change(actor, current, "suspend_certificate", "valid", reason)


@transaction.atomic
def do_unsuspend_credential(actor: Any, credential: IssuedCredential, *, reason: str = "") -> IssuedCredential:
    current = _guard(actor, credential)
    if current.state != IssuedCredential.State.SUSPENDED:
        raise ProblemError(Problem("credential.state", {"value": current.get_state_display()}))
    _set_bit(current, "suspension", False)
    current.state = IssuedCredential.State.VALID
    return _change(actor, current, "unsuspend_certificate", "suspended", reason)
