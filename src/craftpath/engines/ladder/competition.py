"""Skill-grade promotion for competition results (职业技能竞赛晋升).

Each award is matched against the promotion table of its jurisdiction (``national`` for tier
``national``, otherwise the province of the award's GB/T 2260 code) in force on the day the
competition was held. A band says who qualifies (tier, employee or student, rank / share /
prize) and the grade they are promoted to, with an upgrade for holders of a given grade
("已具有技师的可晋升高级技师"). Promotions are capped at 高级技师 and, where the table says so,
at one per calendar year: when a member has several results in one year the most favourable
promotion is applied first and later ones are recorded as ``capped_this_year``. Promotions
carry over: a 2023 promotion to 技师 makes a 2024 result count as "already holds 技师".

Examples:
    >>> import datetime as dt
    >>> from craftpath.engines.rules import load_rulebook
    >>> from craftpath.engines.ladder.inputs import LadderInputs
    >>> inp = LadderInputs.build(
    ...     members=[{"member_id": 1, "birth_date": dt.date(1995, 1, 1)}],
    ...     certificates=[{"member_id": 1, "occupation_code": "6-18-02-04", "grade": 4,
    ...                    "issued_on": dt.date(2020, 1, 1), "how": "assessment"}],
    ...     awards=[{"member_id": 1, "competition_id": "tj-2024-weld", "jurisdiction": "120000",
    ...              "tier": "city_1", "event_size": 1, "rank": 3, "entrants": 40, "prize": "bronze",
    ...              "is_student": False, "held_on": dt.date(2024, 9, 1), "occupation_code": "6-18-02-04"}])
    >>> out = promote_by_competition(inp.members, inp.certificates, inp.awards, load_rulebook(), dt.date(2025, 1, 1))
    >>> out.select("from_grade", "new_grade", "status", "route").row(0)
    (4, 5, 'promoted', 'competitions/tianjin/city-1/employee')
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from craftpath.engines.rules.model import Band, CompetitionTable, Rulebook

__all__ = ["PROMOTION_SCHEMA", "promote_by_competition"]

PROMOTION_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "member_id": pl.Int64,
    "competition_id": pl.Utf8,
    "occupation_code": pl.Utf8,
    "held_on": pl.Date,
    "from_grade": pl.Int8,
    "new_grade": pl.Int8,
    "status": pl.Utf8,
    "route": pl.Utf8,
    "trace": pl.List(pl.Utf8),
}
# statuses: promoted | capped_this_year | no_band | at_or_above_band | no_table | after_as_of


def _band_match(b: Band) -> pl.Expr:
    ok = pl.col("tier").is_in(list(b.tiers))
    if b.students is not None:
        ok = ok & (pl.col("is_student").fill_null(False) == b.students)
    if b.rank_max is not None:
        ok = ok & (pl.col("rank") <= b.rank_max)
    if b.rank_max_by_size is not None:
        size_max = pl.lit(None, dtype=pl.Int32)
        for size, mx in sorted(b.rank_max_by_size.items()):
            size_max = pl.when(pl.col("event_size").fill_null(1) == size).then(pl.lit(mx)).otherwise(size_max)
        ok = ok & (pl.col("rank") <= size_max)
    if b.top_fraction is not None:
        # "前30%": rank within the first ceil(30% × entrants) places
        ok = ok & (pl.col("rank") <= (pl.col("entrants") * b.top_fraction).ceil())
    if b.prizes is not None:
        ok = ok & pl.col("prize").is_in(list(b.prizes))
    return ok.fill_null(False)


def _band_grade(b: Band, cap: int) -> pl.Expr:
    """Grade this band promotes to from ``cur`` (null = no certificate), or null for none."""
    cur = pl.col("cur")
    new: pl.Expr = pl.when(cur.is_null() | (cur < b.promote_to)).then(pl.lit(b.promote_to)).otherwise(None)
    for held, to in sorted(b.holders.items()):
        new = pl.when(cur == held).then(pl.lit(to)).otherwise(new)
    new = pl.min_horizontal(new, pl.lit(cap))
    return pl.when(new > cur.fill_null(-1)).then(new).otherwise(None).cast(pl.Int8)


def _table_key() -> pl.Expr:
    return (
        pl.when(pl.col("tier") == "national")
        .then(pl.lit("national"))
        .otherwise(pl.col("jurisdiction").str.slice(0, 2) + "0000")
    )


def promote_by_competition(
    members: pl.DataFrame,
    certificates: pl.DataFrame,
    awards: pl.DataFrame,
    rulebook: Rulebook,
    as_of: dt.date,
) -> pl.DataFrame:
    """Promotions earned by competition results; one row per award (see :data:`PROMOTION_SCHEMA`).

    Args:
        members: member frame (only ``member_id`` is used; awards of unknown members are ignored).
        certificates: certificates held (grade in the award's occupation before the event counts).
        awards: competition results.
        rulebook: the competition tables are read from it.
        as_of: results after this date are reported as ``after_as_of``.
    """
    a = awards.join(members.select("member_id"), on="member_id", how="semi").with_row_index("aid")
    a = a.with_columns(_table_key().alias("tkey"), pl.col("held_on").dt.year().alias("year"))
    done: list[pl.DataFrame] = []

    def finish(df: pl.DataFrame, status: str, trace: list[str] | None = None) -> pl.DataFrame:
        return df.select(
            "aid",
            pl.col("cur").cast(pl.Int8).alias("from_grade")
            if "cur" in df.columns
            else pl.lit(None, dtype=pl.Int8).alias("from_grade"),
            pl.lit(None, dtype=pl.Int8).alias("new_grade"),
            pl.lit(status).alias("status"),
            pl.lit(None, dtype=pl.Utf8).alias("route"),
            (pl.col("_trace") if "_trace" in df.columns else pl.lit(trace or [], dtype=pl.List(pl.Utf8))).alias(
                "trace"
            ),
        )

    future = a.filter(pl.col("held_on") > as_of)
    if future.height:
        done.append(finish(future, "after_as_of"))
    a = a.filter(pl.col("held_on") <= as_of)
    # which table applies: jurisdiction key + in force on the day of the competition
    tables: list[CompetitionTable] = list(rulebook.competitions)
    a = a.with_columns(pl.lit(None, dtype=pl.Int32).alias("tidx"))
    for i, table in enumerate(tables):
        in_force = (pl.col("held_on") >= table.clause.valid_from) & (
            pl.lit(True) if table.clause.valid_to is None else pl.col("held_on") <= table.clause.valid_to
        )
        a = a.with_columns(
            pl.when((pl.col("tkey") == table.jurisdiction) & in_force)
            .then(pl.lit(i))
            .otherwise(pl.col("tidx"))
            .alias("tidx")
        )
    no_table = a.filter(pl.col("tidx").is_null())
    if no_table.height:
        done.append(finish(no_table, "no_table"))
    a = a.filter(pl.col("tidx").is_not_null())
    certs = certificates.select("member_id", "occupation_code", "grade", "issued_on")
    promoted = pl.DataFrame(schema={"member_id": pl.Int64, "occupation_code": pl.Utf8, "grade": pl.Int8, "on": pl.Date})
    for year in sorted(a["year"].unique().to_list()):
        todo = a.filter(pl.col("year") == year)
        used = pl.DataFrame(schema={"member_id": pl.Int64, "n": pl.UInt32})
        while todo.height:
            held = (
                todo.select("aid", "member_id", "occupation_code", "held_on")
                .join(
                    pl.concat(
                        [
                            certs.select("member_id", "occupation_code", "grade", pl.col("issued_on").alias("on")),
                            promoted,
                        ]
                    ),
                    on=["member_id", "occupation_code"],
                    how="left",
                )
                .filter(pl.col("on").is_null() | (pl.col("on") <= pl.col("held_on")))
                .group_by("aid")
                .agg(pl.col("grade").max().alias("cur"))
            )
            t = (
                todo.join(held, on="aid", how="left")
                .join(used, on="member_id", how="left")
                .with_columns(pl.col("n").fill_null(0))
            )
            # cap on promotions this year, per the award's own table (dated)
            cap_expr: pl.Expr = pl.lit(None, dtype=pl.Int64)
            new_cols = []
            band_cols = []
            for i, tb in enumerate(tables):
                entry = tb.max_per_year.entry_at(dt.date(year, 12, 31)) or tb.max_per_year.entry_at(dt.date(year, 1, 1))
                cap_val = entry.value if entry else None
                if cap_val is not None:
                    cap_expr = pl.when(pl.col("tidx") == i).then(pl.lit(cap_val)).otherwise(cap_expr)
                for j, b in enumerate(tb.bands):
                    if not b.clause.in_force(dt.date(year, 12, 31)) and not b.clause.in_force(dt.date(year, 1, 1)):
                        continue
                    new_cols.append(
                        pl.when((pl.col("tidx") == i) & _band_match(b))
                        .then(_band_grade(b, tb.cap_grade))
                        .otherwise(None)
                        .alias(f"_b{i}_{j}")
                    )
                    band_cols.append((f"_b{i}_{j}", b.clause.id))
            t = t.with_columns(cap_expr.alias("cap"), *new_cols)
            if band_cols:
                best = pl.max_horizontal([pl.col(c) for c, _ in band_cols])
                route: pl.Expr = pl.lit(None, dtype=pl.Utf8)
                for c, cid in reversed(band_cols):
                    route = pl.when(pl.col(c) == pl.col("_best")).then(pl.lit(cid)).otherwise(route)
                t = t.with_columns(best.alias("_best")).with_columns(route.alias("_route"))
                matched = pl.any_horizontal(
                    [(pl.col("tidx") == i) & _band_match(b) for i, tb in enumerate(tables) for b in tb.bands]
                )
            else:
                t = t.with_columns(
                    pl.lit(None, dtype=pl.Int8).alias("_best"), pl.lit(None, dtype=pl.Utf8).alias("_route")
                )
                matched = pl.lit(False)
            t = t.with_columns(matched.alias("_matched"))
            table_ids = [tb.clause.id for tb in tables]
            tid = pl.lit(None, dtype=pl.Utf8)
            for i, x in enumerate(table_ids):
                tid = pl.when(pl.col("tidx") == i).then(pl.lit(x)).otherwise(tid)
            t = t.with_columns(tid.alias("_tid"))
            capped = t.filter(pl.col("cap").is_not_null() & (pl.col("n") >= pl.col("cap")))
            if capped.height:
                done.append(
                    finish(
                        capped.with_columns(
                            pl.concat_list(pl.col("_tid"), pl.lit("max_promotions_per_year")).alias("_trace")
                        ),
                        "capped_this_year",
                    )
                )
            t = t.filter(~(pl.col("cap").is_not_null() & (pl.col("n") >= pl.col("cap"))))
            none = t.filter(pl.col("_best").is_null())
            if none.height:
                # a band matched but gives nothing above the grade held: at_or_above_band
                status = pl.when(pl.col("_matched")).then(pl.lit("at_or_above_band")).otherwise(pl.lit("no_band"))
                done.append(
                    finish(none.with_columns(pl.concat_list(pl.col("_tid")).alias("_trace")), "no_band").with_columns(
                        status=pl.Series(none.select(status).to_series())
                    )
                )
            cand = t.filter(pl.col("_best").is_not_null())
            if not cand.height:
                break
            # one promotion per member per round: the most favourable, earliest, then by id
            win = cand.sort(["member_id", "_best", "held_on", "aid"], descending=[False, True, False, False]).unique(
                "member_id", keep="first"
            )
            done.append(
                win.select(
                    "aid",
                    pl.col("cur").cast(pl.Int8).alias("from_grade"),
                    pl.col("_best").cast(pl.Int8).alias("new_grade"),
                    pl.lit("promoted").alias("status"),
                    pl.col("_route").alias("route"),
                    pl.concat_list(pl.col("_tid"), pl.col("_route")).alias("trace"),
                )
            )
            promoted = pl.concat(
                [
                    promoted,
                    win.select(
                        "member_id",
                        "occupation_code",
                        pl.col("_best").cast(pl.Int8).alias("grade"),
                        pl.col("held_on").alias("on"),
                    ),
                ]
            )
            used = (
                pl.concat([used, win.select("member_id", pl.lit(1, dtype=pl.UInt32).alias("n"))])
                .group_by("member_id")
                .agg(pl.col("n").sum())
            )
            todo = todo.join(win.select("aid"), on="aid", how="anti").join(cand.select("aid"), on="aid", how="semi")
    if not done:
        return pl.DataFrame(schema=PROMOTION_SCHEMA)
    res = pl.concat(done, how="vertical_relaxed")
    out = awards.join(members.select("member_id"), on="member_id", how="semi").with_row_index("aid").join(res, on="aid")
    return out.sort("member_id", "held_on", "aid").select([pl.col(c).cast(t) for c, t in PROMOTION_SCHEMA.items()])
