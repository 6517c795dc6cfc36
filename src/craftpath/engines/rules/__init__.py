"""Rulebooks: dated, sourced rules loaded from YAML; parameter look-ups and traces."""

from __future__ import annotations

from craftpath.engines.rules.loader import DEFAULT_FILES, RULEBOOK_DIR, load_files, load_rulebook, load_rulebook_text
from craftpath.engines.rules.model import Clause, Dated, DatedValue, Rulebook, RulebookError
from craftpath.engines.rules.trace import attach_sources, clause_table

__all__ = [
    "DEFAULT_FILES",
    "RULEBOOK_DIR",
    "Clause",
    "Dated",
    "DatedValue",
    "Rulebook",
    "RulebookError",
    "attach_sources",
    "clause_table",
    "load_files",
    "load_rulebook",
    "load_rulebook_text",
]
