"""Coding in worker processes gives the same frame as one process, in input order."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import polars as pl
import pytest

from craftpath.engines.coder import Coder, run_code_occupations
from craftpath.engines.coder.parallel import CoderPool, default_workers
from craftpath.engines.coder.resources import labelled_titles

TITLES = [*labelled_titles()["job_name"].head(90).to_list(), "", "😀", "電焊工", "software engineer"]


def test_pool_matches_one_process(cheap_coder: Coder) -> None:
    with CoderPool(2, use_embeddings=False, chunk=17) as pool:
        pool.start()
        got = pool.code(TITLES, k=3, use_embeddings=False)
        empty = pool.code([], k=3)
        pieces = list(pool.iter_code(TITLES, k=3, ahead=1, use_embeddings=False))
    want = cheap_coder.code(TITLES, k=3, use_embeddings=False)
    assert got["input_index"].n_unique() == len(TITLES)
    assert got.equals(want)
    assert empty.height == 0
    assert empty.schema == want.schema
    # piece by piece: one per chunk of 17 inputs, in input order, together the same frame
    assert len(pieces) == -(-len(TITLES) // 17)
    assert [p["input_index"].min() for p in pieces] == list(range(0, len(TITLES), 17))
    assert pl.concat(pieces).equals(want)


def test_pool_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="workers"):
        CoderPool(0)
    with pytest.raises(ValueError, match="chunk"):
        CoderPool(2, chunk=0)


def test_small_inputs_stay_in_one_process() -> None:
    assert default_workers(100) == 1
    assert default_workers(1_000_000) == max(1, min(4, os.cpu_count() or 1))


def test_command_with_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "titles.txt"
    src.write_text("\n".join(TITLES[:40]) + "\n", encoding="utf-8")
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.csv"
        argv = [str(src), "--k", "2", "--out", str(out), "--no-embeddings", "--workers", workers]
        assert run_code_occupations(argv) == 0
        outs.append(out.read_text("utf-8"))
    assert outs[0] == outs[1]
    rows = list(csv.DictReader(io.StringIO(outs[1])))
    assert [r["input"] for r in rows] == TITLES[:40]
    assert run_code_occupations([str(src), "--workers", "-1"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert pl.read_csv(io.StringIO(outs[1])).height == 40
