"""The relation pair classifier (kg.relations.pairclf.v1): shipped model, combination with the rules, training script."""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kg.evaluate.relations import evaluate, finre_instance
from kg.nlp import extract_ties
from kg.nlp.relations import pairclf
from kg.nlp.relations import EXTRACTOR, RelationExtractor
from kg.nlp.relations.pairclf import (
    LABELS,
    MODEL_DIR,
    PAIRCLF,
    CombinedRelationExtractor,
    PairCandidate,
    PairClassifier,
    combine,
    pair_candidates,
    pair_context,
    pair_features,
)
from kg.types import Article, CleanArticle, EntityClass, Mention, Relation, TieStatus

E = EntityClass
ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "relations"


@pytest.fixture(scope="module")
def model():
    return PairClassifier()


@pytest.fixture(scope="module")
def combined(model):
    return CombinedRelationExtractor(model=model)


def article(text: str, spec: list[tuple[str, EntityClass]]):
    """A CleanArticle with identity offsets and a mention for every occurrence of each name."""
    clean = CleanArticle(Article("t", text, date="2023-07-18"), text, tuple(range(len(text) + 1)))
    mentions = []
    for name, cls in spec:
        for m in re.finditer(re.escape(name), text):
            mentions.append(Mention(name, cls, m.start(), m.end(), m.start(), m.end()))
    return clean, sorted(mentions, key=lambda m: m.start)


def classify(model: PairClassifier, text: str, first: str, second: str) -> dict[str, float]:
    """The classifier's probabilities for one pair, with the rules' decision as the combined extractor gives it."""
    clean, mentions, _, _ = finre_instance(first, second, text)
    rule_ties = RelationExtractor().extract(clean, mentions)
    (cand,) = pair_candidates(clean, mentions, rule_ties)
    return model.predict_proba(text, cand, mentions)


def top(probs: dict[str, float]) -> str:
    return max(probs, key=probs.get)


def test_relations_pairclf_model_files_are_small_plain_data():
    files = sorted(MODEL_DIR.iterdir())
    assert {f.name for f in files} == {"model.json", "coef.npz"}
    assert sum(f.stat().st_size for f in files) < 10_000_000
    with zipfile.ZipFile(MODEL_DIR / "coef.npz") as npz:  # arrays only: nothing a loader would unpickle
        assert sorted(npz.namelist()) == ["coef.npy", "intercept.npy"]
    with np.load(MODEL_DIR / "coef.npz", allow_pickle=False) as arrays:
        assert arrays["coef"].dtype.kind == "f" and arrays["intercept"].dtype.kind == "f"
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["extractor"] == PAIRCLF == "kg.relations.pairclf.v1"
    assert meta["labels"] == list(LABELS)
    assert "held-out" in meta["training"]["data"]


def test_relations_pairclf_model_loads_offline(model):
    assert model.coef.shape == (len(LABELS), len(model.vocabulary))
    assert set(model.thresholds) >= {"cooperatesWith", "investsIn"}
    assert all(0 < t <= 1 for t in model.thresholds.values())


@pytest.mark.parametrize(
    "text, first, second, expected",
    [
        ("A公司与B公司签署战略合作协议", "A公司", "B公司", "cooperatesWith"),
        ("联想与IBM就个人电脑业务展开合作。", "联想", "IBM", "cooperatesWith"),
        ("A公司向B公司注资5亿元", "A公司", "B公司", "investsIn>"),
        ("华润增持万科股份至15%。", "华润", "万科", "investsIn>"),
        ("万科获华润注资20亿元。", "万科", "华润", "investsIn<"),
        ("华为和中兴的股价双双下跌。", "华为", "中兴", "none"),
    ],
)
def test_relations_pairclf_classifies_hand_written_pairs(model, text, first, second, expected):
    probs = classify(model, text, first, second)
    assert top(probs) == expected, probs
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_relations_pairclf_features_mark_the_pair_and_read_the_rules():
    clean, mentions, _, _ = finre_instance("甲公司", "乙公司", "甲公司与乙公司签约，甲公司很满意。")
    cand = PairCandidate(0, len(clean.text), mentions[0], mentions[1], rule="cooperatesWith")
    feats = pair_features(clean.text, cand, mentions)
    assert feats["b:Ⓐ与"] == 1 and feats["b:与Ⓑ"] == 1
    assert feats["w:Ⓐ"] == 2  # the second occurrence of the first name is marked too
    assert feats["rule=cooperatesWith"] == 1 and "w:甲" not in feats


def test_relations_pairclf_combined_keeps_rule_ties_and_adds_its_own(combined):
    # the rules read 与…签署 as a cooperation; nothing of theirs is lost
    clean, ms = article("甲公司与乙公司签署战略合作协议。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    (tie,) = combined.extract(clean, ms)
    assert (tie.relation, tie.extractor) == (Relation.COOPERATES_WITH, EXTRACTOR)
    # no rule frame reads these; the classifier does, with direction, its probability as the confidence
    for text, subject, obj in [("甲公司宣布入主乙公司。", "甲公司", "乙公司"), ("乙公司引入甲公司作为战略投资者。", "甲公司", "乙公司")]:
        clean, ms = article(text, [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
        assert RelationExtractor().extract(clean, ms) == []
        (tie,) = combined.extract(clean, ms)
        assert (tie.subject.text, tie.relation, tie.object.text, tie.extractor) == (subject, Relation.INVESTS_IN, obj, PAIRCLF)
        assert 0.5 < tie.confidence == tie.attrs["probability"] <= 1
        assert tie.status is TieStatus.REPORTED and tie.trigger is None


def test_relations_pairclf_combined_respects_what_the_rules_say(combined):
    spec = [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)]
    # unrelated, a takeover agreement, a stopped cooperation: no classifier tie
    assert combined.extract(*article("甲公司与乙公司无关。", spec)) == []
    assert combined.extract(*article("甲公司与乙公司签署了《收购协议》。", spec)) == []
    (tie,) = combined.extract(*article("甲公司主动停止与乙公司的合作。", spec))
    assert tie.status is TieStatus.NEGATED and tie.extractor == EXTRACTOR


def test_relations_pairclf_only_pairs_enterprises(combined):
    clean, ms = article("德州市与有研集团签署战略合作协议。", [("德州市", E.PLACE), ("有研集团", E.ENTERPRISE)])
    assert pair_candidates(clean, ms, []) == []
    assert {t.extractor for t in combined.extract(clean, ms)} == {EXTRACTOR}
    clean, ms = article("推进企业与中科院、清华大学合作。", [("中科院", E.RESEARCH_INSTITUTE), ("清华大学", E.UNIVERSITY)])
    assert pair_candidates(clean, ms, []) == []


def test_relations_pairclf_context_flags_restrict_the_classifier():
    res = RelationExtractor().res
    probs = {label: 0.0 for label in LABELS}

    def decide(text, names, label, **kw):
        clean, ms = article(text, [(n, E.ENTERPRISE) for n in names])
        (cand, *_) = pair_candidates(clean, ms, [])
        context = pair_context(text, cand, ms, res)
        return context, combine(cand, {**probs, label: 0.9, "none": 0.1}, thresholds={"cooperatesWith": 0.5,
                                "investsIn": 0.5, "subOrganizationOf": 0.5}, veto=1.01, max_gap=80, **kw, context=context)

    assert decide("甲公司与乙公司签署合作协议。", ["甲公司", "乙公司"], "cooperatesWith") == (frozenset(), "cooperatesWith")
    assert decide("甲公司、乙公司等十家企业发布年报。", ["甲公司", "乙公司"], "cooperatesWith") == ({"listed", "no_cue"}, "none")
    # two names in one sentence with no relation cue between them are no evidence of a tie
    assert decide("甲公司今天发布年报，乙公司股价上涨。", ["甲公司", "乙公司"], "cooperatesWith") == ({"no_cue"}, "none")
    assert decide("甲公司与乙公司无关。", ["甲公司", "乙公司"], "investsIn>") == ({"no_relation", "no_cue"}, "none")
    assert decide("甲公司与乙公司签署收购协议。", ["甲公司", "乙公司"], "cooperatesWith") == ({"not_cooperation"}, "none")
    assert decide("甲公司与乙公司签署收购协议。", ["甲公司", "乙公司"], "investsIn>")[1] == "investsIn>"
    nested = ["创新中心", "创新中心德州分中心"]
    assert decide("创新中心将挂牌共建创新中心德州分中心。", nested, "cooperatesWith") == ({"nested"}, "none")
    assert decide("创新中心将挂牌共建创新中心德州分中心。", nested, "subOrganizationOf<")[1] == "subOrganizationOf<"
    assert decide("甲公司与乙公司签署合作协议。", ["甲公司", "乙公司"], "cooperatesWith")[1] == "cooperatesWith"


def test_relations_pairclf_threshold_and_veto():
    clean, ms = article("甲公司与乙公司签约。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    (cand,) = pair_candidates(clean, ms, [])
    probs = {label: 0.0 for label in LABELS} | {"cooperatesWith": 0.6, "none": 0.4}
    kw = {"veto": 1.01, "max_gap": 80}
    assert combine(cand, probs, thresholds={"cooperatesWith": 0.5}, **kw) == "cooperatesWith"
    assert combine(cand, probs, thresholds={"cooperatesWith": 0.7}, **kw) == "none"
    assert combine(cand, probs, thresholds={}, **kw) == "none"  # a relation without a threshold is never added
    ruled = PairCandidate(cand.sentence_start, cand.sentence_end, cand.first, cand.second, rule="investsIn<")
    assert combine(ruled, probs, thresholds={}, **kw) == "investsIn<"  # the rules' label stands
    assert combine(ruled, probs, thresholds={}, veto=0.3, max_gap=80) == "none"  # unless the classifier vetoes it
    assert combine(cand, probs, thresholds={"cooperatesWith": 0.5}, veto=1.01, max_gap=0) == "none"  # too far apart (与)


def test_relations_pairclf_is_the_default_of_the_relation_stage():
    clean, ms = article("甲公司向乙公司注资5亿元。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    (tie,) = extract_ties(clean, ms)
    assert (tie.subject.text, tie.relation, tie.object.text) == ("甲公司", Relation.INVESTS_IN, "乙公司")


def test_relations_pairclf_on_the_finre_fixture(combined):
    result = evaluate(DATA / "finre_sample.txt", extractor=combined)
    coop, inv, sub = result["cooperatesWith"], result["investsIn"], result["subOrganizationOf"]
    assert (inv["tp"], inv["fp"], inv["fn"]) == (2, 0, 0)  # 入股 and its 被入股 mirror, directions right
    assert (sub["tp"], sub["fp"], sub["fn"]) == (1, 0, 0)
    assert (coop["tp"], coop["fn"]) == (2, 1)  # 庚/辛: nothing said; 壬/癸 收购协议: a takeover, not a cooperation
    # known error: the headline pattern "A与B的…" (戊公司与己公司的股价双双下跌) reads as a cooperation
    assert coop["fp"] <= 1
    assert result["_meta"]["extractor"] == CombinedRelationExtractor.name


def test_relations_pairclf_missing_or_broken_model(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="model.json"):
        PairClassifier(tmp_path)
    with pytest.raises(FileNotFoundError, match="model.json"):
        CombinedRelationExtractor(model=tmp_path)  # an explicit model must exist
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    meta["features"] = meta["features"][:10]
    meta["idf"] = meta["idf"][:10]
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "coef.npz").write_bytes((MODEL_DIR / "coef.npz").read_bytes())
    with pytest.raises(ValueError, match="do not fit"):
        PairClassifier(tmp_path)
    # the default model missing (a clone without it): a warning, and the rules alone run
    monkeypatch.setattr(pairclf, "MODEL_DIR", tmp_path / "nowhere")
    with pytest.warns(UserWarning, match="rules only"):
        rules_only = CombinedRelationExtractor()
    clean, ms = article("甲公司与乙公司签约。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    assert [t.extractor for t in rules_only.extract(clean, ms)] == [EXTRACTOR]


def test_relations_pairclf_training_script_on_a_tiny_fixture(tmp_path):
    pytest.importorskip("sklearn")  # training only; the shipped model is read with numpy
    spec = importlib.util.spec_from_file_location("train_relations", ROOT / "scripts" / "train_relations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--data", str(DATA / "finre_tiny"), "--out", str(tmp_path), "--c", "10"]) == 0
    trained = PairClassifier(tmp_path)
    meta = trained.meta["training"]
    assert meta["pairs"] > 40 and meta["valid_pairs"] > 10
    probs = classify(trained, "金桥集团和南山铝业宣布在新能源领域展开合作。", "金桥集团", "南山铝业")
    assert top(probs) == "cooperatesWith"
    with pytest.raises(SystemExit):
        script.main(["--data", str(tmp_path / "nowhere")])
