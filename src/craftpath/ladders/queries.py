"""Reads for the advancement surfaces: the rulebook in force and the engine's inputs."""

from __future__ import annotations

import datetime as dt
from functools import cache

import polars as pl

from craftpath.engines.rules import Rulebook, load_rulebook
from craftpath.registry.frames import inputs_for_members, inputs_in_ranges

__all__ = ["as_of_today", "default_rulebook", "inputs_for_members", "inputs_in_ranges", "occupation_codes"]


@cache
def default_rulebook() -> Rulebook:
    """The shipped rulebook (national 申报条件, competition tables, posts, title bridge)."""
    return load_rulebook()


def occupation_codes() -> pl.Series:
    from craftpath.taxonomy.models import Occupation

    return pl.Series("code", list(Occupation.objects.filter(level=4).values_list("code", flat=True)))


def as_of_today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
