"""Input frames of the ladder engine, their schemas and validation.

The Django side builds exactly these frames (see ``docs/advancement.md``). Validation never
guesses silently: with ``on_bad_input="error"`` (default) a bad row raises :class:`InputError`
whose message is in Chinese and English; with ``on_bad_input="flag"`` the bad row is left out and
the member's rows carry a flag code in the ``flags`` column.

Examples:
    >>> import datetime as dt
    >>> inp = LadderInputs.build(
    ...     members=[{"member_id": 1, "birth_date": dt.date(1990, 1, 1)}],
    ...     histories=[{"member_id": 1, "occupation_code": "6-31-01-03",
    ...                 "start": dt.date(2020, 1, 1), "end": dt.date(2019, 1, 1)}],
    ... )
    >>> try:
    ...     validate_inputs(inp, dt.date(2025, 1, 1))
    ... except InputError as exc:
    ...     print(exc.problems[0].code)
    history_end_before_start
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "APPRENTICESHIP_SCHEMA",
    "AWARD_SCHEMA",
    "CERTIFICATE_SCHEMA",
    "DIPLOMA_SCHEMA",
    "HISTORY_SCHEMA",
    "MEMBER_SCHEMA",
    "InputError",
    "LadderInputs",
    "Problem",
    "validate_inputs",
]

MEMBER_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "birth_date": pl.Date,
    "jurisdiction": pl.Utf8,
    "org_id": pl.Int64,
}
HISTORY_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "occupation_code": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,
}
CERTIFICATE_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "occupation_code": pl.Utf8,
    "grade": pl.Int8,
    "issued_on": pl.Date,
    "how": pl.Utf8,
}
DIPLOMA_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "kind": pl.Utf8,
    "occupation_code": pl.Utf8,
    "graduated_on": pl.Date,
    "assessed_level": pl.Int8,
}
AWARD_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "competition_id": pl.Utf8,
    "jurisdiction": pl.Utf8,
    "tier": pl.Utf8,
    "event_size": pl.Int8,
    "rank": pl.Int32,
    "entrants": pl.Int32,
    "prize": pl.Utf8,
    "is_student": pl.Boolean,
    "held_on": pl.Date,
    "occupation_code": pl.Utf8,
}
APPRENTICESHIP_SCHEMA: dict[str, Any] = {
    "member_id": pl.Int64,
    "occupation_code": pl.Utf8,
    "completed_on": pl.Date,
}
_SCHEMAS = {
    "members": MEMBER_SCHEMA,
    "histories": HISTORY_SCHEMA,
    "certificates": CERTIFICATE_SCHEMA,
    "diplomas": DIPLOMA_SCHEMA,
    "awards": AWARD_SCHEMA,
    "apprenticeships": APPRENTICESHIP_SCHEMA,
}
HOW = ("assessment", "competition", "appointment", "legacy", "apprenticeship")
DIPLOMA_KINDS = (
    "technical_school",
    "senior_technical_school",
    "technician_college",
    "preparatory_technician",
    "secondary_vocational",
    "higher_vocational",
    "junior_college",
    "bachelor",
    "postgraduate",
)
OCCUPATION_PATTERN = r"^\d-\d{2}-\d{2}-\d{2}$"

# code -> (zh, en) description of each problem, used in errors and flag explanations.
PROBLEMS: dict[str, tuple[str, str]] = {
    "history_end_before_start": ("工作经历的结束日期早于开始日期", "a work history ends before it starts"),
    "history_start_after_as_of": ("工作经历的开始日期晚于评估日期", "a work history starts after the evaluation date"),
    "history_end_after_as_of": (
        "工作经历的结束日期晚于评估日期，已按计划结束日期计算",
        "a work history ends after the evaluation date; counted up to that planned end",
    ),
    "history_overlap_merged": (
        "工作经历有重叠，重叠部分只计算一次",
        "work histories overlap; overlapping time is counted once",
    ),
    "certificate_before_age_16": ("证书颁发时持证人未满16周岁", "a certificate was issued before the holder turned 16"),
    "certificate_after_as_of": ("证书颁发日期晚于评估日期", "a certificate is dated after the evaluation date"),
    "birth_date_missing": ("缺少出生日期，无法核对年龄", "birth date is missing, so age cannot be checked"),
    "unknown_grade": ("证书等级不在0-7之间", "a certificate grade is not between 0 and 7"),
    "unknown_how": ("证书取得方式无法识别", "the way a certificate was obtained is not recognised"),
    "unknown_occupation_code": ("职业编码无法识别", "an occupation code is not recognised"),
    "unknown_diploma_kind": ("学历类型无法识别", "a diploma kind is not recognised"),
    "unknown_member": ("记录对应的会员不存在", "a record refers to a member who is not in the member list"),
    "member_id_missing": ("会员名单中有一行没有会员编号", "a row of the member list has no member_id"),
    "duplicate_member": (
        "同一会员编号在会员名单中出现多次，只保留第一行",
        "a member_id appears more than once in the member list; only its first row is kept",
    ),
    "missing_date": ("必填日期为空", "a required date is empty"),
    "current_year_graduate_assumed": (
        "毕业日期为空，按应届毕业生计算",
        "graduation date is empty; treated as a current-year graduate",
    ),
    "diploma_specialty_unknown": (
        "学历专业未对应到职业，不能用于要求本专业的条件",
        "the diploma's specialty is not mapped to an occupation, so it cannot count for specialty routes",
    ),
}
# Problems that are assumptions (always flags, never errors).
ASSUMPTIONS = frozenset(
    {
        "history_end_after_as_of",
        "history_overlap_merged",
        "birth_date_missing",
        "current_year_graduate_assumed",
        "diploma_specialty_unknown",
    }
)


@dataclass(frozen=True)
class Problem:
    """One kind of bad input: which frame, what code, how many rows, one example member."""

    frame: str
    code: str
    count: int
    example_member: int | None

    def message(self) -> str:
        zh, en = PROBLEMS.get(self.code, (self.code, self.code))
        ex = f"（例：会员 {self.example_member}）" if self.example_member is not None else ""
        ex_en = f" (e.g. member {self.example_member})" if self.example_member is not None else ""
        return f"{self.frame}: {zh}，共 {self.count} 条{ex} / {en}: {self.count} row(s){ex_en} [{self.code}]"


class InputError(ValueError):
    """Input frames contain rows the engine will not guess about.

    The message lists each problem in Chinese and English and says what to do next.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [p.message() for p in problems]
        super().__init__(
            "输入数据有误，请更正后重试；或使用 on_bad_input='flag' 跳过并标记这些记录。\n"
            "The input has rows that need correcting; fix them and try again, or pass "
            "on_bad_input='flag' to leave them out and flag them.\n" + "\n".join(lines)
        )


def _frame(rows: Any, schema: dict[str, Any], name: str) -> pl.DataFrame:
    if rows is None:
        return pl.DataFrame(schema=schema)
    df = (
        rows
        if isinstance(rows, pl.DataFrame)
        else pl.DataFrame(
            list(rows), schema=schema, orient="row" if rows and not isinstance(rows[0], Mapping) else None
        )
    )
    missing = [c for c in schema if c not in df.columns]
    optional = {"jurisdiction", "org_id", "how", "assessed_level", "occupation_code", "end", "graduated_on"}
    for col in missing:
        if col not in optional:
            raise InputError([Problem(name, f"missing column {col}", 0, None)])
        df = df.with_columns(pl.lit(None, dtype=schema[col]).alias(col))
    try:
        return df.select([pl.col(c).cast(t, strict=True) for c, t in schema.items()])
    except pl.exceptions.InvalidOperationError as exc:
        raise InputError([Problem(name, f"wrong column type: {exc}", 0, None)]) from exc


@dataclass(frozen=True)
class LadderInputs:
    """The six input frames. ``apprenticeships`` and ``awards`` may be empty."""

    members: pl.DataFrame
    histories: pl.DataFrame
    certificates: pl.DataFrame
    diplomas: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DIPLOMA_SCHEMA))
    awards: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=AWARD_SCHEMA))
    apprenticeships: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=APPRENTICESHIP_SCHEMA))

    @classmethod
    def build(cls, **frames: Any) -> LadderInputs:
        """Build from frames or lists of dicts; casts to the schemas, adds absent optional columns."""
        unknown = set(frames) - set(_SCHEMAS)
        if unknown:
            raise TypeError(f"unknown input frames {sorted(unknown)}")
        return cls(**{name: _frame(frames.get(name), schema, name) for name, schema in _SCHEMAS.items()})

    def frames(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in _SCHEMAS}

    def filter_members(self, ids: pl.Series | Iterable[int]) -> LadderInputs:
        ids = ids if isinstance(ids, pl.Series) else pl.Series(list(ids), dtype=pl.Int64)
        return LadderInputs(**{k: v.filter(pl.col("member_id").is_in(ids.implode())) for k, v in self.frames().items()})


def _with_birth(certificates: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Certificates with their holder's birth date and 16th birthday (null for unknown members)."""
    people = members.select("member_id", "birth_date", pl.col("birth_date").dt.offset_by("16y").alias("_sixteen"))
    ids = people["member_id"].to_numpy()
    sorted_members = ids.dtype == np.int64 and ids.shape[0] > 0 and bool((ids[1:] > ids[:-1]).all())
    if sorted_members and not certificates["member_id"].null_count():
        # members in id order (the usual partition): look holders up by position, not by hashing
        held = certificates["member_id"].to_numpy()
        pos = np.minimum(np.searchsorted(ids, held), ids.shape[0] - 1)
        found = pl.Series(ids[pos] == held)
        picked = people.select("birth_date", "_sixteen")[pos]
        return pl.concat([certificates, picked], how="horizontal").with_columns(
            pl.when(found).then(pl.col(k)).alias(k) for k in ("birth_date", "_sixteen")
        )
    return certificates.join(people, on="member_id", how="left")


def validate_inputs(
    inputs: LadderInputs,
    as_of: dt.date,
    *,
    on_bad_input: str = "error",
    occupations: pl.Series | None = None,
) -> tuple[LadderInputs, pl.DataFrame]:
    """Check the frames; return cleaned frames and a ``(member_id, flag)`` frame.

    Args:
        inputs: the input frames.
        as_of: evaluation date; histories and certificates may not start after it.
        on_bad_input: ``"error"`` raises :class:`InputError`; ``"flag"`` drops bad rows and
            flags the member.
        occupations: optional list of known occupation codes; by default only the code's
            shape (``d-dd-dd-dd``) is checked.
    """
    if on_bad_input not in ("error", "flag"):
        raise ValueError("on_bad_input must be 'error' or 'flag'")
    problems: list[Problem] = []
    flags: list[pl.DataFrame] = []
    members = inputs.members
    missing_ids = int(members["member_id"].null_count())
    if missing_ids:
        problems.append(Problem("members", "member_id_missing", missing_ids, None))
        members = members.filter(pl.col("member_id").is_not_null())
    repeated = members.filter(pl.col("member_id").is_duplicated())
    if repeated.height:
        problems.append(Problem("members", "duplicate_member", repeated.height, repeated["member_id"][0]))
        flags.append(repeated.select("member_id", pl.lit("duplicate_member").alias("flag")))
        members = members.unique("member_id", keep="first", maintain_order=True)
    inputs = replace(inputs, members=members)
    known_members = members.select("member_id")
    occ_ok = pl.col("occupation_code").str.contains(OCCUPATION_PATTERN)
    if occupations is not None:
        occ_ok = occ_ok & pl.col("occupation_code").is_in(occupations.implode())
    asof = pl.lit(as_of)
    h = inputs.histories
    c = _with_birth(inputs.certificates, inputs.members)
    sixteen = pl.col("_sixteen")
    d = inputs.diplomas
    a = inputs.apprenticeships
    checks: dict[str, tuple[pl.DataFrame, list[tuple[str, pl.Expr]]]] = {
        "histories": (
            h,
            [
                ("missing_date", pl.col("start").is_null()),
                ("unknown_occupation_code", ~occ_ok.fill_null(False)),
                ("history_end_before_start", pl.col("end") < pl.col("start")),
                ("history_start_after_as_of", pl.col("start") > asof),
                ("history_end_after_as_of", pl.col("end") > asof),
            ],
        ),
        "certificates": (
            c,
            [
                ("missing_date", pl.col("issued_on").is_null()),
                ("unknown_grade", ~pl.col("grade").is_between(0, 7).fill_null(False)),
                ("unknown_how", pl.col("how").is_not_null() & ~pl.col("how").is_in(HOW)),
                ("unknown_occupation_code", ~occ_ok.fill_null(False)),
                ("certificate_after_as_of", pl.col("issued_on") > asof),
                ("certificate_before_age_16", pl.col("issued_on") < sixteen),
                ("birth_date_missing", pl.col("birth_date").is_null()),
            ],
        ),
        "diplomas": (
            d,
            [
                ("unknown_diploma_kind", ~pl.col("kind").is_in(DIPLOMA_KINDS).fill_null(False)),
                ("unknown_occupation_code", pl.col("occupation_code").is_not_null() & ~occ_ok),
                ("current_year_graduate_assumed", pl.col("graduated_on").is_null()),
                ("diploma_specialty_unknown", pl.col("occupation_code").is_null()),
            ],
        ),
        "apprenticeships": (
            a,
            [
                ("missing_date", pl.col("completed_on").is_null()),
                ("unknown_occupation_code", ~occ_ok.fill_null(False)),
            ],
        ),
    }
    cleaned: dict[str, pl.DataFrame] = {}
    for name, (df, rules) in checks.items():
        unknown_member = pl.col("member_id").is_null() | ~pl.col("member_id").is_in(
            known_members["member_id"].implode()
        )
        rules = [*rules, ("unknown_member", unknown_member)]
        # one counting pass; rows are only picked out for the rules that found something
        counts = df.select([r.fill_null(False).sum().alias(code) for code, r in rules]).row(0) if df.height else ()
        found = [(code, r) for (code, r), n in zip(rules, counts, strict=False) if n]
        if not found:
            cleaned[name] = df
            continue
        flagged = df.select([r.fill_null(False).alias(code) for code, r in found] + [pl.col("member_id")])
        bad = pl.lit(False)
        for code, _ in found:
            hits = flagged.filter(pl.col(code))
            problems.append(Problem(name, code, hits.height, hits["member_id"][0]))
            flags.append(hits.filter(pl.col("member_id").is_not_null()).select("member_id", pl.lit(code).alias("flag")))
            if code not in ASSUMPTIONS:
                bad = bad | pl.col(code)
        cleaned[name] = df.filter(flagged.select(~bad)[:, 0])
    errors = [p for p in problems if p.code not in ASSUMPTIONS]
    if errors and on_bad_input == "error":
        raise InputError(errors)
    cleaned["certificates"] = cleaned["certificates"].drop("birth_date", "_sixteen")
    out = replace(
        inputs,
        histories=cleaned["histories"],
        certificates=cleaned["certificates"],
        diplomas=cleaned["diplomas"],
        apprenticeships=cleaned["apprenticeships"],
    )
    flag_frame = pl.concat(flags).unique() if flags else pl.DataFrame(schema={"member_id": pl.Int64, "flag": pl.Utf8})
    return out, flag_frame
