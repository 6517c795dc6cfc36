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


def _fast_ok(value: Any) -> bool:
    """Whether ``json.dumps`` gives the RFC 8785 bytes for ``value`` (iterative walk)."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        t = type(item)
        if t is str or t is bool or item is None:
            continue
        if t is dict:
            for key in item:
                if type(key) is not str:
                    return False
                # Code-point order equals UTF-16 order below the surrogate block.
                if not key.isascii() and max(key, default="") >= "\ud800":
                    return False
            push(item.values())
        elif t is list:
            push(item)
        elif t is int:
            if not -_MAX_SAFE <= item <= _MAX_SAFE:
                return False
        else:
            return False
    return True


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
        except (UnicodeEncodeError, RecursionError, ValueError):
            pass  # lone surrogate, circular or too deep: let rfc8785 report it
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as exc:
        raise MalformedCredential(f"无法规范化 JSON：{exc}", f"JSON cannot be canonicalized: {exc}") from exc
