"""Reads: the trusted issuer list, published status lists, and verifying an upload."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from craftpath.credentials.models import IssuerKey, StatusListRecord
from craftpath.engines.credentials import (
    MAX_CREDENTIAL_BYTES,
    TrustedIssuer,
    TrustedIssuers,
    Verdict,
    VerdictCode,
    extract_credential_from_pdf,
    verify_credential,
)
from craftpath.engines.credentials.errors import CredentialError

# A certificate PDF is about 41 KB; anything far larger is refused before it is parsed.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def trusted_issuers() -> TrustedIssuers:
    """This federation's issuer DIDs, active and retired: old certificates stay verifiable."""
    return TrustedIssuers(
        TrustedIssuer(did, name=name) for did, name in IssuerKey.objects.values_list("did", "org__name")
    )


def trust_list_json() -> dict[str, Any]:
    """The trust list in the ``craftpath verify --trusted`` format, for offline verifiers."""
    return {
        "issuers": [
            {"id": did, "name": name, "state": state}
            for did, name, state in IssuerKey.objects.values_list("did", "org__name", "state")
        ]
    }


def status_lists_for(credential: Any) -> list[dict[str, Any]]:
    """The current signed status lists a credential points to (from the database, no network)."""
    entries = credential.get("credentialStatus") if isinstance(credential, dict) else None
    if isinstance(entries, dict):
        entries = [entries]
    urls = [e.get("statusListCredential") for e in entries or [] if isinstance(e, dict)]
    urls = [u for u in urls if isinstance(u, str)]
    return [json.loads(text) for text in StatusListRecord.objects.filter(url__in=urls).values_list("signed", flat=True)]


def _malformed(zh: str, en: str) -> Verdict:
    return Verdict(VerdictCode.MALFORMED, f"格式错误：{zh}", f"malformed: {en}")


def verify_upload(data: bytes, *, now: dt.datetime) -> Verdict:
    """Verify a credential JSON or certificate PDF against this federation's keys and lists.

    Never raises: anything wrong with the input becomes a verdict in Chinese and English.
    """
    if not data or not data.strip():
        return _malformed("没有收到内容", "nothing was received")
    if len(data) > MAX_UPLOAD_BYTES:
        return _malformed(
            f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），证书 PDF 通常约 40 KB",
            f"the file is too large (limit {MAX_UPLOAD_BYTES // 1024 // 1024} MB); a certificate PDF is about 40 KB",
        )
    credential: Any
    if data.lstrip()[:5] == b"%PDF-":
        try:
            credential = extract_credential_from_pdf(data)
        except CredentialError as exc:
            return _malformed(exc.zh, exc.en)
        except Exception as exc:  # a verifier answers, it does not crash
            return _malformed(f"PDF 无法读取（{type(exc).__name__}）", f"the PDF cannot be read ({type(exc).__name__})")
    else:
        if len(data) > MAX_CREDENTIAL_BYTES:
            return _malformed("凭证 JSON 超过 1 MB", "the credential JSON is larger than 1 MB")
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            parsed = None
        # The engine parses the exact bytes again, strictly (duplicate keys, NaN …).
        return verify_credential(
            data, trusted_issuers=trusted_issuers(), status_lists=status_lists_for(parsed), now=now
        )
    return verify_credential(
        credential, trusted_issuers=trusted_issuers(), status_lists=status_lists_for(credential), now=now
    )
