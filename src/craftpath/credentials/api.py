from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from craftpath.core.problems import NotFoundOrForbidden
from craftpath.credentials import actions, queries
from craftpath.credentials.access import (
    access_credential_by_public_id,
    credentials_visible_to,
    issuer_keys_visible_to,
)
from craftpath.credentials.models import IssuedCredential, IssuerKey
from craftpath.orgs.access import access_organisation_by_code
from craftpath.registry.access import access_member_by_public_id

router = Router()


class IssueIn(Schema):
    member_id: uuid.UUID
    occupation_code: str
    grade: int
    org_code: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


class CredentialOut(Schema):
    public_id: uuid.UUID
    number: str
    member_id: uuid.UUID
    occupation_code: str
    grade: int
    issuer: str
    state: str
    state_reason: str
    issued_at: dt.datetime
    document: dict[str, Any]


def _out(c: IssuedCredential) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "number": c.number,
        "member_id": c.member.public_id,
        "occupation_code": c.occupation_code,
        "grade": c.grade,
        "issuer": c.key.did,
        "state": c.state,
        "state_reason": c.state_reason,
        "issued_at": c.issued_at,
        "document": json.loads(c.document),
    }


class ReasonIn(Schema):
    reason: str = ""


class VerifyIn(Schema):
    credential: dict[str, Any] | str


class VerdictOut(Schema):
    code: str
    zh: str
    en: str
    crypto_valid: bool | None
    issuer_trusted: bool
    detail: dict[str, Any]


@router.post("/verify", response=VerdictOut, auth=None, summary="Verify a credential (public, no account)")
def verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    raw = payload.credential
    data = raw.encode("utf-8") if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False).encode("utf-8")
    verdict = queries.verify_upload(data, now=timezone.now())
    return {
        "code": str(verdict.code),
        "zh": verdict.zh,
        "en": verdict.en,
        "crypto_valid": verdict.crypto_valid,
        "issuer_trusted": verdict.issuer_trusted,
        "detail": verdict.to_json(),
    }


class KeyOut(Schema):
    public_id: uuid.UUID
    org_code: str
    did: str
    state: str
    created_at: dt.datetime
    retired_at: dt.datetime | None
    revocation_list: str
    suspension_list: str


class RotateIn(Schema):
    org_code: str | None = None


def _key(k: IssuerKey) -> dict[str, Any]:
    return {
        "public_id": k.public_id,
        "org_code": k.org.code,
        "did": k.did,
        "state": k.state,
        "created_at": k.created_at,
        "retired_at": k.retired_at,
        "revocation_list": actions.status_list_url(k, "revocation"),
        "suspension_list": actions.status_list_url(k, "suspension"),
    }


@router.get("/keys", response=list[KeyOut], summary="Issuer keys of my organisation and those below it")
def list_keys(request: HttpRequest) -> list[dict[str, Any]]:
    return [_key(k) for k in issuer_keys_visible_to(request.user).select_related("org")[:200]]


@router.post("/keys/rotate", response={201: KeyOut}, summary="Rotate a signing key (old certificates stay valid)")
def rotate_key(request: HttpRequest, payload: RotateIn) -> Status[Any]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    return Status(201, _key(actions.do_rotate_issuer_key(user, org)))


@router.post("/issue", response={201: CredentialOut}, summary="Issue a signed certificate (and its registry record)")
def issue(request: HttpRequest, payload: IssueIn) -> Status[Any]:
    user: Any = request.user
    if user.role != "union_staff":
        raise NotFoundOrForbidden()
    member = access_member_by_public_id(user, payload.member_id)
    org = access_organisation_by_code(user, payload.org_code) if payload.org_code else user.org
    issued = actions.do_issue_certificate(
        user,
        member,
        org=org,
        occupation_code=payload.occupation_code,
        grade=payload.grade,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        source="api",
    )
    return Status(201, _out(issued))


@router.get("", response=list[CredentialOut], summary="Certificates I may see")
def list_credentials(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    qs = credentials_visible_to(request.user).select_related("member", "key")[: max(1, min(limit, 500))]
    return [_out(c) for c in qs]


@router.get("/{public_id}", response=CredentialOut)
def get_credential(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _out(access_credential_by_public_id(request.user, public_id))


@router.post("/{public_id}/revoke", response=CredentialOut)
def revoke(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    credential = access_credential_by_public_id(request.user, public_id)
    return _out(actions.do_revoke_credential(request.user, credential, reason=payload.reason))


@router.post("/{public_id}/suspend", response=CredentialOut)
def suspend(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    credential = access_credential_by_public_id(request.user, public_id)
    return _out(actions.do_suspend_credential(request.user, credential, reason=payload.reason))


@router.post("/{public_id}/unsuspend", response=CredentialOut)
def unsuspend(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    credential = access_credential_by_public_id(request.user, public_id)
    return _out(actions.do_unsuspend_credential(request.user, credential, reason=payload.reason))
