"""Dated scoring parameters for assessments (``data/rulebooks/assessment.yaml``).

Each parameter is a list of ``{value, valid_from, source}``; the value in force on a date is the
latest whose ``valid_from`` is not after it. Events store the values they used with the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = Path(__file__).resolve().parent.parent / "data" / "rulebooks" / "assessment.yaml"


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Decimal
    valid_from: dt.date
    source: str


@cache
def _load(path: Path = PARAMETERS_FILE) -> dict[str, list[dict[str, Any]]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("kind") != "assessment_parameters":
        raise ValueError(f"{path}: not an assessment_parameters file")
    params = doc.get("parameters") or {}
    for name, entries in params.items():
        for entry in entries:
            if "value" not in entry or "valid_from" not in entry or not entry.get("source"):
                raise ValueError(f"{path}: {name} needs value, valid_from and source in every entry")
    return {name: sorted(entries, key=lambda e: e["valid_from"]) for name, entries in params.items()}


def parameter(name: str, on: dt.date) -> Parameter:
    """The value of ``name`` in force on ``on``."""
    entries = [e for e in _load()[name] if e["valid_from"] <= on]
    if not entries:
        raise LookupError(f"assessment parameter {name} has no value on {on}")
    e = entries[-1]
    return Parameter(name, Decimal(str(e["value"])), e["valid_from"], str(e["source"]).strip())


def parameters_on(on: dt.date) -> dict[str, Parameter]:
    return {name: parameter(name, on) for name in _load()}
