"""``craftpath code-occupations FILE [--format csv|jsonl] [--k 5] [--out FILE] [--workers N]``.

One title per input line (``-`` reads standard input; UTF-8 or GBK, detected with
charset-normalizer); one output record per input line, in the same order. A blank line
gives a record with no codes and ``no_confident_code`` set.

Examples:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.txt").write_bytes("焊工\\n\\n".encode("gbk"))
    >>> run_code_occupations([str(d / "in.txt"), "--k", "1", "--out", str(d / "o.csv")])
    0
    >>> print((d / "o.csv").read_text("utf-8").splitlines()[1])  # doctest: +ELLIPSIS
    1,焊工,False,6-18-02-04,焊工,...
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

import polars as pl

from .parallel import CoderPool, default_workers

__all__ = ["decode_input", "run_code_occupations"]


def decode_input(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), else whatever charset-normalizer finds (GBK…).

    Examples:
        >>> decode_input("电工".encode("gbk"))
        '电工'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode" text as Windows Notepad saves it
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # GBK superset: the usual case for Chinese text files
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        return str(best)
    return raw.decode("utf-8", errors="replace")


def looks_binary(raw: bytes) -> bool:
    """Whether ``raw`` is not text at all: NUL bytes near the start and no UTF-16 mark.

    Examples:
        >>> looks_binary(b"PK\\x03\\x04\\x00\\x00"), looks_binary("焊工".encode())
        (True, False)
    """
    return not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in raw[:8192]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="craftpath code-occupations",
        description="Code job titles (one per line) to 2022 national occupation codes.",
    )
    p.add_argument("file", help="input file, or - for standard input")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("--k", type=int, default=5, help="codes per title (default 5)")
    p.add_argument("--out", default="-", help="output file (default standard output)")
    p.add_argument("--no-embeddings", action="store_true", help="cheap signals only (faster, less accurate)")
    p.add_argument(
        "--evidence",
        action="store_true",
        help="add the signals behind each code (CSV: evidence_1..k columns; JSONL: per code); "
        "off by default, as it costs about a fifth of the time",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes (default: one per core, at most 4, for inputs of 4,096 lines or more; else 1)",
    )
    return p


def run_code_occupations(argv: Sequence[str]) -> int:
    """Run the command; returns the process exit code."""
    args = _parser().parse_args(list(argv))
    if args.k < 1:
        print("--k 至少为 1 / --k must be at least 1", file=sys.stderr)
        return 2
    if args.workers < 0:
        print("--workers 应为 0（自动）或正数 / --workers must be 0 (automatic) or more", file=sys.stderr)
        return 2
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()  # noqa: SIM115
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"无法读取文件 {args.file}（{reason}）/ cannot read {args.file}: {reason}", file=sys.stderr)
        return 1
    if looks_binary(raw):
        print(
            f"{args.file} 不是文本文件（含二进制内容）；请提供每行一个职位名称的文本文件（UTF-8 或 GBK），"
            "表格请先另存为 CSV 或复制职位名称列 / "
            f"{args.file} is not a text file (it holds binary data); give a text file with one job title "
            "per line (UTF-8 or GBK): save a spreadsheet as CSV or copy its title column first",
            file=sys.stderr,
        )
        return 1
    text = decode_input(raw)
    lines = text.splitlines()

    workers = args.workers or default_workers(len(lines))
    try:
        with _stopped_by_sigterm(), _output(args.out) as fh:
            if workers > 1:
                with CoderPool(workers, use_embeddings=not args.no_embeddings) as pool:
                    _write(fh, lines, pool.iter_code(lines, k=args.k, evidence=args.evidence), args)
            else:
                from .resources import default_coder

                coder = default_coder(use_embeddings=not args.no_embeddings)
                pieces = (
                    coder.code(lines[start : start + _PIECE], k=args.k, evidence=args.evidence).with_columns(
                        pl.col("input_index") + start
                    )
                    for start in range(0, max(1, len(lines)), _PIECE)
                )
                _write(fh, lines, pieces, args)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"无法写入 {args.out}（{reason}）/ cannot write {args.out}: {reason}", file=sys.stderr)
        return 1
    except _Terminated:
        if args.out == "-":  # what was printed so far stays printed
            print("已终止，输出不完整 / stopped: the output above is incomplete", file=sys.stderr)
        else:
            print(f"已终止，未写出 {args.out} / stopped: {args.out} was not written", file=sys.stderr)
        return 128 + signal.SIGTERM
    return 0


class _Terminated(Exception):
    """SIGTERM arrived while coding (``kill``, a job scheduler's time limit, a container stop)."""


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """Turn SIGTERM into an exception for the duration, so that the output is cleaned up.

    Python's default for SIGTERM ends the process on the spot, which would leave the
    temporary output file behind; Ctrl-C (SIGINT) already raises KeyboardInterrupt. Signal
    handlers can be set from the main thread only; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_PIECE = 4096  # inputs coded and written at a time in one process: bounds the memory held


@contextlib.contextmanager
def _output(path: str) -> Iterator[TextIO]:
    """Standard output, or a file that appears whole or not at all.

    Records are written as they are coded, into a temporary file beside the target that
    replaces it only once every line is done: a run that fails or is interrupted leaves
    any earlier file of that name as it was, never half a result.
    """
    if path == "-":
        yield sys.stdout
        return
    target = os.path.abspath(path)
    fd, tmp = tempfile.mkstemp(prefix=".coding-", suffix=".part", dir=os.path.dirname(target))
    try:
        # the permissions a plain open() would give (mkstemp's are owner-only), or the old file's
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, os.stat(target).st_mode & 0o777 if os.path.exists(target) else 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write(fh: TextIO, lines: list[str], pieces: Iterable[pl.DataFrame], args: argparse.Namespace) -> None:
    """One CSV or JSON record per input line, written piece by piece in input order."""
    k, with_evidence = args.k, args.evidence
    writer = csv.writer(fh, lineterminator="\n") if args.format == "csv" else None
    if writer is not None:
        header = ["line", "input", "no_confident_code"]
        for r in range(1, k + 1):
            header += [f"code_{r}", f"name_{r}", f"score_{r}"] + ([f"evidence_{r}"] if with_evidence else [])
        header += ["confidence"]
        writer.writerow(header)
    for frame in pieces:
        by_input: dict[int, list[tuple[str, str, float, str | None]]] = {}
        conf: dict[int, float] = {}
        for i, code, name, score, c, said in zip(
            frame["input_index"].to_list(),
            frame["code"].to_list(),
            frame["name"].to_list(),
            frame["score"].to_list(),
            frame["confidence"].to_list(),
            frame["evidence"].to_list(),
            strict=True,
        ):
            conf[i] = c
            rows = by_input.setdefault(i, [])
            if code is not None:
                rows.append((code, name, score, said))
        for i, rows in by_input.items():
            line = lines[i]
            if writer is not None:
                rec: list[object] = [i + 1, line, not rows]
                for r in range(k):
                    if r < len(rows):
                        code, name, score, said = rows[r]
                        rec += [code, name, score] + ([said] if with_evidence else [])
                    else:
                        rec += ["", "", ""] + ([""] if with_evidence else [])
                rec.append(round(conf.get(i, 0.0), 4))
                writer.writerow(rec)
            else:
                record = {
                    "line": i + 1,
                    "input": line,
                    "no_confident_code": not rows,
                    "confidence": round(conf.get(i, 0.0), 4),
                    "codes": [
                        {"code": code, "name": name, "score": score} | ({"evidence": said} if with_evidence else {})
                        for code, name, score, said in rows
                    ],
                }
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
