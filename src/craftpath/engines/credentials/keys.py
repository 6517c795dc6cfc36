"""Ed25519 keys as W3C Multikey, ``did:key`` and locally supplied DID documents.

A Multikey public key is multibase base58btc (``z``) of ``0xed 0x01`` followed by the 32-byte
key, so Ed25519 keys always start ``z6Mk``; the secret key uses the ``0x80 0x26`` multicodec
prefix followed by the 32-byte seed. ``did:key:z6Mk…`` resolves to a verification method
``did:key:z6Mk…#z6Mk…``. ``did:web`` (and any other DID) resolves only from DID documents the
caller supplies: this module never touches the network.

Examples:
    >>> kp = Ed25519KeyPair.from_seed(bytes(32))
    >>> kp.public_key_multibase
    'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
    >>> kp.verification_method == kp.did + "#" + kp.public_key_multibase
    True
    >>> resolve_verification_method(kp.verification_method).controller == kp.did
    True
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .errors import MalformedCredential, UnsupportedCredential

__all__ = [
    "Ed25519KeyPair",
    "ResolvedKey",
    "multibase_decode",
    "multibase_encode",
    "public_key_from_multikey",
    "resolve_verification_method",
]

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"
_KEY_TYPES = ("Multikey", "Ed25519VerificationKey2020")


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def b58decode(text: str) -> bytes:
    """Base58btc (Bitcoin alphabet) decoding; faster than ``base58`` for signatures.

    Raises:
        ValueError: a character outside the alphabet.

    Examples:
        >>> b58decode("112").hex(), b58decode("8wr")
        ('000001', b'hi')
    """
    n = 0
    index = _B58_INDEX
    try:
        for ch in text:
            n = n * 58 + index[ch]
    except KeyError as exc:
        raise ValueError(f"invalid base58 character {exc.args[0]!r}") from None
    pad = len(text) - len(text.lstrip("1"))
    return b"\x00" * pad + n.to_bytes((n.bit_length() + 7) // 8, "big")


def multibase_encode(data: bytes, base: str = "z") -> str:
    """Multibase-encode bytes: ``z`` base58btc or ``u`` base64url without padding.

    Examples:
        >>> multibase_encode(b"hi"), multibase_encode(b"hi", "u")
        ('z8wr', 'uaGk')
    """
    if base == "z":
        return "z" + base58.b58encode(data).decode("ascii")
    if base == "u":
        return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    raise ValueError(f"unsupported multibase prefix {base!r}")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string.

    Raises:
        MalformedCredential: unknown prefix or invalid characters.

    Examples:
        >>> multibase_decode("z8wr"), multibase_decode("uaGk")
        (b'hi', b'hi')
    """
    if not isinstance(text, str) or len(text) < 2:
        raise MalformedCredential("多基编码值为空或类型错误", "multibase value is empty or not a string")
    prefix, body = text[0], text[1:]
    try:
        if prefix == "z":
            return b58decode(body)
        if prefix == "u":
            if "=" in body or "+" in body or "/" in body:
                raise ValueError("not base64url without padding")
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise MalformedCredential(f"多基编码值无法解码：{exc}", f"multibase value cannot be decoded: {exc}") from exc
    raise MalformedCredential(f"不支持的多基编码前缀 {prefix!r}", f"unsupported multibase prefix {prefix!r}")


@functools.lru_cache(maxsize=1024)
def public_key_from_multikey(public_key_multibase: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from its Multikey form (cached).

    Raises:
        MalformedCredential: not decodable.
        UnsupportedCredential: not an Ed25519 Multikey (wrong multicodec prefix or length).
    """
    raw = multibase_decode(public_key_multibase)
    if public_key_multibase[0] != "z" or raw[:2] != ED25519_PUB_PREFIX or len(raw) != 34:
        raise UnsupportedCredential(
            "密钥类型不受支持：只接受 Ed25519 Multikey（z6Mk…）",
            "unsupported key type: only Ed25519 Multikey (z6Mk…) is accepted",
        )
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass(frozen=True, eq=False)
class Ed25519KeyPair:
    """An Ed25519 signing key with its Multikey encodings; the key object is kept for speed.

    Attributes:
        private_key: the ``cryptography`` key object (never serialized implicitly).
        public_key_multibase: ``z6Mk…``.
        controller: the DID that controls the key; defaults to the ``did:key`` DID.
        key_id: the verification method id; defaults to ``did:key:z6Mk…#z6Mk…``.
    """

    private_key: Ed25519PrivateKey = field(repr=False)
    public_key_multibase: str
    controller: str = ""
    key_id: str = ""

    def __post_init__(self) -> None:
        if not self.controller:
            object.__setattr__(self, "controller", "did:key:" + self.public_key_multibase)
        if not self.key_id:
            object.__setattr__(self, "key_id", f"did:key:{self.public_key_multibase}#{self.public_key_multibase}")

    @classmethod
    def from_private_key(
        cls, private_key: Ed25519PrivateKey, *, controller: str = "", key_id: str = ""
    ) -> Ed25519KeyPair:
        """Wrap a ``cryptography`` private key; ``controller``/``key_id`` for ``did:web`` keys."""
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(private_key, multibase_encode(ED25519_PUB_PREFIX + raw), controller, key_id)

    @classmethod
    def from_seed(cls, seed: bytes, *, controller: str = "", key_id: str = "") -> Ed25519KeyPair:
        """Build from the 32-byte secret seed."""
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        return cls.from_private_key(Ed25519PrivateKey.from_private_bytes(seed), controller=controller, key_id=key_id)

    @classmethod
    def generate(cls, *, controller: str = "", key_id: str = "") -> Ed25519KeyPair:
        """Create a fresh random key pair."""
        return cls.from_private_key(Ed25519PrivateKey.generate(), controller=controller, key_id=key_id)

    @classmethod
    def from_multikey(
        cls,
        secret_key_multibase: str,
        public_key_multibase: str | None = None,
        *,
        controller: str = "",
        key_id: str = "",
    ) -> Ed25519KeyPair:
        """Load from a Multikey secret (``z3u2…``, 0x8026 prefix); check the public key if given.

        Examples:
            >>> kp = Ed25519KeyPair.from_multikey(
            ...     "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
            ...     "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
            >>> kp.did
            'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
        """
        raw = multibase_decode(secret_key_multibase)
        if raw[:2] != ED25519_PRIV_PREFIX or len(raw) != 34:
            raise UnsupportedCredential(
                "私钥不是 Ed25519 Multikey（0x8026 前缀）",
                "secret key is not an Ed25519 Multikey (0x8026 prefix)",
            )
        pair = cls.from_seed(raw[2:], controller=controller, key_id=key_id)
        if public_key_multibase is not None and public_key_multibase != pair.public_key_multibase:
            raise ValueError("public key does not match the secret key")
        return pair

    @property
    def did(self) -> str:
        """The ``did:key`` DID of this key."""
        return "did:key:" + self.public_key_multibase

    @property
    def verification_method(self) -> str:
        """The verification method id placed in proofs."""
        return self.key_id

    def secret_key_multibase(self) -> str:
        """Export the secret as Multikey (``z3u2…``); handle the result as a secret."""
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return multibase_encode(ED25519_PRIV_PREFIX + seed)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data``."""
        return self.private_key.sign(data)

    def did_document(self) -> dict[str, Any]:
        """A minimal DID document publishing this key for ``assertionMethod``."""
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.controller,
            "verificationMethod": [
                {
                    "id": self.key_id,
                    "type": "Multikey",
                    "controller": self.controller,
                    "publicKeyMultibase": self.public_key_multibase,
                }
            ],
            "assertionMethod": [self.key_id],
        }


@dataclass(frozen=True)
class ResolvedKey:
    """A verification method resolved to a public key.

    Attributes:
        id: verification method id.
        controller: DID (or URL) that controls it.
        public_key_multibase: ``z6Mk…``.
        authorized: the controller lists it under ``assertionMethod`` (always true for did:key).
    """

    id: str
    controller: str
    public_key_multibase: str
    authorized: bool = True


def _did_key(vm_id: str) -> ResolvedKey:
    did, _, fragment = vm_id.partition("#")
    mb = did[len("did:key:") :]
    if fragment and fragment != mb:
        raise MalformedCredential(
            "did:key 验证方法的片段与密钥不一致", "did:key verification method fragment does not match the key"
        )
    public_key_from_multikey(mb)  # raises for non-Ed25519 keys
    return ResolvedKey(f"{did}#{mb}", did, mb, True)


def _refs(doc: Mapping[str, Any], relation: str, did: str) -> set[str]:
    out: set[str] = set()
    items = doc.get(relation, [])
    for item in items if isinstance(items, list) else [items]:
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str):
            out.add(did + ref if ref.startswith("#") else ref)
    return out


def resolve_verification_method(
    vm_id: str, did_documents: Mapping[str, Mapping[str, Any]] | None = None
) -> ResolvedKey:
    """Resolve a verification method id to an Ed25519 public key, offline.

    Args:
        vm_id: e.g. ``did:key:z6Mk…#z6Mk…`` or ``did:web:example.org#key-1``.
        did_documents: DID documents keyed by DID, used for every method but ``did:key``.

    Returns:
        The resolved key; ``authorized`` tells whether the document lists it for
        ``assertionMethod``.

    Raises:
        MalformedCredential: not a string / bad did:key.
        UnsupportedCredential: not an Ed25519 key.
        LookupError: no local DID document has the key (``did:web`` is never fetched).
    """
    if not isinstance(vm_id, str) or not vm_id:
        raise MalformedCredential("proof.verificationMethod 缺失", "proof.verificationMethod missing")
    if vm_id.startswith("did:key:"):
        return _did_key(vm_id)
    did = vm_id.partition("#")[0]
    doc = (did_documents or {}).get(did)
    if doc is None:
        raise LookupError(vm_id)
    methods = doc.get("verificationMethod", [])
    candidates = [m for m in methods if isinstance(m, dict)] if isinstance(methods, list) else []
    assertion = doc.get("assertionMethod", [])
    candidates += [m for m in assertion if isinstance(m, dict)] if isinstance(assertion, list) else []
    for method in candidates:
        mid = method.get("id", "")
        if isinstance(mid, str) and mid.startswith("#"):
            mid = did + mid
        if mid != vm_id:
            continue
        if method.get("type") not in _KEY_TYPES or not isinstance(method.get("publicKeyMultibase"), str):
            raise UnsupportedCredential(
                "验证方法不是 Ed25519 Multikey", "verification method is not an Ed25519 Multikey"
            )
        mb = method["publicKeyMultibase"]
        public_key_from_multikey(mb)
        controller = method.get("controller", did)
        return ResolvedKey(
            vm_id,
            controller if isinstance(controller, str) else did,
            mb,
            vm_id in _refs(doc, "assertionMethod", did),
        )
    raise LookupError(vm_id)
