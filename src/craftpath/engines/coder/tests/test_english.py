"""English titles (``data/coder/english_titles.csv``) and official names coded as what they name."""

from __future__ import annotations

import re

import polars as pl
import pytest

from craftpath.engines.coder import Coder, leaf_occupations, occupation_table
from craftpath.engines.coder.english import EnglishBridge, packaged_bridge, read_titles
from craftpath.engines.coder.normalize import strip_markers

BASES = ("definition:", "tasks:", "usage:")


@pytest.fixture(scope="module")
def titles() -> pl.DataFrame:
    from importlib.resources import files

    return read_titles(files("craftpath.data.coder").joinpath("english_titles.csv").read_bytes())


def test_every_english_title_is_sourced_and_names_one_codable_occupation(titles: pl.DataFrame) -> None:
    leaves = leaf_occupations(occupation_table())
    names = {c: strip_markers(n) for c, n in leaves.select("code", "name").iter_rows()}
    assert titles.columns == ["english", "code", "name", "basis"]
    assert titles.height >= 300
    assert titles["english"].n_unique() == titles.height, "an English title may name one occupation only"
    for english, code, name, basis in titles.iter_rows():
        assert re.fullmatch(r"[a-z0-9]+(?:[ -][a-z0-9]+)*", english), english
        assert names.get(code) == name, f"{english}: {code} is not {name}"
        assert basis.startswith(BASES), f"{english}: basis must quote a clause or a usage"
    assert len(packaged_bridge()) == titles.height


def test_bridge_reads_plurals_longest_titles_and_ads() -> None:
    bridge = EnglishBridge(
        {
            "welder": ("6-18-02-04", "焊工"),
            "tig welder": ("6-18-02-04", "焊工"),
            "forklift driver": ("6-30-05-01", "起重装卸机械操作工"),
            "cook": ("4-03-02-01", "中式烹调师"),
        }
    )
    assert bridge.find("WELDERS") == ("welder", "6-18-02-04", "焊工")
    assert bridge.find("Senior TIG Welder (night shift)") == ("tig welder", "6-18-02-04", "焊工")
    assert bridge.find("forklift driver cook") == ("forklift driver", "6-30-05-01", "起重装卸机械操作工")
    ad = "We are hiring a welder for our factory; you will work with the forklift driver team."
    assert bridge.find(ad) == ("welder", "6-18-02-04", "焊工")  # an ad: its first title
    assert bridge.find("焊工 welder") is None  # Chinese text takes the Chinese path
    assert bridge.find("nurse") is None
    assert bridge.find("") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("welder", "6-18-02-04"),
        ("Senior TIG Welder (night shift)", "6-18-02-04"),
        ("electrician", "6-31-01-03"),
        ("Truck Driver", "4-02-02-02"),
        ("delivery rider", "4-10-08-01"),
        ("Forklift Drivers", "6-30-05-01"),
        ("accountant", "2-06-03-00"),
    ],
)
def test_english_titles_code_to_their_occupation(cheap_coder: Coder, text: str, code: str) -> None:
    out = cheap_coder.code([text], k=3)
    assert out["code"][0] == code
    assert out["no_confident_code"][0] is False
    assert out["evidence"][0].startswith("English '")


def test_english_outside_the_table_is_left_to_the_other_signals(cheap_coder: Coder) -> None:
    # neither title is in the table: no English evidence, and the coder answers as before
    out = cheap_coder.code(["registered nurse", "qwertyuiop"], k=1)
    assert not any((e or "").startswith("English") for e in out["evidence"])


def test_every_official_name_codes_to_its_occupation(cheap_coder: Coder) -> None:
    names = cheap_coder.display_names
    shared = {n for n in names if names.count(n) > 1}  # 甘油制造工 is the name of two occupations
    out = cheap_coder.code(names, k=1, evidence=False)
    wrong = [
        (n, c, got)
        for n, c, got in zip(names, cheap_coder.codes, out["code"], strict=True)
        if n not in shared and got != c
    ]
    assert wrong == []
    unique = out.filter(~pl.Series([n in shared for n in names]))
    assert (unique["confidence"] >= cheap_coder.exact_name_confidence - 1e-9).all()


def test_an_official_name_is_first_even_where_the_rankers_prefer_another(cheap_coder: Coder) -> None:
    queries = cheap_coder._prepare(["法官", "起重装卸机械操作工"])
    prob, conf, _ = cheap_coder.score(queries, use_embeddings=False)
    leaves = cheap_coder.exact_leaves(queries)
    assert [cheap_coder.codes[i] for i in leaves] == ["2-07-02-00", "6-30-05-01"]
    assert list(prob.argmax(axis=1)) == list(leaves)
    assert (conf >= cheap_coder.exact_name_confidence).all()
    assert prob.sum(axis=1) == pytest.approx([1.0, 1.0], abs=1e-4)


@pytest.mark.parametrize("text", ["hello", "asdf qwer", "qwertyuiop", "Lorem ipsum dolor", 'a,b"c', "x", "的", "了"])
def test_text_that_says_nothing_known_gets_no_code(coder: Coder, cheap_coder: Coder, text: str) -> None:
    # the embeddings alone placed these with a confident air (qwertyuiop → 质检员 at 0.47,
    # 的 → 秘书 at 0.48, a,b"c → 计算机软件工程技术人员 at 0.52)
    for c in (coder, cheap_coder):
        out = c.code([text], k=3)
        assert out["no_confident_code"].to_list() == [True]
        assert out["code"].to_list() == [None]


def test_single_characters_that_are_names_or_aliases_are_still_coded(coder: Coder) -> None:
    out = coder.code(["林", "C", "焊工"], k=1)
    assert out["no_confident_code"].to_list() == [False, False, False]


def test_english_with_known_words_is_still_coded(coder: Coder) -> None:
    # not in the English table, but made of words the coder knows: left to the embeddings
    texts = ["registered nurse", "sales manager", "HRBP"]
    assert not coder.unknown_latin(coder._prepare(texts)).any()  # not taken for gibberish
    out = coder.code(texts, k=1, min_confidence=0.0)
    assert out["code"].null_count() == 0
    assert out["code"][1] == "2-06-07-02"  # 市场营销专业人员, if not always above the default threshold
    flagged = coder.code(texts, k=1)["no_confident_code"].to_list()
    assert flagged[0] is False
    assert flagged[2] is False
    assert out["code"][2] == "2-06-08-01"


def test_english_the_table_does_not_read_is_embedded_or_left_uncoded(coder: Coder, cheap_coder: Coder) -> None:
    """The n-gram and distilled signals know Chinese titles: English they cannot read gets no
    confident code on the bulk path, and the cascade always hands it to the embeddings. Latin
    words of Chinese ads (HRBP, java) are read as before."""
    texts = ["registered nurse", "Sales Manager", "HRBP", "java", "Senior TIG Welder"]
    queries = cheap_coder._prepare(texts)
    assert cheap_coder.foreign_latin(queries).tolist() == [True, True, False, False, False]
    bulk = cheap_coder.code(texts, k=1, use_embeddings=False).sort("input_index")
    assert bulk["no_confident_code"].to_list() == [True, True, False, False, False]
    assert bulk["code"][4] == "6-18-02-04"
    assert bulk["code"][3] == "2-02-10-03"
    _, _, details = coder.score(coder._prepare(texts), None)
    assert details["embedded"][:2].tolist() == [True, True]
    cascade = coder.code(texts, k=1, min_confidence=0.0).sort("input_index")
    assert cascade["code"].null_count() == 0


def test_english_probe_titles_are_unique_and_coded_to_occupations_of_the_table() -> None:
    from importlib.resources import files

    probe = pl.read_csv(files("craftpath.data.eval").joinpath("english_probe.csv").read_bytes(), infer_schema_length=0)
    assert probe.columns == ["english_title", "onet_soc", "onet_title", "code", "name", "basis"]
    assert probe.height >= 300
    assert probe["english_title"].str.to_lowercase().n_unique() == probe.height
    assert not probe["english_title"].str.contains(r"[\u4e00-\u9fff]").any()
    table = occupation_table().filter(pl.col("level") == 4)
    names = dict(table.select("code", "name").iter_rows())
    for title, soc, _, code, name, basis in probe.iter_rows():
        assert names.get(code) == name, title
        assert re.fullmatch(r"\d\d-\d{4}\.\d\d", soc), title
        assert basis, title
    # one occupation of the table per O*NET occupation
    assert probe.group_by("onet_soc").agg(pl.col("code").n_unique())["code"].max() == 1
