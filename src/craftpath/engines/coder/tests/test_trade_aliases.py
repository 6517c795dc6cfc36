"""Shop-floor names of occupations (``data/coder/trade_aliases.csv``) and the table the coder reads."""

from __future__ import annotations

import io
from importlib.resources import files

import polars as pl
import pytest

from craftpath.engines.coder import leaf_occupations, normalize_name, occupation_table
from craftpath.engines.coder.resources import (
    coding_table,
    labelled_titles,
    trade_aliases,
    trade_titles,
    training_titles,
    with_aliases,
)

BASES = ("definition:", "tasks:", "alias:", "usage:")


@pytest.fixture(scope="module")
def extra() -> pl.DataFrame:
    return trade_aliases()


def test_every_alias_is_sourced_new_and_names_an_occupation(extra: pl.DataFrame) -> None:
    table = occupation_table()
    names = dict(table.filter(pl.col("level") == 4).select("code", "name").iter_rows())
    published = {
        normalize_name(a)
        for n, al in table.filter(pl.col("level") == 4).select("name", "alias").iter_rows()
        for a in [n, *(al or "").replace("，", ",").split(",")]
        if a
    }
    assert extra.columns == ["alias", "code", "name", "basis"]
    assert extra["alias"].n_unique() == extra.height, "an alias may name one occupation only"
    for alias, code, name, basis in extra.iter_rows():
        assert names.get(code) == name, f"{alias}: {code} is not {name}"
        assert basis, f"{alias}: no basis"
        assert basis.startswith(BASES), f"{alias}: basis must quote a clause or a usage"
        assert normalize_name(alias) not in published, f"{alias} is already a name or alias in the table"


def test_coding_table_adds_the_aliases_and_keeps_the_published_ones(extra: pl.DataFrame) -> None:
    table = occupation_table()
    merged = coding_table()
    assert merged.columns == table.columns
    assert merged["code"].to_list() == table["code"].to_list()
    changed = set(merged.filter(merged["alias"] != table["alias"])["code"].to_list())
    assert changed == set(extra["code"].to_list())
    for code, before, after in (
        table.join(merged.select("code", after="alias"), on="code").select("code", "alias", "after").iter_rows()
    ):
        assert after.startswith(before or ""), f"{code}: published aliases must stay first"
    lathe = merged.filter(pl.col("code") == "6-18-01-01")["alias"].item().split(",")
    assert lathe[0] == "车工"
    assert "车床操作工" in lathe


def test_with_aliases_names_every_bad_row_and_merges_nothing() -> None:
    table = occupation_table()
    bad = pl.DataFrame(
        {
            "alias": ["车床工", "冲床工", "不存在工", ""],
            "code": ["6-18-01-01", "6-18-01-12", "9-99-99-99", "6-18-01-02"],
            "name": ["车工", "车工", "某工", "铣工"],
            "basis": ["definition: 操作车床"] * 4,
        }
    )
    with pytest.raises(ValueError, match="unknown code, a wrong name or no text") as err:
        with_aliases(table, bad)
    message = str(err.value)
    assert "冲床工 → 6-18-01-12 车工" in message  # the code's name is 冲压工
    assert "不存在工 → 9-99-99-99" in message
    assert " → 6-18-01-02 铣工" in message  # empty alias text
    assert "车床工 →" not in message  # the good row is not blamed


def test_probe_titles_are_unique_and_coded_to_occupations_of_the_table() -> None:
    data = files("craftpath.data.eval").joinpath("trade_titles_probe_a.csv").read_bytes()
    probe = pl.read_csv(io.BytesIO(data), infer_schema_length=0)
    table = occupation_table().filter(pl.col("level") == 4)
    names = dict(table.select("code", "name").iter_rows())
    assert probe.height == 160
    assert probe["title"].n_unique() == probe.height
    assert probe["reason"].null_count() == 0
    for title, code, name, alt_code, alt_name, _ in probe.iter_rows():
        assert names.get(code) == name, title
        assert (alt_code is None) == (alt_name is None), title
        if alt_code is not None:
            assert names.get(alt_code) == alt_name, title
            assert alt_code != code, title


def test_written_trade_titles_name_one_leaf_each_and_are_learnt() -> None:
    raw = pl.read_csv(io.BytesIO(files("craftpath.data.coder").joinpath("trade_titles.csv").read_bytes()))
    assert raw.columns == ["code", "name", "title"]
    leaves = dict(leaf_occupations(occupation_table()).select("code", "name").iter_rows())
    assert all(leaves.get(c) == n for c, n in raw.select("code", "name").iter_rows())
    normalised = [normalize_name(t) for t in raw["title"]]
    assert all(normalised), "a title with nothing left after normalisation teaches nothing"
    assert len(set(normalised)) == raw.height, "a title may be written for one occupation only"
    assert raw["code"].n_unique() > 1500  # nearly every occupation
    learnt = training_titles()
    assert learnt.height == labelled_titles().height + trade_titles().height
    assert learnt.tail(raw.height)["job_name"].to_list() == raw["title"].to_list()
