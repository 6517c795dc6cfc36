"""JSON Canonicalization Scheme (RFC 8785) with a fast path.

``rfc8785`` is a correct pure-Python implementation. For the JSON that certificates are made
of (strings, safe integers, booleans, null, objects whose keys sort the same in UTF-16 and in
code points) the output of :func:`json.dumps` with sorted keys and compact separators is
byte-for-byte the JCS form, and it runs in C. :func:`canonicalize` walks the value once to check
that it stays inside that subset and otherwise falls back to ``rfc8785``; a property test
checks both paths agree.

Examples:
    >>> canonicalize({"b": [1, "二", None], "a": True})
    b'{"a":true,"b":[1,"\\xe4\\xba\\x8c",null]}'
    >>> canonicalize({"x": 1.5e21})
    b'{"x":1.5e+21}'
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from .errors import MalformedCredential

__all__ = ["canonicalize"]

_MAX_SAFE = 2**53 - 1
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode


def _fast_ok(value: Any, depth: int = 0) -> bool:
    t = type(value)
    if t is str or t is bool or value is None:
        return True
    if t is int:
        return -_MAX_SAFE <= value <= _MAX_SAFE
    if depth > 64:
        return False
    if t is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            # Code-point order equals UTF-16 order below the surrogate block.
            if not key.isascii() and max(key) >= "\ud800":
                return False
            if not _fast_ok(item, depth + 1):
                return False
        return True
    if t is list:
        return all(_fast_ok(item, depth + 1) for item in value)
    return False


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Args:
        value: dicts, lists, str, int, float, bool or None.

    Returns:
        The canonical serialization.

    Raises:
        MalformedCredential: the value cannot be canonicalized (lone surrogate, NaN, integer
            outside the IEEE-754 safe range, non-JSON type).
    """
    if _fast_ok(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # lone surrogate: let rfc8785 report it
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as exc:
        raise MalformedCredential(f"无法规范化 JSON：{exc}", f"JSON cannot be canonicalized: {exc}") from exc
