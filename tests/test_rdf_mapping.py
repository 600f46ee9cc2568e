"""kg.rdf.mapping and kg.rdf.iris: an Extraction becomes exactly the documented RDF shape."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef

from kg.rdf.iris import article_iri, entity_iri, evidence_iri, graph_iri, key_from_iri, region_iri, tie_iri
from kg.rdf.mapping import date_literal, decimal_literal, extraction_to_quads
from kg.rdf.namespace import KG
from kg.types import Article, Entity, EntityClass, Extraction
from test_rdf_sample import TIANQU, YOUYAN, YOUYAN_SEMI, article_one, article_two

SCHEMA_URL = URIRef("https://schema.org/url")
# Plain namespaces: rdflib's DefinedNamespace objects warn when doctest collection probes this module.
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")


def _graph(extraction) -> tuple[rdflib.Graph, set]:
    quads = extraction_to_quads(extraction)
    graphs = {q.graph_name.value for q in quads}
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt"), graphs


def test_rdf_mapping_all_quads_go_to_the_article_graph():
    _, graphs = _graph(article_one())
    assert graphs == {graph_iri("a1")}


def test_rdf_mapping_article_metadata():
    extraction = article_one()
    g, _ = _graph(extraction)
    a = URIRef(article_iri("a1"))
    assert (a, RDF.type, KG.Article) in g
    assert g.value(a, KG.contentHash) == Literal(extraction.article.content_hash)
    assert g.value(a, DCTERMS.title) == Literal("有研半导体落户德州", lang="zh")
    assert g.value(a, DCTERMS.date) == Literal("2023-07-18", datatype=XSD.date)
    assert str(g.value(a, DCTERMS.source)) == "光明网"
    assert g.value(a, SCHEMA_URL) == URIRef("https://example.org/news/a1.html")
    assert str(g.value(a, KG.sourcePath)) == "seeds/a1.txt"


def test_rdf_mapping_entities():
    g, _ = _graph(article_one())
    semi = URIRef(entity_iri(YOUYAN_SEMI))
    assert (semi, RDF.type, KG.Enterprise) in g
    assert list(g.objects(semi, RDFS.label)) == [Literal("山东有研半导体材料有限公司", lang="zh")]
    assert set(g.objects(semi, SKOS.altLabel)) == {Literal("有研半导体", lang="zh")}
    assert g.value(semi, KG.region) == URIRef(region_iri("371400"))
    assert (URIRef(entity_iri(TIANQU)), RDF.type, KG.Park) in g


def test_rdf_mapping_tie_evidence_and_plain_triple():
    extraction = article_one()
    g, _ = _graph(extraction)
    tie = extraction.ties[2]  # 有研集团 transfersTechnologyTo 有研半导体, dated 2018-01-01
    s, o = URIRef(entity_iri(YOUYAN)), URIRef(entity_iri(YOUYAN_SEMI))
    assert (s, KG.transfersTechnologyTo, o) in g
    t, ev = URIRef(tie_iri(tie)), URIRef(evidence_iri(tie.evidence))
    assert (t, RDF.type, KG.Tie) in g
    assert g.value(t, KG.subject) == s and g.value(t, KG.object) == o
    assert g.value(t, KG.predicate) == KG.transfersTechnologyTo
    assert g.value(t, KG.status) == Literal("reported")
    assert g.value(t, KG.confidence) == Literal("0.9", datatype=XSD.decimal)
    assert g.value(t, DCTERMS.date) == Literal("2018-01-01", datatype=XSD.date)
    assert list(g.objects(t, KG.evidence)) == [ev]
    assert (ev, RDF.type, KG.Evidence) in g
    assert str(g.value(ev, KG.sentence)) == tie.evidence.sentence
    assert g.value(ev, KG.startOffset) == Literal(tie.evidence.start, datatype=XSD.integer)
    assert g.value(ev, KG.endOffset).toPython() == tie.evidence.end
    assert extraction.article.text[g.value(ev, KG.startOffset).toPython():g.value(ev, KG.endOffset).toPython()] \
        == str(g.value(ev, KG.sentence))
    assert g.value(ev, PROV.wasDerivedFrom) == URIRef(article_iri("a1"))
    assert str(g.value(ev, KG.extractor)) == "kg.relations.trigger.v1"
    assert str(g.value(ev, KG.trigger)) == "转移"
    assert g.value(ev, DCTERMS.date) == Literal("2018-01-01", datatype=XSD.date)


def test_rdf_mapping_negated_tie_has_no_plain_triple_but_a_tie_node():
    extraction = article_two()
    g, _ = _graph(extraction)
    negated = extraction.ties[1]
    s, o = URIRef(entity_iri(negated.subject)), URIRef(entity_iri(negated.object))
    assert (s, KG.relocatedTo, o) not in g
    assert g.value(URIRef(tie_iri(negated)), KG.status) == Literal("negated")
    planned = extraction.ties[0]
    assert (URIRef(entity_iri(planned.subject)), KG.cooperatesWith, URIRef(entity_iri(planned.object))) in g


def test_rdf_mapping_position_is_written_on_the_tie_node():
    extraction = article_two()
    g, _ = _graph(extraction)
    holds = extraction.ties[2]
    assert str(g.value(URIRef(tie_iri(holds)), KG.position)) == "总工程师"


def test_rdf_mapping_is_deterministic_and_free_of_duplicates():
    first = [str(q) for q in extraction_to_quads(article_one())]
    second = [str(q) for q in extraction_to_quads(article_one())]
    assert first == second
    assert len(first) == len(set(first))


def test_rdf_mapping_entities_only_named_by_ties_are_described():
    extraction = article_one()
    bare = Extraction(extraction.article, (), extraction.ties)
    g, _ = _graph(bare)
    assert (URIRef(entity_iri(YOUYAN)), RDFS.label, Literal("有研集团", lang="zh")) in g


def test_rdf_mapping_rejects_evidence_of_another_article():
    extraction = article_one()
    other = Extraction(Article("other", extraction.article.text), (), extraction.ties)
    with pytest.raises(ValueError, match="other"):
        extraction_to_quads(other)


@pytest.mark.parametrize("text,datatype", [("2023-07-18", XSD.date), ("2023-07", XSD.gYearMonth), ("2023", XSD.gYear)])
def test_rdf_mapping_date_literal_types(text, datatype):
    assert date_literal(text).datatype.value == str(datatype)


@pytest.mark.parametrize("text", [None, "", "2023-13-01", "2023-02-30", "July 2023", "18/07/2023"])
def test_rdf_mapping_date_literal_rejects_invalid(text):
    assert date_literal(text) is None


def test_rdf_mapping_decimal_literal():
    assert decimal_literal(1).value == "1.0"
    assert decimal_literal(0.123456).value == "0.1235"
    with pytest.raises(ValueError):
        decimal_literal("high")


def test_rdf_iris_are_stable_readable_and_reversible():
    entity = Entity("有研集团", "有研集团", EntityClass.ENTERPRISE)
    assert entity_iri(entity) == "https://w3id.org/kg-innovation/id/entity/有研集团"
    odd = Entity("A/B 50% <x>#?", "x", EntityClass.ORGANIZATION)
    iri = entity_iri(odd)
    ox.NamedNode(iri)  # a valid IRI
    assert "/" not in iri.rsplit("entity/", 1)[1] and " " not in iri
    assert key_from_iri(iri) == odd.key
    assert region_iri("371400").endswith("/region/371400")
    with pytest.raises(ValueError):
        region_iri("37140")
    tie = article_one().ties[0]
    assert tie_iri(tie) == tie_iri(article_one().ties[0]) != tie_iri(article_one().ties[1])
