"""``craftpath match``: the batch run writes every seeker's top-k openings and stores them."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from craftpath.jobs.models import MatchRow, MatchRun
from tests.jobs.conftest import Market
from tests.jobs.test_access import client_for

pytestmark = pytest.mark.django_db


def test_match_command_parquet_and_csv(market: Market, tmp_path: Path) -> None:
    out = tmp_path / "matches.parquet"
    stdout = io.StringIO()
    call_command("match", "--out", str(out), "--k", "2", "--as-of", "2026-06-01", stdout=stdout)
    assert "2 seekers" in stdout.getvalue()
    assert "4 openings" in stdout.getvalue()
    frame = pl.read_parquet(out)
    assert frame.height == 4
    assert frame.filter(pl.col("seeker") == str(market.seeker_a.public_id))["rank"].to_list() == [1, 2]
    assert frame["score"].to_list() == [100.0, 89.857, 92.0, 41.0]
    assert {"explanation_zh", "explanation_en", "occupation_points"} <= set(frame.columns)
    assert not {"name", "sex", "birth_date", "id_masked"} & set(frame.columns)
    run = MatchRun.objects.get()
    assert (run.status, run.rows_total, run.seekers_total) == ("done", 4, 2)
    assert MatchRow.objects.filter(run=run).count() == 4
    # the caseload list now reads the stored run
    page = client_for(market.cast.staff_a).get("/jobs/seekers/")
    assert "数控车工" in page.content.decode()

    csv_out = tmp_path / "a.csv"
    call_command("match", "--out", str(csv_out), "--org", "T-XW", "--as-of", "2026-06-01", stdout=io.StringIO())
    csv = pl.read_csv(csv_out)
    assert csv["seeker"].unique().to_list() == [str(market.seeker_a.public_id)]
    assert csv.height == 3

    with pytest.raises(CommandError):
        call_command("match", "--out", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError):
        call_command("match", "--out", str(out), "--org", "NOPE")
    with pytest.raises(CommandError):
        call_command("match", "--out", str(out), "--k", "0")
