"""The public Python API (``import kg``): lazy exports, help(), and every KnowledgeGraph method on the seeds store."""

from __future__ import annotations

import pydoc
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kg

ROOT = Path(__file__).resolve().parent.parent
KGR = "https://w3id.org/kg-innovation/id/"
PUBLIC_CALLABLES = ["open", "build", "query", "demo", "KnowledgeGraph", "GraphView", "BuildReport"]


@pytest.fixture(scope="module")
def g(seeds_store):
    graph = kg.open(seeds_store)
    yield graph
    graph.close()


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# -- the module ---------------------------------------------------------------------------------

def test_public_api_import_kg_loads_no_heavy_library():
    loaded = run_python(
        "import sys, kg; print(sorted(m for m in ('spacy', 'jieba', 'rdflib', 'pyoxigraph', 'pandas', 'networkx',"
        " 'matplotlib') if m in sys.modules))")
    assert loaded == "[]"


def test_public_api_reading_a_store_never_loads_spacy(seeds_store):
    loaded = run_python(
        f"import sys, kg; g = kg.open({str(seeds_store)!r}); g.hubs(); g.ties('德州天衢新区'); g.sparql('ASK {{}}');"
        " print([m for m in ('spacy', 'jieba') if m in sys.modules])")
    assert loaded == "[]"


def test_public_api_help_lists_every_public_name():
    text = pydoc.render_doc(kg, renderer=pydoc.plaintext)
    for name in PUBLIC_CALLABLES:
        assert re.search(rf"^\s+(class )?{name}\b", text, flags=re.MULTILINE), f"help(kg) does not list {name}"
    for name in ("algorithms", "plots", "rdf", "sparql"):
        assert name in text
    assert set(PUBLIC_CALLABLES) <= set(kg.__all__) and set(kg.__all__) <= set(dir(kg))


def test_public_api_names_resolve_and_unknown_names_fail():
    assert kg.KnowledgeGraph.__module__ == "kg.graph" and callable(kg.open) and callable(kg.build)
    assert kg.plots.bar_chart and kg.algorithms.hubs and kg.rdf.KGStore
    assert kg.__version__
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018


def test_public_api_every_public_function_has_a_numpy_docstring():
    for name in ("open", "build", "query", "demo"):
        assert "Examples\n    --------" in getattr(kg, name).__doc__, name
    for name, member in vars(kg.KnowledgeGraph).items():
        if not name.startswith("_") and callable(member):
            assert member.__doc__, f"KnowledgeGraph.{name} has no docstring"


# -- opening and building -------------------------------------------------------------------------

def test_public_api_open_missing_store_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "none"))):
        kg.open(tmp_path / "none")


def test_public_api_read_only_open_while_another_process_writes(seeds_store, tmp_path):
    store = tmp_path / "copy"
    shutil.copytree(seeds_store, store, ignore=shutil.ignore_patterns("LOCK"))
    writer = subprocess.Popen(
        [sys.executable, "-c", f"import sys, kg.rdf; s = kg.rdf.KGStore({str(store)!r}); print('open', flush=True);"
                               " sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert writer.stdout.readline().strip() == "open"
        with kg.open(store) as reader:  # read-only by default: no write lock needed
            assert reader.store.read_only and len(reader.articles()) == 5
        with pytest.raises(OSError, match="lock"):
            kg.open(store, read_only=False)
    finally:
        writer.communicate("", timeout=60)


def test_public_api_build_reports_and_closes_older_readers(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("清华大学与德州天衢新区签署合作协议。", encoding="utf-8")
    first = kg.build(folder, store=tmp_path / "store", validate=False)
    assert (first.report.read, first.report.built) == (1, 1) and first.store.read_only
    (folder / "b.jsonl").write_text('{"id": "b1", "text": "天津大学与定州市开展产学研合作。"}\n{"text": 5}\n',
                                    encoding="utf-8")
    second = kg.build([folder], store=tmp_path / "store")
    assert second.report.built == 1 and second.report.unchanged == 1
    assert any("b.jsonl" in str(p) for p in second.report.skipped)  # the bad line is reported, not fatal
    assert second.report.validation.conforms
    assert first.closed
    with pytest.raises(RuntimeError, match="closed"):
        first.articles()
    assert sorted(second.articles().id) == ["a", "b1"]
    assert second.article_text("b1") == "天津大学与定州市开展产学研合作。"
    second.close()


def test_public_api_demo_needs_a_checkout(monkeypatch, tmp_path):
    import kg.graph

    monkeypatch.setattr(kg.graph, "_ROOT", tmp_path)
    monkeypatch.setattr(kg.graph, "_DEMO_STORE", [])
    with pytest.raises(FileNotFoundError, match="seeds"):
        kg.demo()


# -- SPARQL -----------------------------------------------------------------------------------------

def test_public_api_sparql_typed_columns_and_chinese_labels(g):
    frame = g.sparql("""
        SELECT ?title ?date (COUNT(?tie) AS ?ties) WHERE {
          ?article a kg:Article ; dcterms:title ?title .
          OPTIONAL { ?article dcterms:date ?date }
          OPTIONAL { GRAPH ?graph { ?article a kg:Article . ?tie a kg:Tie } }
        } GROUP BY ?title ?date ORDER BY ?date""")
    assert len(frame) == 5
    assert str(frame.dtypes["date"]).startswith("datetime64")
    assert pd.api.types.is_integer_dtype(frame.dtypes["ties"])
    assert frame.date.isna().sum() == 2  # two seeds carry no date
    assert "定州产学研合作让科技成果“落地生金”" in set(frame.title)
    assert bool(g.sparql("ASK { ?e rdfs:label '德州天衢新区'@zh }").ask[0])
    triples = g.sparql("CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l } LIMIT 3")
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) == 3


def test_public_api_sparql_malformed_query_is_a_value_error(g):
    with pytest.raises(ValueError, match="malformed SPARQL"):
        g.sparql("SELECT WHERE {")


def test_public_api_query_shortcut(g, seeds_store):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a a kg:Article }"
    assert int(kg.query(text, store=seeds_store).n[0]) == 5
    assert int(kg.query(text, store=g).n[0]) == 5
    assert int(kg.query(text, store=g.store).n[0]) == 5
    with pytest.raises(ValueError, match="exactly one"):
        kg.query(text)


# -- articles, entities, ties -----------------------------------------------------------------------

def test_public_api_articles(g, seed_files):
    articles = g.articles()
    assert list(articles.columns) == ["id", "title", "date", "source", "url", "path", "entities", "ties", "article"]
    assert sorted(articles.id) == sorted(p.stem for p in seed_files)
    by_id = articles.set_index("id")
    assert by_id.loc["002_e572031f1e4f3aab", "source"] == "定州日报"
    assert str(by_id.loc["000_f8f169bc42fa4364", "date"].date()) == "2023-07-18"
    assert (articles.ties > 0).all() and (articles.entities > 0).all()


def test_public_api_every_evidence_sentence_is_at_its_offsets_in_the_original_file(g, seed_files):
    evidence = g.sparql("""SELECT ?article ?sentence ?start ?end WHERE {
        ?ev a kg:Evidence ; kg:sentence ?sentence ; kg:startOffset ?start ; kg:endOffset ?end ;
            prov:wasDerivedFrom ?article }""")
    assert len(evidence) > 20
    files = {p.stem: p for p in seed_files}
    for article, rows in evidence.groupby("article"):
        article_id = article.rsplit("/", 1)[-1]
        text = g.article_text(article_id)
        assert text == files[article_id].read_text(encoding="utf-8")
        for row in rows.itertuples():
            assert text[row.start:row.end] == row.sentence


def test_public_api_article_text_errors(g, tmp_path):
    with pytest.raises(KeyError, match="nope"):
        g.article_text("nope")


def test_public_api_entities_search_and_class(g):
    found = g.entities("有研集团")
    assert list(found.columns) == ["label", "cls", "aliases", "region", "region_source", "region_label", "city", "province", "ties",
                                   "key", "entity"]
    assert found.label.iloc[0] == "中国有研科技集团有限公司" and "有研集团" in found.aliases.iloc[0]
    everyone = g.entities()
    assert len(everyone) > 100 and everyone.ties.is_monotonic_decreasing
    universities = g.entities(cls="University")
    assert set(universities.cls) == {"University"} and "清华大学" in set(universities.label)
    assert universities.set_index("label").loc["清华大学", "city"] == "北京市"
    with pytest.raises(ValueError, match="unknown class"):
        g.entities(cls="Company")


def test_public_api_resolve(g):
    assert g.resolve("有研集团") == [kg.rdf.entity_iri("中国有研科技集团有限公司")]
    assert g.resolve("https://example.org/x") == ["https://example.org/x"]
    with pytest.raises(KeyError, match="matches .* entities"):
        g.resolve("大学")
    with pytest.raises(KeyError, match="no entity named"):
        g.resolve("不存在的机构名")


def test_public_api_ties_with_evidence_dezhou_story(g):
    ties = g.ties("德州天衢新区")
    assert list(ties.columns)[:10] == ["subject", "relation", "object", "status", "confidence", "date", "sentence",
                                       "article", "start", "end"]
    youyan = ties[(ties.subject == "中国有研科技集团有限公司") | (ties.object == "中国有研科技集团有限公司")]
    assert not youyan.empty and "000_f8f169bc42fa4364" in set(youyan.article)
    assert youyan.sentence.str.contains("有研").all()
    for row in youyan.itertuples():
        assert g.article_text(row.article)[row.start:row.end] == row.sentence
    only = g.ties("德州天衢新区", relation="cooperatesWith")
    assert set(only.relation) == {"cooperatesWith"} and len(only) <= len(ties)
    with pytest.raises(ValueError, match="unknown relation"):
        g.ties("德州天衢新区", relation="likes")


# -- analysis ------------------------------------------------------------------------------------------

def test_public_api_to_networkx(g):
    G = g.to_networkx()
    assert isinstance(G, nx.MultiDiGraph) and G.number_of_edges() > 30
    G.remove_nodes_from(list(G.nodes))  # a copy: the next call is whole again
    assert g.to_networkx().number_of_nodes() > 100
    cities = g.to_networkx("city")
    assert isinstance(cities, nx.DiGraph) and cities.nodes["371400"]["label"] == "德州市"
    assert g.to_networkx(relations=["cooperatesWith"]).number_of_edges() < g.to_networkx().number_of_edges()
    with pytest.raises(ValueError, match="kind"):
        g.to_networkx("planet")


def test_public_api_hubs(g):
    hubs = g.hubs()
    assert list(hubs.columns) == ["rank", "label", "cls", "city", "province", "degree", "weighted_degree",
                                  "pagerank", "betweenness", "hub_score", "region", "entity"]
    assert len(hubs) == 10 and list(hubs["rank"]) == list(range(1, 11))
    assert hubs.hub_score.is_monotonic_decreasing and hubs.hub_score.iloc[0] == 1.0
    assert {"德州市", "德州天衢新区"} <= set(hubs.label)
    assert hubs.set_index("label").loc["德州天衢新区", "city"] == "德州市"
    parks = g.hubs(top=None, cls="Park")
    assert set(parks.cls) == {"Park"} and len(parks) > 3
    assert g.hubs(top=5, by="degree").degree.is_monotonic_decreasing
    hebei = g.hubs(top=None, region="河北")
    assert set(hebei.province) == {"河北省"}


def test_public_api_brokers(g):
    brokers = g.brokers(top=5)
    assert list(brokers.columns) == ["rank", "label", "cls", "city", "betweenness", "communities_bridged",
                                     "community", "degree", "entity"]
    assert brokers.betweenness.is_monotonic_decreasing and brokers.betweenness.iloc[0] > 0
    assert (brokers.communities_bridged >= 1).all()


def test_public_api_communities(g):
    found = g.communities(seed=1)
    assert list(found.columns)[:4] == ["community", "size", "members", "city"]
    assert found["size"].is_monotonic_decreasing and (found["size"] == found.nodes.map(len)).all()
    members = [n for nodes in found.nodes for n in nodes]
    assert len(members) == len(set(members))
    assert found.equals(g.communities(seed=1))
    dezhou = found[found.nodes.map(lambda ns: kg.rdf.entity_iri("德州天衢新区") in ns)]
    assert len(dezhou) == 1 and dezhou.city.iloc[0] == "德州市"


def test_public_api_paths_dezhou_story(g):
    # the demo's 京津 -> 德州 story: 有研集团 (北京) and its semiconductor firm, the innovation centre (北京) and 天衢新区
    paths = g.paths("京津", "德州", k=5)
    assert list(paths.columns)[:7] == ["path", "hop", "route", "from", "relation", "to", "direction"]
    assert not paths.empty and paths.path.min() == 1
    regions = g.entities().set_index("entity").region
    ends = paths.sort_values("hop").groupby("path").tail(1)
    assert all(regions.get(iri) == "371400" for iri in ends.to_iri)
    starts = paths[paths.hop == 1]
    assert all(str(regions.get(iri))[:2] in ("11", "12") for iri in starts.from_iri)
    for row in paths.dropna(subset=["sentence"]).itertuples():
        assert g.article_text(row.article)[row.start:row.end] == row.sentence
    assert g.paths("京津", "河北", k=2).path.max() <= 2


def test_public_api_flows_strength_corridors(g):
    M = g.flows("province")
    assert list(M.index) == list(M.columns) and (M.to_numpy() >= 0).all()
    assert M.loc["北京市", "山东省"] > 0 and M.loc["天津市", "河北省"] > 0
    net = g.flows("province", net=True)
    assert (net.to_numpy() == -net.to_numpy().T).all()
    cities = g.flows("city")
    assert cities.loc["北京市", "德州市"] > 0
    assert (cities.sum(axis=0) + cities.sum(axis=1) > 0).all()  # drop_empty
    assert len(g.flows("city", drop_empty=False)) >= len(cities)
    strength = g.strength("province")
    assert list(strength.columns) == ["out", "in", "net", "internal"] and strength.loc["北京市", "out"] > 0
    corridors = g.corridors()
    assert corridors.corridor.tolist() == ["北京→河北", "天津→河北", "北京→天津"]
    assert corridors.set_index("corridor").loc["天津→河北", "forward"] > 0
    custom = g.corridors([("京津", "德州")], by_year=True)
    assert list(custom.columns) == ["corridor", "from", "to", "year", "forward", "back", "net"]


# -- seeing, checking, sharing ---------------------------------------------------------------------

def _offline(page: str) -> bool:
    return not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)


def test_public_api_show_is_offline_and_inline(g, tmp_path):
    view = g.show()
    assert isinstance(view, kg.GraphView) and len(view.nodes) > 20 and len(view.edges) > 20
    page = view.html
    assert _offline(page) and "new vis.Network" in page and "sourceMappingURL" not in page
    inline = view._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in inline
    assert "<script" not in inline  # the whole page is an attribute value, escaped
    assert view.save(tmp_path / "g.html").read_text(encoding="utf-8") == page
    focused = g.show(focus="德州天衢新区", depth=1)
    assert len(focused.nodes) < len(view.nodes)
    assert "德州天衢新区" in {n["label"] for n in focused.nodes}
    paths = g.paths("京津", "德州", k=2)
    marked = g.show(highlight=paths)
    assert any(e["highlight"] for e in marked.edges) and any(n["highlight"] for n in marked.nodes)
    assert len(g.show(kind="city").nodes) > 5
    top = g.show(limit=10)
    assert len(top.nodes) == 10 and "most connected" in top.title
    degree = dict(g.to_networkx().degree(weight="weight"))
    kept = {n["id"] for n in top.nodes}
    assert min(degree[n] for n in kept) >= max(d for n, d in degree.items() if n not in kept)
    with pytest.raises(ValueError, match="height"):
        g.show(height="1px;}</style>")


def test_public_api_show_escapes_article_text():
    from kg.rdf import KGStore

    store = KGStore()
    store.load(ROOT / "tests" / "data" / "algorithms" / "small.trig")
    evil = '</script><img src=x onerror=alert(1)>'
    store.update(f'INSERT DATA {{ GRAPH <{KGR}graph/a1> {{ <{KGR}entity/youyan> rdfs:label "{evil}"@zh }} }}')
    graph = kg.KnowledgeGraph(store)
    page = graph.show(isolated=True).html
    assert evil not in page and "<img" not in page
    assert "\\u003c/script\\u003e\\u003cimg" in page


def test_public_api_validate_and_export(g, tmp_path):
    report = g.validate()
    assert isinstance(report.conforms, bool) and report.conforms == (len(report.violations) == 0)
    written = g.export(tmp_path / "gephi", "gephi")
    nodes = (written / "nodes.csv").read_text(encoding="utf-8")
    assert "德州天衢新区" in nodes and (written / "edges.csv").exists()
    trig = g.export(tmp_path / "g.trig", "trig")
    assert "有研" in trig.read_text(encoding="utf-8")


def test_public_api_stats_repr_and_context_manager(seeds_store):
    with kg.open(seeds_store) as graph:
        assert "read-only" in repr(graph) and str(seeds_store) in repr(graph) and graph.path == seeds_store
        stats = graph.stats()
        assert stats["articles"] == 5 and stats["entities"]["University"] >= 5
        assert stats["ties"]["cooperatesWith"] > 10 and stats["triples"] > 1000
    assert graph.closed and "closed" in repr(graph)


# -- plots -------------------------------------------------------------------------------------------

def test_public_api_plots_png_uses_a_cjk_font(g, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from kg.plots import _covers

    ax = kg.plots.bar_chart(g.hubs(), "label", "hub_score", title="协作枢纽")
    heat = kg.plots.heatmap(g.flows("province"), title="省际流动")
    for name, axes in (("hubs.png", ax), ("flows.png", heat)):
        path = tmp_path / name
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font" would fail here
            axes.figure.savefig(path, dpi=60)
        assert path.stat().st_size > 2000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        family = axes.get_yticklabels()[0].get_fontname()
        font_path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        assert _covers(font_path, "".join(t.get_text() for t in axes.get_yticklabels()) + "京津冀德州定州")
    plt.close("all")
