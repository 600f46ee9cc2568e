"""kg eval news: scoring extractions against gold annotated to ANNOTATION.md (small fixtures, no shared data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate.news import GoldArticle, GoldEntity, GoldTie, evaluate, match_form, read_gold, score
from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie, TieStatus

E = EntityClass
DATA = Path(__file__).resolve().parent / "data" / "news"


def entity(name, cls, aliases=(), region=None, source=None):
    return Entity(name, name, cls, frozenset(aliases), region, {"region_source": source} if source else {})


def tie(s, rel, o, sentence="句子。", status=TieStatus.REPORTED):
    return Tie(s, rel, o, Evidence("a", sentence, 0, len(sentence), None, 0.9, "test.v1"), status)


def extraction(entities, ties, aid="a"):
    return Extraction(Article(aid, "x"), tuple(entities), tuple(ties))


def test_evaluate_news_match_form_ignores_script_spaces_and_quotes():
    assert match_form(" “三北”工程 ") == "三北工程"
    assert match_form("長治高新區") == "长治高新区"


def test_evaluate_news_ties_strict_undirected_hosts_and_symmetric():
    park, firm, uni, lab = (entity("长治高新区", E.PARK), entity("中科潞安", E.ENTERPRISE, ["潞安"]),
                            entity("清华大学", E.UNIVERSITY), entity("甲实验室", E.INNOVATION_PLATFORM))
    gold = [GoldArticle("a", [GoldEntity("长治高新区", "Park"), GoldEntity("中科潞安", "Enterprise", ("中科潞安公司",)),
                              GoldEntity("清华大学", "University"), GoldEntity("甲实验室", "InnovationPlatform")],
                        [GoldTie("中科潞安公司", "locatedIn", "长治高新区"),  # matched through an alias, as hosts
                         GoldTie("清华大学", "cooperatesWith", "中科潞安"),  # symmetric: either way round
                         GoldTie("甲实验室", "subOrganizationOf", "清华大学")])]  # system has it backwards
    system = extraction([park, firm, uni, lab], [
        tie(park, Relation.HOSTS, firm),
        tie(firm, Relation.COOPERATES_WITH, uni),
        tie(uni, Relation.SUB_ORGANIZATION_OF, lab),
        tie(uni, Relation.INVESTS_IN, park),  # not in the gold: a false positive
    ])
    result = score(gold, {"a": system})
    strict, undirected = result["ties"]["strict"], result["ties"]["undirected"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (2, 2, 1)
    assert (undirected["tp"], undirected["fp"], undirected["fn"]) == (3, 1, 0)
    by_rel = result["ties"]["by_relation"]
    assert by_rel["locatedIn"]["strict"]["tp"] == 1 and by_rel["investsIn"]["strict"]["fp"] == 1
    assert by_rel["subOrganizationOf"]["strict"]["fn"] == 1 and by_rel["subOrganizationOf"]["undirected"]["tp"] == 1
    assert {(m["s"], m["rel"]) for m in result["misses"]} == {("甲实验室", "subOrganizationOf")}


def test_evaluate_news_person_ties_and_place_in_name_are_left_out():
    city, zone, person = entity("上海市", E.PLACE, ["上海"]), entity("上海张江科学城", E.PARK), entity("张三", E.PERSON)
    gold = [GoldArticle("a", [GoldEntity("上海张江科学城", "Park", (), "上海市")], [])]
    system = extraction([city, zone, person], [tie(zone, Relation.LOCATED_IN, city), tie(person, Relation.VISITS, zone)])
    result = score(gold, {"a": system})
    assert result["ties"]["strict"]["fp"] == 0 and result["ties"]["place_in_name_ignored"] == 1


def test_evaluate_news_entity_recall_and_regions_at_city_level():
    gold = [GoldArticle("a", [
        GoldEntity("中国科学院自动化研究所", "ResearchInstitute", ("自动化所",), "北京市"),
        GoldEntity("定州市", "Place", (), "河北省保定市定州市"),
        GoldEntity("甲公司", "Enterprise", (), "山东省"),
        GoldEntity("乙公司", "Enterprise", (), "山东省德州市"),
        GoldEntity("丙公司", "Enterprise"),  # not found
    ], [])]
    system = extraction([
        entity("中国科学院自动化研究所", E.RESEARCH_INSTITUTE, region="110108", source="registry"),  # district of Beijing
        entity("定州市", E.PLACE, region="130600", source="name"),  # 保定 is the city of 定州: right at city level
        entity("甲公司", E.ENTERPRISE, region="371400", source="name"),  # province-only gold: right at province level
        entity("乙公司", E.ENTERPRISE, region="370100", source="article"),  # wrong city
    ], [])
    result = score(gold, {"a": system})
    assert result["entities"]["gold"] == 5 and result["entities"]["found"] == 4
    regions = result["regions"]
    assert (regions["scored"], regions["correct"]) == (4, 3)
    assert regions["wrong_by_source"] == {"article": 1}
    assert [e["name"] for e in result["region_errors"]] == ["乙公司"]


def test_evaluate_news_read_gold_reports_file_and_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"id": "a", "entities": [], "ties": []}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.jsonl:2"):
        read_gold(bad)
    bad.write_text('{"id": "a", "ties": [{"s": "x", "rel": "likes", "o": "y"}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown relation"):
        read_gold(bad)
    with pytest.raises(FileNotFoundError):
        read_gold(tmp_path / "none.jsonl")


@pytest.fixture(scope="module")
def fixture_result():
    return evaluate(DATA / "gold.jsonl")


def test_evaluate_news_end_to_end_on_fixture_articles(fixture_result):
    result = fixture_result
    assert result["articles"] == 3 and result["articles_missing"] == ["missing"]
    # the two universities' agreement and the institute's parent (from its name) are both read
    assert result["ties"]["strict"]["tp"] == 2 and result["ties"]["strict"]["fn"] == 0
    assert result["entities"]["recall"] == 1.0
    assert result["regions"]["accuracy"] == 1.0


def test_evaluate_news_cli_json_and_errors(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["eval", "news", str(DATA / "gold.jsonl"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) >= {"entities", "ties", "regions", "misses", "false_positives"}
    text = runner.invoke(app, ["eval", "news", str(DATA / "gold.jsonl"), "--show", "3"])
    assert text.exit_code == 0 and "ties (strict)" in text.stdout and "missed ties" in text.stdout
    missing = runner.invoke(app, ["eval", "news", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "gold file not found" in missing.output


def test_evaluate_news_misses_say_whether_an_end_was_not_found():
    park, firm = entity("长治高新区", E.PARK), entity("中科潞安", E.ENTERPRISE)
    gold = [GoldArticle("a", [GoldEntity("长治高新区", "Park"), GoldEntity("中科潞安", "Enterprise"),
                              GoldEntity("乙研究院", "ResearchInstitute")],
                        [GoldTie("中科潞安", "locatedIn", "长治高新区"),   # both ends found, no tie
                         GoldTie("乙研究院", "locatedIn", "长治高新区")])]  # 乙研究院 not found
    result = score(gold, {"a": extraction([park, firm], [])})
    assert result["ties"]["missed_by_cause"] == {"entity": 1, "tie": 1}
    assert {m["s"]: m["cause"] for m in result["misses"]} == {"中科潞安": "tie", "乙研究院": "entity"}
