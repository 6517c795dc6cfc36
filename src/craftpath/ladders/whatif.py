"""Policy simulation: the same population under the current rulebook and a proposed one."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl

from craftpath.engines.ladder.whatif import compare_rulebooks
from craftpath.engines.rules import DEFAULT_FILES, RulebookError, load_rulebook
from craftpath.ladders import queries
from craftpath.orgs.models import Organisation
from craftpath.registry.models import Member

MAX_RULEBOOK_BYTES = 512 * 1024


def load_proposal(replaced_file: str, text: str) -> object:
    """The shipped rulebook with one file swapped for the proposed text (validated)."""
    if replaced_file not in DEFAULT_FILES:
        raise RulebookError(replaced_file, "$", f"not a rulebook file; choose one of {', '.join(DEFAULT_FILES)}")
    if len(text.encode("utf-8")) > MAX_RULEBOOK_BYTES:
        raise RulebookError(replaced_file, "$", f"larger than {MAX_RULEBOOK_BYTES // 1024} KB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / replaced_file
        path.write_text(text, encoding="utf-8")
        return load_rulebook(replace={replaced_file: path})


def compare_for_org(org: Organisation, proposal: object, as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(changes, summary by grassroots union with code and name) for ``org``'s subtree."""
    inputs = queries.inputs_for_members(Member.objects.filter(org_path__startswith=org.path))
    result = compare_rulebooks(inputs, queries.default_rulebook(), proposal, as_of, by="org_id", on_bad_input="flag")  # type: ignore[arg-type]
    names = pl.DataFrame(
        list(Organisation.objects.filter(path__startswith=org.path).values_list("id", "code", "name")),
        schema={"org_id": pl.Int64, "org_code": pl.Utf8, "org_name": pl.Utf8},
        orient="row",
    )
    summary = result.summary.join(names, on="org_id", how="left").select(
        "org_code", "org_name", "members", "gains", "loses", "earlier", "later"
    )
    return result.changes, summary
