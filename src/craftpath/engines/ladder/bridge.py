"""Skill grade → engineering title pathway (技能与职称贯通), a separate output from grades.

高级工 + 2 yrs → 助理工程师, 技师 + 3 yrs → 工程师, 高级技师 + 4 yrs → 高级工程师 (years from the
certificate's issue date, by calendar anniversary). Conditions the engine cannot see (frontline
post, appraisals, continuing education) are listed in ``unchecked`` on every row.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> certs = pl.DataFrame({"member_id": [1], "occupation_code": ["6-31-01-03"], "grade": [4],
    ...     "issued_on": [dt.date(2022, 3, 1)], "how": ["assessment"]},
    ...     schema_overrides={"grade": pl.Int8})
    >>> out = title_bridge(certs, load_rulebook(), dt.date(2025, 3, 1))
    >>> out.select("title", "eligible", "earliest_date").rows()
    [('assistant_engineer', True, datetime.date(2025, 3, 1)), ('engineer', True, datetime.date(2025, 3, 1))]
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from craftpath.engines.ladder.dates import add_years_expr, years_display_expr
from craftpath.engines.rules.model import Rulebook

__all__ = ["title_bridge"]


def title_bridge(certificates: pl.DataFrame, rulebook: Rulebook, as_of: dt.date) -> pl.DataFrame:
    """Title pathway rows per member × occupation × title whose skill grade they hold.

    Returns:
        ``member_id, occupation_code, title, title_zh, from_grade, eligible, earliest_date,
        missing, trace, unchecked``.
    """
    frames = []
    certs = certificates.filter(pl.col("issued_on") <= as_of)
    for rule in rulebook.bridge:
        if not rule.clause.in_force(as_of):
            continue
        years = int(rule.years.at(as_of))
        held = (
            certs.filter(pl.col("grade") >= rule.from_grade)
            .group_by("member_id", "occupation_code")
            .agg(pl.col("issued_on").min().alias("since"))
        )
        reach = add_years_expr(pl.col("since"), years)
        held_days = pl.lit((as_of - dt.date(1970, 1, 1)).days) - pl.col("since").cast(pl.Int32)
        eligible = reach <= as_of
        frames.append(
            held.select(
                "member_id",
                "occupation_code",
                pl.lit(rule.title).alias("title"),
                pl.lit(rule.title_zh).alias("title_zh"),
                pl.lit(rule.from_grade, dtype=pl.Int8).alias("from_grade"),
                eligible.alias("eligible"),
                pl.when(eligible).then(pl.lit(as_of)).otherwise(reach).alias("earliest_date"),
                pl.when(eligible)
                .then(pl.lit([], dtype=pl.List(pl.Utf8)))
                .otherwise(
                    pl.concat_list(
                        pl.format(
                            f"years_since_certificate:{rule.from_grade}:{{}}/{years}", years_display_expr(held_days)
                        )
                    )
                )
                .alias("missing"),
                pl.lit([rule.clause.id], dtype=pl.List(pl.Utf8)).alias("trace"),
                pl.lit(list(rule.unchecked), dtype=pl.List(pl.Utf8)).alias("unchecked"),
            )
        )
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).sort("member_id", "occupation_code", "from_grade")
