"""Optional taxonomy packs: O*NET and ESCO loaded into the matching frame shapes.

These are explicit loaders (they read files); the directory is always given by the caller.
O*NET® is a trademark of USDOL/ETA; O*NET data is CC BY 4.0. ESCO is © European Union, CC BY 4.0.

Examples:
    >>> from pathlib import Path
    >>> pack = load_onet_pack(Path(__file__).resolve().parents[2] / "data" / "taxonomy_packs" / "onet_sample")
    >>> sorted(pack)
    ['competencies', 'job_zones', 'occupations', 'related']
    >>> pack["competencies"].columns
    ['occupation_code', 'competency_id', 'text']
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl

__all__ = ["load_esco_pack", "load_onet_pack"]


def _tsv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator="\t", infer_schema_length=0, quote_char=None)


def load_onet_pack(directory: str | Path) -> dict[str, pl.DataFrame]:
    """Read O*NET text files (tab-separated) from ``directory``.

    Returns:
        ``occupations``: ``occupation_code, name, description``;
        ``competencies``: ``occupation_code, competency_id ("onet:task:<Task ID>"), text``;
        ``related``: ``occupation_code, related_code, tier, index: i64`` (if the file exists);
        ``job_zones``: ``occupation_code, job_zone: i64`` (if the file exists).
    """
    d = Path(directory)
    occ = _tsv(d / "Occupation_Data.txt").select(
        pl.col("O*NET-SOC Code").alias("occupation_code"),
        pl.col("Title").alias("name"),
        pl.col("Description").alias("description"),
    )
    tasks = _tsv(d / "Task_Statements.txt").select(
        pl.col("O*NET-SOC Code").alias("occupation_code"),
        ("onet:task:" + pl.col("Task ID")).alias("competency_id"),
        pl.col("Task").alias("text"),
    )
    out = {"occupations": occ, "competencies": tasks}
    if (d / "Related_Occupations.txt").exists():
        out["related"] = _tsv(d / "Related_Occupations.txt").select(
            pl.col("O*NET-SOC Code").alias("occupation_code"),
            pl.col("Related O*NET-SOC Code").alias("related_code"),
            pl.col("Relatedness Tier").alias("tier"),
            pl.col("Index").cast(pl.Int64).alias("index"),
        )
    if (d / "Job_Zones.txt").exists():
        out["job_zones"] = _tsv(d / "Job_Zones.txt").select(
            pl.col("O*NET-SOC Code").alias("occupation_code"),
            pl.col("Job Zone").cast(pl.Int64).alias("job_zone"),
        )
    return out


def load_esco_pack(directory: str | Path, version: str = "v1.1.1") -> dict[str, pl.DataFrame]:
    """Read the ESCO English CSV zips from ``directory``.

    Returns:
        ``occupations``: ``occupation_code (concept URI), isco_group, name``;
        ``competencies``: ``occupation_code, competency_id (skill URI), text (skill label),
        relation ("essential"/"optional")``.
    """
    d = Path(directory)

    def read(zip_name: str, member: str) -> pl.DataFrame:
        with zipfile.ZipFile(d / zip_name) as z:
            return pl.read_csv(io.BytesIO(z.read(member)), infer_schema_length=0)

    cls = f"esco-{version}-classification-en-csv.zip"
    rel = f"esco-{version}-relations-csv.zip"
    occ = read(cls, "occupations_en.csv").select(
        pl.col("conceptUri").alias("occupation_code"),
        pl.col("iscoGroup").alias("isco_group"),
        pl.col("preferredLabel").alias("name"),
    )
    skills = read(cls, "skills_en.csv").select(
        pl.col("conceptUri").alias("competency_id"), pl.col("preferredLabel").alias("text")
    )
    links = read(rel, "occupationSkillRelations.csv").select(
        pl.col("occupationUri").alias("occupation_code"),
        pl.col("skillUri").alias("competency_id"),
        pl.col("relationType").alias("relation"),
    )
    comps = links.join(skills, on="competency_id", how="left").select(
        "occupation_code", "competency_id", "text", "relation"
    )
    return {"occupations": occ, "competencies": comps}
