"""`kg hubs`, `kg communities`, `kg paths` and `kg flows` on the seeds store: the analysis verbs of the CLI."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result


def test_kg_hubs_ranks_the_parks_and_places_of_the_seeds_on_top(seeds_store):
    result = invoke("hubs", "--store", str(seeds_store), "--top", "10", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["rank"] for r in rows] == list(range(1, 11))
    labels = [r["label"] for r in rows]
    assert any(label.startswith("长治高新") for label in labels[:3])
    assert any(label.startswith("德州") for label in labels)
    assert all(a["hub_score"] >= b["hub_score"] for a, b in zip(rows, rows[1:]))


def test_kg_hubs_filters_by_region_and_prints_a_table(seeds_store):
    result = invoke("hubs", "--store", str(seeds_store), "--region", "河北", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "定州市" in result.output and "长治" not in result.output  # 长治 is in 山西


def test_kg_paths_beijing_to_hebei_end_in_hebei_with_evidence(seeds_store):
    result = invoke("paths", "--store", str(seeds_store), "--from", "北京", "--to", "河北", "--k", "5",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    hops = json.loads(result.output)
    ends = {h["route"].rsplit(" → ", 1)[-1] for h in hops}
    # seed 002: 河北旭阳能源 cooperates with institutes whose parent (中国科学院) is in 北京
    assert ends == {"河北旭阳能源有限公司"}
    assert all(h["sentence"] and h["article"] for h in hops)


def test_kg_paths_beijing_to_dezhou_goes_through_youyan(seeds_store):
    result = invoke("paths", "--store", str(seeds_store), "--from", "北京", "--to", "德州", "--k", "3")
    assert result.exit_code == 0, result.output
    assert "有研" in result.output and "「" in result.output  # a route through 有研 and its evidence sentence


def test_kg_paths_with_no_path_says_so(seeds_store):
    result = invoke("paths", "--store", str(seeds_store), "--from", "北京", "--to", "西藏")
    assert result.exit_code == 0, result.output
    assert "no transfer path" in result.output


def test_kg_flows_shows_the_beijing_corridors_and_writes_csv(seeds_store, tmp_path):
    result = invoke("flows", "--store", str(seeds_store), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    with open(tmp_path / "corridors.csv", encoding="utf-8-sig") as handle:
        corridors = {row["corridor"]: row for row in csv.DictReader(handle)}
    assert int(corridors["北京→德州"]["forward"]) > 0
    assert "北京→德州" in result.output and "北京→定州" in result.output
    with open(tmp_path / "flows.csv", encoding="utf-8-sig") as handle:
        matrix = {row["from"]: row for row in csv.DictReader(handle)}
    assert int(matrix["北京市"]["德州市"]) > 0
    assert (tmp_path / "strength.csv").stat().st_size > 0


def test_kg_flows_custom_corridor_and_net(seeds_store):
    result = invoke("flows", "--store", str(seeds_store), "--corridor", "京津:定州", "--net", "--level", "province")
    assert result.exit_code == 0, result.output
    assert "京津→定州" in result.output and "北京→河北" not in result.output


def test_kg_communities_lists_communities(seeds_store):
    result = invoke("communities", "--store", str(seeds_store), "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and all(c["size"] >= 1 for c in found)
    assert [c["size"] for c in found] == sorted((c["size"] for c in found), reverse=True)


@pytest.mark.parametrize("args, message", [
    (("hubs", "--by", "popularity"), "popularity"),
    (("paths", "--cost", "cheapest"), "cheapest"),
    (("flows", "--corridor", "北京"), "FROM:TO"),
    (("communities", "--method", "magic"), "magic"),
    (("hubs", "--format", "xml"), "unknown format"),
])
def test_analysis_verbs_report_bad_options(seeds_store, args, message):
    result = invoke(*args, "--store", str(seeds_store))
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_analysis_verbs_need_a_store(tmp_path):
    result = invoke("hubs", "--store", str(tmp_path / "nothing"))
    assert result.exit_code == 2 and "no store" in result.output


def test_kg_eval_ner_chooses_the_statistical_models(tmp_path):
    data = tmp_path / "one.json"
    sentence = "彭小军认为，国内银行现在走的是台湾的发卡模式。"  # a CLUENER sentence: the name needs the model
    data.write_text(json.dumps({"text": sentence, "label": {"name": {"彭小军": [[0, 2]]}, "address": {"台湾": [[15, 16]]}}},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    recall = {}
    for models in ("none", "crf"):
        result = invoke("eval", "ner", str(data), "--format", "cluener", "--json", "--models", models)
        assert result.exit_code == 0, result.output
        recall[models] = json.loads(result.output[result.output.index("{"):])["name"]["recall"]
    assert recall == {"none": 0.0, "crf": 1.0}
    bad = invoke("eval", "ner", str(data), "--models", "bert")
    assert bad.exit_code == 2 and "bert" in bad.output
