"""Credential engine throughput, side by side with a plain cryptography + rfc8785 loop.

Run: ``.venv/bin/python benchmarks/credentials.py [--seconds 2] [--pdf 30]``

Each figure is the best of three timed rounds on one core (a plain single-threaded loop),
timed in process CPU time (``time.process_time``) so that other work on a shared machine
inflates the figures less than wall-clock timing would.
"Engine" numbers are the public API (``add_proof``; ``verify_proof``; the full
``verify_credential`` verdict with trust list and both status lists from a prepared
``StatusListStore``). "Plain" numbers are the bare W3C algorithm written directly against
``cryptography`` and ``rfc8785`` with a cached key object, the floor any implementation pays.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import base58
import cryptography
import rfc8785
from cryptography.hazmat.backends.openssl.backend import backend as openssl_backend

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    StatusList,
    StatusListStore,
    TrustedIssuers,
    VerdictCode,
    add_proof,
    build_skill_certificate,
    build_status_list_credential,
    canonicalize,
    public_key_from_multikey,
    render_certificate_pdf,
    verify_credential,
    verify_proof,
)

ISSUER = "did:web:gh.acftu.example"
CREATED = "2026-11-20T08:00:00Z"
NOW = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)


def machine_info() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"cpu: {cpu}; cores: {os.cpu_count()}; load average: {load}; "
        f"{platform.system()} {platform.release()}\n"
        f"python {platform.python_version()} ({platform.python_implementation()}); "
        f"cryptography {cryptography.__version__} ({openssl_backend.openssl_version_text()}); "
        f"rfc8785 {getattr(rfc8785, '__version__', '?')}"
    )


def rate(fn: Callable[[], Any], seconds: float) -> float:
    """Operations per CPU-second: best of three rounds of about ``seconds`` each."""
    clock = time.process_time
    n = 1
    while True:  # calibrate
        start = clock()
        for _ in range(n):
            fn()
        elapsed = clock() - start
        if elapsed > seconds / 10:
            break
        n *= 2
    per_round = max(1, int(n * seconds / elapsed))
    best = 0.0
    for _ in range(3):
        start = clock()
        for _ in range(per_round):
            fn()
        best = max(best, per_round / (clock() - start))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    parser.add_argument("--pdf", type=int, default=30, help="PDFs to render for the PDF rate")
    args = parser.parse_args(argv)

    key = Ed25519KeyPair.from_seed(bytes(range(32)), controller=ISSUER, key_id=f"{ISSUER}#key-1")
    cert = build_skill_certificate(
        certificate_number="S3301202611000123",
        holder_name="欧阳明辉",
        holder_id_masked="330106********123X",
        grade=4,
        occupation_code="6-31-01-03",
        occupation_name="维修电工",
        issuer_id=ISSUER,
        issuer_name="杭州市总工会",
        issue_date=dt.date(2026, 11, 20),
        valid_until=dt.date(2031, 11, 19),
        status_index=4242,
        revocation_list_url="https://gh.acftu.example/status/revocation/1",
        suspension_list_url="https://gh.acftu.example/status/suspension/1",
    )
    signed = add_proof(cert, key, created=CREATED)
    trust = TrustedIssuers.from_json({"issuers": [{"id": ISSUER, "didDocument": key.did_document()}]})
    lists = [
        build_status_list_credential(
            f"https://gh.acftu.example/status/{purpose}/1",
            issuer=ISSUER,
            purpose=purpose,
            status_list=StatusList(),
            valid_from=NOW - dt.timedelta(hours=6),
            key=key,
        )
        for purpose in ("revocation", "suspension")
    ]
    store = StatusListStore.from_credentials(lists, did_documents=trust.did_documents())
    verdict = verify_credential(signed, trusted_issuers=trust, status_lists=store, now=NOW)
    assert verdict.code is VerdictCode.VALID, verdict.en

    # --- the plain loop: W3C eddsa-jcs-2022 straight on cryptography + rfc8785 ---------------
    private = key.private_key
    public = public_key_from_multikey(key.public_key_multibase)

    def plain_sign() -> dict[str, Any]:
        config = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": CREATED,
            "verificationMethod": key.key_id,
            "proofPurpose": "assertionMethod",
            "@context": cert["@context"],
        }
        data = hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(cert)).digest()
        config["proofValue"] = "z" + base58.b58encode(private.sign(data)).decode()
        return {**cert, "proof": config}

    def plain_verify() -> bool:
        proof = dict(signed["proof"])
        signature = base58.b58decode(proof.pop("proofValue")[1:])
        doc = {k: v for k, v in signed.items() if k != "proof"}
        data = hashlib.sha256(rfc8785.dumps(proof)).digest() + hashlib.sha256(rfc8785.dumps(doc)).digest()
        public.verify(signature, data)
        return True

    assert plain_sign()["proof"] == signed["proof"]
    assert canonicalize(cert) == rfc8785.dumps(cert)

    sig = private.sign(b"x" * 64)
    print(machine_info())
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; certificate JCS size: "
        f"{len(canonicalize(signed))} bytes; one core, CPU time, best of 3 x {args.seconds:g} s"
    )
    rows = [
        ("sign: engine add_proof", rate(lambda: add_proof(cert, key, created=CREATED), args.seconds)),
        ("sign: plain cryptography+rfc8785", rate(plain_sign, args.seconds)),
        (
            "verify: engine verify_proof",
            rate(lambda: verify_proof(signed, did_documents=trust.did_documents()), args.seconds),
        ),
        (
            "verify: engine verify_credential (full verdict)",
            rate(lambda: verify_credential(signed, trusted_issuers=trust, status_lists=store, now=NOW), args.seconds),
        ),
        ("verify: plain cryptography+rfc8785", rate(plain_verify, args.seconds)),
        ("raw Ed25519 sign (64-byte message)", rate(lambda: private.sign(b"x" * 64), args.seconds)),
        ("raw Ed25519 verify (64-byte message)", rate(lambda: public.verify(sig, b"x" * 64), args.seconds)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, ops in rows:
        print(f"  {name:<{width}}  {ops:>9,.0f} /s")
    sign_ratio = rows[0][1] / rows[1][1]
    verify_ratio = rows[3][1] / rows[4][1]
    print(f"  engine/plain: sign {sign_ratio:.2f}x, full verify {verify_ratio:.2f}x")

    start = time.process_time()
    total = 0
    for _ in range(args.pdf):
        total += len(render_certificate_pdf(signed))
    elapsed = time.process_time() - start
    print(
        f"  PDF render_certificate_pdf: {args.pdf / elapsed:,.1f} /s "
        f"({elapsed / args.pdf * 1000:.0f} ms each, {total // args.pdf:,} bytes each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
