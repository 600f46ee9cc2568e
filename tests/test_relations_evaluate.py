"""FinRE-format evaluation of the relation stage (on a small hand-written fixture)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluate.relations import FINRE_MAPPING, evaluate, format_table, read_finre, read_gold_ties
from kg.nlp.relations import RelationExtractor
from kg.types import Relation

SAMPLE = Path(__file__).resolve().parent / "data" / "relations" / "finre_sample.txt"


def test_relations_evaluate_finre_counts():
    result = evaluate(SAMPLE, extractor=RelationExtractor())  # the rules alone (the combined default: test_relations_pairclf)
    coop, inv, sub = result["cooperatesWith"], result["investsIn"], result["subOrganizationOf"]
    # 甲/乙 both directions right; 庚/辛 missed (no statement); 壬/癸 收购协议 is a deal, not a cooperation
    assert (coop["tp"], coop["fp"], coop["fn"], coop["support"]) == (2, 0, 1, 3)
    assert (inv["tp"], inv["fp"], inv["fn"]) == (2, 0, 0)  # 入股 and its 被入股 mirror, directions right
    assert (sub["tp"], sub["fn"]) == (1, 0)
    assert result["_meta"]["skipped"] == 1 and result["_meta"]["instances"] == 9
    assert result["_meta"]["extractor"] == "kg.relations.trigger.v1"
    assert coop["precision"] == 1.0 and coop["recall"] == pytest.approx(2 / 3, abs=1e-4)
    json.dumps(result)  # JSON-ready


def test_relations_evaluate_format_table_lists_relations():
    table = format_table(evaluate(SAMPLE))
    assert table.splitlines()[0].split()[:2] == ["relation", "precision"]
    assert "cooperatesWith" in table and "investsIn" in table and "finre_sample.txt" in table


def test_relations_evaluate_parts_split_the_file():
    every = read_finre(SAMPLE)
    dev, held = read_finre(SAMPLE, "dev"), read_finre(SAMPLE, "heldout")
    assert len(dev) + len(held) == len(every)
    assert not {r[3] for r in dev} & {r[3] for r in held}  # a sentence is on one side only


def test_relations_evaluate_bad_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        evaluate(tmp_path / "nowhere.txt")
    with pytest.raises(ValueError, match="format"):
        evaluate(SAMPLE, fmt="semeval")
    bad = tmp_path / "gold.tsv"
    bad.write_text("article\tsubject\trelation\tobject\n000\tA\tlikes\tB\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.tsv:2"):
        read_gold_ties(bad)


def test_relations_evaluate_mapping_is_documented_directionally():
    assert FINRE_MAPPING["入股"] == (Relation.INVESTS_IN, "forward")
    assert FINRE_MAPPING["被入股"] == (Relation.INVESTS_IN, "reverse")
    assert "收购" not in FINRE_MAPPING and "unknown" not in FINRE_MAPPING


def test_relations_evaluate_cli(repo_root):
    out = subprocess.run(
        [sys.executable, "-m", "kg.cli", "eval", "relations", str(SAMPLE), "--format", "finre", "--json"],
        capture_output=True, text=True, cwd=repo_root, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["investsIn"]["tp"] == 2
