"""Hypothesis properties: JCS fast path agrees with rfc8785; mutations never verify."""

from __future__ import annotations

import copy
from typing import Any

import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    MalformedCredential,
    TrustedIssuers,
    VerdictCode,
    add_proof,
    canonicalize,
    verify_credential,
)

from .conftest import ISSUER, NOW, make_certificate, status_lists

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


@given(json_values)
@settings(max_examples=400, deadline=None)
def test_jcs_matches_reference(value: Any) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        try:
            canonicalize(value)
        except MalformedCredential:
            return
        raise AssertionError("fast path accepted what rfc8785 rejects") from None
    assert canonicalize(value) == expected


_KEY = Ed25519KeyPair.from_seed(bytes(range(32)), controller=ISSUER, key_id=f"{ISSUER}#key-1")
_SIGNED = add_proof(make_certificate(), _KEY, created="2026-11-20T08:00:00Z")
_TRUST = TrustedIssuers.from_json({"issuers": [{"id": ISSUER, "didDocument": _KEY.did_document()}]})
_LISTS = status_lists(_KEY)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


_SUBJECT_PATHS = [p for p in _paths(_SIGNED["credentialSubject"]) if p]


@given(
    path=st.sampled_from(_SUBJECT_PATHS),
    replacement=json_values,
    delete=st.booleans(),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_subject_mutation_never_valid(path: tuple[Any, ...], replacement: Any, delete: bool) -> None:
    doc = copy.deepcopy(_SIGNED)
    target = doc["credentialSubject"]
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        try:
            if canonicalize(target[path[-1]]) == canonicalize(replacement):
                return  # same JSON value (e.g. 4 and 4.0): not a mutation
        except MalformedCredential:
            pass
        target[path[-1]] = replacement
    verdict = verify_credential(doc, trusted_issuers=_TRUST, status_lists=_LISTS, now=NOW)
    assert verdict.code is not VerdictCode.VALID
    assert verdict.crypto_valid is not True


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@settings(max_examples=200, deadline=None)
def test_garbage_never_raises(raw: bytes) -> None:
    verdict = verify_credential(raw, trusted_issuers=_TRUST, now=NOW)
    assert verdict.code is VerdictCode.MALFORMED or verdict.code is not VerdictCode.VALID
