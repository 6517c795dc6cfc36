"""Training plans (set cover optimality) and career pathways."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from craftpath.engines.matching.packs import load_onet_pack
from craftpath.engines.matching.pathways import build_occupation_graph, next_occupations
from craftpath.engines.matching.training import course_costs, plan_training


def random_instance(seed: int, n_courses: int, n_comp: int, with_prereq: bool):
    rng = np.random.default_rng(seed)
    courses = pl.DataFrame(
        {
            "course_id": [f"C{i:02d}" for i in range(n_courses)],
            "fee": rng.integers(100, 2000, n_courses),
            "subsidy": rng.integers(0, 800, n_courses),
            "hours": rng.integers(4, 80, n_courses),
        }
    )
    rows = []
    for i in range(n_courses):
        for c in rng.choice(n_comp, rng.integers(1, 4), replace=False):
            rows.append((f"C{i:02d}", f"k{c}"))
    cc = pl.DataFrame(rows, schema={"course_id": pl.String, "competency_id": pl.String}, orient="row")
    prereq = None
    if with_prereq:
        pr = [(f"C{i:02d}", f"C{int(rng.integers(0, i)):02d}") for i in range(1, n_courses) if rng.random() < 0.3]
        prereq = pl.DataFrame(pr, schema={"course_id": pl.String, "prerequisite_id": pl.String}, orient="row")
    missing = [f"k{i}" for i in range(n_comp)] + ["nobody-teaches-this"]
    return courses, cc, prereq, missing


def brute_optimum(courses, cc, prereq, missing, hour_cost):
    cost = dict(course_costs(courses, hour_cost).select("course_id", "cost").iter_rows())
    cov: dict[str, set[str]] = {}
    for c, k in cc.iter_rows():
        cov.setdefault(c, set()).add(k)
    pre: dict[str, set[str]] = {}
    if prereq is not None:
        for c, q in prereq.iter_rows():
            pre.setdefault(c, set()).add(q)
    ids = sorted(cost)
    target = set(missing) & set().union(*cov.values())
    best = None
    for r in range(len(ids) + 1):
        for sub in itertools.combinations(ids, r):
            s = set(sub)
            if any(not pre.get(c, set()) <= s for c in s):
                continue
            if not target <= set().union(*(cov.get(c, set()) for c in s)) if s else target:
                continue
            total = sum(cost[c] for c in s)
            if best is None or total < best - 1e-9:
                best = total
    return best


@pytest.mark.parametrize("seed", range(12))
def test_set_cover_exact_matches_brute_force(seed: int) -> None:
    courses, cc, prereq, missing = random_instance(seed, 9, 7, with_prereq=seed % 2 == 0)
    plan = plan_training(missing, courses, course_competencies=cc, prerequisites=prereq, hour_cost=5)
    assert plan.method == "exact"
    assert plan.total_cost == pytest.approx(brute_optimum(courses, cc, prereq, missing, 5))
    teachable = set(cc["competency_id"].to_list())
    assert plan.uncovered == sorted(set(missing) - teachable)
    covered = set().union(*plan.courses["covers"].to_list())
    assert covered == set(missing) & teachable


@pytest.mark.parametrize("seed", range(6))
def test_greedy_within_log_bound(seed: int) -> None:
    courses, cc, _prereq, missing = random_instance(100 + seed, 9, 7, with_prereq=False)
    exact = plan_training(missing, courses, course_competencies=cc)
    greedy = plan_training(missing, courses, course_competencies=cc, exact_limit=0)
    assert greedy.method == "greedy"
    assert exact.total_cost <= greedy.total_cost <= greedy.bound * exact.total_cost + 1e-9
    assert set().union(*greedy.courses["covers"].to_list()) == set().union(*exact.courses["covers"].to_list())


def test_prerequisites_and_sessions_ordered() -> None:
    courses = pl.DataFrame(
        {"course_id": ["base", "adv", "other"], "fee": [100, 500, 5000], "subsidy": [0, 0, 0], "hours": [8, 16, 8]}
    )
    cc = pl.DataFrame({"course_id": ["adv", "other"], "competency_id": ["weld", "weld"]})
    prereq = pl.DataFrame({"course_id": ["adv"], "prerequisite_id": ["base"]})
    d = dt.date
    sessions = pl.DataFrame(
        {
            "course_id": ["base", "base", "adv", "adv"],
            "session_id": ["b1", "b2", "a1", "a2"],
            "starts_on": [d(2025, 3, 1), d(2025, 1, 10), d(2025, 1, 12), d(2025, 2, 1)],
            "ends_on": [d(2025, 3, 5), d(2025, 1, 20), d(2025, 1, 25), d(2025, 2, 10)],
        }
    )
    plan = plan_training(
        ["weld"], courses, course_competencies=cc, prerequisites=prereq, sessions=sessions, as_of=d(2025, 1, 1)
    )
    rows = plan.courses.select("course_id", "session_id", "prerequisite_for").rows()
    assert rows == [("base", "b2", ["adv"]), ("adv", "a2", [])]
    assert plan.total_cost == 600
    assert any("先修课" in line for line in plan.explanation_zh)


def test_completed_prerequisite_not_bought_again() -> None:
    courses = pl.DataFrame({"course_id": ["base", "adv"], "fee": [100, 500], "hours": [8, 16]})
    cc = pl.DataFrame({"course_id": ["adv"], "competency_id": ["weld"]})
    prereq = pl.DataFrame({"course_id": ["adv"], "prerequisite_id": ["base"]})
    plan = plan_training(["weld"], courses, course_competencies=cc, prerequisites=prereq, completed=["base"])
    assert plan.courses["course_id"].to_list() == ["adv"]


SAMPLE = Path(__file__).resolve().parents[3] / "data" / "taxonomy_packs" / "onet_sample"


def test_onet_sample_graph() -> None:
    pack = load_onet_pack(SAMPLE)
    g = build_occupation_graph(pack["competencies"], analyzer="word", k=3)
    top = g.filter((pl.col("source") == "51-4041.00") & (pl.col("rank") == 1))["target"].to_list()
    assert top
    assert top[0].startswith("51-4")
    assert pack["related"].columns == ["occupation_code", "related_code", "tier", "index"]


def test_next_occupations_missing_and_carry_over() -> None:
    oc = pl.DataFrame(
        {
            "occupation_code": ["6-31-01-01", "6-31-01-01", "6-31-01-02", "6-31-01-02", "4-01-02-01"],
            "competency_id": ["a#1", "a#2", "b#1", "b#2", "c#1"],
            "text": ["操作车床", "测量零件尺寸", "操作铣床", "测量零件尺寸", "收银"],
        }
    )
    g = build_occupation_graph(oc, k=5)
    wo = pl.DataFrame({"worker_id": [7], "occupation_code": ["6-31-01-01"]})
    wc = pl.DataFrame({"worker_id": [7], "competency_id": ["b#2"]})
    r = next_occupations(wo, g, oc, worker_competencies=wc, k=5)
    first = r.row(0, named=True)
    assert first["occupation_code"] == "6-31-01-02"
    assert first["competencies_missing"] == ["b#1"]
    assert first["carry_over"] >= 0.5
    assert "6-31-01-01" not in r["occupation_code"].to_list()


def test_equal_cost_plans_prefer_fewer_hours_and_hour_cost_trades_money_for_time() -> None:
    courses = pl.DataFrame(
        {"course_id": ["long", "short", "quick"], "fee": [500, 500, 900], "subsidy": [0, 0, 0], "hours": [80, 24, 8]}
    )
    cc = pl.DataFrame({"course_id": ["long", "short", "quick"], "competency_id": ["x", "x", "x"]})
    # Same money: the plan with fewer hours wins, whatever the order of the rows.
    assert plan_training(["x"], courses, course_competencies=cc).courses["course_id"].to_list() == ["short"]
    reversed_rows = plan_training(["x"], courses.reverse(), course_competencies=cc)
    assert reversed_rows.courses["course_id"].to_list() == ["short"]
    # Valuing the member's time at 30 yuan an hour makes the dearer, shorter course the cheaper plan.
    timed = plan_training(["x"], courses, course_competencies=cc, hour_cost=30)
    assert timed.courses["course_id"].to_list() == ["quick"]
    assert timed.total_cost == 900 + 30 * 8
