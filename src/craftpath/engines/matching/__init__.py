"""Job matching, training plans and career pathways (framework-free: Polars/NumPy in and out).

See ``docs/matching.md`` for the frame schemas, the scoring rules and benchmark figures.

Examples:
    >>> import polars as pl
    >>> plan = plan_training(["x"], pl.DataFrame({"course_id": ["A"], "fee": [100]}),
    ...                      course_competencies=pl.DataFrame({"course_id": ["A"],
    ...                                                        "competency_id": ["x"]}))
    >>> plan.courses["course_id"].to_list(), plan.total_cost
    (['A'], 100.0)
"""

from craftpath.engines.matching.competencies import (
    WorkerProfile,
    load_csco_occupations,
    occupation_competencies,
    split_tasks,
    worker_profile,
)
from craftpath.engines.matching.packs import load_esco_pack, load_onet_pack
from craftpath.engines.matching.pathways import (
    build_occupation_graph,
    next_occupations,
    recall_at_k,
    tfidf_matrix,
)
from craftpath.engines.matching.scoring import (
    PROTECTED_COLUMNS,
    MatchWeights,
    brute_force_matches,
    match_jobs_for_seekers,
    match_seekers_for_jobs,
)
from craftpath.engines.matching.training import TrainingPlan, course_costs, plan_training

__all__ = [
    "PROTECTED_COLUMNS",
    "MatchWeights",
    "TrainingPlan",
    "WorkerProfile",
    "brute_force_matches",
    "build_occupation_graph",
    "course_costs",
    "load_csco_occupations",
    "load_esco_pack",
    "load_onet_pack",
    "match_jobs_for_seekers",
    "match_seekers_for_jobs",
    "next_occupations",
    "occupation_competencies",
    "plan_training",
    "recall_at_k",
    "split_tasks",
    "tfidf_matrix",
    "worker_profile",
]
