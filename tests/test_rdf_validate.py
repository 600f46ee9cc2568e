"""kg.rdf.validate: SHACL validation (pyshacl) and OWL RL reasoning (owlrl) over ontology + data."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef

from kg.rdf import KGStore, reason, validate
from kg.rdf.iris import entity_iri, evidence_iri, region_iri, tie_iri
from kg.rdf.namespace import KG
from kg.rdf.validate import store_graph, validate_graph
from test_rdf_sample import TIANQU, YOUYAN_SEMI, article_one, sample_extractions

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def store():
    with KGStore() as s:
        for extraction in sample_extractions():
            s.replace_article(extraction)
        yield s


def test_rdf_validate_well_formed_store_conforms_with_one_warning(store):
    report = validate(store)
    assert report.conforms, [str(v) for v in report.violations]
    assert report.violations == []
    assert [(w.label, w.path) for w in report.warnings] == [("半导体产业联盟", "kg:region")]


def _data(store) -> rdflib.Graph:
    """The sample data plus the regions graph, as validate() sees it (regions trimmed for speed)."""
    graph = store_graph(store, include_regions=False)
    for code in ("110102", "110108", "133100", "371400", "610100", "310115"):
        graph.add((URIRef(region_iri(code)), RDF.type, KG.Region))
    return graph


def test_rdf_validate_sees_broken_ties_evidence_and_entities(store):
    graph = _data(store)
    tie = article_one().ties[1]
    tie_node, ev_node = URIRef(tie_iri(tie)), URIRef(evidence_iri(tie.evidence))
    graph.set((tie_node, KG.confidence, Literal("1.5", datatype=XSD.decimal)))
    graph.set((tie_node, KG.status, Literal("rumoured")))
    graph.set((ev_node, KG.startOffset, Literal(500, datatype=XSD.integer)))  # after the end offset
    graph.add((URIRef(entity_iri(TIANQU)), RDFS.label, Literal("天衢新区", lang="zh")))  # a second zh label
    graph.remove((URIRef(entity_iri(YOUYAN_SEMI)), RDF.type, None))  # an untyped tie endpoint
    report = validate_graph(graph)
    assert not report.conforms
    found = {(v.path, v.focus) for v in report.violations}
    assert ("kg:confidence", str(tie_node)) in found
    assert ("kg:status", str(tie_node)) in found
    assert ("kg:startOffset", str(ev_node)) in found
    assert ("rdfs:label", entity_iri(TIANQU)) in found
    assert any(v.focus == entity_iri(YOUYAN_SEMI) for v in report.violations)
    labelled = [v for v in report.violations if v.focus == entity_iri(TIANQU)]
    assert labelled[0].label in {"德州天衢新区", "天衢新区"} and "exactly one Chinese" in labelled[0].message
    assert "kg:confidence" in str(next(v for v in report.violations if v.path == "kg:confidence"))


def test_rdf_validate_sees_a_tie_without_evidence_and_an_article_without_hash(store):
    graph = _data(store)
    tie = article_one().ties[0]
    graph.remove((URIRef(tie_iri(tie)), KG.evidence, None))
    article = URIRef("https://w3id.org/kg-innovation/id/article/a1")
    graph.remove((article, KG.contentHash, None))
    graph.add((URIRef(tie_iri(tie)), KG.predicate, KG.region))  # a second, non-tie predicate
    report = validate_graph(graph)
    paths = {(v.focus, v.path) for v in report.violations}
    assert (tie_iri(tie), "kg:evidence") in paths
    assert (tie_iri(tie), "kg:predicate") in paths
    assert (str(article), "kg:contentHash") in paths


def test_rdf_reason_ontology_and_sample_are_consistent_and_infer(store):
    graph = store_graph(store, include_regions=False)
    # a small region hierarchy: 德城区 371402 -> 德州 371400 -> 山东 370000
    district, city, province = (URIRef(region_iri(c)) for c in ("371402", "371400", "370000"))
    graph.add((district, KG.within, city))
    graph.add((city, KG.within, province))
    for node in (district, city, province):
        graph.add((node, RDF.type, KG.Region))
    report = reason(graph)
    assert report.consistent, report.errors
    closure = report.graph
    semi, tianqu = URIRef(entity_iri(YOUYAN_SEMI)), URIRef(entity_iri(TIANQU))
    assert (tianqu, KG.hosts, semi) in closure                    # inverse of locatedIn
    assert (district, KG.within, province) in closure             # transitive
    assert (semi, RDF.type, KG.Organization) in closure           # Enterprise ⊑ Organization
    assert (semi, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in closure
    youyan = URIRef(entity_iri("有研集团"))
    assert (youyan, KG.cooperatesWith, tianqu) in closure and (tianqu, KG.cooperatesWith, youyan) in closure


def test_rdf_reason_reports_an_inconsistency(store):
    graph = store_graph(store, include_regions=False)
    tie = article_one().ties[0]
    graph.add((URIRef(tie_iri(tie)), RDF.type, KG.Article))  # a Tie cannot also be an Article
    report = reason(graph)
    assert not report.consistent
    assert any("disjoint" in e.lower() for e in report.errors), report.errors


def test_rdf_reason_over_a_store_places_entities_in_their_province(store):
    report = reason(store)
    assert report.consistent, report.errors
    semi_region = URIRef(region_iri("371400"))  # 德州市
    assert (semi_region, KG.within, URIRef(region_iri("370000"))) in report.graph
    xicheng = URIRef(region_iri("110102"))
    assert (xicheng, RDF.type, KG.Region) in report.graph
    assert (xicheng, KG.within, URIRef(region_iri("110000"))) in report.graph
    assert (URIRef(region_iri("130682")), None, None) not in report.graph  # unused regions are left out


def test_rdf_reason_over_a_store_infers_a_county_inside_its_province():
    from kg.types import Article, Entity, EntityClass, Extraction

    dingzhou = Entity("定州某企业", "定州某企业", EntityClass.ENTERPRISE, region="130682")
    with KGStore() as s:
        s.replace_article(Extraction(Article("d1", "定州某企业成立。"), (dingzhou,), ()))
        closure = reason(s).graph
    county, city, province = (URIRef(region_iri(c)) for c in ("130682", "130600", "130000"))
    assert (county, KG.within, city) in closure
    assert (county, KG.within, province) in closure  # inferred: kg:within is transitive


def test_rdf_validate_and_reason_accept_a_refreshed_summary():
    with KGStore() as s:
        s.replace_articles(sample_extractions())
        s.refresh_summary()
        assert validate(s).conforms
        report = reason(s)
        assert report.consistent, report.errors
