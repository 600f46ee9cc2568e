"""kg.rdf.KGStore: transactional per-article graphs, persistence, named queries, exports and imports."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.rdf import KGStore
from kg.rdf.iris import ONTOLOGY_GRAPH, REGIONS_GRAPH, entity_iri, graph_iri
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespace import KG_NS
from kg.types import Extraction
from test_rdf_sample import SMEE, TIANQU, XIONGAN, YOUYAN, YOUYAN_SEMI, article_one, article_two, sample_extractions

ROOT = Path(__file__).resolve().parent.parent
# rdflib's own parsers use its deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def store():
    """An in-memory store holding the three sample articles (read by the query tests only)."""
    with KGStore() as s:
        for extraction in sample_extractions():
            s.replace_article(extraction)
        yield s


def _graph_quads(store: KGStore, article_id: str) -> set[str]:
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(article_id)))}


def test_rdf_store_loads_ontology_and_regions_once(tmp_path):
    with KGStore(tmp_path / "s") as s:
        graphs = {g.value for g in s.oxigraph.named_graphs()}
        assert {ONTOLOGY_GRAPH, REGIONS_GRAPH} <= graphs
        size = len(s.oxigraph)
    with KGStore(tmp_path / "s") as s:
        assert len(s.oxigraph) == size


def test_rdf_store_reloads_a_changed_ontology(tmp_path, monkeypatch):
    onto = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", onto)
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(onto))
    with KGStore(tmp_path / "s") as s:
        before = s.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgr:graph\\/ontology { ?s ?p ?o } }")[0]["n"]
    text = (onto / "kg.ttl").read_text(encoding="utf-8")
    (onto / "kg.ttl").write_text(text + '\nkg:Enterprise rdfs:seeAlso <https://example.org/changed> .\n',
                                 encoding="utf-8")
    with KGStore(tmp_path / "s") as s:
        rows = s.select("SELECT ?x WHERE { GRAPH kgr:graph\\/ontology { kg:Enterprise rdfs:seeAlso ?x } }")
        assert [r["x"] for r in rows] == ["https://example.org/changed"]
        after = s.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgr:graph\\/ontology { ?s ?p ?o } }")[0]["n"]
        assert after == before + 1  # reloaded, not appended twice


def test_rdf_store_replace_article_is_idempotent_and_persistent(tmp_path):
    extraction = article_one()
    with KGStore(tmp_path / "s") as s:
        s.replace_article(extraction)
        first = _graph_quads(s, "a1")
        total = len(s.oxigraph)
        s.replace_article(extraction)
        assert _graph_quads(s, "a1") == first
        assert len(s.oxigraph) == total
        assert first == {str(q) for q in extraction_to_quads(extraction)}
    with KGStore(tmp_path / "s", read_only=True) as s:
        assert _graph_quads(s, "a1") == first
        assert s.article_hash("a1") == extraction.article.content_hash
        with pytest.raises(PermissionError):
            s.replace_article(extraction)


def test_rdf_store_replace_article_drops_the_old_triples():
    with KGStore() as s:
        s.replace_article(article_one())
        s.replace_article(article_two())
        a2 = _graph_quads(s, "a2")
        changed = article_one(text_suffix="补充一句。")
        changed = Extraction(changed.article, (YOUYAN, TIANQU), changed.ties[:1])
        s.replace_article(changed)
        assert _graph_quads(s, "a1") == {str(q) for q in extraction_to_quads(changed)}
        assert s.article_hash("a1") == changed.article.content_hash != article_one().article.content_hash
        assert not any(True for _ in s.oxigraph.quads_for_pattern(
                ox.NamedNode(entity_iri(YOUYAN)), ox.NamedNode(KG_NS + "transfersTechnologyTo"), None, None))
        assert _graph_quads(s, "a2") == a2  # another article is untouched


def test_rdf_store_flushes_its_memtables_every_so_many_quads(tmp_path, monkeypatch):
    # a long build keeps RocksDB's memtables in RAM until a flush: 100k articles would need many GiB
    import kg.rdf.store as store_module

    flushes = []
    monkeypatch.setattr(store_module, "FLUSH_EVERY_QUADS", 50)
    with KGStore(tmp_path / "s") as s:
        monkeypatch.setattr(s, "flush", lambda real=s.flush: (flushes.append(len(s.oxigraph)), real()))
        expected, pending = 0, 0
        for extraction in sample_extractions():
            s.replace_article(extraction)
            pending += len(extraction_to_quads(extraction))
            if pending >= 50:
                expected, pending = expected + 1, 0
        assert len(flushes) == expected >= 1
    with KGStore(tmp_path / "s", read_only=True) as s:
        assert s.article_ids() == ["a1", "a2", "a3"]


def test_rdf_store_replace_articles_is_all_or_nothing_for_new_and_known_articles():
    with KGStore() as s:
        s.replace_article(article_one())
        before = {str(q) for q in s.oxigraph}
        broken = dataclasses.replace(article_two(), ties=article_one().ties)  # evidence of another article
        for batch in ([broken], [article_one(text_suffix="补充一句。"), broken]):
            with pytest.raises(ValueError):
                s.replace_articles(batch)
            assert {str(q) for q in s.oxigraph} == before


def test_rdf_store_delete_article_and_ids():
    with KGStore() as s:
        for extraction in sample_extractions():
            s.replace_article(extraction)
        assert s.article_ids() == ["a1", "a2", "a3"]
        assert s.delete_article("a2") is True
        assert s.delete_article("a2") is False
        assert s.article_ids() == ["a1", "a3"]
        assert s.article_hash("a2") is None and not _graph_quads(s, "a2")


def test_rdf_store_known_entities_unite_articles(store):
    entities = {e.key: e for e in store.known_entities()}
    assert set(entities) >= {"有研集团", "德州天衢新区", "清华大学", "张三", "上海微电子装备有限公司"}
    youyan = entities["有研集团"]
    assert youyan.cls.value == "Enterprise" and youyan.region == "110102" and youyan.aliases == {"有研科技集团"}
    assert entities["雄安新区管委会"].name == "雄安新区管理委员会"
    assert entities["张三"].region is None


def test_rdf_store_select_converts_values(store):
    rows = store.select("SELECT ?d ?n WHERE { ?a a kg:Article ; dcterms:date ?d } ORDER BY ?d")
    assert [str(r["d"]) for r in rows] == ["2023-07-18", "2024-03-01"]
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?e kg:startOffset ?s }")
    assert isinstance(rows[0]["n"], int)


def test_rdf_store_query_with_a_default_graph(store):
    rows = store.select("SELECT DISTINCT ?a WHERE { ?a a kg:Article }", default_graph=graph_iri("a2"))
    assert [r["a"].rsplit("/", 1)[1] for r in rows] == ["a2"]
    result = store.query("SELECT ?a WHERE { ?a a kg:Article }")
    assert b"a1" in result.serialize(format=ox.QueryResultsFormat.JSON)


def test_rdf_store_named_query_hubs(store):
    rows = store.named_query("hubs")
    assert rows[0]["label"] == "有研集团" and rows[0]["degree"] == 4  # 天衢, 有研半导体, 上海微电子, 张三
    only = store.named_query("hubs", relation="cooperatesWith")
    assert {r["label"]: r["degree"] for r in only} == {"有研集团": 1, "德州天衢新区": 1, "清华大学": 1,
                                                       "雄安新区管理委员会": 1}
    assert [r["label"] for r in store.named_query("hubs", cls="University")] == ["清华大学"]


def test_rdf_store_named_query_entity_ties_with_evidence(store):
    rows = store.named_query("entity_ties", entity="有研集团")
    assert len(rows) == 6
    negated = [r for r in rows if r["status"] == "negated"]
    assert len(negated) == 1 and negated[0]["sentence"] == "有研集团并未迁往西安。"
    position = [r for r in rows if r["relation"].endswith("holdsPosition")]
    assert position[0]["position"] == "总工程师" and position[0]["subjectLabel"] == "张三"
    assert len(store.named_query("entity_ties", entity=entity_iri(YOUYAN), relation="transfersTechnologyTo")) == 2


def test_rdf_store_named_query_transfers_between_groups(store):
    rows = store.named_query("transfers_between_groups", fromGroup="京津冀", toGroup="长三角")
    assert [(r["subjectLabel"], r["objectLabel"], r["articles"]) for r in rows] == [("有研集团", "上海微电子装备有限公司", 1)]
    assert store.named_query("transfers_between_groups", fromGroup="长三角", toGroup="京津冀") == []
    # 有研集团 (北京) -> 山东有研半导体 (德州): 山东 is in no group, so no group-to-group row
    assert all(r["object"] != entity_iri(YOUYAN_SEMI) for r in store.named_query("transfers_between_groups"))


def test_rdf_store_named_query_tie_articles_matches_symmetric_ties_both_ways(store):
    rows = store.named_query("tie_articles", subject="有研集团", relation="cooperatesWith", object="德州天衢新区")
    assert {r["article"].rsplit("/", 1)[1] for r in rows} == {"a1", "a3"}
    rows = store.named_query("tie_articles", subject="有研集团", relation="transfersTechnologyTo",
                             object=YOUYAN_SEMI.key)
    assert [r["article"].rsplit("/", 1)[1] for r in rows] == ["a1"]
    assert store.named_query("tie_articles", subject=YOUYAN_SEMI.key, relation="transfersTechnologyTo",
                             object="有研集团") == []


def test_rdf_store_named_query_search_entities(store):
    rows = store.named_query("search_entities", q="有研")
    assert [r["label"] for r in rows] == ["有研集团", "山东有研半导体材料有限公司"]
    assert rows[1]["regionLabel"] == "德州市"
    assert [r["label"] for r in store.named_query("search_entities", q="上海微电子")] == [SMEE.name]
    assert store.named_query("search_entities", q="有研", cls="Park") == []


def test_rdf_store_named_query_ties_summary_counts_articles(store):
    rows = store.named_query("ties_summary")
    top = rows[0]
    assert top["relation"].endswith("cooperatesWith") and top["articles"] == 2
    assert {top["subjectLabel"], top["objectLabel"]} == {"有研集团", "德州天衢新区"}
    assert str(top["firstDate"]) == "2023-07-18"
    assert len(rows) == 7
    assert [r["status"] for r in store.named_query("ties_summary", status="negated")] == ["negated"]
    assert len(store.named_query("ties_summary", entity=XIONGAN.key)) == 1


def test_rdf_store_named_query_articles_and_counts(store):
    rows = store.named_query("articles")
    # ordered by date; a3 has none, and an unbound value sorts first
    assert [(r["article"].rsplit("/", 1)[1], r["ties"]) for r in rows] == [("a3", 2), ("a1", 3), ("a2", 3)]
    assert rows[1]["title"] == "有研半导体落户德州" and rows[1]["path"] == "seeds/a1.txt"
    classes = {r["cls"].rsplit("#", 1)[1]: r["entities"] for r in store.named_query("class_counts")}
    assert classes["Enterprise"] == 3 and classes["Person"] == 1
    relations = {r["relation"].rsplit("#", 1)[1]: r for r in store.named_query("relation_counts")}
    assert relations["cooperatesWith"]["mentions"] == 3 and relations["cooperatesWith"]["articles"] == 3
    assert relations["relocatedTo"]["negated"] == 1


def test_rdf_store_named_query_entities_in_region_descends_the_hierarchy(store):
    rows = store.named_query("entities_in_region", region="130000")  # 河北 contains 雄安 133100
    assert [r["label"] for r in rows] == ["雄安新区管理委员会"]
    assert {r["label"] for r in store.named_query("entities_in_region", region="370000")} == \
        {"德州天衢新区", "山东有研半导体材料有限公司"}


def test_rdf_store_named_query_errors_name_the_problem(store):
    with pytest.raises(KeyError, match="no named query"):
        store.named_query("nope")
    with pytest.raises(ValueError, match="needs parameter"):
        store.named_query("entity_ties")
    with pytest.raises(ValueError, match="no parameter"):
        store.named_query("hubs", colour="red")
    with pytest.raises(ValueError, match="unknown relation"):
        store.named_query("hubs", relation="likes")


def test_rdf_store_stats(store):
    stats = store.stats()
    assert stats["articles"] == 3
    assert stats["entities"]["Enterprise"] == 3
    assert stats["ties"]["cooperatesWith"] == 3 and stats["ties"]["relocatedTo"] == 1
    assert "relocatedTo" not in stats["plain_ties"]  # negated: Tie node only
    assert stats["graphs"] == 5 and stats["triples"] == len(store.oxigraph)


def _dataset(path: Path, fmt: str) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(path, format={"trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}[fmt])
    return ds


def _graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    out = {}
    for context in ds.graphs():
        if len(context):
            graph = rdflib.Graph()
            for triple in context:
                graph.add(triple)
            out[str(context.identifier)] = graph
    return out


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_rdf_store_export_load_round_trip_keeps_named_graphs(store, tmp_path, fmt):
    first = store.export(tmp_path / f"dump.{fmt}", fmt, include_shared=False)
    with KGStore() as other:
        other.load(first, fmt)
        assert other.article_ids() == store.article_ids()
        second = other.export(tmp_path / f"again.{fmt}", fmt, include_shared=False)
    a, b = _graphs(_dataset(first, fmt)), _graphs(_dataset(second, fmt))
    assert set(a) == set(b) == {graph_iri(i) for i in ("a1", "a2", "a3")}
    for name in a:
        assert isomorphic(a[name], b[name]), name


def test_rdf_store_export_load_round_trip_turtle(store, tmp_path):
    first = store.export(tmp_path / "dump.ttl", "ttl", include_shared=False)
    with KGStore() as other:
        added = other.load(first, graph="https://example.org/imported")
        assert added > 0
        second = other.export(tmp_path / "again.ttl", "ttl", include_shared=False)
    g1, g2 = rdflib.Graph().parse(first), rdflib.Graph().parse(second)
    assert len(g1) > 100
    assert isomorphic(g1, g2)
    everything = store.export(tmp_path / "all.ttl", "ttl")
    with KGStore() as other:
        other.load(everything)  # the ontology and regions are already there: only the articles are new
        assert other.stats()["entities"] == store.stats()["entities"]
        assert other.stats()["plain_ties"] == store.stats()["plain_ties"]


def test_rdf_store_load_reports_bad_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with KGStore() as s:
        with pytest.raises(ValueError, match="bad.ttl"):
            s.load(bad)
        with pytest.raises(FileNotFoundError):
            s.load(tmp_path / "missing.trig")


def test_rdf_store_export_gephi_csv_columns(store, tmp_path):
    out = store.export(tmp_path / "gephi", "gephi")
    with open(out / "nodes.csv", encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with open(out / "edges.csv", encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert {"Id", "Label", "class", "province", "city", "aliases"} <= set(nodes[0])
    assert {"Source", "Target", "relation", "Weight", "evidence"} <= set(edges[0])
    semi = next(n for n in nodes if n["Label"] == YOUYAN_SEMI.name)
    assert (semi["province"], semi["city"], semi["aliases"]) == ("山东省", "德州市", "有研半导体")
    coop = [e for e in edges if e["relation"] == "cooperatesWith" and "有研集团" in e["Source"] + e["Target"]]
    assert len(coop) == 1 and coop[0]["Weight"] == "2" and coop[0]["Type"] == "Undirected"
    assert "签署战略合作协议" in coop[0]["evidence"]
    assert not [e for e in edges if e["relation"] == "relocatedTo"]  # negated ties are not edges
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_rdf_store_export_graphml_gexf(store, tmp_path, fmt):
    out = store.export(tmp_path / f"g.{fmt}", fmt)
    graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert graph.number_of_nodes() == 9 and graph.number_of_edges() == 6
    youyan = entity_iri(YOUYAN)
    assert graph.nodes[youyan]["label"] == "有研集团" or graph.nodes[youyan].get("label") == "有研集团"


def test_rdf_store_dataset_is_an_rdflib_view_of_the_same_store(store):
    ds = store.dataset()
    rows = list(ds.query("SELECT ?t WHERE { GRAPH ?g { ?a <https://w3id.org/kg-innovation/ontology#contentHash> ?t } "
                         "FILTER(STRSTARTS(STR(?a), 'https://w3id.org/kg-innovation/id/article/')) }"))
    assert len(rows) == 3


def test_rdf_store_read_only_needs_an_existing_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        KGStore(tmp_path / "nothing", read_only=True)


def test_rdf_store_entities_keep_aliases_from_every_article():
    with KGStore() as s:
        s.replace_article(article_one())
        renamed = dataclasses.replace(YOUYAN, aliases=frozenset({"有研"}))
        extraction = article_two()
        s.replace_article(Extraction(extraction.article, tuple(renamed if e.key == YOUYAN.key else e
                                                               for e in extraction.entities), ()))
        youyan = next(e for e in s.known_entities() if e.key == YOUYAN.key)
        assert youyan.aliases == {"有研", "有研科技集团"}


def test_rdf_store_replace_articles_is_one_transaction():
    with KGStore() as s:
        s.replace_articles(sample_extractions())
        assert s.article_ids() == ["a1", "a2", "a3"]
        before = len(s.oxigraph)
        with pytest.raises(ValueError, match="twice"):
            s.replace_articles([article_one(), article_two(), article_one()])
        broken = article_two()
        broken = Extraction(broken.article, broken.entities, broken.ties + (article_one().ties[0],))
        with pytest.raises(ValueError):
            s.replace_articles([article_one(text_suffix="新"), broken])  # fails while mapping the second
        assert len(s.oxigraph) == before
        assert s.article_hash("a1") == article_one().article.content_hash


def test_rdf_store_every_readme_example_query_runs_and_finds_rows(store):
    import re

    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", text, flags=re.S)
    assert len(queries) >= 8
    for query in queries:
        assert store.select(query), query


def test_rdf_store_update_and_base_iri():
    with KGStore() as s:
        s.update("INSERT DATA { GRAPH <https://example.org/g> { <x> rdfs:label 'x' } }", base_iri="https://example.org/")
        rows = s.select("SELECT ?s WHERE { ?s rdfs:label 'x' }")
        assert rows == [{"s": "https://example.org/x"}]
        assert s.select("SELECT ?l WHERE { <x> rdfs:label ?l }", base_iri="https://example.org/") == [{"l": "x"}]


def test_rdf_store_named_query_transfers_from_group(store):
    rows = store.named_query("transfers_from_group", group="京津冀")
    assert sorted((r["objectLabel"], r["toProvinceLabel"]) for r in rows) == [
        ("上海微电子装备有限公司", "上海市"), ("山东有研半导体材料有限公司", "山东省")]
    assert store.named_query("transfers_from_group", group="长三角") == []


def test_rdf_store_refresh_summary_materialises_the_ties_summary():
    with KGStore() as s:
        s.replace_articles(sample_extractions())
        assert s.named_query("summary") == []  # nothing materialised yet
        rows = s.refresh_summary()
        live = s.named_query("ties_summary")
        stored = s.named_query("summary")
        assert rows == len(live) == len(stored) == 7
        key = ("subject", "relation", "object", "status", "articles", "mentions", "maxConfidence", "firstDate",
               "subjectLabel", "objectLabel")
        assert sorted(tuple(str(r[k]) for k in key) for r in live) == sorted(tuple(str(r[k]) for k in key) for r in stored)
        assert len(s.named_query("summary", entity="有研集团")) == len(s.named_query("ties_summary", entity="有研集团"))
        assert s.refresh_summary() == 7  # rebuilt, not appended
        s.delete_article("a3")
        assert s.refresh_summary() == 6
        top = s.named_query("summary", relation="cooperatesWith")
        assert max(r["articles"] for r in top) == 1
