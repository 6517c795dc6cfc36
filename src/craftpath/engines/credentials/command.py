"""``craftpath verify FILE``: check a certificate (JSON or PDF) offline.

Usage::

    craftpath verify FILE [--json] [--trusted TRUST.json] [--status-list FILE ...]
                          [--did-document FILE ...] [--lang zh|en] [--now ISO]
                          [--max-status-age HOURS] [--require-trusted]

Exit status:

* ``0`` — the signature is cryptographically valid and the credential is not revoked,
  suspended, expired or not yet valid. This includes ``unknown_issuer``: the output then says
  plainly that the issuer is not on the trusted list (the W3C ``signedJCS.json`` vector exits 0
  this way). With ``--require-trusted`` an untrusted issuer exits 1.
* ``1`` — invalid: ``tampered``, ``revoked``, ``suspended``, ``expired``, ``not_yet_valid``,
  ``malformed``, ``unsupported``.
* ``2`` — usage error (bad options, unreadable file or trust list).
* ``3`` — could not be decided offline: ``status_unavailable`` (no usable cached status list),
  or ``unknown_issuer`` where the signing key could not be resolved (so the signature was not
  checked).

This is the program boundary, so it is the one place that reads the clock (unless ``--now``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .errors import CredentialError
from .pdf import extract_credential_from_pdf
from .status import StatusListStore
from .verify import (
    TrustedIssuers,
    Verdict,
    VerdictCode,
    parse_credential_json,
    verify_credential,
)

__all__ = ["EXIT_INDETERMINATE", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "exit_status", "run_verify"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INDETERMINATE = 0, 1, 2, 3
_MAX_FILE = 25_000_000


class _UsageError(Exception):
    pass


class _HelpShown(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    out: TextIO | None = None

    def print_help(self, file: Any = None) -> None:
        super().print_help(file or self.out)

    def error(self, message: str) -> Any:  # never sys.exit from a library
        raise _UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        if status:
            raise _UsageError(message or "usage error")
        raise _HelpShown


def _parser() -> _Parser:
    p = _Parser(
        prog="craftpath verify",
        description="离线验证技能等级证书（JSON 或 PDF）。Verify a skill certificate offline.",
    )
    p.add_argument("file", help="credential .json or certificate .pdf")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--trusted", metavar="FILE.json", help="trusted issuers list")
    p.add_argument(
        "--status-list",
        metavar="FILE",
        action="append",
        default=[],
        nargs="+",
        help="cached BitstringStatusListCredential JSON (repeatable)",
    )
    p.add_argument(
        "--did-document",
        metavar="FILE",
        action="append",
        default=[],
        nargs="+",
        help="DID document JSON for did:web keys (repeatable)",
    )
    p.add_argument("--lang", choices=["zh", "en"], help="print one language only")
    p.add_argument("--now", help="judge at this time (ISO 8601 with zone) instead of the clock")
    p.add_argument("--max-status-age", type=float, metavar="HOURS", help="treat older status lists as unavailable")
    p.add_argument("--require-trusted", action="store_true", help="exit 1 unless the issuer is on the trusted list")
    return p


def exit_status(verdict: Verdict, *, require_trusted: bool = False) -> int:
    """Map a verdict to the process exit status documented above.

    Examples:
        >>> exit_status(Verdict(VerdictCode.UNKNOWN_ISSUER, "", "", crypto_valid=True))
        0
        >>> exit_status(Verdict(VerdictCode.TAMPERED, "", "", crypto_valid=False))
        1
    """
    if verdict.code is VerdictCode.VALID:
        return EXIT_OK
    if verdict.code is VerdictCode.UNKNOWN_ISSUER:
        if verdict.crypto_valid is not True:
            return EXIT_INDETERMINATE
        return EXIT_INVALID if require_trusted else EXIT_OK
    if verdict.code is VerdictCode.STATUS_UNAVAILABLE:
        return EXIT_INDETERMINATE
    return EXIT_INVALID


def _read_json(path: str) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return parse_credential_json(data, max_bytes=_MAX_FILE)
    except CredentialError as exc:
        raise _UsageError(f"{path}: {exc.en}") from exc


def _flatten(groups: list[list[str]]) -> list[str]:
    return [item for group in groups for item in group]


def _text(verdict: Verdict, lang: str | None, source: str) -> str:
    s = verdict.summary
    lines: list[str] = []
    zh, en = lang in (None, "zh"), lang in (None, "en")
    if zh:
        lines.append(f"结论：{verdict.code.value} — {verdict.zh}")
    if en:
        lines.append(f"Verdict: {verdict.code.value} — {verdict.en}")
    yes_no = {True: ("是", "yes"), False: ("否", "no"), None: ("未能检查", "not checked")}
    crypto = yes_no[verdict.crypto_valid]
    trusted = yes_no[verdict.issuer_trusted]
    if zh:
        lines.append(f"  签名有效：{crypto[0]}    签发机构可信：{trusted[0]}")
    if en:
        lines.append(f"  signature valid: {crypto[1]}    issuer trusted: {trusted[1]}")
    if verdict.crypto_valid and not verdict.issuer_trusted:
        if zh:
            lines.append(f"  注意：签发机构 {verdict.issuer} 不在信任列表中")
        if en:
            lines.append(f"  NOTE: issuer {verdict.issuer} is not on the trusted list")
    if verdict.crypto_valid and verdict.key_controller_is_issuer is False:
        if zh:
            lines.append("  注意：签名密钥不由凭证声明的签发机构控制")
        if en:
            lines.append("  NOTE: the signing key is not controlled by the issuer the credential names")

    def label(zh_label: str, en_label: str) -> str:
        if lang == "zh":
            return zh_label
        if lang == "en":
            return en_label
        return f"{en_label} / {zh_label}"

    if verdict.issuer:
        name = f" ({verdict.issuer_name})" if verdict.issuer_name else ""
        lines.append(f"  {label('签发机构', 'issuer')}: {verdict.issuer}{name}")
    if verdict.verification_method:
        lines.append(f"  {label('签名密钥', 'key')}: {verdict.verification_method}")
    if s.get("certificate_number"):
        grade = s["grade_zh"] if lang == "zh" else s["grade_en"] if lang == "en" else s["grade_zh"]
        lines.append(
            f"  {label('证书', 'certificate')}: {s['certificate_number']}  {s['holder_name']}  "
            f"{s['masked_id']}  {s['occupation_code']} {s['occupation_name']}  {grade}"
        )
    for st in verdict.status:
        state = {
            True: label("已置位", "set"),
            False: label("未置位", "clear"),
            None: label("未知", "unknown"),
        }[st.is_set]
        age = f", as of {st.as_of:%Y-%m-%d %H:%M} UTC" if st.as_of else ""
        if st.age is not None:
            age += f", age {st.age.total_seconds() / 3600:.1f} h"
        lines.append(f"  {label('状态', 'status')} {st.purpose}[{st.index}]: {state}{age}")
        if st.problem is not None:
            if zh:
                lines.append(f"    {st.problem[0]}")
            if en:
                lines.append(f"    {st.problem[1]}")
    for w_zh, w_en in verdict.warnings:
        if zh:
            lines.append(f"  警告：{w_zh}")
        if en:
            lines.append(f"  warning: {w_en}")
    lines.append(f"  {label('文件', 'file')}: {source}")
    return "\n".join(lines)


def run_verify(argv: list[str], *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``craftpath verify``; returns the exit status (see the module docstring)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        parser = _parser()
        parser.out = out
        try:
            args = parser.parse_args(argv)
        except _HelpShown:
            return EXIT_OK
        now = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            raise _UsageError("--now needs a time zone, e.g. 2026-11-25T00:00:00Z")
        trust = TrustedIssuers.from_json(_read_json(args.trusted)) if args.trusted else TrustedIssuers()
        did_docs: dict[str, Any] = {}
        for path in _flatten(args.did_document):
            doc = _read_json(path)
            if not isinstance(doc.get("id"), str):
                raise _UsageError(f"{path}: DID document has no id")
            did_docs[doc["id"]] = doc
        store = StatusListStore.from_credentials(
            [_read_json(p) for p in _flatten(args.status_list)],
            did_documents={**did_docs, **trust.did_documents()},
        )
        try:
            raw = Path(args.file).read_bytes()
        except OSError as exc:
            raise _UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
    except (_UsageError, ValueError, CredentialError) as exc:
        print(f"craftpath verify: {exc}", file=err)
        print(
            "usage: craftpath verify FILE [--json] [--trusted FILE.json] [--status-list FILE ...] [--lang zh|en]",
            file=err,
        )
        return EXIT_USAGE

    document: Any = raw
    if raw.lstrip()[:5] == b"%PDF-":
        try:
            document = extract_credential_from_pdf(raw)
        except CredentialError as exc:
            verdict = Verdict(VerdictCode.MALFORMED, f"格式错误：{exc.zh}", f"malformed: {exc.en}")
            return _emit(verdict, args, out)
    verdict = verify_credential(
        document,
        trusted_issuers=trust,
        status_lists=store,
        now=now,
        did_documents=did_docs,
        max_status_age=dt.timedelta(hours=args.max_status_age) if args.max_status_age else None,
    )
    return _emit(verdict, args, out)


def _emit(verdict: Verdict, args: argparse.Namespace, out: TextIO) -> int:
    status = exit_status(verdict, require_trusted=args.require_trusted)
    if args.json:
        payload = verdict.to_json()
        payload["exitStatus"] = status
        payload["file"] = args.file
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
    else:
        print(_text(verdict, args.lang, args.file), file=out)
    return status
