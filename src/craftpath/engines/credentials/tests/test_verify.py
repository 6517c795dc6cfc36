"""Round trips and every verdict code."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    TrustedIssuers,
    VerdictCode,
    add_proof,
    build_skill_certificate,
    verify_credential,
)

from .conftest import ISSUER, NOW, make_certificate, status_lists


def _verify(doc: Any, trust: dict[str, Any], key: Ed25519KeyPair, **kw: Any) -> Any:
    kw.setdefault("status_lists", status_lists(key))
    return verify_credential(doc, trusted_issuers=TrustedIssuers.from_json(trust), now=NOW, **kw)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path, value


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def test_round_trip_valid(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    verdict = _verify(signed, trust, issuer_key)
    assert verdict.code is VerdictCode.VALID, verdict.en
    assert verdict.crypto_valid
    assert verdict.issuer_trusted
    assert verdict.ok
    assert verdict.issuer_name == "杭州市总工会"
    assert verdict.summary["grade_zh"] == "技师"
    assert [s.is_set for s in verdict.status] == [False, False]
    assert verdict.status_age == dt.timedelta(hours=12)
    assert "12.0 hours" in verdict.en
    assert "12.0 小时" in verdict.zh


def test_round_trip_from_json_text(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    text = json.dumps(signed, ensure_ascii=False, indent=3)
    assert _verify(text, trust, issuer_key).code is VerdictCode.VALID
    assert _verify(text.encode(), trust, issuer_key).code is VerdictCode.VALID


def test_one_changed_character_anywhere_is_tampered(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    lists = status_lists(issuer_key)
    checked = 0
    for path, value in _leaves(signed):
        if path[0] == "@context" or path[:2] == ("proof", "@context"):
            continue  # a changed context URL is reported unsupported/tampered, tested below
        doc = copy.deepcopy(signed)
        if isinstance(value, str):
            new = value[:-1] + ("X" if value[-1:] != "X" else "Y")
        elif isinstance(value, bool) or value is None:
            continue
        else:
            new = value + 1
        _set(doc, path, new)
        verdict = _verify(doc, trust, issuer_key, status_lists=lists)
        checked += 1
        assert verdict.code is not VerdictCode.VALID, path
        if path[0] != "proof" or path[1] in ("created", "proofValue"):
            assert verdict.code is VerdictCode.TAMPERED, (path, verdict.en)
            assert verdict.crypto_valid is False
    assert checked > 30


def test_changed_context_is_not_valid(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    doc = copy.deepcopy(signed)
    doc["@context"].append("https://www.w3.org/ns/credentials/examples/v2")
    assert _verify(doc, trust, issuer_key).code is VerdictCode.TAMPERED
    doc = copy.deepcopy(signed)
    doc["@context"][1] = "https://evil.example/context.json"
    assert _verify(doc, trust, issuer_key).code is VerdictCode.TAMPERED
    # Correctly signed, but naming a context that is not on the allowed list.
    cert = make_certificate()
    cert["@context"] = [*cert["@context"], "https://evil.example/context.json"]
    doc = add_proof(cert, issuer_key, created="2026-11-20T08:00:00Z")
    verdict = _verify(doc, trust, issuer_key)
    assert verdict.code is VerdictCode.UNSUPPORTED
    assert "allowed list" in verdict.en
    cert["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    doc = add_proof(cert, issuer_key, created="2026-11-20T08:00:00Z")
    assert _verify(doc, trust, issuer_key).code is VerdictCode.UNSUPPORTED


@pytest.mark.parametrize(
    "proof_value",
    [
        "z" + "1" * 40,
        "z0OIl",
        "",
        "u" + "A" * 86,
    ],
)
def test_changed_proof_value(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair, proof_value: str
) -> None:
    signed["proof"]["proofValue"] = proof_value
    verdict = _verify(signed, trust, issuer_key)
    assert verdict.code in (VerdictCode.TAMPERED, VerdictCode.MALFORMED)
    assert verdict.crypto_valid is not True


def test_swapped_signature_from_other_document(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    other = add_proof(make_certificate(holder_name="王五"), issuer_key, created="2026-11-20T08:00:00Z")
    signed["proof"]["proofValue"] = other["proof"]["proofValue"]
    assert _verify(signed, trust, issuer_key).code is VerdictCode.TAMPERED


def test_unknown_cryptosuite_is_unsupported(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    signed["proof"]["cryptosuite"] = "ecdsa-jcs-2019"
    verdict = _verify(signed, trust, issuer_key)
    assert verdict.code is VerdictCode.UNSUPPORTED
    assert "ecdsa-jcs-2019" in verdict.en
    signed["proof"]["type"] = "Ed25519Signature2020"
    assert _verify(signed, trust, issuer_key).code is VerdictCode.UNSUPPORTED


def test_wrong_key_type_is_unsupported(trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    # A P-256 Multikey (0x1200 prefix, zDn…) in the DID document, and a did:key of one.
    p256 = "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"
    doc = issuer_key.did_document()
    doc["verificationMethod"][0]["publicKeyMultibase"] = p256
    cert = add_proof(make_certificate(), issuer_key, created="2026-11-20T08:00:00Z")
    verdict = verify_credential(cert, trusted_issuers=[], did_documents={ISSUER: doc}, now=NOW)
    assert verdict.code is VerdictCode.UNSUPPORTED, verdict.en
    cert["proof"]["verificationMethod"] = f"did:key:{p256}#{p256}"
    verdict = verify_credential(cert, trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.UNSUPPORTED
    assert "Ed25519" in verdict.en


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[1, 2]",
        b"\xff\xfe\x00",
        b'{"a": NaN}',
        b'{"a": 1, "a": 2}',
        b"[" * 100_000 + b"]" * 100_000,
        b"null",
        b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "x": "\\ud800"}',
    ],
)
def test_malformed_json(raw: bytes) -> None:
    verdict = verify_credential(raw, trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.MALFORMED
    assert verdict.zh.startswith("格式错误")
    assert verdict.en.startswith("malformed")


def test_missing_proof_is_malformed(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    del signed["proof"]
    verdict = _verify(signed, trust, issuer_key)
    assert verdict.code is VerdictCode.MALFORMED
    assert "proof is missing" in verdict.en


@pytest.mark.parametrize("drop", ["issuer", "credentialSubject", "type", "@context", "validFrom"])
def test_removed_signed_field_is_tampered(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair, drop: str
) -> None:
    del signed[drop]
    assert _verify(signed, trust, issuer_key).code is VerdictCode.TAMPERED


@pytest.mark.parametrize("drop", ["issuer", "credentialSubject", "type", "@context"])
def test_signed_but_incomplete_is_malformed(issuer_key: Ed25519KeyPair, drop: str) -> None:
    cert = make_certificate()
    del cert[drop]
    doc = add_proof(cert, issuer_key, created="2026-11-20T08:00:00Z")
    verdict = verify_credential(doc, trusted_issuers=[], did_documents={ISSUER: issuer_key.did_document()}, now=NOW)
    assert verdict.code is VerdictCode.MALFORMED, verdict.en
    assert verdict.crypto_valid is True


def test_wrong_field_types_never_raise(
    signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    for field in ("validFrom", "validUntil", "credentialStatus", "issuer", "proof"):
        for bad in (None, 1, [], {}, "x", [None], {"id": 3}):
            doc = copy.deepcopy(signed)
            doc[field] = bad
            assert _verify(doc, trust, issuer_key).code is not VerdictCode.VALID


def test_huge_input_rejected() -> None:
    huge = b'{"x": "' + b"a" * 1_000_001 + b'"}'
    verdict = verify_credential(huge, trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.MALFORMED
    assert "too large" in verdict.en
    assert "过大" in verdict.zh
    verdict = verify_credential(json.loads(huge), trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.MALFORMED


def test_huge_signed_dict_rejected(issuer_key: Ed25519KeyPair) -> None:
    cert = make_certificate()
    cert["credentialSubject"]["padding"] = "a" * 1_000_001
    doc = add_proof(cert, issuer_key, created="2026-11-20T08:00:00Z")
    verdict = verify_credential(doc, trusted_issuers=[], did_documents={ISSUER: issuer_key.did_document()}, now=NOW)
    assert verdict.code is VerdictCode.MALFORMED
    assert "too large" in verdict.en


def test_expired_and_not_yet_valid(signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    lists = status_lists(issuer_key, valid_until=dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    late = dt.datetime(2031, 11, 19, 0, 0, 1, tzinfo=dt.UTC)
    verdict = verify_credential(signed, trusted_issuers=TrustedIssuers.from_json(trust), status_lists=lists, now=late)
    assert verdict.code is VerdictCode.EXPIRED
    assert verdict.crypto_valid is True
    early = dt.datetime(2026, 11, 19, tzinfo=dt.UTC)
    verdict = verify_credential(signed, trusted_issuers=TrustedIssuers.from_json(trust), status_lists=lists, now=early)
    assert verdict.code is VerdictCode.NOT_YET_VALID


def test_unresolvable_did_web_key(signed: dict[str, Any]) -> None:
    verdict = verify_credential(signed, trusted_issuers=[ISSUER], now=NOW)
    assert verdict.code is VerdictCode.UNKNOWN_ISSUER
    assert verdict.crypto_valid is None
    assert "no network" in verdict.en


def test_impostor_key_for_trusted_issuer(trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> None:
    impostor = Ed25519KeyPair.from_seed(b"\x07" * 32)
    forged = add_proof(make_certificate(), impostor, created="2026-11-20T08:00:00Z")
    verdict = _verify(forged, trust, issuer_key)
    assert verdict.code is not VerdictCode.VALID
    assert verdict.issuer_trusted is False
    assert verdict.key_controller_is_issuer is False


def test_did_key_issuer() -> None:
    key = Ed25519KeyPair.generate()
    cert = add_proof(
        make_certificate(issuer_id=key.did, revocation_list_url=None, suspension_list_url=None),
        key,
        created="2026-11-20T08:00:00Z",
    )
    assert verify_credential(cert, trusted_issuers=[key.did], now=NOW).code is VerdictCode.VALID


def test_unmasked_id_refused() -> None:
    with pytest.raises(ValueError, match="mask"):
        make_certificate(holder_id_masked="11010519491231002X")


def test_builder_fields(signed: dict[str, Any]) -> None:
    subject = signed["credentialSubject"]
    assert signed["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert subject["grade"] == {"rank": 4, "zh": "技师", "en": "Technician (level 2)", "nationalLevel": 2}
    assert subject["occupation"] == {"code": "6-31-01-03", "name": "维修电工"}
    assert [s["statusPurpose"] for s in signed["credentialStatus"]] == ["revocation", "suspension"]
    assert signed["validUntil"] == "2031-11-19T00:00:00Z"
    assert build_skill_certificate(
        certificate_number="1",
        holder_name="a",
        holder_id_masked="1****",
        grade=7,
        occupation_code="x",
        occupation_name="y",
        issuer_id="did:key:z",
        issuer_name="n",
        issue_date=dt.date(2026, 1, 1),
    )["credentialSubject"]["grade"] == {"rank": 7, "zh": "首席技师", "en": "Chief technician"}


def test_did_web_relative_ids_and_unlisted_key(issuer_key: Ed25519KeyPair) -> None:
    doc = issuer_key.did_document()
    doc["verificationMethod"][0]["id"] = "#key-1"
    doc["assertionMethod"] = ["#key-1"]
    cert = add_proof(
        make_certificate(revocation_list_url=None, suspension_list_url=None),
        issuer_key,
        created="2026-11-20T08:00:00Z",
    )
    trust = TrustedIssuers.from_json({"issuers": [{"id": ISSUER, "didDocument": doc}]})
    assert verify_credential(cert, trusted_issuers=trust, now=NOW).code is VerdictCode.VALID
    doc["assertionMethod"] = []
    trust = TrustedIssuers.from_json({"issuers": [{"id": ISSUER, "didDocument": doc}]})
    verdict = verify_credential(cert, trusted_issuers=trust, now=NOW)
    assert verdict.code is VerdictCode.UNKNOWN_ISSUER
    assert verdict.crypto_valid is True
    assert "not authorized" in verdict.en
    assert verdict.warnings
