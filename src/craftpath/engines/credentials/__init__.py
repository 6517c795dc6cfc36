"""Verifiable skill-grade certificates (技能等级证书): sign, check status, verify, print.

Framework-free: no Django, no network, no clock (callers pass ``now``/``created``).

Certificates are W3C Verifiable Credentials 2.0, Open Badges 3.0 compatible
(``OpenBadgeCredential``), secured with a Data Integrity proof using the ``eddsa-jcs-2022``
cryptosuite (Ed25519 over JCS, RFC 8785), with revocation and suspension through W3C
Bitstring Status Lists. See ``docs/credentials.md``.

Public API:

Keys
    :class:`Ed25519KeyPair` (``generate``, ``from_seed``, ``from_multikey``, ``sign``,
    ``did_document``), :func:`resolve_verification_method` (``did:key`` and locally supplied
    DID documents), :func:`multibase_encode`, :func:`multibase_decode`.
Proofs
    :func:`add_proof`, :func:`create_proof`, :func:`verify_proof` → :class:`ProofCheck`,
    :func:`canonicalize` (JCS), :func:`hash_data`, :func:`proof_configuration`.
Certificates
    :func:`build_skill_certificate`, :func:`certificate_summary`, :func:`mask_resident_id`.
Status
    :class:`StatusList`, :func:`status_entry`, :func:`build_status_list_credential`,
    :class:`StatusListStore`.
Verification
    :func:`verify_credential` → :class:`Verdict` (:class:`VerdictCode`),
    :class:`TrustedIssuers`, :class:`TrustedIssuer`, :func:`parse_credential_json`.
PDF
    :func:`render_certificate_pdf`, :func:`extract_credential_from_pdf`, :func:`verify_pdf`,
    :func:`encode_qr_payload`, :func:`decode_qr_payload`, :func:`missing_glyphs`.
Command
    :func:`run_verify` (``craftpath verify``).

Examples:
    >>> import datetime as dt
    >>> key = Ed25519KeyPair.from_seed(bytes(32))
    >>> cert = build_skill_certificate(
    ...     certificate_number="S1", holder_name="李四", holder_id_masked="110105********002X",
    ...     grade=4, occupation_code="6-31-01-03", occupation_name="电工",
    ...     issuer_id=key.did, issuer_name="某市总工会", issue_date=dt.date(2026, 11, 20))
    >>> signed = add_proof(cert, key, created="2026-11-20T00:00:00Z")
    >>> verdict = verify_credential(signed, trusted_issuers=[key.did],
    ...                             now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    >>> verdict.code, verdict.crypto_valid, verdict.issuer_trusted
    (<VerdictCode.VALID: 'valid'>, True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .certificate import (
    ALLOWED_CONTEXTS,
    OB3_CONTEXT,
    VC_V2_CONTEXT,
    build_skill_certificate,
    certificate_summary,
    mask_resident_id,
)
from .command import run_verify
from .errors import CredentialError, MalformedCredential, UnsupportedCredential
from .jcs import canonicalize
from .keys import (
    Ed25519KeyPair,
    ResolvedKey,
    multibase_decode,
    multibase_encode,
    public_key_from_multikey,
    resolve_verification_method,
)
from .pdf import (
    decode_qr_payload,
    encode_qr_payload,
    extract_credential_from_pdf,
    missing_glyphs,
    render_certificate_pdf,
)
from .proofs import (
    CRYPTOSUITE,
    ProofCheck,
    add_proof,
    create_proof,
    hash_data,
    proof_configuration,
    verify_proof,
)
from .status import (
    MIN_STATUS_LIST_SIZE,
    StatusList,
    StatusListStore,
    build_status_list_credential,
    status_entry,
)
from .verify import (
    MAX_CREDENTIAL_BYTES,
    StatusCheck,
    TrustedIssuer,
    TrustedIssuers,
    Verdict,
    VerdictCode,
    parse_credential_json,
    verify_credential,
)

__all__ = [
    "ALLOWED_CONTEXTS",
    "CRYPTOSUITE",
    "MAX_CREDENTIAL_BYTES",
    "MIN_STATUS_LIST_SIZE",
    "OB3_CONTEXT",
    "VC_V2_CONTEXT",
    "CredentialError",
    "Ed25519KeyPair",
    "MalformedCredential",
    "ProofCheck",
    "ResolvedKey",
    "StatusCheck",
    "StatusList",
    "StatusListStore",
    "TrustedIssuer",
    "TrustedIssuers",
    "UnsupportedCredential",
    "Verdict",
    "VerdictCode",
    "add_proof",
    "build_skill_certificate",
    "build_status_list_credential",
    "canonicalize",
    "certificate_summary",
    "create_proof",
    "decode_qr_payload",
    "encode_qr_payload",
    "extract_credential_from_pdf",
    "hash_data",
    "mask_resident_id",
    "missing_glyphs",
    "multibase_decode",
    "multibase_encode",
    "parse_credential_json",
    "proof_configuration",
    "public_key_from_multikey",
    "render_certificate_pdf",
    "resolve_verification_method",
    "run_verify",
    "status_entry",
    "verify_credential",
    "verify_pdf",
    "verify_proof",
]


def verify_pdf(
    data: bytes,
    *,
    trusted_issuers: TrustedIssuers | Iterable[TrustedIssuer | str] | None,
    status_lists: StatusListStore | Iterable[Mapping[str, Any]] | None = None,
    now: dt.datetime,
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    max_status_age: dt.timedelta | None = None,
) -> Verdict:
    """Verify the credential embedded in a certificate PDF. Never raises.

    A PDF without an embedded credential (or not a PDF at all) gets a ``malformed`` verdict.
    Other arguments as for :func:`verify_credential`.
    """
    try:
        credential = extract_credential_from_pdf(data)
    except CredentialError as exc:
        return Verdict(VerdictCode(exc.code), f"格式错误：{exc.zh}", f"malformed: {exc.en}")
    except Exception as exc:  # a verifier must answer, not crash
        return Verdict(
            VerdictCode.MALFORMED,
            f"格式错误：PDF 无法读取（{type(exc).__name__}）",
            f"malformed: PDF cannot be read ({type(exc).__name__})",
        )
    return verify_credential(
        credential,
        trusted_issuers=trusted_issuers,
        status_lists=status_lists,
        now=now,
        did_documents=did_documents,
        max_status_age=max_status_age,
    )
