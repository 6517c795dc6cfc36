"""Bitstring Status List (W3C): revocation and suspension without phoning home.

A status list is a bitstring of at least 131,072 entries (16 KB), index 0 being the
left-most (most significant) bit of the first byte. It travels GZIP-compressed and multibase
base64url-encoded (``u…``) in the ``encodedList`` of a signed ``BitstringStatusListCredential``.
A certificate points at its bit with a ``BitstringStatusListEntry``. Verifiers keep the last
status list credential they saw and check offline; :class:`StatusListStore` verifies each list
once, decodes it, and reports how old it is relative to the ``now`` the caller passes.

Examples:
    >>> sl = StatusList()
    >>> sl.set(42)
    >>> sl.encode()[:1], StatusList.decode(sl.encode()).get(42), len(sl)
    ('u', True, 131072)
"""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import CredentialError, MalformedCredential, UnsupportedCredential
from .keys import Ed25519KeyPair, multibase_decode, multibase_encode
from .proofs import add_proof, format_datetime, parse_datetime, verify_proof

__all__ = [
    "MIN_STATUS_LIST_SIZE",
    "STATUS_PURPOSES",
    "LoadedStatusList",
    "StatusList",
    "StatusListStore",
    "build_status_list_credential",
    "status_entry",
]

MIN_STATUS_LIST_SIZE = 131_072
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024  # decompressed; guards against gzip bombs
STATUS_PURPOSES = ("revocation", "suspension")
VC_V2 = "https://www.w3.org/ns/credentials/v2"


class StatusList:
    """A mutable bitstring with ``statusSize`` 1.

    Args:
        size: number of entries, a multiple of 8 and at least 131,072.
        data: existing bytes (MSB first); copied.
    """

    __slots__ = ("_bits",)

    def __init__(self, size: int = MIN_STATUS_LIST_SIZE, data: bytes | None = None) -> None:
        if data is not None:
            size = len(data) * 8
        if size < MIN_STATUS_LIST_SIZE or size % 8:
            raise ValueError(f"status list size must be a multiple of 8 and >= {MIN_STATUS_LIST_SIZE}")
        self._bits = bytearray(data) if data is not None else bytearray(size // 8)

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _check(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self):
            raise IndexError(f"status index {index!r} outside 0..{len(self) - 1}")

    def get(self, index: int) -> bool:
        """Whether the bit at ``index`` is set."""
        self._check(index)
        return bool(self._bits[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear with ``value=False``) the bit at ``index``."""
        self._check(index)
        if value:
            self._bits[index >> 3] |= 0x80 >> (index & 7)
        else:
            self._bits[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF

    def set_indices(self) -> list[int]:
        """All set indices, ascending."""
        return [(i << 3) + b for i, byte in enumerate(self._bits) if byte for b in range(8) if byte & (0x80 >> b)]

    def to_bytes(self) -> bytes:
        """The raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """GZIP (mtime 0, reproducible) then multibase base64url: the ``encodedList``."""
        return multibase_encode(gzip.compress(bytes(self._bits), mtime=0), "u")

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an ``encodedList``.

        Raises:
            MalformedCredential: not ``u…`` base64url, not GZIP, too small or too large.
        """
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise MalformedCredential(
                "encodedList 不是 base64url 多基编码（u…）", "encodedList is not multibase base64url (u…)"
            )
        packed = multibase_decode(encoded)
        try:
            inflater = zlib.decompressobj(wbits=31)
            raw = inflater.decompress(packed, MAX_STATUS_LIST_BYTES + 1)
        except zlib.error as exc:
            raise MalformedCredential("encodedList 不是有效的 GZIP 数据", "encodedList is not valid GZIP data") from exc
        if len(raw) > MAX_STATUS_LIST_BYTES or inflater.unconsumed_tail:
            raise MalformedCredential("状态列表过大", "status list is too large")
        if len(raw) * 8 < MIN_STATUS_LIST_SIZE:
            raise MalformedCredential("状态列表短于 131072 位", "status list is shorter than 131,072 entries")
        return cls(data=raw)


def status_entry(list_credential_url: str, index: int, purpose: str, *, entry_id: str | None = None) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus``.

    Examples:
        >>> status_entry("https://u.example/status/1", 7, "revocation")["statusListIndex"]
        '7'
    """
    if purpose not in STATUS_PURPOSES:
        raise ValueError(f"purpose must be one of {STATUS_PURPOSES}")
    if index < 0:
        raise ValueError("status index must be >= 0")
    return {
        "id": entry_id or f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


def build_status_list_credential(
    url: str,
    *,
    issuer: str | Mapping[str, Any],
    purpose: str,
    status_list: StatusList,
    valid_from: dt.datetime | str,
    valid_until: dt.datetime | str | None = None,
    key: Ed25519KeyPair | None = None,
    created: dt.datetime | str | None = None,
) -> dict[str, Any]:
    """Build (and sign, if ``key`` is given) a ``BitstringStatusListCredential``.

    Args:
        url: where the list is published; also the credential ``id``.
        issuer: issuer id or object; must equal the certificates' issuer.
        purpose: ``revocation`` or ``suspension``.
        status_list: the bits.
        valid_from: when this snapshot was made: verifiers report age from it.
        valid_until: optional expiry, after which verifiers treat the list as unavailable.
        key: signing key; None returns the unsigned credential.
        created: proof time, defaults to ``valid_from``.
    """
    if purpose not in STATUS_PURPOSES:
        raise ValueError(f"purpose must be one of {STATUS_PURPOSES}")
    doc: dict[str, Any] = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        doc["validUntil"] = format_datetime(valid_until)
    doc["credentialSubject"] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": status_list.encode(),
    }
    if key is None:
        return doc
    return add_proof(doc, key, created=created if created is not None else valid_from)


def _issuer_id(issuer: Any) -> str | None:
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


@dataclass(frozen=True)
class LoadedStatusList:
    """A status list credential that passed its own checks.

    Attributes:
        url: the credential ``id``.
        issuer: its issuer id.
        purpose: ``revocation`` or ``suspension`` (or another purpose string).
        bits: the decoded list.
        valid_from: snapshot time (the "as of").
        valid_until: expiry, if any.
        verification_method: key that signed it.
        fetched_at: when the verifier obtained it, if known (the list was current then).
    """

    url: str
    issuer: str
    purpose: str
    bits: StatusList = field(repr=False)
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    verification_method: str
    fetched_at: dt.datetime | None = None

    @property
    def as_of(self) -> dt.datetime:
        """The latest time the list is known to have been current: ``validFrom`` or, if later,
        when it was fetched."""
        if self.fetched_at is not None and self.fetched_at > self.valid_from:
            return self.fetched_at
        return self.valid_from

    @classmethod
    def load(
        cls,
        credential: Mapping[str, Any],
        *,
        did_documents: Mapping[str, Mapping[str, Any]] | None = None,
        fetched_at: dt.datetime | None = None,
    ) -> LoadedStatusList:
        """Verify a status list credential's proof and decode it.

        Args:
            credential: the ``BitstringStatusListCredential``.
            did_documents: DID documents for the signing key.
            fetched_at: when the verifier downloaded it (aware datetime), if known.

        Raises:
            CredentialError: bad signature (code ``tampered``), malformed or unsupported.
        """
        if not isinstance(credential, Mapping):
            raise MalformedCredential("状态列表凭证不是 JSON 对象", "status list credential is not an object")
        types = credential.get("type")
        if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
            raise UnsupportedCredential("不是 BitstringStatusListCredential", "not a BitstringStatusListCredential")
        check = verify_proof(credential, did_documents=did_documents)
        if not check.verified or check.key is None:
            err = CredentialError(f"状态列表凭证：{check.zh}", f"status list credential: {check.en}")
            err.code = check.code
            raise err
        subject = credential.get("credentialSubject")
        url, issuer = credential.get("id"), _issuer_id(credential.get("issuer"))
        if not isinstance(subject, Mapping) or not isinstance(url, str) or issuer is None:
            raise MalformedCredential(
                "状态列表凭证缺少 id、issuer 或 credentialSubject",
                "status list credential lacks id, issuer or credentialSubject",
            )
        if subject.get("type") != "BitstringStatusList":
            raise UnsupportedCredential("状态列表类型不是 BitstringStatusList", "subject is not a BitstringStatusList")
        purpose = subject.get("statusPurpose")
        if not isinstance(purpose, str):
            raise MalformedCredential("状态列表缺少 statusPurpose", "status list lacks statusPurpose")
        until = credential.get("validUntil")
        return cls(
            url=url,
            issuer=issuer,
            purpose=purpose,
            bits=StatusList.decode(subject.get("encodedList", "")),
            valid_from=parse_datetime(credential.get("validFrom")),
            valid_until=parse_datetime(until) if until is not None else None,
            verification_method=check.key.id,
            fetched_at=fetched_at,
        )


@dataclass
class StatusListStore:
    """Cached status list credentials, keyed by URL, each verified once when added.

    Lists that failed their checks are remembered with the reason so that a verifier can say
    why status is unavailable.
    """

    lists: dict[str, LoadedStatusList] = field(default_factory=dict)
    rejected: dict[str, CredentialError] = field(default_factory=dict)

    @classmethod
    def from_credentials(
        cls,
        credentials: Iterable[Mapping[str, Any]],
        *,
        did_documents: Mapping[str, Mapping[str, Any]] | None = None,
        fetched_at: dt.datetime | None = None,
    ) -> StatusListStore:
        """Verify and decode each status list credential (``fetched_at`` applies to all)."""
        store = cls()
        for credential in credentials:
            store.add(credential, did_documents=did_documents, fetched_at=fetched_at)
        return store

    def add(
        self,
        credential: Mapping[str, Any],
        *,
        did_documents: Mapping[str, Mapping[str, Any]] | None = None,
        fetched_at: dt.datetime | None = None,
    ) -> LoadedStatusList | None:
        """Add one list; returns it, or None if it was rejected (see ``rejected``)."""
        url = credential.get("id") if isinstance(credential, Mapping) else None
        key = url if isinstance(url, str) else f"#{len(self.rejected)}"
        try:
            loaded = LoadedStatusList.load(credential, did_documents=did_documents, fetched_at=fetched_at)
        except CredentialError as exc:
            self.rejected[key] = exc
            return None
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            self.rejected[key] = MalformedCredential(f"状态列表凭证无效：{exc}", f"invalid status list: {exc}")
            return None
        self.lists[loaded.url] = loaded
        self.rejected.pop(loaded.url, None)
        return loaded
