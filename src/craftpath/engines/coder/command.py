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
import csv
import io
import json
import sys
from collections.abc import Sequence

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
    if workers > 1:
        with CoderPool(workers, use_embeddings=not args.no_embeddings) as pool:
            frame = pool.code(lines, k=args.k, evidence=args.evidence)
    else:
        from .resources import default_coder

        frame = default_coder(use_embeddings=not args.no_embeddings).code(lines, k=args.k, evidence=args.evidence)
    by_input: dict[int, list[dict[str, object]]] = {}
    conf: dict[int, float] = {}
    for row in frame.iter_rows(named=True):
        i = row["input_index"]
        conf[i] = row["confidence"]
        if row["code"] is not None:
            by_input.setdefault(i, []).append(row)

    buf = io.StringIO()
    if args.format == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        header = ["line", "input", "no_confident_code"]
        for r in range(1, args.k + 1):
            header += [f"code_{r}", f"name_{r}", f"score_{r}"] + ([f"evidence_{r}"] if args.evidence else [])
        header += ["confidence"]
        writer.writerow(header)
        for i, line in enumerate(lines):
            rows = by_input.get(i, [])
            rec: list[object] = [i + 1, line, not rows]
            for r in range(args.k):
                if r < len(rows):
                    rec += [rows[r]["code"], rows[r]["name"], rows[r]["score"]]
                    rec += [rows[r]["evidence"]] if args.evidence else []
                else:
                    rec += ["", "", ""] + ([""] if args.evidence else [])
            rec.append(round(conf.get(i, 0.0), 4))
            writer.writerow(rec)
    else:
        for i, line in enumerate(lines):
            rows = by_input.get(i, [])
            record = {
                "line": i + 1,
                "input": line,
                "no_confident_code": not rows,
                "confidence": round(conf.get(i, 0.0), 4),
                "codes": [
                    {"code": r["code"], "name": r["name"], "score": r["score"]}
                    | ({"evidence": r["evidence"]} if args.evidence else {})
                    for r in rows
                ],
            }
            buf.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.out == "-":
        sys.stdout.write(buf.getvalue())
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
    return 0
