"""The whole extraction (clean -> NER -> relations -> resolver) against the hand-written seeds gold ties."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from kg.evaluate.relations import evaluate_seed_ties, read_gold_ties
from kg.types import Article, EntityClass, Relation

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "seed_ties.tsv"


@pytest.fixture(scope="module")
def seed_extractions():
    from kg.ingest import clean
    from kg.nlp import extract_ties, find_mentions, load_nlp
    from kg.resolve import Resolver

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no trained NER model" while the NER model is not shipped
        nlp = load_nlp()
    resolver = Resolver()
    out = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        cleaned = clean(Article(path.stem, path.read_text(encoding="utf-8")))
        mentions = find_mentions(nlp, cleaned)
        out[path.name[:3]] = resolver.resolve(cleaned, mentions, extract_ties(cleaned, mentions))
    return out


def test_relations_seeds_gold_file_is_well_formed():
    rows = read_gold_ties(GOLD)
    assert len(rows) >= 40
    assert {r["article"] for r in rows} == {"000", "001", "002", "003", "004"}
    assert len({(r["article"], r["subject"], r["relation"], r["object"]) for r in rows}) == len(rows)


def test_relations_seeds_recall_and_precision(seed_extractions):
    # tests/data/seed_ties.tsv was written while rules were tuned on the seeds, and it holds place slogans
    # (研发在京津、智造在德州) that ANNOTATION.md counts as no tie: these floors guard what the stage does on
    # the demo without any seed-only knowledge (measured 2026-12-04: P 0.66, R 0.72); the measure is kg eval news
    result = evaluate_seed_ties(GOLD, seed_extractions)
    assert result["recall"] >= 0.68, result["missed"]
    assert result["precision"] >= 0.62, result["spurious"]
    assert result["status_agreement"] >= 0.9


def test_relations_seeds_every_organisation_and_park_has_a_region(seed_extractions):
    need = {EntityClass.ENTERPRISE, EntityClass.UNIVERSITY, EntityClass.RESEARCH_INSTITUTE, EntityClass.GOVERNMENT_AGENCY,
            EntityClass.ORGANIZATION, EntityClass.PARK, EntityClass.INNOVATION_PLATFORM}
    missing = [(a, e.name) for a, ex in seed_extractions.items() for e in ex.entities if e.cls in need and not e.region]
    # 诺丁汉大学 (the University of Nottingham, whose Ningbo campus the seed names) is abroad and in no registry
    assert missing == [("003", "诺丁汉大学")]


def test_relations_seeds_grinm_group_and_its_semiconductor_firm_distinct_and_linked(seed_extractions):
    entities = {e.key: e for ex in seed_extractions.values() for e in ex.entities}

    def key_named(name):
        keys = {k for k, e in entities.items() if name == e.name or name in e.aliases}
        assert len(keys) == 1, (name, keys)
        return keys.pop()

    firm, group = key_named("有研半导体"), key_named("有研集团")
    assert firm != group
    assert key_named("山东有研半导体材料有限公司") == firm
    links = [t for ex in seed_extractions.values() for t in ex.ties
             if t.relation is Relation.SUB_ORGANIZATION_OF and (t.subject.key, t.object.key) == (firm, group)]
    assert links
    assert entities[firm].region == "371400" and entities[group].region == "110000"  # the SOE registry: 北京


def test_relations_seeds_evidence_is_the_original_text(seed_extractions):
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for tie in seed_extractions[path.name[:3]].ties:
            ev = tie.evidence
            assert text[ev.start:ev.end] == ev.sentence and ev.sentence.strip()
