"""The ontology files: kg.ttl (OWL), the generated namespace, regions.ttl (SKOS) and shapes.ttl (SHACL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef

from kg.rdf.iris import region_group_iri, region_iri
from kg.rdf.namespace import KG
from kg.rdf.regions import read_region_groups, read_regions, regions_turtle
from kg.types import EntityClass, Relation

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
DATA = Path(__file__).parent / "data" / "rdf"
sys.path.insert(0, str(ROOT / "scripts"))
OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def regions() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "regions.ttl", format="turtle")


def _labels(graph, term):
    return {lit.language for lit in graph.objects(term, RDFS.label) if isinstance(lit, Literal)}


def test_ontology_is_versioned(ontology):
    onto = URIRef("https://w3id.org/kg-innovation/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ontology.value(onto, OWL.versionIRI) is not None


@pytest.mark.parametrize("cls", [c.value for c in EntityClass] + ["Region", "RegionGroup", "Article", "Tie", "Evidence"])
def test_ontology_class_has_labels_comment_and_superclass(ontology, cls):
    term = KG[cls]
    assert (term, RDF.type, OWL.Class) in ontology
    assert {"zh", "en"} <= _labels(ontology, term)
    assert {c.language for c in ontology.objects(term, RDFS.comment)} >= {"zh", "en"}
    assert list(ontology.objects(term, RDFS.subClassOf)), f"{cls} is aligned with no other class"


@pytest.mark.parametrize("relation", [r.value for r in Relation])
def test_ontology_relation_is_an_object_property_with_domain_and_range(ontology, relation):
    term = KG[relation]
    assert (term, RDF.type, OWL.ObjectProperty) in ontology
    assert {"zh", "en"} <= _labels(ontology, term)
    assert ontology.value(term, RDFS.domain) is not None and ontology.value(term, RDFS.range) is not None
    assert (term, RDFS.subPropertyOf, KG.relation) in ontology


def test_ontology_alignments(ontology):
    assert (KG.cooperatesWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert (KG.locatedIn, OWL.inverseOf, KG.hosts) in ontology
    assert (KG.subOrganizationOf, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#subOrganizationOf")) in ontology
    assert (KG.Organization, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in ontology
    assert (KG.Person, RDFS.subClassOf, URIRef("http://xmlns.com/foaf/0.1/Person")) in ontology
    assert (KG.Article, RDFS.subClassOf, URIRef("https://schema.org/NewsArticle")) in ontology
    assert (KG.Region, RDFS.subClassOf, SKOS.Concept) in ontology
    assert (KG.within, RDF.type, OWL.TransitiveProperty) in ontology
    for cls in EntityClass:
        if cls is not EntityClass.ORGANIZATION:
            assert KG.Entity in set(ontology.transitive_objects(KG[cls.value], RDFS.subClassOf))


def test_ontology_namespace_module_is_in_sync_with_kg_ttl():
    import gen_namespace

    generated = gen_namespace.render(ONTOLOGY / "kg.ttl")
    assert generated == (ROOT / "kg" / "rdf" / "namespace.py").read_text(encoding="utf-8"), \
        "kg/rdf/namespace.py is stale: run scripts/gen_namespace.py"


def test_ontology_every_namespace_term_exists_in_the_ontology(ontology):
    terms = [name for name in KG.__annotations__]
    assert len(terms) > 40
    subjects = set(ontology.subjects())
    missing = [t for t in terms if KG[t] not in subjects]
    assert not missing


def test_ontology_namespace_raises_on_a_typo():
    assert str(KG.cooperatesWith).endswith("#cooperatesWith")
    with pytest.raises(AttributeError):
        KG.cooperatesWth  # noqa: B018 - the typo is the point


def test_ontology_regions_ttl_is_generated_from_the_tsv_tables():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_regions_ttl.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ontology_regions_cover_provinces_cities_and_seed_places(regions):
    provinces = set(regions.subjects(RDF.type, KG.Province))
    cities = set(regions.subjects(RDF.type, KG.City))
    assert len(provinces) == 34
    assert len(cities) >= 330
    def broader(code):
        return regions.value(URIRef(region_iri(code)), SKOS.broader)
    assert broader("130682") == URIRef(region_iri("130600"))   # 定州 under 保定
    assert broader("130600") == URIRef(region_iri("130000"))   # 保定 under 河北
    assert broader("133100") == URIRef(region_iri("130600"))   # 雄安新区 in 保定 (its counties are there)
    assert broader("110102") == URIRef(region_iri("110000"))   # 北京西城区
    for code in ("371400", "140400", "370200", "610100", "370100"):  # 德州 长治 青岛 西安 济南
        assert (URIRef(region_iri(code)), RDF.type, KG.City) in regions
    assert (URIRef(region_iri("130682")), KG.within, URIRef(region_iri("130600"))) in regions
    jjj = URIRef(region_group_iri("京津冀"))
    assert (jjj, RDF.type, KG.RegionGroup) in regions
    assert set(regions.objects(jjj, SKOS.member)) == {URIRef(region_iri(c)) for c in ("110000", "120000", "130000")}


def test_ontology_region_generator_on_a_small_table_reports_bad_rows():
    problems: list[str] = []
    rows = read_regions(DATA / "regions_small.tsv", problems)
    assert [r.code for r in rows] == ["130000", "130600", "130682", "133100", "110000", "110102", "999999"]
    assert rows[2].aliases == ("定州", "保定定州") and rows[2].parent == "130600"
    text = "\n".join(problems)
    assert "regions_small.tsv:9" in text and "12345" in text           # bad code, with file and line
    assert "town" in text and "duplicate code 110102" in text
    assert "parent 888888 is not in the table" in text
    groups = read_region_groups(DATA / "region_groups_small.tsv", {r.code for r in rows}, problems)
    assert groups[0].name == "京津冀" and groups[0].members == ("110000", "130000")
    assert any("120000" in p for p in problems)
    graph = rdflib.Graph().parse(data=regions_turtle(rows, groups), format="turtle")
    dingzhou = URIRef(region_iri("130682"))
    assert (dingzhou, SKOS.prefLabel, Literal("定州市", lang="zh")) in graph
    assert (dingzhou, SKOS.altLabel, Literal("定州", lang="zh")) in graph
    assert (dingzhou, RDF.type, KG.District) in graph
    assert (URIRef(region_iri("999999")), SKOS.broader, None) not in graph
    assert (URIRef(region_iri("130000")), SKOS.topConceptOf, None) in graph


def test_ontology_shapes_parse_and_target_the_ontology_classes():
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    assert {KG.Entity, KG.Tie, KG.Evidence, KG.Article, KG.Organization, KG.Park} <= targets
