"""Bitstring Status List: encoding, revocation, suspension and cache age."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
from typing import Any

import pytest

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    MalformedCredential,
    StatusList,
    StatusListStore,
    TrustedIssuers,
    VerdictCode,
    verify_credential,
)

from .conftest import INDEX, LIST_TIME, NOW, status_lists


def test_bit_order_and_encoding() -> None:
    sl = StatusList()
    sl.set(0)
    sl.set(9)
    raw = sl.to_bytes()
    assert len(raw) == 16384
    assert raw[:2] == b"\x80\x40"  # index 0 is the left-most bit
    encoded = sl.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert gzip.decompress(packed) == raw
    back = StatusList.decode(encoded)
    assert back.set_indices() == [0, 9]
    back.set(9, False)
    assert back.set_indices() == [0]


def test_size_limits() -> None:
    with pytest.raises(ValueError, match="131072"):
        StatusList(8)
    small = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(100))).rstrip(b"=").decode()
    with pytest.raises(MalformedCredential):
        StatusList.decode(small)
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(40_000_000))).rstrip(b"=").decode()
    with pytest.raises(MalformedCredential, match="too large"):
        StatusList.decode(bomb)
    with pytest.raises(MalformedCredential):
        StatusList.decode("zabc")
    with pytest.raises(IndexError):
        StatusList().get(131072)


def _verify(doc: dict[str, Any], trust: dict[str, Any], lists: Any, **kw: Any) -> Any:
    kw.setdefault("now", NOW)
    return verify_credential(doc, trusted_issuers=TrustedIssuers.from_json(trust), status_lists=lists, **kw)


def test_revoked(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    verdict = _verify(signed, trust, status_lists(issuer_key, revoked=(INDEX,), suspended=(INDEX,)))
    assert verdict.code is VerdictCode.REVOKED
    assert verdict.crypto_valid is True
    assert verdict.issuer_trusted is True
    assert str(INDEX) in verdict.en
    assert "已撤销" in verdict.zh


def test_suspended(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    verdict = _verify(signed, trust, status_lists(issuer_key, revoked=(INDEX + 1,), suspended=(INDEX,)))
    assert verdict.code is VerdictCode.SUSPENDED
    assert "已暂停" in verdict.zh


def test_neighbouring_bits_do_not_revoke(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    lists = status_lists(issuer_key, revoked=(INDEX - 1, INDEX + 1), suspended=(0,))
    assert _verify(signed, trust, lists).code is VerdictCode.VALID


def test_stale_cache_age_reported(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    old = LIST_TIME - dt.timedelta(days=30)
    lists = status_lists(issuer_key, valid_from=old)
    verdict = _verify(signed, trust, lists)
    assert verdict.code is VerdictCode.VALID
    assert verdict.status_as_of == old
    assert verdict.status_age == NOW - old
    assert "30.5 days" in verdict.en
    assert "30.5 天" in verdict.zh
    assert verdict.to_json()["statusAgeSeconds"] == int((NOW - old).total_seconds())
    limited = _verify(signed, trust, lists, max_status_age=dt.timedelta(days=7))
    assert limited.code is VerdictCode.STATUS_UNAVAILABLE
    assert limited.status_age == NOW - old
    assert "more than the allowed" in limited.en


def test_expired_status_list_is_unavailable(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    lists = status_lists(issuer_key, valid_until=NOW - dt.timedelta(hours=1))
    verdict = _verify(signed, trust, lists)
    assert verdict.code is VerdictCode.STATUS_UNAVAILABLE
    assert "refresh" in verdict.en


def test_missing_or_forged_status_list(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    assert _verify(signed, trust, None).code is VerdictCode.STATUS_UNAVAILABLE
    lists = status_lists(issuer_key, revoked=(INDEX,))
    # An attacker clears the bit: the list's own signature no longer holds.
    lists[0]["credentialSubject"]["encodedList"] = StatusList().encode()
    verdict = _verify(signed, trust, lists)
    assert verdict.code is VerdictCode.STATUS_UNAVAILABLE
    assert "status list rejected" in verdict.en
    # A list signed by someone else's key for the same URL.
    other = Ed25519KeyPair.from_seed(b"\x09" * 32, controller="did:key:other", key_id="did:web:x#k")
    verdict = _verify(signed, trust, status_lists(other))
    assert verdict.code is VerdictCode.STATUS_UNAVAILABLE


def test_store_reuse(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    store = StatusListStore.from_credentials(
        status_lists(issuer_key, revoked=(INDEX,)),
        did_documents={"did:web:gh.acftu.example": issuer_key.did_document()},
    )
    assert len(store.lists) == 2
    assert not store.rejected
    assert _verify(signed, trust, store).code is VerdictCode.REVOKED


def test_fetched_at_refines_age(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    old = LIST_TIME - dt.timedelta(days=30)
    fetched = NOW - dt.timedelta(hours=2)
    store = StatusListStore.from_credentials(
        status_lists(issuer_key, valid_from=old),
        did_documents={"did:web:gh.acftu.example": issuer_key.did_document()},
        fetched_at=fetched,
    )
    verdict = _verify(signed, trust, store)
    assert verdict.code is VerdictCode.VALID
    assert verdict.status_as_of == fetched
    assert verdict.status_age == dt.timedelta(hours=2)
