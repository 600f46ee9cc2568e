"""The web API over HTTP: SPARQL endpoint behaviour beyond the W3C suite, REST endpoints, pages, limits.

Every request goes through a real uvicorn server (thread, random port) on a small hand-made graph
(``test_api_support.sample_extractions``). Bad input must give a clear 4xx, never a 5xx.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from api.main import create_app
from api.settings import Settings, get_settings
from api.sparql_text import DatasetConflict, add_using_clauses, keywords
from test_api_support import XSS_TITLE, api_client, build_store

KGR = "https://w3id.org/kg-innovation/id/"


@pytest.fixture(scope="module")
def store():
    s = build_store()
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    with api_client(create_app(Settings(result_cap=50), store=store)) as c:
        yield c


# --- settings ----------------------------------------------------------------------------------------

def test_api_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_STORE", str(tmp_path))
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("KG_CORS_ORIGINS", "http://a.example, http://b.example")
    settings = Settings.from_env()
    assert settings.store == tmp_path and settings.query_timeout == 2.5
    assert settings.cors_origins == ("http://a.example", "http://b.example")
    assert settings.updates_enabled is False and Settings().cors_origins == ()
    get_settings.cache_clear()
    assert get_settings() is get_settings()
    get_settings.cache_clear()


@pytest.mark.parametrize("bad", [dict(updates_enabled=True), dict(query_timeout=0), dict(result_cap=0)])
def test_api_settings_reject_unsafe_or_invalid_values(bad):
    with pytest.raises(ValueError):
        Settings(**bad)


def test_api_settings_env_errors_name_the_variable(monkeypatch):
    monkeypatch.setenv("KG_RESULT_CAP", "lots")
    with pytest.raises(ValueError, match="KG_RESULT_CAP"):
        Settings.from_env()


# --- SPARQL text helpers ---------------------------------------------------------------------------------

def test_api_sparql_keywords_ignore_strings_iris_and_comments():
    text = 'SELECT * { ?s <urn:SERVICE> "SERVICE" ; ex:service ?service } # SERVICE'
    assert "SERVICE" not in keywords(text)
    assert "SERVICE" in keywords("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")


def test_api_sparql_using_clauses_go_before_each_where():
    update = 'INSERT { ?s a <urn:X> } WHERE { ?s ?p "WHERE" } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o < 3) }'
    out = add_using_clauses(update, ["urn:g1"], ["urn:g2"])
    assert out.count("USING <urn:g1> USING NAMED <urn:g2> WHERE") == 2
    assert '"WHERE"' in out
    with pytest.raises(DatasetConflict):
        add_using_clauses("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:g1"], [])
    with pytest.raises(DatasetConflict):
        add_using_clauses("DELETE WHERE { ?s ?p ?o }", ["urn:g1"], [])


# --- SPARQL endpoint ---------------------------------------------------------------------------------------

SELECT_LABELS = "SELECT DISTINCT ?e ?label WHERE { ?e a kg:University ; rdfs:label ?label } ORDER BY ?label"


def test_api_sparql_select_in_every_format(client):
    expected = ["天津大学", "清华大学"]
    r = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    bindings = r.json()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == expected
    assert bindings[0]["label"]["xml:lang"] == "zh" and bindings[0]["e"]["type"] == "uri"

    r = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"accept": "application/sparql-results+xml"})
    ns = "{http://www.w3.org/2005/sparql-results#}"
    literals = ET.fromstring(r.content).iter(f"{ns}literal")
    assert [lit.text for lit in literals] == expected

    r = client.get("/sparql", params={"query": SELECT_LABELS, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["e", "label"] and [row[1] for row in rows[1:]] == expected

    r = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"accept": "text/tab-separated-values"})
    lines = r.text.splitlines()
    assert lines[0] == "?e\t?label" and lines[1].endswith('\t"天津大学"@zh')


def test_api_sparql_results_parse_with_rdflib(client):
    r = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"accept": "application/sparql-results+xml"})
    result = rdflib.query.Result.parse(io.BytesIO(r.content), format="xml")
    assert sorted(str(row.label) for row in result) == ["天津大学", "清华大学"]
    r = client.get("/sparql", params={"query": SELECT_LABELS, "format": "json"})
    result = rdflib.query.Result.parse(io.BytesIO(r.content), format="json")
    assert len(result) == 2


def test_api_sparql_construct_and_describe_formats(client):
    query = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:University ; rdfs:label ?l }"
    for accept, rdflib_format in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                  ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:
        r = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query",
                                                                     "accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept), accept
        graph = rdflib.Graph().parse(data=r.content, format=rdflib_format)
        assert {str(o) for o in graph.objects()} == {"天津大学", "清华大学"}, accept
    r = client.get("/sparql", params={"query": f"DESCRIBE <{KGR}entity/清华大学>", "format": "ntriples"})
    assert r.status_code == 200 and "清华大学" in r.text


def test_api_sparql_ask_and_datasets(client):
    graph = f"{KGR}graph/a1"
    ask = "ASK { ?e rdfs:label \"清华大学\"@zh }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    # With a protocol dataset the default graph is only article a1's graph.
    r = client.get("/sparql", params={"query": ask, "default-graph-uri": graph})
    assert r.json()["boolean"] is False
    r = client.get("/sparql", params={"query": "ASK { GRAPH ?g { ?e rdfs:label \"有研集团\"@zh } }", "named-graph-uri": graph})
    assert r.json()["boolean"] is True


def test_api_sparql_result_cap_truncates_and_says_so(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 50
    assert r.headers["x-kg-results-truncated"] == "true" and r.headers["x-kg-result-cap"] == "50"
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s a kg:University }"})
    assert "x-kg-results-truncated" not in r.headers


@pytest.mark.parametrize(("request_kwargs", "status", "message"), [
    (dict(method="GET", url="/sparql", params={"query": "SELECT * WHERE { ?s ?p "}), 400, "malformed query: error at 1:"),
    (dict(method="GET", url="/sparql", params={"query": "   "}), 400, "empty"),
    (dict(method="POST", url="/sparql", content=("SELECT * { ?s ?p ?o }" + " " * 100_001).encode(),
          headers={"content-type": "application/sparql-query"}), 413, "at most"),
    (dict(method="POST", url="/sparql", data={"query": "SELECT * { ?s ?p ?o }" + "#" * 100_001}), 413, "at most"),
    (dict(method="POST", url="/sparql", content=b"SELECT * {}", headers={"content-type": "text/plain"}), 415, "Content-Type"),
    (dict(method="POST", url="/sparql", content=b"SELECT * {}"), 415, "(none)"),
    (dict(method="POST", url="/sparql", content=b"\xff\xfe\x00", headers={"content-type": "application/sparql-query"}), 400, "UTF-8"),
    (dict(method="POST", url="/sparql", content=b"query=ASK%7B%7D&update=CLEAR%20ALL",
          headers={"content-type": "application/x-www-form-urlencoded"}), 400, "both"),
    (dict(method="GET", url="/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}), 400, "SERVICE"),
    (dict(method="GET", url="/sparql", params={"query": "ASK {}", "format": "csv"}), 406, "format='csv'"),
    (dict(method="GET", url="/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}), 400, "not a valid IRI"),
    (dict(method="POST", url="/sparql", content=b"LOAD <http://127.0.0.1:1/x>", headers={"content-type": "application/sparql-update"}), 403, "disabled"),
    (dict(method="DELETE", url="/sparql"), 405, ""),
])
def test_api_sparql_bad_requests_get_clear_4xx(client, request_kwargs, status, message):
    r = client.request(**request_kwargs)
    assert r.status_code == status, r.text
    assert message in r.text


def test_api_sparql_service_description(client):
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(graph.subjects(rdflib.RDF.type, sd.Service))
    assert str(graph.value(service, sd.endpoint)).endswith("/sparql")
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}
    assert len(set(graph.objects(service, sd.resultFormat))) == 8


def test_api_cors_is_closed_by_default_and_opens_when_configured(client, store):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.options("/sparql", headers={"origin": "http://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    with api_client(create_app(Settings(cors_origins=("http://ok.example",)), store=store)) as open_client:
        r = open_client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "http://ok.example"})
        assert r.headers["access-control-allow-origin"] == "http://ok.example"
        r = open_client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "http://evil.example"})
        assert "access-control-allow-origin" not in r.headers


def test_api_sparql_update_with_token_changes_the_graph_views(store):
    settings = Settings(updates_enabled=True, update_token="s3cret")
    with api_client(create_app(settings, store=store)) as c:
        assert c.get("/api/entities", params={"q": "新主体"}).json()["total"] == 0
        update = (f'INSERT DATA {{ GRAPH <{KGR}graph/manual> {{ <{KGR}entity/新主体> a kg:Enterprise ; '
                  'rdfs:label "新主体公司"@zh } }')
        r = c.post("/sparql", content=update.encode(), headers={"content-type": "application/sparql-update"})
        assert r.status_code == 401
        r = c.post("/sparql", content=update.encode(), headers={"content-type": "application/sparql-update",
                                                                 "authorization": "Bearer s3cret"})
        assert r.status_code == 204, r.text
        assert c.get("/api/entities", params={"q": "新主体"}).json()["total"] == 1
        r = c.post("/sparql", data={"update": f"DROP GRAPH <{KGR}graph/manual>"}, headers={"authorization": "Bearer s3cret"})
        assert r.status_code == 204
        assert c.get("/api/entities", params={"q": "新主体"}).json()["total"] == 0


def test_api_sparql_timeout_and_busy_workers_never_take_the_service_down():
    """A blocking query gets 504 at the deadline; while it runs on, health and REST answer, and with every
    worker busy a new query gets 503 at once."""
    slow = ox.Store()
    slow.bulk_extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), ox.DefaultGraph())
                      for i in range(2500)])
    blocking = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # 6.25M pairs, counted before any row
    app = create_app(Settings(query_timeout=0.3, query_workers=1), store=slow)
    with api_client(app) as c:
        results = {}

        def first():
            started = time.monotonic()
            results["first"] = c.get("/sparql", params={"query": blocking})
            results["first_seconds"] = time.monotonic() - started

        thread = threading.Thread(target=first)
        thread.start()
        time.sleep(0.1)
        health = c.get("/healthz")
        assert health.status_code == 200 and health.json()["busy_query_workers"] == 1
        busy = c.get("/sparql", params={"query": "ASK {}"})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5" and "busy" in busy.text
        thread.join()
        assert results["first"].status_code == 504, results["first"].text
        assert "0.3 s" in results["first"].text
        assert results["first_seconds"] < 2.0
        deadline = time.monotonic() + 60
        while c.get("/healthz").json()["busy_query_workers"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert c.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_api_sparql_streaming_query_stops_at_the_deadline():
    """A query that streams rows is cancelled between rows: its worker is free right after the 504."""
    slow = ox.Store()
    slow.bulk_extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), ox.DefaultGraph())
                      for i in range(3000)])
    app = create_app(Settings(query_timeout=0.3, query_workers=1, result_cap=10**9), store=slow)
    with api_client(app) as c:
        r = c.get("/sparql", params={"query": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c != ?f) }"})
        assert r.status_code == 504
        deadline = time.monotonic() + 5
        while c.get("/healthz").json()["busy_query_workers"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert c.get("/healthz").json()["busy_query_workers"] == 0


# --- REST ----------------------------------------------------------------------------------------------------

def test_api_entity_search_by_name_and_alias(client):
    r = client.get("/api/entities", params={"q": "有研"})
    assert r.status_code == 200
    assert [e["label"] for e in r.json()["results"]] == ["有研集团", "山东有研半导体材料有限公司"]
    r = client.get("/api/entities", params={"q": "中科定洋"})
    assert r.json()["results"][0]["key"] == "中科定洋农业集团有限公司"
    r = client.get("/api/entities", params={"q": "天衢新区"})  # alias and substring
    assert [e["label"] for e in r.json()["results"]] == ["德州天衢新区"]
    r = client.get("/api/entities", params={"q": "大学", "cls": "University"})
    assert {e["label"] for e in r.json()["results"]} == {"清华大学", "天津大学"}
    assert client.get("/api/entities", params={"q": "不存在的名字"}).json()["total"] == 0


def test_api_entity_detail_has_ties_and_evidence(client):
    r = client.get("/api/entities/有研集团")
    assert r.status_code == 200
    body = r.json()
    assert body["label"] == "有研集团" and body["cls"] == "Enterprise" and body["aliases"] == ["有研"]
    assert body["region"] == "110102" and body["region_label"] == "西城区"
    [tie] = body["ties"]  # the negated tie to 天津大学 is not a tie
    assert tie["relation"] == "transfersTechnologyTo" and tie["direction"] == "out"
    assert tie["other"]["label"] == "山东有研半导体材料有限公司"
    [evidence] = tie["evidence"]
    assert evidence["sentence"] == "2018年,德州市与有研集团正式牵手,有研集团将硅材料技术转移至山东有研半导体。"
    assert evidence["article_id"] == "a1" and evidence["url"] == "https://example.org/a1"
    assert evidence["title"] == "以产业链布局创新链 打造京津冀科技成果转化承接基地"
    incoming = client.get("/api/entities/山东有研半导体材料有限公司").json()["ties"]
    assert {(t["relation"], t["direction"]) for t in incoming} == {("transfersTechnologyTo", "in"), ("locatedIn", "out")}


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/api/entities/不存在", {}, 404),
    ("/api/entities/a%20b%3Cc%3E", {}, 404),
    ("/api/entities", {}, 422),
    ("/api/entities", {"q": ""}, 422),
    ("/api/entities", {"q": "有研", "limit": "many"}, 422),
    ("/api/entities", {"q": "x" * 201}, 422),
    ("/api/articles/nope", {}, 404),
    ("/api/articles", {"start": "yesterday"}, 422),
    ("/api/analysis/paths", {"source": "火星", "target": "定州"}, 422),
    ("/api/analysis/paths", {"source": "北京"}, 422),
    ("/api/analysis/hubs", {"by": "charm"}, 422),
    ("/api/analysis/flows", {"level": "galaxy"}, 422),
    ("/api/graph", {"level": "galaxy"}, 422),
    ("/api/graph", {"ego": "不存在"}, 404),
    ("/api/graph", {"region": "火星"}, 422),
    ("/api/graph", {"start": "2020-13-45x"}, 422),
    ("/api/graph/edge", {"source": "有研集团", "target": "不存在"}, 404),
])
def test_api_rest_bad_input_is_a_clear_4xx(client, path, params, status):
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_api_articles_list_and_detail(client):
    body = client.get("/api/articles").json()
    assert body["total"] == 4
    assert [a["id"] for a in body["results"]] == ["x1", "a1", "a2", "a3"]  # newest first
    assert client.get("/api/articles", params={"start": "2023", "end": "2023-06"}).json()["total"] == 1
    assert [a["id"] for a in client.get("/api/articles", params={"q": "定州"}).json()["results"]] == ["a2"]
    detail = client.get("/api/articles/a2").json()
    assert detail["title"] == "定州产学研合作让科技成果落地生金" and detail["ties"] == 3
    assert {e["label"] for e in detail["entities"]} == {"清华大学", "中科定洋农业集团有限公司", "河北金牛原大药业有限公司", "天津大学"}
    assert [t["relation"] for t in detail["tie_list"]] == ["cooperatesWith"] * 3
    negated = client.get("/api/articles/a3").json()["tie_list"]
    assert negated[0]["status"] == "negated"
    assert client.get("/api/articles/x1").json()["title"] == XSS_TITLE  # JSON carries it as data


def test_api_analysis_hubs_paths_flows(client):
    hubs = client.get("/api/analysis/hubs", params={"top": 3}).json()
    assert hubs["results"][0]["entity"]["label"] == "中科定洋农业集团有限公司"
    assert [h["rank"] for h in hubs["results"]] == [1, 2, 3]
    paths = client.get("/api/analysis/paths", params={"source": "北京", "target": "定州"}).json()
    assert "transfer_paths" in paths["method"]
    assert [n["label"] for n in paths["paths"][0]["nodes"]] == ["清华大学", "中科定洋农业集团有限公司"]
    entity_path = client.get("/api/analysis/paths", params={"source": "清华大学", "target": "天津大学", "mode": "any"}).json()
    assert [n["label"] for n in entity_path["paths"][0]["nodes"]] == [
        "清华大学", "中科定洋农业集团有限公司", "河北金牛原大药业有限公司", "天津大学"]
    assert entity_path["paths"][0]["steps"][0]["relations"] == ["cooperatesWith"]
    flows = client.get("/api/analysis/flows").json()
    pairs = {(f["source_label"], f["target_label"]): f["weight"] for f in flows["results"]}
    assert pairs[("北京市", "德州市")] == 1 and pairs[("北京市", "保定市")] == 1


def test_api_graph_views(client):
    full = client.get("/api/graph").json()
    assert full["level"] == "entity" and len(full["nodes"]) == full["total_nodes"] == 8
    node = next(n for n in full["nodes"] if n["label"] == "有研集团")
    assert node["cls"] == "Enterprise" and node["cityLabel"] == "北京市" and 10 <= node["size"] <= 40
    assert all(abs(n["x"]) <= 1000 and abs(n["y"]) <= 1000 for n in full["nodes"])
    again = client.get("/api/graph").json()
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in full["nodes"]]
    ego = client.get("/api/graph", params={"ego": "有研集团"}).json()
    assert {n["label"] for n in ego["nodes"]} == {"有研集团", "山东有研半导体材料有限公司"}
    deeper = client.get("/api/graph", params={"ego": "有研集团", "depth": 2}).json()
    assert len(deeper["nodes"]) == 3
    universities = client.get("/api/graph", params={"cls": "University"}).json()
    assert {n["label"] for n in universities["nodes"]} == {"清华大学", "天津大学"}
    transfers = client.get("/api/graph", params={"relation": "transfersTechnologyTo"}).json()
    assert len(transfers["edges"]) == 1 and len(transfers["nodes"]) == 2
    hebei = client.get("/api/graph", params={"region": "定州"}).json()
    assert all(n["regionLabel"] == "定州市" for n in hebei["nodes"]) and len(hebei["nodes"]) == 3
    dated = client.get("/api/graph", params={"start": "2024"}).json()
    assert {e["relation"] for e in dated["edges"]} == {"cooperatesWith"} and len(dated["edges"]) == 1
    limited = client.get("/api/graph", params={"limit": 2}).json()
    assert limited["truncated"] is True and len(limited["nodes"]) == 2
    cities = client.get("/api/graph", params={"level": "city"}).json()
    assert {n["label"] for n in cities["nodes"]} == {"北京市", "保定市", "天津市", "德州市"}
    edge = client.get("/api/graph/edge", params={"source": "中科定洋农业集团有限公司", "target": "清华大学"}).json()
    assert edge["ties"][0]["direction"] == "in" and "签署" in edge["ties"][0]["evidence"][0]["sentence"]


def test_api_pages_are_self_contained_and_locked_down(client):
    for path in ("/", "/explorer", "/query"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "http://" not in r.text and "https://" not in r.text  # no CDN
    js = client.get("/static/vendor/vis-network-9.1.2/vis-network.min.js")
    assert js.status_code == 200 and len(js.content) > 400_000
    for script in ("/static/explorer.js", "/static/query.js"):
        assert "innerHTML" not in client.get(script).text
    queries = client.get("/api/queries").json()
    assert any(q["name"] == "search_entities" for q in queries) and all(q["query"] for q in queries)
    openapi = client.get("/openapi.json").json()
    assert {"/sparql", "/api/entities", "/api/entities/{key}", "/api/articles", "/api/analysis/paths",
            "/api/graph"} <= set(openapi["paths"])
    assert client.get("/docs").status_code == 200


def test_api_never_answers_5xx_to_a_burst_of_odd_requests(client):
    odd = ["/api/entities?q=%00", "/api/entities/%00", "/api/entities/" + "长" * 600, "/api/graph?ego=%FF",
           "/api/articles/%2F%2F", "/api/analysis/paths?source=%00&target=%00", "/sparql?query=%00",
           "/sparql?query=" + "{" * 5000, "/api/graph/edge?source=&target=", "/api/analysis/paths?source=北京&target=北京"]
    for path in odd:
        r = client.get(path)
        assert r.status_code < 500, (path, r.status_code, r.text[:200])


def test_api_serve_helper_signature():
    import inspect

    from api.main import serve

    parameters = inspect.signature(serve).parameters
    assert list(parameters)[:3] == ["store", "port", "host"] and parameters["host"].default == "127.0.0.1"


def test_api_lifespan_opens_and_closes_the_store(tmp_path):
    from kg.rdf import KGStore
    from test_api_support import sample_extractions

    path = tmp_path / "store"
    with KGStore(path) as s:
        s.replace_article(sample_extractions()[0])
    app = create_app(Settings(store=path))
    with api_client(app) as c:
        assert c.get("/api/entities", params={"q": "有研"}).json()["total"] == 2
        r = c.post("/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"})
        assert r.status_code == 403
    assert app.state.store is None
    from api.main import open_store

    with pytest.raises(FileNotFoundError, match="kg build"):
        open_store(Settings(store=tmp_path / "missing"))


def test_api_json_bodies_are_utf8_chinese(client):
    r = client.get("/api/entities", params={"q": "清华"})
    assert "清华大学" in r.content.decode("utf-8")
    assert json.loads(r.content)["results"][0]["label"] == "清华大学"
