"""Exceptions raised by the credential engine; each carries a verdict code.

Signing and building functions raise these on bad input. :func:`verify_credential` never
raises: it turns every problem into a :class:`~craftpath.engines.credentials.Verdict`.
"""

from __future__ import annotations

__all__ = ["CredentialError", "MalformedCredential", "UnsupportedCredential"]


class CredentialError(ValueError):
    """Base class: ``code`` is a verdict code, ``zh``/``en`` explain the problem.

    Examples:
        >>> err = MalformedCredential("缺少 proof", "proof is missing")
        >>> err.code, str(err)
        ('malformed', 'proof is missing')
    """

    code = "malformed"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class MalformedCredential(CredentialError):
    """Bad JSON, a missing or mistyped field, an oversized input."""

    code = "malformed"


class UnsupportedCredential(CredentialError):
    """Well-formed but outside what this engine accepts (cryptosuite, key type, context)."""

    code = "unsupported"
