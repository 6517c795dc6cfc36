"""Running the advancement rules: for one member on request, or as a frozen batch run."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from craftpath.core import events
from craftpath.engines.ladder import RESULT_SCHEMA, evaluate
from craftpath.engines.ladder.bridge import title_bridge
from craftpath.ladders import queries
from craftpath.ladders.models import EligibilityRow, EligibilityRun
from craftpath.orgs.models import Organisation
from craftpath.registry.models import Member

log = logging.getLogger(__name__)


def evaluate_member(member: Member, as_of: dt.date) -> pl.DataFrame:
    """The next-grade evaluation for one member: a one-member frame through the batch code."""
    inputs = queries.inputs_for_members(Member.objects.filter(pk=member.pk))
    return evaluate(
        inputs, queries.default_rulebook(), as_of, on_bad_input="flag", occupations=queries.occupation_codes()
    )


def title_pathways(member: Member, as_of: dt.date) -> pl.DataFrame:
    """The separate skills–title pathway (技能等级 → 工程技术职称), policy-rules §1.5."""
    inputs = queries.inputs_for_members(Member.objects.filter(pk=member.pk))
    return title_bridge(inputs.certificates, queries.default_rulebook(), as_of)


def _rulebook_label() -> str:
    book = queries.default_rulebook()
    digest = hashlib.sha256(repr(book).encode()).hexdigest()[:12]
    return f"{book.name}@{digest}"


@transaction.atomic
def do_start_eligibility_run(
    actor: Any, org: Organisation, as_of: dt.date, *, horizon_days: int = 183, background: bool = True
) -> EligibilityRun:
    """Create a run over ``org``'s subtree; it starts after commit in a background thread."""
    run = EligibilityRun.objects.create(
        org=org, org_path=org.path, as_of=as_of, horizon_days=horizon_days, rulebook=_rulebook_label(), created_by=actor
    )
    events.record(
        actor=actor,
        kind="create",
        action="start_eligibility_run",
        object_type="eligibility_run",
        object_id=str(run.public_id),
        org_path=org.path,
        after={"as_of": as_of.isoformat(), "org": org.code},
    )
    if background:
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(run.pk,), daemon=True).start())
    return run


def _run_in_thread(run_pk: int) -> None:
    close_old_connections()
    try:
        execute_run(run_pk)
    finally:
        close_old_connections()


def execute_run(run_pk: int, *, out: Path | None = None, chunk: int = 20_000, progress: Any = None) -> EligibilityRun:
    """Evaluate every member of the run's subtree, range by range; write Parquet and list rows.

    Re-running a failed run starts it afresh (its stored rows are replaced).
    """
    run = EligibilityRun.objects.get(pk=run_pk)
    members = Member.objects.filter(org_path__startswith=run.org_path)
    EligibilityRun.objects.filter(pk=run.pk).update(
        status="running", members_total=members.count(), members_done=0, error=""
    )
    EligibilityRow.objects.filter(run=run).delete()
    path = out or Path(settings.VAR_DIR) / "runs" / f"{run.public_id}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    book = queries.default_rulebook()
    known = queries.occupation_codes()
    horizon = run.as_of + dt.timedelta(days=run.horizon_days)
    done = now = soon = flagged = 0
    writer: pq.ParquetWriter | None = None
    try:
        for count, inputs in queries.inputs_in_ranges(members, chunk=chunk):
            result = evaluate(inputs, book, run.as_of, on_bad_input="flag", occupations=known)
            table = _with_org(result, inputs.members).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
            listed = result.filter(pl.col("earliest_date").is_not_null() & (pl.col("earliest_date") <= horizon))
            _store_rows(run, listed)
            now += listed.filter(pl.col("eligible"))["member_id"].n_unique()
            soon += listed.filter(~pl.col("eligible"))["member_id"].n_unique()
            flagged += result.filter(pl.col("flags").list.len() > 0)["member_id"].n_unique()
            done += count
            EligibilityRun.objects.filter(pk=run.pk).update(members_done=done)
            if progress is not None:
                progress(done)
        if writer is None:
            pl.DataFrame(schema={**RESULT_SCHEMA, "org_id": pl.Int64}).write_parquet(path)
    except Exception as exc:
        log.exception("eligibility run %s failed", run.public_id)
        EligibilityRun.objects.filter(pk=run.pk).update(
            status="failed", error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        if writer is not None:
            writer.close()
    EligibilityRun.objects.filter(pk=run.pk).update(
        status="done",
        eligible_now=now,
        eligible_soon=soon,
        flagged_members=flagged,
        result_file=str(path),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _with_org(result: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    return result.join(members.select("member_id", "org_id"), on="member_id", how="left")


def _store_rows(run: EligibilityRun, listed: pl.DataFrame) -> None:
    if listed.is_empty():
        return
    paths = dict(Member.objects.filter(pk__in=listed["member_id"].unique().to_list()).values_list("id", "org_path"))
    EligibilityRow.objects.bulk_create(
        [
            EligibilityRow(
                run=run,
                member_id=r["member_id"],
                org_path=paths.get(r["member_id"], ""),
                occupation_code=r["occupation_code"],
                current_grade=r["current_grade"],
                target_grade=r["target_grade"],
                eligible=r["eligible"],
                earliest_date=r["earliest_date"],
                route=r["route"] or "",
                missing=r["missing"] or [],
                trace=r["trace"] or [],
                flags=r["flags"] or [],
            )
            for r in listed.iter_rows(named=True)
        ],
        batch_size=2000,
    )
