"""Matching results are the same on SQLite and PostgreSQL.

``./dev test`` runs this module once per database. Each run builds the engine's inputs from the
database the app's way, checks them against frames written out here from the market's facts
and the packaged CSCO file (no database involved), and checks the app's matches in both
directions against the engine's brute-force reference on those written-out frames. The final
ranking is written out too, so both runs must give this very answer.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from craftpath.engines.matching import (
    brute_force_matches,
    load_csco_occupations,
    match_jobs_for_seekers,
    occupation_competencies,
)
from craftpath.jobs import matching, queries
from craftpath.jobs.access import candidate_pool
from craftpath.jobs.models import JobSeeker
from tests.jobs.conftest import AS_OF, COURIER, MILLER, TURNER, Market

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped_competencies() -> pl.DataFrame:
    """Every occupation's tasks straight from the packaged CSCO file."""
    return occupation_competencies(load_csco_occupations()).select("occupation_code", "competency_id", "text")


def _tasks(comps: pl.DataFrame, code: str) -> list[str]:
    return comps.filter(pl.col("occupation_code") == code)["competency_id"].sort().to_list()


def _written_out(market: Market, comps: pl.DataFrame) -> dict[str, Any]:
    """The engine's input for the market on AS_OF, from what the fixture says about it."""
    a, b = market.seeker_a.pk, market.seeker_b.pk
    return {
        # 张三 looks for work where his union is (玄武, 320102) and expects 7000; 李四 wants 秦淮
        "seekers": pl.DataFrame(
            {"seeker_id": [a, b], "region_code": ["320102", "320104"], "pay_expectation": [7000.0, None]},
            schema=queries.SEEKERS_SCHEMA,
        ),
        # the 车工 certificate gives grade 3 (高级工); the 铣工 history gives the occupation only
        "seeker_occupations": pl.DataFrame(
            {"seeker_id": [a, b], "occupation_code": [TURNER, MILLER], "grade": [3, None]},
            schema={"seeker_id": pl.Int64, "occupation_code": pl.String, "grade": pl.Int64},
        ),
        "seeker_competencies": pl.DataFrame(
            {
                "seeker_id": [a] * len(_tasks(comps, TURNER)) + [b] * len(_tasks(comps, MILLER)),
                "competency_id": _tasks(comps, TURNER) + _tasks(comps, MILLER),
            },
            schema={"seeker_id": pl.Int64, "competency_id": pl.String},
        ),
        # open on AS_OF: everything but the opening that closed on 2026-01-31; pay is the top of the range
        "jobs": pl.DataFrame(
            [
                (market.turner_a.pk, TURNER, 3, "320102", 8000.0),
                (market.turner_b.pk, TURNER, 4, "320104", 6000.0),
                (market.miller_a.pk, MILLER, None, "320102", None),
                (market.courier.pk, COURIER, None, "320102", 7000.0),
            ],
            schema=queries.JOBS_SCHEMA,
            orient="row",
        ),
    }


def _sorted(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort(list(keys))


def test_inputs_from_the_database_are_the_written_out_ones(market: Market, shipped_competencies: pl.DataFrame) -> None:
    expected = _written_out(market, shipped_competencies)
    db_comps = queries.occupation_competencies()
    assert db_comps.height == shipped_competencies.height
    # the same task ids (two task texts differ by a trailing comma, which scoring never reads)
    ids = ["occupation_code", "competency_id"]
    assert _sorted(db_comps.select(ids), *ids).equals(_sorted(shipped_competencies.select(ids), *ids))
    inputs = queries.inputs_for_seekers(JobSeeker.objects.all(), AS_OF)
    assert _sorted(inputs.seekers, "seeker_id").equals(expected["seekers"])
    assert _sorted(inputs.occupations, "seeker_id", "occupation_code").equals(expected["seeker_occupations"])
    assert _sorted(inputs.competencies, "seeker_id", "competency_id").equals(expected["seeker_competencies"])
    jobs = queries.openings_frame(queries.matchable_openings(AS_OF))
    assert _sorted(jobs, "job_id").equals(_sorted(expected["jobs"], "job_id"))


def test_app_matches_equal_the_engine_reference_both_ways(market: Market, shipped_competencies: pl.DataFrame) -> None:
    frames = _written_out(market, shipped_competencies)
    engine_args = {
        "seeker_occupations": frames["seeker_occupations"],
        "seeker_competencies": frames["seeker_competencies"],
        "occupation_competencies": shipped_competencies,
        "k": 10,
    }
    keys = ["seeker_id", "job_id", "rank", "score"]

    # jobs for seekers: the app (frames from the database) against the brute-force reference
    app = matching.match_frame_for_seekers(JobSeeker.objects.all(), AS_OF, k=10)
    reference = brute_force_matches(frames["seekers"], frames["jobs"], **engine_args)
    assert _sorted(app.select(keys), "seeker_id", "rank").equals(_sorted(reference.select(keys), "seeker_id", "rank"))
    # every column, explanations included, equals the engine's answer on the written-out frames
    engine = match_jobs_for_seekers(frames["seekers"], frames["jobs"], explain=True, n_jobs=1, **engine_args)
    # (the app drops the engine's row label "岗位 <pk>（code）：" from the explanations)
    engine = matching.drop_row_labels(engine)
    assert _sorted(app, "seeker_id", "rank").equals(_sorted(engine, "seeker_id", "rank"))

    # and the very answer, the same on every database
    title = {o.pk: o.title for o in (market.turner_a, market.turner_b, market.miller_a, market.courier)}
    name = {market.seeker_a.pk: "张三", market.seeker_b.pk: "李四"}
    assert [
        (name[s], title[j], r, score) for s, j, r, score in _sorted(app.select(keys), "seeker_id", "rank").iter_rows()
    ] == [
        ("张三", "数控车工", 1, 100.0),
        ("张三", "车工（技师）", 2, 89.857),
        ("张三", "铣工", 3, 56.0),
        ("李四", "铣工", 1, 92.0),
        ("李四", "车工（技师）", 2, 41.0),
        ("李四", "数控车工", 3, 37.0),
    ]

    # seekers for each opening: the candidates the pages show against the reference
    by_job = brute_force_matches(frames["seekers"], frames["jobs"], direction="seekers_for_jobs", **engine_args)
    province = market.cast.province
    for opening in (market.turner_a, market.turner_b, market.miller_a, market.courier):
        shown = matching.candidates_for_opening(opening, candidate_pool(province, opening), AS_OF, k=10)
        expected = by_job.filter(pl.col("job_id") == opening.pk).sort("rank")
        assert [(r["seeker"].pk, r["rank"], r["score"]) for r in shown] == list(
            expected.select("seeker_id", "rank", "score").iter_rows()
        ), opening.title
    assert [
        r["seeker"].pk
        for r in matching.candidates_for_opening(market.courier, candidate_pool(province, market.courier), AS_OF)
    ] == []
