"""Loading N-Quads shards into a real external SPARQL server (Oxigraph server started by the test)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.remote import graphs_of_shard, load_to_endpoint
from tests.scale_server import OxigraphServer, oxigraph_binary

DATA = Path(__file__).parent / "data" / "scale"
SHARD = DATA / "two_articles.nq"
CHANGED = DATA / "a1_changed.nq"

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server CLI not installed (pip install oxigraph)")


@pytest.fixture
def server(tmp_path):
    srv = OxigraphServer(tmp_path / "oxigraph").start()
    yield srv
    srv.stop()


def _expected(*files: Path) -> set[str]:
    return {str(q) for f in files for q in ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS)}


def test_graphs_of_shard_groups_lines_by_graph():
    groups = list(graphs_of_shard(SHARD))
    assert [g for g, _ in groups] == ["https://w3id.org/kg-innovation/id/graph/a1",
                                      "https://w3id.org/kg-innovation/id/graph/a2"]
    assert [len(lines) for _, lines in groups] == [5, 3]


@pytest.mark.parametrize("method", ["update", "gsp", "quads"])
def test_load_to_endpoint_puts_every_quad_on_the_server(server, method):
    url = server.update_url if method == "update" else server.store_url
    report = load_to_endpoint([SHARD], url, method=method, update_url=server.update_url)
    assert report.problems == []
    assert (report.graphs, report.quads) == (2, 8)
    assert server.quads() == _expected(SHARD)


@pytest.mark.parametrize("method", ["update", "gsp", "quads"])
def test_reload_replaces_article_graphs(server, method):
    url = server.update_url if method == "update" else server.store_url
    load_to_endpoint([SHARD], url, method=method, update_url=server.update_url)
    load_to_endpoint([SHARD], url, method=method, update_url=server.update_url)
    assert server.quads() == _expected(SHARD)  # idempotent
    load_to_endpoint([CHANGED], url, method=method, update_url=server.update_url)
    graph_a2 = {q for q in _expected(SHARD) if "/graph/a2>" in q}
    assert server.quads() == _expected(CHANGED) | graph_a2  # a1 replaced whole, a2 untouched


def test_small_batches_split_between_graphs(server):
    report = load_to_endpoint([SHARD], server.update_url, batch_bytes=10)
    assert report.requests == 2  # one graph per request, a graph is never split
    assert server.quads() == _expected(SHARD)


def test_bad_shard_is_reported_and_the_others_loaded(server, tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://ex/a> <http://ex/p> "unterminated <http://ex/g> .\n', encoding="utf-8")
    problems = []
    report = load_to_endpoint([bad, tmp_path / "missing.nq", SHARD], server.update_url, on_problem=problems.append)
    assert [Path(p.path).name for p in problems] == ["bad.nq", "missing.nq"]
    assert "N-Quads" in problems[0].reason
    assert server.quads() == _expected(SHARD)


def test_rejected_request_names_the_shard_and_the_status(server):
    report = load_to_endpoint([SHARD], server.base + "/no-such-service", retries=0)
    assert report.quads == 0
    assert len(report.problems) == 1
    assert "HTTP 404" in report.problems[0].reason and report.problems[0].path.endswith("two_articles.nq")


def test_unreachable_server_is_a_problem_not_a_crash(tmp_path):
    from tests.scale_server import free_port

    report = load_to_endpoint([SHARD], f"http://127.0.0.1:{free_port()}/update", retries=0, timeout=2)
    assert report.quads == 0 and "ConnectError" in report.problems[0].reason


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="method"):
        load_to_endpoint([SHARD], "http://x", method="ftp")
    with pytest.raises(ValueError, match="update_url"):
        load_to_endpoint([SHARD], "http://x", method="quads")


# -- the whole path: a built store's graphs on an external server answer the named queries alike --------------

NAMED = [("summary", {}), ("class_counts", {}), ("relation_counts", {}), ("hubs", {}), ("ties_summary", {}), ("articles", {}),
         ("entities_in_region", {"region": "371400"}), ("search_entities", {"q": "大学"})]


def _prefixed(text: str) -> str:
    from kg.rdf.store import PREFIXES

    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + text


def _rows(output: str) -> list[str]:
    import json

    return sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in json.loads(output))


@pytest.mark.parametrize("method", ["update", "quads"])
def test_external_server_answers_named_queries_like_the_embedded_store(seeds_store, server, tmp_path, method):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.rdf import KGStore

    export = tmp_path / "articles.nq"
    with KGStore(seeds_store, read_only=True) as store:
        store.export(export, "nquads", include_shared=False)
        queries = {name: _prefixed(store.named_query_text(name, **args)) for name, args in NAMED}
    url = server.update_url if method == "update" else server.store_url
    report = load_to_endpoint([export], url, method=method, update_url=server.update_url, include_shared=True,
                              refresh_summary=True)
    assert report.problems == [] and report.graphs >= 7  # 5 articles + ontology + regions
    runner = CliRunner()
    for name, query in queries.items():
        local = runner.invoke(app, ["query", "--store", str(seeds_store), "--format", "json", query])
        remote = runner.invoke(app, ["query", "--endpoint", server.query_url, "--format", "json", query])
        assert local.exit_code == 0, local.output
        assert remote.exit_code == 0, remote.output
        assert _rows(local.output), f"{name}: no rows on the seeds store"
        assert _rows(remote.output) == _rows(local.output), name
