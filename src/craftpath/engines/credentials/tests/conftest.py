"""Shared fixtures: a did:web issuer key, a certificate, status lists and a fixed clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    StatusList,
    add_proof,
    build_skill_certificate,
    build_status_list_credential,
)

VECTORS = Path(__file__).resolve().parents[3] / "data" / "vc-di-eddsa"
ISSUER = "did:web:gh.acftu.example"
REVOCATION_URL = "https://gh.acftu.example/status/revocation/1"
SUSPENSION_URL = "https://gh.acftu.example/status/suspension/1"
INDEX = 4242
NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
LIST_TIME = dt.datetime(2027, 3, 1, 0, 0, tzinfo=dt.UTC)


def load_vector(name: str) -> Any:
    text = (VECTORS / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text.strip()


@pytest.fixture(scope="session")
def issuer_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(32)), controller=ISSUER, key_id=f"{ISSUER}#key-1")


@pytest.fixture(scope="session")
def trust(issuer_key: Ed25519KeyPair) -> dict[str, Any]:
    return {"issuers": [{"id": ISSUER, "name": "杭州市总工会", "didDocument": issuer_key.did_document()}]}


def make_certificate(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "certificate_number": "S3301202611000123",
        "holder_name": "欧阳明辉",
        "holder_id_masked": "330106********123X",
        "grade": 4,
        "occupation_code": "6-31-01-03",
        "occupation_name": "维修电工",
        "issuer_id": ISSUER,
        "issuer_name": "杭州市总工会",
        "issue_date": dt.date(2026, 11, 20),
        "valid_until": dt.date(2031, 11, 19),
        "status_index": INDEX,
        "revocation_list_url": REVOCATION_URL,
        "suspension_list_url": SUSPENSION_URL,
    }
    fields.update(overrides)
    return build_skill_certificate(**fields)


@pytest.fixture
def signed(issuer_key: Ed25519KeyPair) -> dict[str, Any]:
    return add_proof(make_certificate(), issuer_key, created="2026-11-20T08:00:00Z")


def status_lists(
    key: Ed25519KeyPair,
    *,
    revoked: tuple[int, ...] = (),
    suspended: tuple[int, ...] = (),
    valid_from: dt.datetime = LIST_TIME,
    valid_until: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    out = []
    for url, purpose, bits in (
        (REVOCATION_URL, "revocation", revoked),
        (SUSPENSION_URL, "suspension", suspended),
    ):
        sl = StatusList()
        for i in bits:
            sl.set(i)
        out.append(
            build_status_list_credential(
                url,
                issuer=ISSUER,
                purpose=purpose,
                status_list=sl,
                valid_from=valid_from,
                valid_until=valid_until,
                key=key,
            )
        )
    return out
