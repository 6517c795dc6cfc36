"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa §3.3).

Signing (Create Proof):

1. proof config = the proof options without ``proofValue``; if the document has an
   ``@context`` the config gets the same ``@context``;
2. canonicalize the document (without ``proof``) and the config with JCS (RFC 8785);
3. hash data = SHA-256(canonical config) ‖ SHA-256(canonical document) — 64 bytes;
4. ``proofValue`` = multibase base58btc (``z…``) of the Ed25519 signature of the hash data.

Verification runs the same steps from the received proof; if the proof has an ``@context``
the document's ``@context`` must start with the same values, in order.

Examples:
    >>> kp = Ed25519KeyPair.from_seed(bytes(32))
    >>> doc = add_proof({"@context": ["https://www.w3.org/ns/credentials/v2"], "x": "一"},
    ...                 kp, created="2026-01-01T00:00:00Z")
    >>> doc["proof"]["proofValue"][:1], verify_proof(doc).verified
    ('z', True)
    >>> doc["x"] = "二"
    >>> verify_proof(doc).code
    'tampered'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature

from .errors import CredentialError, MalformedCredential
from .jcs import canonicalize
from .keys import (
    Ed25519KeyPair,
    ResolvedKey,
    b58decode,
    public_key_from_multikey,
    resolve_verification_method,
)

__all__ = [
    "CRYPTOSUITE",
    "ProofCheck",
    "add_proof",
    "create_proof",
    "format_datetime",
    "hash_data",
    "parse_datetime",
    "proof_configuration",
    "verify_proof",
]

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def format_datetime(value: dt.datetime | dt.date | str) -> str:
    """XML Schema dateTime in UTC, seconds precision: ``2026-01-01T08:00:00Z``.

    Naive datetimes are taken as UTC; dates as midnight UTC.

    Examples:
        >>> format_datetime(dt.datetime(2026, 1, 1, 16, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        '2026-01-01T08:00:00Z'
    """
    if isinstance(value, str):
        parse_datetime(value)
        return value
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: Any) -> dt.datetime:
    """Parse an XML Schema dateTime with a time zone into an aware datetime.

    Raises:
        MalformedCredential: not a string in that format.

    Examples:
        >>> parse_datetime("2023-02-24T23:36:38Z").isoformat()
        '2023-02-24T23:36:38+00:00'
    """
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise MalformedCredential(f"日期时间格式错误：{value!r}", f"bad dateTime: {value!r}")
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedCredential(f"日期时间格式错误：{value!r}", f"bad dateTime: {value!r}") from exc


def proof_configuration(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: dt.datetime | str | None,
    proof_purpose: str = "assertionMethod",
    expires: dt.datetime | str | None = None,
) -> dict[str, Any]:
    """The proof options (no ``proofValue``) that get canonicalized and signed."""
    config: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE}
    if created is not None:
        config["created"] = format_datetime(created)
    if expires is not None:
        config["expires"] = format_datetime(expires)
    config["verificationMethod"] = verification_method
    config["proofPurpose"] = proof_purpose
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(canonical_document: bytes, canonical_proof_config: bytes) -> bytes:
    """SHA-256(proof config) ‖ SHA-256(document), the 64 bytes that are signed."""
    return hashlib.sha256(canonical_proof_config).digest() + hashlib.sha256(canonical_document).digest()


def create_proof(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    *,
    created: dt.datetime | str | None,
    proof_purpose: str = "assertionMethod",
    expires: dt.datetime | str | None = None,
) -> dict[str, Any]:
    """Return the ``proof`` object for an unsecured document (which must have no ``proof``).

    Args:
        document: the credential without ``proof``.
        key: signing key; its ``verification_method`` goes into the proof.
        created: proof creation time (engines never read the clock); None omits it.
        proof_purpose: normally ``assertionMethod``.
        expires: optional proof expiry.

    Raises:
        MalformedCredential: the document already has a proof or is not canonicalizable.
    """
    if "proof" in document:
        raise MalformedCredential("文档已有 proof", "document already has a proof")
    config = proof_configuration(
        document,
        verification_method=key.verification_method,
        created=created,
        proof_purpose=proof_purpose,
        expires=expires,
    )
    signature = key.sign(hash_data(canonicalize(document), canonicalize(config)))
    config["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return config


def add_proof(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    *,
    created: dt.datetime | str | None,
    proof_purpose: str = "assertionMethod",
    expires: dt.datetime | str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-jcs-2022`` proof added.

    Args: see :func:`create_proof`.
    """
    signed = dict(document)
    signed["proof"] = create_proof(document, key, created=created, proof_purpose=proof_purpose, expires=expires)
    return signed


@dataclass(frozen=True)
class ProofCheck:
    """Outcome of checking one proof.

    Attributes:
        code: ``valid``, ``tampered``, ``malformed``, ``unsupported`` or ``unknown_issuer``
            (the key could not be resolved offline).
        zh: reason in Chinese.
        en: reason in English.
        key: the resolved verification method, if it was resolved.
        created: ``proof.created`` if present.
        expires: ``proof.expires`` if present.
    """

    code: str
    zh: str
    en: str
    key: ResolvedKey | None = None
    created: dt.datetime | None = None
    expires: dt.datetime | None = None

    @property
    def verified(self) -> bool:
        """True only when the signature checked out."""
        return self.code == "valid"


def _fail(code: str, zh: str, en: str, key: ResolvedKey | None = None) -> ProofCheck:
    return ProofCheck(code, zh, en, key)


def verify_proof(
    document: Mapping[str, Any],
    *,
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    expected_purpose: str = "assertionMethod",
    max_document_bytes: int | None = None,
) -> ProofCheck:
    """Verify the single ``eddsa-jcs-2022`` proof on a secured document. Never raises.

    Args:
        document: the secured document (a parsed JSON object).
        did_documents: DID documents for non-``did:key`` verification methods.
        expected_purpose: the proof purpose the caller requires.
        max_document_bytes: reject (``malformed``) documents whose canonical form is larger.
    """
    try:
        return _verify(document, did_documents, expected_purpose, max_document_bytes)
    except CredentialError as exc:
        return _fail(exc.code, exc.zh, exc.en)
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:
        return _fail("malformed", f"结构错误：{exc}", f"malformed structure: {exc}")


def _verify(
    document: Mapping[str, Any],
    did_documents: Mapping[str, Mapping[str, Any]] | None,
    expected_purpose: str,
    max_document_bytes: int | None = None,
) -> ProofCheck:
    if not isinstance(document, Mapping):
        return _fail("malformed", "文档不是 JSON 对象", "document is not a JSON object")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            return _fail(
                "unsupported",
                "只支持恰好一个 proof",
                "exactly one proof is supported",
            )
        proof = proof[0]
    if proof is None:
        return _fail("malformed", "缺少 proof（未签名）", "proof is missing (not signed)")
    if not isinstance(proof, dict):
        return _fail("malformed", "proof 不是 JSON 对象", "proof is not a JSON object")
    if proof.get("type") != PROOF_TYPE:
        return _fail(
            "unsupported",
            f"不支持的证明类型：{proof.get('type')!r}",
            f"unsupported proof type: {proof.get('type')!r}",
        )
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return _fail(
            "unsupported",
            f"不支持的密码套件：{proof.get('cryptosuite')!r}（只支持 {CRYPTOSUITE}）",
            f"unsupported cryptosuite: {proof.get('cryptosuite')!r} (only {CRYPTOSUITE})",
        )
    if proof.get("proofPurpose") != expected_purpose:
        return _fail(
            "unsupported",
            f"证明用途不是 {expected_purpose}",
            f"proof purpose is not {expected_purpose}",
        )
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return _fail(
            "malformed",
            "proofValue 缺失或不是 base58btc 多基编码",
            "proofValue missing or not multibase base58btc",
        )
    try:
        key = resolve_verification_method(proof.get("verificationMethod", ""), did_documents)
    except LookupError:
        return _fail(
            "unknown_issuer",
            f"无法在本地解析验证方法 {proof.get('verificationMethod')!r}（不联网）",
            f"verification method {proof.get('verificationMethod')!r} cannot be resolved locally (no network lookups)",
        )
    try:
        signature = b58decode(proof_value[1:])
    except ValueError:
        signature = b""
    if len(signature) != 64:
        return _fail("tampered", "签名值已损坏", "signature value is corrupted", key)

    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in options:
        doc_ctx, proof_ctx = document.get("@context"), options["@context"]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        if doc_list[: len(proof_list)] != proof_list:
            return _fail(
                "tampered",
                "文档的 @context 与证明中的不一致",
                "document @context does not match the proof's",
                key,
            )
        unsecured["@context"] = proof_ctx
    canonical_document = canonicalize(unsecured)
    if max_document_bytes is not None and len(canonical_document) > max_document_bytes:
        return _fail(
            "malformed",
            f"输入过大（上限 {max_document_bytes} 字节）",
            f"input too large (limit {max_document_bytes} bytes)",
        )
    data = hash_data(canonical_document, canonicalize(options))
    try:
        public_key_from_multikey(key.public_key_multibase).verify(signature, data)
    except InvalidSignature:
        return _fail(
            "tampered",
            "签名不匹配：凭证内容或证明被改动",
            "signature mismatch: the credential or its proof was altered",
            key,
        )
    # Dates are covered by the signature, so they are parsed only once it checked out.
    created = parse_datetime(proof["created"]) if "created" in proof else None
    expires = parse_datetime(proof["expires"]) if "expires" in proof else None
    return ProofCheck("valid", "签名有效", "signature is valid", key, created, expires)
