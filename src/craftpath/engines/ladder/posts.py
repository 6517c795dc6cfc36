"""Nomination eligibility for 特级技师 / 首席技师 posts (评聘; never by exam or competition).

The engine answers only "may this member be nominated?": they hold the required grade
(高级技师 for 特级技师, 特级技师 for 首席技师) for the required years, and their employer has the
post and a free quota. The years are UNCONFIRMED parameters (``posts.yaml``); every row lists
the unconfirmed parameters it relied on in ``unconfirmed``.

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> certs = pl.DataFrame({"member_id": [1], "occupation_code": ["6-31-01-03"], "grade": [5],
    ...     "issued_on": [dt.date(2020, 1, 1)], "how": ["assessment"]},
    ...     schema_overrides={"grade": pl.Int8})
    >>> posts = pl.DataFrame({"member_id": [1], "post_grade": [6], "employer_has_post": [True],
    ...     "free_quota": [1]})
    >>> out = post_nomination_eligibility(certs, posts, load_rulebook(), dt.date(2025, 1, 1))
    >>> out.select("eligible", "missing", "unconfirmed").row(0)
    (True, [], ['posts/special-technician.min_years_in_grade'])
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from craftpath.engines.ladder.dates import add_years_expr, years_display_expr
from craftpath.engines.rules.model import Rulebook

__all__ = ["POST_INPUT_SCHEMA", "post_nomination_eligibility"]

POST_INPUT_SCHEMA = {
    "member_id": pl.Int64,
    "post_grade": pl.Int8,
    "employer_has_post": pl.Boolean,
    "free_quota": pl.Int32,
}


def post_nomination_eligibility(
    certificates: pl.DataFrame, posts: pl.DataFrame, rulebook: Rulebook, as_of: dt.date
) -> pl.DataFrame:
    """One row per ``posts`` row (member × post they might be nominated to).

    Args:
        certificates: certificates (grade 6 certificates are appointments, ``how=appointment``).
        posts: ``member_id, post_grade (6|7), employer_has_post, free_quota`` as known to the caller.
        rulebook: post rules are read from it.
        as_of: evaluation date.

    Returns:
        ``member_id, post_grade, eligible, earliest_date, missing, trace, unconfirmed``.
        ``earliest_date`` is null when a missing post or quota cannot be met by waiting.
    """
    p = posts.select([pl.col(c).cast(t) for c, t in POST_INPUT_SCHEMA.items()]).with_row_index("pid")
    frames = []
    for rule in rulebook.posts:
        if not rule.clause.in_force(as_of):
            continue
        entry = rule.min_years_in_grade.entry_at(as_of)
        if entry is None:
            continue
        years = int(entry.value)
        unconfirmed = [f"{rule.clause.id}.min_years_in_grade"] if entry.status != "confirmed" else []
        held = (
            certificates.filter((pl.col("grade") >= rule.requires_grade) & (pl.col("issued_on") <= as_of))
            .group_by("member_id")
            .agg(pl.col("issued_on").min().alias("since"))
        )
        rows = p.filter(pl.col("post_grade") == rule.grade).join(held, on="member_id", how="left")
        reach = add_years_expr(pl.col("since"), years)
        has_post = pl.col("employer_has_post").fill_null(False)
        quota = pl.col("free_quota").fill_null(0) > 0
        post_ok = (has_post & quota) if rule.needs_post_and_quota else pl.lit(True)
        held_days = pl.lit((as_of - dt.date(1970, 1, 1)).days) - pl.col("since").cast(pl.Int32)
        items = [
            pl.when(pl.col("since").is_null()).then(pl.lit(f"needs_certificate:{rule.requires_grade}")),
            pl.when(pl.col("since").is_not_null() & (reach > as_of)).then(
                pl.format(f"years_since_certificate:{rule.requires_grade}:{{}}/{years}", years_display_expr(held_days))
            ),
        ]
        if rule.needs_post_and_quota:
            items += [
                pl.when(~has_post).then(pl.lit("employer_has_no_post")),
                pl.when(has_post & ~quota).then(pl.lit("no_free_quota")),
            ]
        eligible = (reach <= as_of).fill_null(False) & post_ok
        frames.append(
            rows.select(
                "pid",
                "member_id",
                "post_grade",
                eligible.alias("eligible"),
                pl.when(eligible).then(pl.lit(as_of)).when(post_ok).then(reach).otherwise(None).alias("earliest_date"),
                pl.concat_list(items).list.drop_nulls().alias("missing"),
                pl.lit([rule.clause.id], dtype=pl.List(pl.Utf8)).alias("trace"),
                pl.lit(unconfirmed, dtype=pl.List(pl.Utf8)).alias("unconfirmed"),
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "member_id": pl.Int64,
                "post_grade": pl.Int8,
                "eligible": pl.Boolean,
                "earliest_date": pl.Date,
                "missing": pl.List(pl.Utf8),
                "trace": pl.List(pl.Utf8),
                "unconfirmed": pl.List(pl.Utf8),
            }
        )
    return pl.concat(frames).sort("pid").drop("pid")
