"""Competencies of occupations and of workers.

An occupation's competencies are the numbered main tasks (主要工作任务) of its CSCO 2022 entry;
competency ids are ``<occupation code>#<task number>``. A worker's competencies come from the
occupations they hold, the courses they completed and the certificates that are valid on
``as_of``. See ``docs/matching.md`` for the frame schemas.

Examples:
    >>> occ = pl.DataFrame({"code": ["6-31-01-03"], "level": [4],
    ...                     "tasks": ["1.识读图样 2.操作车床，加工零件。"]})
    >>> occupation_competencies(occ).rows()
    [('6-31-01-03', '6-31-01-03#1', '识读图样'), ('6-31-01-03', '6-31-01-03#2', '操作车床，加工零件')]
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

__all__ = [
    "COMPETENCY_SCHEMA",
    "WorkerProfile",
    "load_csco_occupations",
    "occupation_competencies",
    "split_tasks",
    "worker_profile",
]

COMPETENCY_SCHEMA = {"occupation_code": pl.String, "competency_id": pl.String, "text": pl.String}
_TASK_SPLIT = re.compile(r"(?:^|\s|[。；;])(\d{1,2})[.．、](?!\d)")
_TRAIL = "。；;，, \t\n"


def split_tasks(tasks: str | None) -> list[tuple[int, str]]:
    """Split a numbered task list ``"1. … 2. …"`` into ``(number, text)`` pairs.

    Examples:
        >>> split_tasks("1.策划选题，拟定编辑方案 2.组织稿件。")
        [(1, '策划选题，拟定编辑方案'), (2, '组织稿件')]
        >>> split_tasks("维护设备")
        [(1, '维护设备')]
        >>> split_tasks(None)
        []
    """
    if not tasks or not tasks.strip():
        return []
    text = tasks.strip()
    marks = list(_TASK_SPLIT.finditer(text))
    if not marks:
        return [(1, text.strip(_TRAIL))]
    out: list[tuple[int, str]] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end() : end].strip(_TRAIL)
        if body:
            out.append((int(m[1]), body))
    return out


def occupation_competencies(occupations: pl.DataFrame) -> pl.DataFrame:
    """One row per (occupation, task) from a CSCO-shaped frame.

    Args:
        occupations: Frame with ``code`` (or ``occupation_code``) and ``tasks``; if a ``level``
            column is present only level-4 rows (occupations) are used.

    Returns:
        Frame ``occupation_code: str, competency_id: str, text: str`` where ``competency_id`` is
        ``<code>#<task number>``, in code then task order.
    """
    frame = occupations
    if "level" in frame.columns:
        frame = frame.filter(pl.col("level").cast(pl.Int64) == 4)
    code_col = "occupation_code" if "occupation_code" in frame.columns else "code"
    rows: list[tuple[str, str, str]] = []
    for code, tasks in frame.select(code_col, "tasks").iter_rows():
        for number, body in split_tasks(tasks):
            rows.append((code, f"{code}#{number}", body))
    out = pl.DataFrame(rows, schema=COMPETENCY_SCHEMA, orient="row")
    return out.unique(["occupation_code", "competency_id"], keep="first", maintain_order=True)


def load_csco_occupations(path: str | Path | None = None) -> pl.DataFrame:
    """Load the CSCO 2022 classification (explicit loader; reads the packaged CSV by default).

    Returns:
        All levels with ``level: i64, code, name, definition, tasks, alias: str``.
    """
    if path is None:
        path = Path(__file__).resolve().parents[2] / "data" / "csco22" / "csco22.csv"
    frame = pl.read_csv(path, infer_schema_length=0)
    return frame.with_columns(pl.col("level").cast(pl.Int64))


class WorkerProfile:
    """A worker's grades per occupation and competencies, as of a date.

    Attributes:
        grades: ``worker_id, occupation_code: str, grade: i64 (nullable), source: str`` — the
            highest grade per (worker, occupation) and where it came from.
        competencies: ``worker_id, competency_id: str, source: str`` — distinct per
            (worker, competency), first source wins in the order occupation, certificate, course.
    """

    def __init__(self, grades: pl.DataFrame, competencies: pl.DataFrame) -> None:
        self.grades = grades
        self.competencies = competencies

    def __repr__(self) -> str:
        return f"WorkerProfile(grades={self.grades.height}, competencies={self.competencies.height})"


def _valid_certificates(certificates: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    cert = certificates
    cond = pl.lit(True)
    if "issued_on" in cert.columns:
        cond = cond & (pl.col("issued_on").is_null() | (pl.col("issued_on") <= as_of))
    if "expires_on" in cert.columns:
        cond = cond & (pl.col("expires_on").is_null() | (pl.col("expires_on") >= as_of))
    if "revoked_on" in cert.columns:
        cond = cond & (pl.col("revoked_on").is_null() | (pl.col("revoked_on") > as_of))
    if "status" in cert.columns:
        cond = cond & (pl.col("status").is_null() | (pl.col("status") == "valid"))
    return cert.filter(cond)


def worker_profile(
    *,
    as_of: dt.date,
    occupation_competencies: pl.DataFrame,
    worker_occupations: pl.DataFrame | None = None,
    course_completions: pl.DataFrame | None = None,
    course_competencies: pl.DataFrame | None = None,
    certificates: pl.DataFrame | None = None,
    certificate_competencies: pl.DataFrame | None = None,
) -> WorkerProfile:
    """Combine a worker's occupations, courses and certificates into grades and competencies.

    Only certificates valid on ``as_of`` count (issued on or before, not expired, not revoked,
    ``status`` ``"valid"`` when given) and only courses completed on or before ``as_of``.

    Args:
        as_of: The date the profile describes.
        occupation_competencies: Output of :func:`occupation_competencies`.
        worker_occupations: ``worker_id, occupation_code, grade (0–7, nullable)``.
        course_completions: ``worker_id, course_id, completed_on (date, nullable)``.
        course_competencies: ``course_id, competency_id``.
        certificates: ``worker_id, certificate_id, occupation_code (nullable), grade (nullable),
            issued_on, expires_on, revoked_on (dates, nullable), status (optional)``.
        certificate_competencies: ``certificate_id, competency_id`` for certificates that attest
            specific competencies (special operations permits, short courses).

    Returns:
        A :class:`WorkerProfile`.

    Examples:
        >>> oc = pl.DataFrame({"occupation_code": ["6-31-01-03"] * 2,
        ...                    "competency_id": ["6-31-01-03#1", "6-31-01-03#2"], "text": ["a", "b"]})
        >>> certs = pl.DataFrame({"worker_id": [1, 1], "certificate_id": ["c1", "c2"],
        ...     "occupation_code": ["6-31-01-03", "6-31-01-03"], "grade": [3, 5],
        ...     "issued_on": [dt.date(2020, 1, 1)] * 2,
        ...     "expires_on": [None, dt.date(2021, 1, 1)], "revoked_on": [None, None]})
        >>> p = worker_profile(as_of=dt.date(2025, 1, 1), occupation_competencies=oc,
        ...                    certificates=certs)
        >>> p.grades.rows()
        [(1, '6-31-01-03', 3, 'certificate')]
        >>> p.competencies["competency_id"].to_list()
        ['6-31-01-03#1', '6-31-01-03#2']
    """
    grade_parts: list[pl.DataFrame] = []
    comp_parts: list[pl.DataFrame] = []
    wid_dtype: pl.DataType | None = None

    def occ_comps(frame: pl.DataFrame, source: str) -> pl.DataFrame:
        return (
            frame.select("worker_id", "occupation_code")
            .join(
                occupation_competencies.select("occupation_code", "competency_id"),
                on="occupation_code",
                how="inner",
            )
            .select("worker_id", "competency_id", pl.lit(source).alias("source"))
        )

    if worker_occupations is not None and worker_occupations.height:
        wo = worker_occupations.select(
            "worker_id",
            pl.col("occupation_code").cast(pl.String),
            (pl.col("grade") if "grade" in worker_occupations.columns else pl.lit(None)).cast(pl.Int64).alias("grade"),
        )
        wid_dtype = wo.schema["worker_id"]
        grade_parts.append(wo.with_columns(pl.lit("occupation").alias("source")))
        comp_parts.append(occ_comps(wo, "occupation"))
    if certificates is not None and certificates.height:
        cert = _valid_certificates(certificates, as_of)
        wid_dtype = wid_dtype or cert.schema["worker_id"]
        if "occupation_code" in cert.columns:
            with_occ = cert.filter(pl.col("occupation_code").is_not_null()).select(
                "worker_id",
                pl.col("occupation_code").cast(pl.String),
                (pl.col("grade") if "grade" in cert.columns else pl.lit(None)).cast(pl.Int64).alias("grade"),
            )
            grade_parts.append(with_occ.with_columns(pl.lit("certificate").alias("source")))
            comp_parts.append(occ_comps(with_occ, "certificate"))
        if certificate_competencies is not None:
            comp_parts.append(
                cert.select("worker_id", "certificate_id")
                .join(certificate_competencies, on="certificate_id", how="inner")
                .select("worker_id", "competency_id", pl.lit("certificate").alias("source"))
            )
    if course_completions is not None and course_competencies is not None:
        done = course_completions
        if "completed_on" in done.columns:
            done = done.filter(pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= as_of))
        wid_dtype = wid_dtype or done.schema["worker_id"]
        comp_parts.append(
            done.select("worker_id", "course_id")
            .join(course_competencies, on="course_id", how="inner")
            .select("worker_id", "competency_id", pl.lit("course").alias("source"))
        )
    wid = wid_dtype or pl.Int64
    grades = pl.DataFrame(
        schema={"worker_id": wid, "occupation_code": pl.String, "grade": pl.Int64, "source": pl.String}
    )
    if grade_parts:
        grades = (
            pl.concat([g.cast({"worker_id": wid}) for g in grade_parts], how="vertical_relaxed")
            .sort(["worker_id", "occupation_code", "grade", "source"], nulls_last=False)
            .group_by(["worker_id", "occupation_code"], maintain_order=True)
            .last()
        )
    comps = pl.DataFrame(schema={"worker_id": wid, "competency_id": pl.String, "source": pl.String})
    if comp_parts:
        comps = (
            pl.concat(
                [c.cast({"worker_id": wid, "competency_id": pl.String}) for c in comp_parts],
                how="vertical_relaxed",
            )
            .unique(["worker_id", "competency_id"], keep="first", maintain_order=True)
            .sort(["worker_id", "competency_id"])
        )
    return WorkerProfile(grades=grades, competencies=comps)
