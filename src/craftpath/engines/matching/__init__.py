"""Job matching, training plans and career pathways (framework-free: Polars/NumPy in and out).

See ``docs/matching.md`` for the frame schemas, the scoring rules and benchmark figures.
"""

from craftpath.engines.matching.competencies import (
    WorkerProfile,
    load_csco_occupations,
    occupation_competencies,
    split_tasks,
    worker_profile,
)
from craftpath.engines.matching.scoring import (
    PROTECTED_COLUMNS,
    MatchWeights,
    brute_force_matches,
    match_jobs_for_seekers,
    match_seekers_for_jobs,
)

__all__ = [
    "PROTECTED_COLUMNS",
    "MatchWeights",
    "WorkerProfile",
    "brute_force_matches",
    "load_csco_occupations",
    "match_jobs_for_seekers",
    "match_seekers_for_jobs",
    "occupation_competencies",
    "split_tasks",
    "worker_profile",
]
