"""The W3C vc-di-eddsa ``eddsa-jcs-2022`` test vectors, reproduced exactly."""

from __future__ import annotations

import hashlib

import base58

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    VerdictCode,
    add_proof,
    canonicalize,
    hash_data,
    proof_configuration,
    verify_credential,
    verify_proof,
)

from .conftest import NOW, load_vector


def _key() -> Ed25519KeyPair:
    pair = load_vector("keyPair.json")
    return Ed25519KeyPair.from_multikey(pair["privateKeyMultibase"], pair["publicKeyMultibase"])


def test_keypair_multikey_roundtrip() -> None:
    pair = load_vector("keyPair.json")
    key = _key()
    assert key.public_key_multibase == pair["publicKeyMultibase"]
    assert key.secret_key_multibase() == pair["privateKeyMultibase"]


def test_signed_vector_verifies() -> None:
    check = verify_proof(load_vector("signedJCS.json"))
    assert check.verified
    assert check.key is not None
    assert check.key.id == load_vector("proofConfigJCS.json")["verificationMethod"]


def test_signing_reproduces_proof_value() -> None:
    unsigned, config = load_vector("unsigned.json"), load_vector("proofConfigJCS.json")
    signed = add_proof(unsigned, _key(), created=config["created"])
    expected = load_vector("signedJCS.json")
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert signed == expected


def test_intermediate_values() -> None:
    unsigned, config = load_vector("unsigned.json"), load_vector("proofConfigJCS.json")
    ours = proof_configuration(
        unsigned,
        verification_method=config["verificationMethod"],
        created=config["created"],
    )
    assert ours == config
    canon_doc, canon_proof = canonicalize(unsigned), canonicalize(ours)
    assert canon_doc.decode() == load_vector("canonDocJCS.txt")
    assert canon_proof.decode() == load_vector("proofCanonJCS.txt")
    assert hashlib.sha256(canon_doc).hexdigest() == load_vector("docHashJCS.txt")
    assert hashlib.sha256(canon_proof).hexdigest() == load_vector("proofHashJCS.txt")
    combined = hash_data(canon_doc, canon_proof)
    assert combined.hex() == load_vector("combinedHashJCS.txt")
    signature = _key().sign(combined)
    assert signature.hex() == load_vector("sigHexJCS.txt")
    assert "z" + base58.b58encode(signature).decode() == load_vector("sigBTC58JCS.txt")


def test_signed_vector_verdict_separates_crypto_and_trust() -> None:
    verdict = verify_credential(load_vector("signedJCS.json"), trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.UNKNOWN_ISSUER
    assert verdict.crypto_valid is True
    assert verdict.issuer_trusted is False
    assert verdict.authentic
    assert not verdict.ok
    assert "not on the trusted list" in verdict.en
    assert "不在信任列表" in verdict.zh


def test_signed_vector_trusted_when_issuer_and_key_listed() -> None:
    from craftpath.engines.credentials import TrustedIssuer

    doc = load_vector("signedJCS.json")
    vm = doc["proof"]["verificationMethod"]
    trusted = [TrustedIssuer(doc["issuer"], verification_methods=frozenset({vm}))]
    assert verify_credential(doc, trusted_issuers=trusted, now=NOW).code is VerdictCode.VALID
    # Trusting the issuer URL alone does not authorize an arbitrary key for it.
    assert verify_credential(doc, trusted_issuers=[doc["issuer"]], now=NOW).code is (VerdictCode.UNKNOWN_ISSUER)
