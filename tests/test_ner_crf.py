"""Tests of the CRF character tagger (kg_crf_ner_v1): the shipped model on seed sentences, odd input, features."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp.components.candidates import TokenIndex
from kg.nlp.components.crf_features import fold, spans_to_tags, tags_to_spans
from kg.nlp.components.crf_ner import MODEL_FILE
from kg.nlp.ner import DEFAULT_RESOURCES, find_mentions, load_nlp
from kg.types import Article, CleanArticle, EntityClass

MODEL_DIR = DEFAULT_RESOURCES / "ner_crf"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(models=["crf"])


@pytest.fixture(scope="module")
def crf(nlp):
    return nlp.get_pipe("kg_crf_ner")


def article(text: str) -> CleanArticle:
    return CleanArticle(Article(id="t", text=text), text, tuple(range(len(text) + 1)))


def predict(nlp, crf, text: str) -> set[tuple[str, str]]:
    return {(text[s:e], label) for s, e, label in crf.predict(TokenIndex(nlp.make_doc(text)))}


def test_crf_model_is_shipped_and_small():
    path = MODEL_DIR / MODEL_FILE
    assert path.is_file() and (MODEL_DIR / "MODEL.md").is_file()
    assert path.stat().st_size < 20_000_000


def test_crf_is_in_the_pipeline_it_was_asked_for(nlp):
    assert "kg_crf_ner" in nlp.pipe_names and "kg_char_ner" not in nlp.pipe_names
    assert nlp.pipe_names.index("kg_crf_ner") < nlp.pipe_names.index("kg_mention_resolver")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # real sentences of the seed articles (seeds/00x_*.txt, cleaned)
        ("”市委书记张涛站在全局和战略高度，着眼当前、立足长远，审时度势、科学决策。", {("张涛", "name")}),
        ("长治高新区党工委委员、管委会总工程师卫玉玺说道,2020年长治高新区在全国169个国家高新区中综合排名为第121名。",
         {("卫玉玺", "name")}),
        ("宁波甬江科创大走廊。张凯 摄", {("张凯", "name")}),  # the space after the name is trimmed
    ],
)
def test_crf_tags_seed_sentences(nlp, crf, text, expected):
    assert expected <= predict(nlp, crf, text)


def test_crf_adds_names_the_rules_miss(nlp):
    rules = load_nlp(statistical=False)
    text = "宁波甬江科创大走廊。张凯 摄"
    assert not [m for m in find_mentions(rules, article(text)) if m.cls is EntityClass.PERSON]
    persons = [m for m in find_mentions(nlp, article(text)) if m.cls is EntityClass.PERSON]
    assert [(m.text, m.source) for m in persons] == [("张凯", "ner")]


def test_crf_spans_pass_the_plausibility_filter(nlp):
    # generic kinds (国家高新区, 科技园区, 国家重点实验室) never become names, whatever the model says
    mentions = find_mentions(nlp, article("国家高新区、省级新区和科技园区都是创新平台，17家国家重点实验室。"))
    assert not [m.text for m in mentions if m.source == "ner"]


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "。", "😀 abc 123 ＡＢＣ", "Apple and Microsoft signed in Seattle on 2021-05-01.", "a" * 3000,
     "·", "１２３４５６７８９０", "\t\u3000\t"],
)
def test_crf_survives_odd_input(nlp, crf, text):
    spans = crf.predict(TokenIndex(nlp.make_doc(text)))
    for start, end, label in spans:
        assert 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]
    for m in find_mentions(nlp, article(text)):
        assert text[m.start:m.end] == m.text and m.text.strip()


def test_crf_very_long_text_is_tagged_in_chunks(nlp, crf):
    sentence = "市委书记张涛在会上说，山东有研半导体材料有限公司扎根德州。"
    text = sentence * 400 + "无标点" * 500  # ~13k characters, the tail with no sentence end at all
    spans = crf.predict(TokenIndex(nlp.make_doc(text)))
    names = [(s, e) for s, e, label in spans if label == "name" and text[s:e] == "张涛"]
    assert len(names) == 400  # found in every repetition, with offsets into the whole text
    assert all(text[s:e] == "张涛" for s, e in names)


def test_crf_features_one_list_per_character(crf):
    text = "2021年德州 ABC公司"
    words = [(0, 4), (4, 5), (5, 7), (8, 11), (11, 13)]  # the space is in no word
    features = crf.featurizer.features(text, [s for s, _ in words], [e for _, e in words])
    assert len(features) == len(text)
    assert b"u0=0" in features[0] and b"u0=a" in features[8]  # digits and Latin folded
    assert "w=德州".encode() in features[5] and b"ty=DCC" in features[4]
    assert crf.featurizer.features("", [], []) == []
    assert fold("2021年ＡＢＣ") == "0000年aaa"


def test_crf_tag_scheme_round_trip():
    spans = [(0, 2, "name"), (3, 4, "address"), (4, 9, "company")]
    for scheme in ("BIOES", "BIO"):
        assert tags_to_spans(spans_to_tags(10, spans, scheme)) == spans
    # overlaps keep the longest; stray I/E tags open a span
    assert spans_to_tags(4, [(0, 4, "company"), (1, 3, "name")]) == ["B-company", "I-company", "I-company", "E-company"]
    assert tags_to_spans(["I-name", "E-name", "O", "E-address"]) == [(0, 2, "name"), (3, 4, "address")]


def test_crf_missing_or_bad_model_is_a_clear_error(tmp_path):
    import spacy

    from kg.nlp.components.lexicons import load_lexicons

    lexicons = load_lexicons(DEFAULT_RESOURCES / "lexicons")
    pipe = spacy.blank("zh").add_pipe("kg_crf_ner_v1")
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        pipe.initialize(model_dir=str(tmp_path), lexicons=lexicons)
    (tmp_path / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(ValueError, match=MODEL_FILE):
        pipe.initialize(model_dir=str(tmp_path), lexicons=lexicons)
    with pytest.raises(ValueError, match="lexicons"):
        pipe.initialize(model_dir=str(MODEL_DIR))
    with pytest.raises(RuntimeError, match="not initialised"):
        pipe(spacy.blank("zh")("文本"))


def test_load_nlp_rejects_unknown_models_and_warns_on_missing_ones(tmp_path):
    with pytest.raises(ValueError, match="nosuch"):
        load_nlp(models=["nosuch"])
    (tmp_path / "lexicons").symlink_to(DEFAULT_RESOURCES / "lexicons")
    with pytest.warns(UserWarning, match="ner_crf"):
        local = load_nlp(tmp_path, models=["crf"])
    assert "kg_crf_ner" not in local.pipe_names
    assert Path(tmp_path / "ner_crf").exists() is False
