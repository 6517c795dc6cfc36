"""Encryption at rest for personal data, and keyed hashes for looking it up.

Values are sealed with AES-256-GCM under keys from ``settings.FIELD_ENCRYPTION_KEYS``; the
first key seals, every key opens, so keys can be rotated by prepending a new one and running
``craftpath rotate-keys``. Look-up hashes use HMAC-SHA256 with a key derived from the first
key, so equality search works without storing the plain value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PREFIX = "g1"


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode("utf-8"))


@cache
def _keys(keys: tuple[str, ...]) -> tuple[list[tuple[str, AESGCM]], bytes]:
    sealers = []
    for secret in keys:
        key_id = hashlib.sha256(secret.encode()).hexdigest()[:8]
        sealers.append((key_id, AESGCM(_derive(secret, b"craftpath field encryption"))))
    lookup = _derive(keys[0], b"craftpath lookup hash")
    return sealers, lookup


def _current() -> tuple[list[tuple[str, AESGCM]], bytes]:
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def seal(plain: str) -> str:
    """Encrypt a string; the result names the key that sealed it."""
    sealers, _ = _current()
    key_id, aead = sealers[0]
    nonce = os.urandom(12)
    ct = aead.encrypt(nonce, plain.encode("utf-8"), key_id.encode())
    return f"{_PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + ct).decode()}"


def unseal(token: str) -> str:
    """Decrypt a value sealed by :func:`seal` under any configured key."""
    prefix, key_id, payload = token.split(":", 2)
    if prefix != _PREFIX:
        raise ValueError("unknown sealed-value format")
    raw = base64.urlsafe_b64decode(payload)
    for candidate_id, aead in _current()[0]:
        if candidate_id == key_id:
            return aead.decrypt(raw[:12], raw[12:], key_id.encode()).decode("utf-8")
    raise ValueError("no configured key can open this value; was a key removed?")


def needs_reseal(token: str) -> bool:
    """True when a value was sealed under an older key."""
    return token.split(":", 2)[1] != _current()[0][0][0]


def lookup_hash(plain: str) -> str:
    """Keyed hash for equality look-ups (never reversible without the key)."""
    return hmac.new(_current()[1], plain.encode("utf-8"), hashlib.sha256).hexdigest()
