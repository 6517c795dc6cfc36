"""Rulebooks: dated, sourced rules loaded from YAML; parameter look-ups and traces."""

from __future__ import annotations

from craftpath.engines.rules.loader import DEFAULT_FILES, RULEBOOK_DIR, load_files, load_rulebook, load_rulebook_text
from craftpath.engines.rules.model import Clause, Dated, DatedValue, Rulebook, RulebookError

__all__ = [
    "DEFAULT_FILES",
    "RULEBOOK_DIR",
    "Clause",
    "Dated",
    "DatedValue",
    "Rulebook",
    "RulebookError",
    "load_files",
    "load_rulebook",
    "load_rulebook_text",
]
