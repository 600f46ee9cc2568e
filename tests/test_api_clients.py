"""Standard SPARQL clients against a live ``api.main.serve`` process: SPARQLWrapper and rdflib's SPARQLStore.

The fixture builds a store on disk, starts ``serve(store, port)`` in a child process on a random free port
of 127.0.0.1, waits for ``/healthz`` and stops the process by its PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import rdflib

from kg.rdf import KGStore
from test_api_support import free_port, sample_extractions

ROOT = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/kg-innovation/ontology#"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("clients") / "store"
    with KGStore(path) as store:
        for extraction in sample_extractions():
            store.replace_article(extraction)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-c", f"from api.main import serve; serve({str(path)!r}, {port})"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}: {process.stdout.read()}")
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base + "/sparql"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def test_api_clients_sparqlwrapper_select_ask_construct(endpoint):
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(f"SELECT DISTINCT ?label WHERE {{ ?e a <{KG}University> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?label")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["天津大学", "清华大学"]

    client.setReturnFormat(XML)
    client.setMethod("POST")
    document = client.queryAndConvert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["天津大学", "清华大学"]

    client.setQuery('ASK { ?e <http://www.w3.org/2000/01/rdf-schema#label> "有研集团"@zh }')
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True

    client.setQuery(f"CONSTRUCT {{ ?a <{KG}transfersTechnologyTo> ?b }} WHERE {{ ?a <{KG}transfersTechnologyTo> ?b }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert {(str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1]) for s, o in graph.subject_objects()} == {
        ("有研集团", "山东有研半导体材料有限公司")}


def test_api_clients_sparqlwrapper_reports_a_malformed_query(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p ")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="malformed query"):
        client.queryAndConvert()


def test_api_clients_rdflib_sparqlstore(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = graph.query(f"SELECT DISTINCT ?label WHERE {{ ?e a <{KG}Park> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}")
    assert [str(r.label) for r in rows] == ["德州天衢新区"]
    assert graph.query('ASK { ?e <http://www.w3.org/2000/01/rdf-schema#label> "清华大学"@zh }').askAnswer is True
    built = graph.query(f"CONSTRUCT {{ ?e a <{KG}University> }} WHERE {{ ?e a <{KG}University> }}")
    assert len(built.graph) == 2
    xml_store = rdflib.Graph(store=SPARQLStore(endpoint))  # default: SPARQL XML results
    assert len(list(xml_store.query(f"SELECT ?e WHERE {{ ?e a <{KG}University> }}"))) >= 2


def test_api_clients_updates_are_refused_by_default(endpoint):
    r = httpx.post(endpoint, content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403
    r = httpx.get(endpoint, params={"query": "ASK { ?s ?p ?o }"})
    assert r.json()["boolean"] is True
