"""Grade ladder engine: eligibility, earliest dates, missing conditions, competitions, posts,
title bridge and rulebook what-if comparisons. Polars in, Polars out; no Django, no clock."""

from __future__ import annotations

from craftpath.engines.ladder.evaluate import RESULT_SCHEMA, evaluate, evaluate_partitioned
from craftpath.engines.ladder.inputs import InputError, LadderInputs, validate_inputs

__all__ = [
    "RESULT_SCHEMA",
    "InputError",
    "LadderInputs",
    "evaluate",
    "evaluate_partitioned",
    "validate_inputs",
]
