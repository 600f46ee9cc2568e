"""The W3C SPARQL 1.1 Protocol test suite, run against the endpoint over real HTTP.

The manifest and data are copied from w3c/rdf-tests into ``tests/data/api/sparql11-protocol`` (W3C dual
licence, see LICENSE.rdf-tests.md / SOURCE.md there). For each ``mf:ProtocolTest``: the store is emptied,
the test's data files are loaded into the named graphs it lists, its requests are sent in order (the
manifest's ``/sparql/`` path prefix replaced by ``/sparql``) and each response is checked for the expected
status class and, when given, result format (boolean / tabular / RDF) and boolean value.

Two services are tested: one with updates enabled and a bearer token (every test must pass), and the
default one (updates disabled): there every update request must be refused with 403, and the query-side
tests must pass unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Namespace
from rdflib.collection import Collection

from api.main import create_app
from api.settings import Settings
from kg.rdf import KGStore
from test_api_support import api_client

DATA = Path(__file__).parent / "data" / "api" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "protocol-test-token"

RESULT_TYPES = {"boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
                "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                            "text/tab-separated-values"},
                "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}}


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict
    body: bytes | None
    expected_status: set[str]
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        media = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace")
        return media.startswith("application/sparql-update") or (
            media.startswith("application/x-www-form-urlencoded") and text.startswith("update="))


@dataclass
class ProtocolTest:
    name: str
    title: str
    data: list[tuple[str, str]] = field(default_factory=list)  # (file, graph IRI)
    requests: list[ProtocolRequest] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return self.name.startswith(("update_", "bad_update_")) or any(r.is_update for r in self.requests)


def load_manifest() -> list[ProtocolTest]:
    """Every test of the manifest, in manifest order."""
    graph = rdflib.Graph()
    base = (DATA / "manifest.ttl").resolve().as_uri()
    graph.parse(DATA / "manifest.ttl", format="turtle", publicID=base)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for node in Collection(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(name=str(node).rsplit("#", 1)[-1], title=str(graph.value(node, MF.name)))
        for graph_data in graph.objects(node, UT.graphData):
            file = str(graph.value(graph_data, UT.graph)).rsplit("/", 1)[-1]
            test.data.append((file, str(graph.value(graph_data, rdflib.RDFS.label))))
        action = graph.value(node, MF.action)
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
            body = None
            body_node = graph.value(request, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            path = str(graph.value(request, HT.absolutePath))
            assert path.startswith("/sparql/"), path
            boolean = graph.value(response, MF.expectedBoolean)
            test.requests.append(ProtocolRequest(
                method=str(graph.value(request, HT.methodName)),
                path="/sparql" + path[len("/sparql/"):],
                headers=headers,
                body=body,
                expected_status={str(s)[len(HTS):] for s in graph.objects(response, MF.expectedStatus)},
                expected_format=str(graph.value(response, MF.expectedFormat) or "") or None,
                expected_boolean=None if boolean is None else boolean.toPython(),
            ))
        tests.append(test)
    return tests


TESTS = load_manifest()
QUERY_TESTS = [t for t in TESTS if not t.is_update]
UPDATE_TESTS = [t for t in TESTS if t.is_update]


def test_sparql_protocol_manifest_is_complete():
    """The copied manifest has its 34 tests: 20 query-side, 14 update-side."""
    assert len(TESTS) == 34
    assert len(QUERY_TESTS) == 20 and len(UPDATE_TESTS) == 14
    assert all(t.requests for t in TESTS)


@pytest.fixture(scope="module")
def store():
    with KGStore() as s:
        yield s


@pytest.fixture(scope="module")
def updatable_client(store):
    app = create_app(Settings(updates_enabled=True, update_token=TOKEN), store=store)
    with api_client(app) as client:
        yield client


@pytest.fixture(scope="module")
def readonly_client(store):
    with api_client(create_app(Settings(), store=store)) as client:
        yield client


def reset(store: KGStore, test: ProtocolTest) -> None:
    """Empty the store and load the test's data files into the graphs it names."""
    store.oxigraph.clear()
    for file, graph in test.data:
        store.oxigraph.load(path=str(DATA / file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def _boolean_of(response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    root = ET.fromstring(response.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def check_response(request: ProtocolRequest, response) -> None:
    status_class = f"{response.status_code // 100}xx"
    assert status_class in request.expected_status, (
        f"{request.method} {request.path}: status {response.status_code} ({response.text[:200]!r}), "
        f"expected one of {sorted(request.expected_status)}")
    if request.expected_format is None:
        return
    media = response.headers["content-type"].split(";")[0].strip()
    assert media in RESULT_TYPES[request.expected_format], f"{media} is not a {request.expected_format} format"
    if request.expected_format == "boolean":
        value = _boolean_of(response)
        if request.expected_boolean is not None:
            assert value is request.expected_boolean
    elif request.expected_format == "tabular":
        if media == "application/sparql-results+json":
            assert "bindings" in json.loads(response.content)["results"]
        elif media == "text/csv":
            assert next(csv.reader(io.StringIO(response.text)))
        elif media == "application/sparql-results+xml":
            ET.fromstring(response.content)
    else:
        rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                         "application/rdf+xml": "xml"}[media]
        rdflib.Graph().parse(data=response.content, format=rdflib_format)


def run(client, test: ProtocolTest, token: str | None) -> list:
    responses = []
    for request in test.requests:
        headers = dict(request.headers)
        if token and request.is_update:
            headers["authorization"] = f"Bearer {token}"
        response = client.request(request.method, request.path, headers=headers, content=request.body)
        assert response.status_code < 500, f"{test.name}: server error {response.status_code}: {response.text[:300]}"
        responses.append((request, response))
    return responses


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_sparql_protocol_w3c_with_updates_enabled(test, store, updatable_client):
    """Every W3C protocol test passes on a service with updates enabled (bearer token sent)."""
    reset(store, test)
    for request, response in run(updatable_client, test, TOKEN):
        check_response(request, response)


@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t.name for t in QUERY_TESTS])
def test_sparql_protocol_w3c_query_side_on_default_service(test, store, readonly_client):
    """With the default settings (updates off) every query-side test passes too."""
    reset(store, test)
    for request, response in run(readonly_client, test, None):
        check_response(request, response)


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.name for t in UPDATE_TESTS])
def test_sparql_protocol_w3c_updates_refused_on_default_service(test, store, readonly_client):
    """With updates disabled every update request is refused (403, or 4xx when malformed) and nothing changes."""
    reset(store, test)
    before = len(store.oxigraph)
    for request, response in run(readonly_client, test, TOKEN):
        if request.is_update:
            assert 400 <= response.status_code < 500
            if not test.name.startswith("bad_"):
                assert response.status_code == 403, response.text
    assert len(store.oxigraph) == before


def test_sparql_protocol_update_needs_the_token(store, updatable_client):
    """An update without (or with a wrong) bearer token is refused with 401 and changes nothing."""
    store.oxigraph.clear()
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": f"Basic {TOKEN}"}):
        response = updatable_client.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                         headers={"content-type": "application/sparql-update", **headers})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert len(store.oxigraph) == 0
