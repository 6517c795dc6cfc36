"""``craftpath eligibility CASE.json`` — print a case's full result as JSON.

Output keys: ``as_of``, ``rulebook`` (files), ``eligibility`` (rows with ``explain_zh`` /
``explain_en``), ``competition``, ``posts``, ``title_bridge``, ``clauses`` (id → source and
validity of every clause cited in a trace). Errors print a zh + en message on stderr, exit 2.

Examples:
    >>> import io, contextlib
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     run_eligibility(["/no/such/case.json"])
    2
    >>> "找不到" in err.getvalue() and "not found" in err.getvalue()
    True
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from craftpath.engines.ladder.bridge import title_bridge
from craftpath.engines.ladder.cases import CaseError, parse_case
from craftpath.engines.ladder.competition import promote_by_competition
from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.explain import explain_codes
from craftpath.engines.ladder.inputs import InputError
from craftpath.engines.ladder.posts import post_nomination_eligibility
from craftpath.engines.rules import RulebookError, load_rulebook

__all__ = ["case_result", "run_eligibility"]


def _json(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    raise TypeError(type(v))


def case_result(doc: Any, rulebook_files: list[str] | None = None) -> dict[str, Any]:
    """Evaluate a parsed case document; returns the JSON-ready result."""
    case = parse_case(doc)
    rb = load_rulebook(rulebook_files) if rulebook_files else load_rulebook()
    inp = case.inputs
    elig = evaluate(inp, rb, case.as_of, on_bad_input=case.on_bad_input)
    rows = elig.to_dicts()
    for row in rows:
        row["explain_zh"] = explain_codes(row["missing"] + row["flags"], "zh")
        row["explain_en"] = explain_codes(row["missing"] + row["flags"], "en")
    comp = promote_by_competition(inp.members, inp.certificates, inp.awards, rb, case.as_of)
    posts = (
        post_nomination_eligibility(inp.certificates, case.posts, rb, case.as_of)
        if case.posts.height
        else pl.DataFrame()
    )
    bridge = title_bridge(inp.certificates, rb, case.as_of)
    cited = set()
    for frame in (elig, comp, posts, bridge):
        if "trace" in frame.columns:
            cited |= {c for t in frame["trace"].to_list() for c in t}
        if "route" in frame.columns:
            cited |= {c for c in frame["route"].to_list() if c}
    clauses = {}
    for c in rb.clauses():
        if c.id in cited:
            clauses[c.id] = {"source": c.source, "valid_from": c.valid_from, "valid_to": c.valid_to, "status": c.status}
    return {
        "as_of": case.as_of,
        "rulebook": [Path(f).name for f in rb.files],
        "eligibility": rows,
        "competition": comp.to_dicts(),
        "posts": posts.to_dicts(),
        "title_bridge": bridge.to_dicts(),
        "clauses": clauses,
    }


def run_eligibility(argv: list[str]) -> int:
    """Entry point: ``craftpath eligibility CASE.json|- [--rulebook FILE ...]``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="craftpath eligibility", description="Evaluate a case file (JSON or YAML; '-' reads stdin)."
    )
    parser.add_argument("case")
    parser.add_argument("--rulebook", action="append", help="rulebook YAML files to use instead of the shipped ones")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        if args.case == "-":
            text = sys.stdin.read()
        else:
            path = Path(args.case)
            if not path.exists():
                raise CaseError(f"找不到案例文件 {path}；请检查路径。/ Case file not found: {path}; check the path.")
            text = path.read_text(encoding="utf-8")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise CaseError(f"案例文件不是有效的 JSON 或 YAML / the case is not valid JSON or YAML: {exc}") from exc
        result = case_result(doc, args.rulebook)
    except RulebookError as exc:
        print(
            f"错误：规则文件有误，请按提示修改后重试。/ Error: a rulebook file is invalid; fix it as described.\n{exc}",
            file=sys.stderr,
        )
        return 2
    except (CaseError, InputError) as exc:
        print(f"错误 / Error: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=_json)
    sys.stdout.write("\n")
    return 0
