"""Verify a certificate offline and explain the result in Chinese and English.

:func:`verify_credential` never raises and never reports ``valid`` unless every check
passed. Cryptographic validity (``crypto_valid``) and issuer trust (``issuer_trusted``) are
reported separately: the W3C ``signedJCS.json`` vector is cryptographically valid, but its
issuer is on nobody's trusted list, so its verdict is ``unknown_issuer`` with
``crypto_valid=True`` and ``issuer_trusted=False``.

Order of checks (the first failure decides the code): size and JSON (``malformed``) → proof
(``tampered`` / ``unsupported`` / ``unknown_issuer`` when the key cannot be resolved) →
structure and ``@context`` (``malformed`` / ``unsupported``) → validity window (``not_yet_valid`` /
``expired``) → status lists (``revoked`` before ``suspended`` before ``status_unavailable``)
→ trust (``unknown_issuer``) → ``valid``.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.credentials import Ed25519KeyPair, add_proof
    >>> kp = Ed25519KeyPair.from_seed(bytes(32))
    >>> doc = add_proof({"@context": [VC_V2_CONTEXT], "type": ["VerifiableCredential"],
    ...                  "issuer": kp.did, "credentialSubject": {"name": "张三"}},
    ...                 kp, created="2026-01-01T00:00:00Z")
    >>> now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    >>> verify_credential(doc, trusted_issuers=[kp.did], now=now).code.value
    'valid'
    >>> v = verify_credential(doc, trusted_issuers=[], now=now)
    >>> v.code.value, v.crypto_valid, v.issuer_trusted
    ('unknown_issuer', True, False)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .certificate import ALLOWED_CONTEXTS, VC_V2_CONTEXT, certificate_summary
from .errors import CredentialError, MalformedCredential
from .keys import ResolvedKey, resolve_verification_method
from .proofs import parse_datetime, verify_proof
from .status import StatusListStore

__all__ = [
    "MAX_CREDENTIAL_BYTES",
    "StatusCheck",
    "TrustedIssuer",
    "TrustedIssuers",
    "Verdict",
    "VerdictCode",
    "parse_credential_json",
    "verify_credential",
]

MAX_CREDENTIAL_BYTES = 1_000_000


class VerdictCode(StrEnum):
    """What a verifier concludes about a credential."""

    VALID = "valid"
    TAMPERED = "tampered"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    UNKNOWN_ISSUER = "unknown_issuer"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    STATUS_UNAVAILABLE = "status_unavailable"


HEADLINES: dict[VerdictCode, tuple[str, str]] = {
    VerdictCode.VALID: ("有效", "valid"),
    VerdictCode.TAMPERED: ("已被篡改（签名不匹配）", "tampered (signature mismatch)"),
    VerdictCode.REVOKED: ("已撤销", "revoked"),
    VerdictCode.SUSPENDED: ("已暂停", "suspended"),
    VerdictCode.UNKNOWN_ISSUER: ("签发机构未知或不可信", "unknown or untrusted issuer"),
    VerdictCode.EXPIRED: ("已过期", "expired"),
    VerdictCode.NOT_YET_VALID: ("尚未生效", "not yet valid"),
    VerdictCode.MALFORMED: ("格式错误", "malformed"),
    VerdictCode.UNSUPPORTED: ("不受支持", "unsupported"),
    VerdictCode.STATUS_UNAVAILABLE: ("无法确认状态", "status unavailable"),
}


@dataclass(frozen=True)
class TrustedIssuer:
    """One issuer the verifier trusts.

    Attributes:
        id: issuer id as it appears in credentials (``did:web:…``, ``did:key:…`` or a URL).
        name: display name.
        did_document: the issuer's DID document, supplied locally (``did:web`` is never fetched).
        verification_methods: extra verification method ids allowed to sign for this issuer.
    """

    id: str
    name: str | None = None
    did_document: Mapping[str, Any] | None = None
    verification_methods: frozenset[str] = frozenset()

    def authorizes(self, key: ResolvedKey) -> bool:
        """Whether ``key`` may sign credentials for this issuer."""
        if key.id in self.verification_methods:
            return True
        if self.id.startswith("did:key:"):
            return key.controller == self.id
        if self.did_document is not None:
            if key.id.partition("#")[0] != self.id:
                return False
            try:
                resolved = resolve_verification_method(key.id, {self.id: self.did_document})
            except (LookupError, CredentialError):
                return False
            return resolved.authorized and resolved.public_key_multibase == key.public_key_multibase
        return False


class TrustedIssuers:
    """The verifier's trust list; also a source of DID documents for key resolution.

    Examples:
        >>> t = TrustedIssuers.from_json({"issuers": [{"id": "did:key:z6Mk1", "name": "甲"}]})
        >>> "did:key:z6Mk1" in t, t.get("did:key:z6Mk1").name
        (True, '甲')
    """

    def __init__(self, issuers: Iterable[TrustedIssuer | str] = ()) -> None:
        self._by_id: dict[str, TrustedIssuer] = {}
        for item in issuers:
            issuer = TrustedIssuer(item) if isinstance(item, str) else item
            self._by_id[issuer.id] = issuer

    def __contains__(self, issuer_id: object) -> bool:
        return issuer_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, issuer_id: str) -> TrustedIssuer | None:
        """The entry for ``issuer_id``, if trusted."""
        return self._by_id.get(issuer_id)

    def did_documents(self) -> dict[str, Mapping[str, Any]]:
        """DID documents of the trusted issuers, keyed by DID."""
        return {i.id: i.did_document for i in self._by_id.values() if i.did_document is not None}

    @classmethod
    def from_json(cls, data: Any) -> TrustedIssuers:
        """Load ``{"issuers": [{"id", "name"?, "didDocument"?, "verificationMethods"?}]}``.

        A bare list of such objects or of issuer id strings is accepted too.

        Raises:
            MalformedCredential: wrong shape.
        """
        items = data.get("issuers") if isinstance(data, Mapping) else data
        if not isinstance(items, list):
            raise MalformedCredential("信任列表格式错误", "trust list must be a list of issuers")
        out: list[TrustedIssuer] = []
        for item in items:
            if isinstance(item, str):
                out.append(TrustedIssuer(item))
                continue
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                raise MalformedCredential("信任列表条目缺少 id", "trust list entry lacks an id")
            doc = item.get("didDocument")
            vms = item.get("verificationMethods", [])
            out.append(
                TrustedIssuer(
                    id=item["id"],
                    name=item.get("name") if isinstance(item.get("name"), str) else None,
                    did_document=doc if isinstance(doc, Mapping) else None,
                    verification_methods=frozenset(v for v in vms if isinstance(v, str)),
                )
            )
        return cls(out)


@dataclass(frozen=True)
class StatusCheck:
    """Result of one ``credentialStatus`` entry.

    Attributes:
        purpose: ``revocation``, ``suspension``, ….
        list_url: the status list credential URL.
        index: the entry's index.
        is_set: whether the bit is set (None if the list was unavailable).
        as_of: when the list was last known current: its ``validFrom``, or when the verifier
            fetched it if that is later and known.
        age: ``now - as_of``.
        problem: why the entry could not be checked, ``(zh, en)``.
    """

    purpose: str
    list_url: str
    index: int | None
    is_set: bool | None
    as_of: dt.datetime | None = None
    age: dt.timedelta | None = None
    problem: tuple[str, str] | None = None


@dataclass(frozen=True)
class Verdict:
    """The verifier's conclusion.

    Attributes:
        code: the verdict code.
        zh: reason in Chinese.
        en: reason in English.
        crypto_valid: the signature verified (False: it did not; None: it could not be checked).
        issuer_trusted: the issuer is on the trusted list AND the signing key is authorized for it.
        issuer: issuer id claimed by the credential.
        issuer_name: issuer name (from the trust list, else from the credential).
        verification_method: key that signed the proof.
        key_controller_is_issuer: the signing key is controlled by the claimed issuer.
        status: one entry per ``credentialStatus``.
        warnings: extra notes ``(zh, en)``.
        summary: display fields of the certificate (see ``certificate_summary``).
    """

    code: VerdictCode
    zh: str
    en: str
    crypto_valid: bool | None = None
    issuer_trusted: bool = False
    issuer: str | None = None
    issuer_name: str | None = None
    verification_method: str | None = None
    key_controller_is_issuer: bool | None = None
    status: tuple[StatusCheck, ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()
    summary: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Everything checked out, including issuer trust."""
        return self.code is VerdictCode.VALID

    @property
    def authentic(self) -> bool:
        """Signature valid and not revoked/suspended/expired; the issuer may still be untrusted."""
        return self.crypto_valid is True and self.code in (
            VerdictCode.VALID,
            VerdictCode.UNKNOWN_ISSUER,
        )

    @property
    def status_as_of(self) -> dt.datetime | None:
        """Oldest status list snapshot used."""
        times = [s.as_of for s in self.status if s.as_of is not None]
        return min(times) if times else None

    @property
    def status_age(self) -> dt.timedelta | None:
        """Age of the oldest status list snapshot used."""
        ages = [s.age for s in self.status if s.age is not None]
        return max(ages) if ages else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        age = self.status_age
        as_of = self.status_as_of
        return {
            "verdict": self.code.value,
            "reason": {"zh": self.zh, "en": self.en},
            "cryptoValid": self.crypto_valid,
            "issuerTrusted": self.issuer_trusted,
            "issuer": self.issuer,
            "issuerName": self.issuer_name,
            "verificationMethod": self.verification_method,
            "keyControllerIsIssuer": self.key_controller_is_issuer,
            "statusAsOf": as_of.isoformat() if as_of else None,
            "statusAgeSeconds": int(age.total_seconds()) if age is not None else None,
            "status": [
                {
                    "purpose": s.purpose,
                    "statusListCredential": s.list_url,
                    "index": s.index,
                    "set": s.is_set,
                    "asOf": s.as_of.isoformat() if s.as_of else None,
                    "ageSeconds": int(s.age.total_seconds()) if s.age is not None else None,
                    "problem": {"zh": s.problem[0], "en": s.problem[1]} if s.problem else None,
                }
                for s in self.status
            ],
            "warnings": [{"zh": zh, "en": en} for zh, en in self.warnings],
            "certificate": dict(self.summary),
        }


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_credential_json(data: bytes | str, *, max_bytes: int = MAX_CREDENTIAL_BYTES) -> dict[str, Any]:
    """Strictly parse a credential: size limit, UTF-8, no duplicate keys, no NaN.

    Raises:
        MalformedCredential: with a bilingual reason.

    Examples:
        >>> parse_credential_json('{"a": 1, "a": 2}')
        Traceback (most recent call last):
        ...
        craftpath.engines.credentials.errors.MalformedCredential: not valid JSON: duplicate key 'a'
    """
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise MalformedCredential(
            f"输入过大（{size} 字节，上限 {max_bytes} 字节）",
            f"input too large ({size} bytes, limit {max_bytes})",
        )
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedCredential(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise MalformedCredential("凭证不是 JSON 对象", "credential is not a JSON object")
    return value


def _issuer(credential: Mapping[str, Any]) -> tuple[str, str | None]:
    issuer = credential.get("issuer")
    if isinstance(issuer, str) and issuer:
        return issuer, None
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str) and issuer["id"]:
        name = issuer.get("name")
        return issuer["id"], name if isinstance(name, str) else None
    raise MalformedCredential("缺少 issuer 或其 id", "issuer or issuer.id is missing")


def _check_structure(credential: Mapping[str, Any]) -> None:
    ctx = credential.get("@context")
    if not isinstance(ctx, list) or not ctx:
        raise MalformedCredential("缺少 @context", "@context is missing")
    if ctx[0] != VC_V2_CONTEXT:
        err = MalformedCredential(
            f"第一个 @context 必须是 {VC_V2_CONTEXT}（只支持 VC 2.0）",
            f"the first @context must be {VC_V2_CONTEXT} (only VC 2.0 is supported)",
        )
        err.code = "unsupported"
        raise err
    for url in ctx:
        if not isinstance(url, str) or url not in ALLOWED_CONTEXTS:
            err = MalformedCredential(
                f"@context 不在允许列表中：{url!r}（不联网解析上下文）",
                f"@context not on the allowed list: {url!r} (contexts are never fetched)",
            )
            err.code = "unsupported"
            raise err
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise MalformedCredential("type 必须包含 VerifiableCredential", "type must include VerifiableCredential")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict | list) or not subject:
        raise MalformedCredential("缺少 credentialSubject", "credentialSubject is missing")


def _status_entries(credential: Mapping[str, Any]) -> list[Any]:
    raw = credential.get("credentialStatus")
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def _check_status(
    credential: Mapping[str, Any],
    issuer_id: str,
    store: StatusListStore,
    now: dt.datetime,
    max_status_age: dt.timedelta | None,
) -> list[StatusCheck]:
    out: list[StatusCheck] = []
    for entry in _status_entries(credential):
        if not isinstance(entry, Mapping):
            raise MalformedCredential("credentialStatus 条目不是对象", "credentialStatus entry is not an object")
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        if entry.get("type") != "BitstringStatusListEntry":
            out.append(
                StatusCheck(
                    str(purpose),
                    str(url),
                    None,
                    None,
                    problem=(
                        f"不支持的状态类型 {entry.get('type')!r}",
                        f"unsupported status type {entry.get('type')!r}",
                    ),
                )
            )
            continue
        raw_index = entry.get("statusListIndex")
        if (
            not isinstance(purpose, str)
            or not isinstance(url, str)
            or not isinstance(raw_index, str)
            or not raw_index.isascii()
            or not raw_index.isdigit()
        ):
            raise MalformedCredential(
                "BitstringStatusListEntry 缺少 statusPurpose、statusListCredential 或 statusListIndex",
                "BitstringStatusListEntry lacks statusPurpose, statusListCredential or statusListIndex",
            )
        if entry.get("statusSize", 1) != 1:
            out.append(
                StatusCheck(
                    purpose,
                    url,
                    int(raw_index),
                    None,
                    problem=("只支持 statusSize 1", "only statusSize 1 is supported"),
                )
            )
            continue
        index = int(raw_index)
        problem: tuple[str, str] | None
        loaded = store.lists.get(url)
        if loaded is None:
            rejected = store.rejected.get(url)
            problem = (
                (f"状态列表无效：{rejected.zh}", f"status list rejected: {rejected.en}")
                if rejected
                else (f"没有状态列表 {url} 的缓存", f"no cached status list for {url}")
            )
            out.append(StatusCheck(purpose, url, index, None, problem=problem))
            continue
        as_of = loaded.as_of
        age = now - as_of
        problem = None
        if loaded.issuer != issuer_id:
            problem = ("状态列表的签发机构与凭证不同", "status list issuer differs from the credential's")
        elif loaded.purpose != purpose:
            problem = ("状态列表用途不符", "status list purpose does not match the entry")
        elif index >= len(loaded.bits):
            problem = ("状态索引超出列表长度", "status index is beyond the list")
        elif now < loaded.valid_from:
            problem = ("状态列表尚未生效", "status list is not yet valid")
        elif loaded.valid_until is not None and now >= loaded.valid_until:
            problem = (
                f"状态列表已于 {loaded.valid_until.isoformat()} 过期，请更新缓存",
                f"status list expired at {loaded.valid_until.isoformat()}; refresh the cache",
            )
        elif max_status_age is not None and age > max_status_age:
            problem = (
                f"状态列表已有 {_age_text_zh(age)}，超过允许的 {_age_text_zh(max_status_age)}",
                f"status list is {_age_text_en(age)} old, more than the allowed {_age_text_en(max_status_age)}",
            )
        if problem is not None:
            out.append(StatusCheck(purpose, url, index, None, as_of, age, problem))
        else:
            out.append(StatusCheck(purpose, url, index, loaded.bits.get(index), as_of, age))
    return out


def _age_text_zh(age: dt.timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours / 24:.1f} 天" if hours >= 48 else f"{hours:.1f} 小时"


def _age_text_en(age: dt.timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def verify_credential(
    document: Mapping[str, Any] | bytes | str,
    *,
    trusted_issuers: TrustedIssuers | Iterable[TrustedIssuer | str] | None,
    status_lists: StatusListStore | Iterable[Mapping[str, Any]] | None = None,
    now: dt.datetime,
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    max_status_age: dt.timedelta | None = None,
    max_bytes: int = MAX_CREDENTIAL_BYTES,
) -> Verdict:
    """Verify a credential completely offline. Never raises.

    Args:
        document: parsed credential, or its JSON text/bytes.
        trusted_issuers: the trust list (ids, :class:`TrustedIssuer` or :class:`TrustedIssuers`).
        status_lists: cached ``BitstringStatusListCredential`` documents, or a prepared
            :class:`StatusListStore` (faster when verifying many credentials).
        now: the time to judge validity and status age at (engines never read the clock).
        did_documents: extra DID documents (``did:web`` …) to resolve keys of untrusted issuers.
        max_status_age: a status list older than this counts as unavailable.
        max_bytes: inputs larger than this are ``malformed``.

    Returns:
        The :class:`Verdict`.
    """
    try:
        return _verify_credential(
            document, trusted_issuers, status_lists, now, did_documents, max_status_age, max_bytes
        )
    except CredentialError as exc:
        return _verdict(VerdictCode(exc.code), exc.zh, exc.en)
    except Exception as exc:  # a verifier must answer, not crash
        return _verdict(
            VerdictCode.MALFORMED,
            f"无法处理的输入：{type(exc).__name__}",
            f"input could not be processed: {type(exc).__name__}",
        )


def _verdict(code: VerdictCode, zh: str, en: str, **kw: Any) -> Verdict:
    head_zh, head_en = HEADLINES[code]
    return Verdict(code, f"{head_zh}：{zh}", f"{head_en}: {en}", **kw)


def _verify_credential(
    document: Mapping[str, Any] | bytes | str,
    trusted_issuers: TrustedIssuers | Iterable[TrustedIssuer | str] | None,
    status_lists: StatusListStore | Iterable[Mapping[str, Any]] | None,
    now: dt.datetime,
    did_documents: Mapping[str, Mapping[str, Any]] | None,
    max_status_age: dt.timedelta | None,
    max_bytes: int,
) -> Verdict:
    if now.tzinfo is None:
        raise TypeError("now must be timezone-aware")
    if isinstance(document, bytes | bytearray | str):
        credential: Mapping[str, Any] = parse_credential_json(
            bytes(document) if isinstance(document, bytearray) else document, max_bytes=max_bytes
        )
    elif isinstance(document, Mapping):
        credential = document  # size is checked on the canonical form during proof checking
    else:
        raise MalformedCredential("凭证不是 JSON 对象", "credential is not a JSON object")
    trust = trusted_issuers if isinstance(trusted_issuers, TrustedIssuers) else TrustedIssuers(trusted_issuers or ())
    if "proof" not in credential:
        raise MalformedCredential("缺少 proof（未签名）", "proof is missing (not signed)")
    summary = certificate_summary(credential)
    docs = {**(did_documents or {}), **trust.did_documents()}
    try:
        claimed: tuple[str | None, str | None] = _issuer(credential)
    except MalformedCredential:
        claimed = (None, None)
    base: dict[str, Any] = {"issuer": claimed[0], "issuer_name": claimed[1], "summary": summary}

    # The signature is checked first: any change to a signed document reads "tampered",
    # whatever else the change broke.
    check = verify_proof(credential, did_documents=docs, max_document_bytes=max_bytes)
    if check.code == "unknown_issuer":
        return _verdict(VerdictCode.UNKNOWN_ISSUER, check.zh, check.en, crypto_valid=None, **base)
    if not check.verified or check.key is None:
        return _verdict(
            VerdictCode(check.code),
            check.zh,
            check.en,
            crypto_valid=False if check.code == "tampered" else None,
            **base,
        )
    key = check.key
    try:
        _check_structure(credential)
        issuer_id, _ = _issuer(credential)
    except CredentialError as exc:
        return _verdict(
            VerdictCode(exc.code),
            exc.zh,
            exc.en,
            crypto_valid=True,
            verification_method=key.id,
            **base,
        )
    entry = trust.get(issuer_id)
    trusted = entry is not None and entry.authorizes(key)
    if entry is not None and entry.name:
        base["issuer_name"] = entry.name
    base.update(
        crypto_valid=True,
        issuer_trusted=trusted,
        verification_method=key.id,
        key_controller_is_issuer=key.controller == issuer_id,
    )
    warnings: list[tuple[str, str]] = []
    if not key.authorized:
        warnings.append(
            ("签名密钥未列入 DID 文档的 assertionMethod", "signing key is not listed under assertionMethod")
        )

    valid_from = credential.get("validFrom")
    valid_until = credential.get("validUntil")
    start = parse_datetime(valid_from) if valid_from is not None else None
    end = parse_datetime(valid_until) if valid_until is not None else None
    if start is not None and now < start:
        return _verdict(
            VerdictCode.NOT_YET_VALID,
            f"生效时间为 {valid_from}",
            f"valid from {valid_from}",
            warnings=tuple(warnings),
            **base,
        )
    if end is not None and now >= end:
        return _verdict(
            VerdictCode.EXPIRED,
            f"有效期至 {valid_until}",
            f"valid until {valid_until}",
            warnings=tuple(warnings),
            **base,
        )
    if check.expires is not None and now >= check.expires:
        return _verdict(
            VerdictCode.EXPIRED,
            "签名证明已过期",
            "the proof has expired",
            warnings=tuple(warnings),
            **base,
        )

    store = (
        status_lists
        if isinstance(status_lists, StatusListStore)
        else StatusListStore.from_credentials(status_lists or (), did_documents=docs)
    )
    statuses = _check_status(credential, issuer_id, store, now, max_status_age)
    base["status"] = tuple(statuses)
    base["warnings"] = tuple(warnings)
    for purpose, code in (("revocation", VerdictCode.REVOKED), ("suspension", VerdictCode.SUSPENDED)):
        hit = next((s for s in statuses if s.purpose == purpose and s.is_set), None)
        if hit is not None:
            return _verdict(
                code,
                f"状态列表（截至 {hit.as_of:%Y-%m-%d %H:%M} UTC）第 {hit.index} 位已置位",
                f"bit {hit.index} is set in the status list as of {hit.as_of:%Y-%m-%d %H:%M} UTC",
                **base,
            )
    missing = next((s for s in statuses if s.is_set is None), None)
    if missing is not None and missing.problem is not None:
        return _verdict(
            VerdictCode.STATUS_UNAVAILABLE,
            f"无法确认是否撤销或暂停（{missing.problem[0]}）",
            f"cannot confirm it is not revoked or suspended ({missing.problem[1]})",
            **base,
        )
    age_note_zh = age_note_en = ""
    if statuses:
        oldest = max(s.age for s in statuses if s.age is not None)
        age_note_zh = f"；状态列表已有 {_age_text_zh(oldest)}"
        age_note_en = f"; status list is {_age_text_en(oldest)} old"
    if not trusted:
        why_zh, why_en = "签发机构不在信任列表中", "the issuer is not on the trusted list"
        if entry is not None:
            why_zh, why_en = "签名密钥未被该签发机构授权", "the signing key is not authorized by that issuer"
        return _verdict(
            VerdictCode.UNKNOWN_ISSUER,
            f"签名在密码学上有效，但{why_zh}（{issuer_id}）{age_note_zh}",
            f"the signature is cryptographically valid, but {why_en} ({issuer_id}){age_note_en}",
            **base,
        )
    return _verdict(
        VerdictCode.VALID,
        f"签名有效，签发机构可信，未撤销或暂停{age_note_zh}",
        f"signature valid, issuer trusted, not revoked or suspended{age_note_en}",
        **base,
    )
