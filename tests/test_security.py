"""Security (issue #10): hostile article text stays inert everywhere it is shown or exported, writes need the
token, no path traversal, CORS closed by default, no server-side fetches.

The hostile store is built by the real pipeline from articles full of payloads (``<script>``,
``<img onerror>``, ``javascript:`` URLs, SPARQL-looking and Turtle-looking text, CSV formulas). Servers
bind 127.0.0.1 only. The browser test uses Debian's Chromium through Playwright, headless.
"""

from __future__ import annotations

import csv
import json
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest

from kg.pipeline import build
from kg.rdf import KGStore
from tests.test_reliability_support import HOSTILE_ENTITY, HOSTILE_LINES, HOSTILE_TITLE, asgi_client

pytest.importorskip("api.main")

KG = "https://w3id.org/kg-innovation/ontology#"
TOKEN = "s3cret-token-for-tests"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PAYLOAD_MARKERS = ("<script>", "onerror=", "javascript:", "DROP ALL", "<svg onload")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    """A store built by ``kg.pipeline.build`` from articles whose text, title, source and URL are payloads."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in"
    folder.mkdir()
    records = [
        {"id": "x1", "title": HOSTILE_TITLE, "source": '<img src=x onerror="window.__xss=1">', "date": "2024-01-05",
         "url": "javascript:window.__xss=1", "text": "\n".join(HOSTILE_LINES)},
        {"id": "x2", "title": '"}] ; DROP ALL ; { <script>window.__xss=1</script>', "text":
         f"{HOSTILE_ENTITY}与清华大学签署合作协议。\n" + "\n".join(reversed(HOSTILE_LINES))},
        {"id": '"><script>window.__xss=1</script>', "text": "德州市与有研集团合作建设集成电路生产基地。"},
    ]
    (folder / "hostile.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                                          encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>&lt;script&gt;window.__xss=1&lt;/script&gt;页面</title></head><body>"
        "<p>&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;天津大学与定州市企业开展合作。</p>"
        "<p><a href=\"javascript:window.__xss=1\">链接</a>北京大学与定州市签署合作协议。</p></body></html>",
        encoding="utf-8")
    store = base / "store"
    report = build([folder], store)
    assert report.built == 4, [str(p) for p in report.skipped]
    assert report.validation.conforms, report.validation
    return store


def _literals(store: Path) -> list[str]:
    with KGStore(store) as kgstore:
        return [str(q.object.value) for q in kgstore.oxigraph.quads_for_pattern(None, None, None, None)
                if isinstance(q.object, ox.Literal)]


def test_hostile_text_reaches_the_store_verbatim(hostile_store):
    """Precondition for the tests below: the payloads are in the store (as data, unchanged)."""
    literals = _literals(hostile_store)
    for marker in ("<script>window.__xss=1</script>", 'onerror="window.__xss=1"', "} ; DROP ALL ; {", "=HYPERLINK("):
        assert any(marker in value for value in literals), marker
    assert any(HOSTILE_TITLE == value for value in literals)


# --------------------------------------------------------------------------- REST API


def test_rest_api_answers_json_and_never_reflects_html(hostile_store):
    """Every API answer over hostile data is JSON (or plain text for errors), never HTML; data round-trips exactly."""
    checked = 0
    with asgi_client(hostile_store) as client:
        articles = client.get("/api/articles", params={"limit": 100}).json()["results"]
        ids = {a["id"] for a in articles}
        assert '"><script>window.__xss=1</script>' in ids
        for article_id in ids:
            response = client.get("/api/articles/" + quote(article_id, safe=""))
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            body = response.json()
            assert body["id"] == article_id
            checked += 1
        detail = client.get("/api/articles/x1").json()
        assert detail["title"] == HOSTILE_TITLE
        sentences = [t["sentence"] for t in detail["tie_list"]]
        assert any("<script>window.__xss=1</script>" in s for s in sentences), sentences
        for q in ("<script>", "科技", '"><img src=x onerror=alert(1)>', "' OR 1=1 --", "} ; DROP ALL ; {"):
            response = client.get("/api/entities", params={"q": q})
            assert response.status_code == 200 and response.headers["content-type"] == "application/json"
            checked += 1
        for path in ("/api/articles/<script>alert(1)<%2Fscript>", "/api/entities/<img src=x onerror=alert(1)>",
                     "/api/graph/edge?source=<script>&target=javascript:alert(1)",
                     "/api/analysis/paths?source=%3Cscript%3E&target=x", "/api/graph?region=<script>alert(1)</script>"):
            response = client.get(path)
            assert response.status_code < 500, (path, response.status_code, response.text[:200])
            kind = response.headers.get("content-type", "")
            assert not kind.startswith("text/html"), (path, kind)
            checked += 1
    print(f"\nREST answers checked over hostile data: {checked}")


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("fmt, ox_format", [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS),
                                            ("ttl", ox.RdfFormat.TURTLE), ("jsonld", None)])
def test_rdf_exports_reparse_to_the_same_data(hostile_store, tmp_path, fmt, ox_format):
    """Turtle/TriG/N-Quads/JSON-LD exports of hostile literals parse back to exactly the same statements."""
    out = tmp_path / f"dump.{fmt}"
    with KGStore(hostile_store) as kgstore:
        kgstore.export(out, fmt)
        quads = set(kgstore.oxigraph.quads_for_pattern(None, None, None, None))
    if fmt == "jsonld":
        import rdflib

        dataset = rdflib.Dataset()
        dataset.parse(out, format="json-ld")
        values = {str(o) for _, _, o, _ in dataset.quads((None, None, None, None)) if isinstance(o, rdflib.Literal)}
        assert values == {q.object.value for q in quads if isinstance(q.object, ox.Literal)}
        return
    parsed = list(ox.parse(path=str(out), format=ox_format))
    if fmt == "ttl":  # all graphs merged into the default graph
        assert {(q.subject, q.predicate, q.object) for q in parsed} == {(q.subject, q.predicate, q.object) for q in quads}
    else:
        assert set(parsed) == quads


def test_gephi_csv_export_reparses_to_the_same_labels_and_evidence(hostile_store, tmp_path):
    """nodes.csv/edges.csv keep hostile labels and sentences exactly (CSV quoting round-trips)."""
    out = tmp_path / "gephi"
    with KGStore(hostile_store) as kgstore:
        kgstore.export(out, "gephi")
        labels = {r["l"] for r in kgstore.select(
            "SELECT ?l WHERE { ?e a ?c ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
            "FILTER(STRSTARTS(STR(?e), 'https://w3id.org/kg-innovation/id/entity/')) }")}
        sentences = {r["s"] for r in kgstore.select(f"SELECT ?s WHERE {{ ?e <{KG}sentence> ?s }}")}
    with open(out / "nodes.csv", encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(out / "edges.csv", encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert {n["Label"] for n in nodes} <= labels and len(nodes) > 0
    evidence_text = "\n".join(e["evidence"] for e in edges)
    hostile = [s for s in sentences if "<script>" in s or "=HYPERLINK" in s]
    assert hostile
    for sentence in hostile:
        assert sentence in evidence_text or any(sentence in e["evidence"] for e in edges), sentence[:60]


def test_sparql_csv_tsv_results_reparse_to_the_json_results(hostile_store):
    """SPARQL results over hostile literals: CSV and TSV parse back to the same values as JSON."""
    query = f"SELECT ?s WHERE {{ ?e <{KG}sentence> ?s }} ORDER BY ?s"
    with asgi_client(hostile_store) as client:
        as_json = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        as_csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
        as_tsv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"})
    assert as_json.status_code == as_csv.status_code == as_tsv.status_code == 200
    expected = [b["s"]["value"] for b in as_json.json()["results"]["bindings"]]
    assert any("<script>" in value for value in expected)
    rows = list(csv.reader(as_csv.text.splitlines(keepends=True)))
    assert rows[0] == ["s"] and [r[0] for r in rows[1:]] == expected
    tsv_values = [ox.Literal(v) for v in expected]
    tsv_lines = as_tsv.text.rstrip("\n").split("\n")
    assert tsv_lines[0] == "?s" and len(tsv_lines) - 1 == len(expected)
    assert tsv_lines[1:] == [str(v) for v in tsv_values]  # N-Triples-style escaped literals, one per line


# --------------------------------------------------------------------------- writes need the token


def test_sparql_update_refused_without_the_configured_token(hostile_store, tmp_path):
    """Updates: refused when disabled; with updates on, refused without/with a wrong token, applied with it."""
    insert = 'INSERT DATA { <urn:x:a> <urn:x:b> "pwned" }'
    drop = "DROP ALL"
    with asgi_client(hostile_store) as client:  # default settings: read-only service
        for body, headers in ((insert, {"Content-Type": "application/sparql-update"}),
                              (drop, {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})):
            response = client.post("/sparql", content=body.encode(), headers=headers)
            assert response.status_code == 403, response.text
        response = client.post("/sparql", data={"update": drop})
        assert response.status_code == 403
        response = client.get("/sparql", params={"update": drop})
        assert response.status_code == 400
        for method in ("PUT", "DELETE", "PATCH"):
            assert client.request(method, "/sparql", content=drop).status_code in (405, 403)
    writable = tmp_path / "store"
    shutil.copytree(hostile_store, writable)
    with asgi_client(writable, updates_enabled=True, update_token=TOKEN) as client:
        ask = 'ASK { <urn:x:a> <urn:x:b> "pwned" }'
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                        {"Authorization": f"Basic {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"}):
            response = client.post("/sparql", content=insert.encode(),
                                   headers={"Content-Type": "application/sparql-update", **headers})
            assert response.status_code == 401, (headers, response.status_code)
            assert client.get("/sparql", params={"query": ask},
                              headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is False
        response = client.post("/sparql", content=insert.encode(), headers={
            "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert response.status_code in (200, 204), response.text
        assert client.get("/sparql", params={"query": ask},
                          headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is True
        # no server-side fetches, even with the token
        response = client.post("/sparql", content=b"LOAD <http://127.0.0.1:1/x.ttl>", headers={
            "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 400


def test_federated_service_queries_are_refused(hostile_store):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    with asgi_client(hostile_store) as client:
        for variant in (query, query.replace("SERVICE", "service"), query.replace("SERVICE", "SeRvIcE SILENT")):
            response = client.get("/sparql", params={"query": variant})
            assert response.status_code == 400, (variant, response.status_code)


# --------------------------------------------------------------------------- path traversal


def _raw_get(base: str, raw_path: str) -> tuple[int, bytes]:
    """Send ``GET raw_path`` byte for byte (no client-side normalisation of ``..``)."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {raw_path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if len(data) > 1_000_000:
                break
    status = int(data.split(b" ", 2)[1])
    return status, data


TRAVERSALS = [
    "/static/../../etc/passwd", "/static/../../../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e/%252e%252e/etc/passwd", "/static/..%5c..%5c..%5cetc%5cpasswd", "/static/....//....//etc/passwd",
    "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/static//etc/passwd", "/static/vendor/../../../../etc/passwd",
    "/static/explorer.js%00.html", "/../../etc/passwd", "/api/articles/..%2f..%2f..%2fetc%2fpasswd",
]


def test_no_path_traversal(hostile_store):
    with asgi_client(hostile_store) as client:
        base = str(client.base_url).rstrip("/")
        assert _raw_get(base, "/static/explorer.js")[0] == 200  # the static mount works
        for path in TRAVERSALS:
            status, data = _raw_get(base, path)
            assert b"root:x:0:0" not in data and b"root:" not in data.split(b"\r\n\r\n", 1)[-1][:200], path
            assert status in (400, 404, 405), (path, status)


# --------------------------------------------------------------------------- CORS


def test_cors_closed_by_default_and_only_for_configured_origins(hostile_store):
    evil = {"Origin": "https://evil.example"}
    with asgi_client(hostile_store) as client:
        for response in (client.get("/api/articles", headers=evil),
                         client.get("/sparql", params={"query": "ASK {}"}, headers=evil),
                         client.options("/sparql", headers={**evil, "Access-Control-Request-Method": "POST"})):
            assert "access-control-allow-origin" not in response.headers, dict(response.headers)
            assert "access-control-allow-credentials" not in response.headers
    with asgi_client(hostile_store, cors_origins=("https://good.example",)) as client:
        good = client.get("/api/articles", headers={"Origin": "https://good.example"})
        assert good.headers.get("access-control-allow-origin") == "https://good.example"
        bad = client.get("/api/articles", headers=evil)
        assert "access-control-allow-origin" not in bad.headers
        preflight = client.options("/sparql", headers={**evil, "Access-Control-Request-Method": "POST"})
        assert preflight.headers.get("access-control-allow-origin") != "https://evil.example"


# --------------------------------------------------------------------------- the explorer in a browser


def _wait(page, predicate: str, timeout: float = 30.0) -> None:
    """Poll a JS function until it returns true (the pages' CSP forbids the string eval wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        page.wait_for_timeout(100)


@pytest.mark.browser
def test_explorer_and_query_page_keep_hostile_text_inert(hostile_store):
    """Headless Chromium: load the explorer, search and open hostile entities and articles' evidence, run a query
    listing hostile literals on the query page; ``window.__xss`` stays undefined and no dialog opens."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    dialogs, console, steps = [], [], 0
    with asgi_client(hostile_store) as client, sync_api.sync_playwright() as pw:
        base = str(client.base_url).rstrip("/")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.set_default_timeout(20_000)
            page.goto(base + "/")
            _wait(page, "() => document.body.dataset.state !== 'loading'")
            assert page.evaluate("() => document.body.dataset.state") == "ready", (page.inner_text("#status"), console)
            assert page.evaluate("typeof window.__xss") == "undefined"
            for q in ("科技", "清华", "有研", "<script>", "onerror"):
                page.fill("#search", q)
                page.click("#search-go")
                page.wait_for_timeout(300)
                buttons = page.locator("#search-results button")
                for i in range(min(buttons.count(), 3)):
                    buttons.nth(i).click()
                    page.wait_for_timeout(400)
                    steps += 1
                    assert page.evaluate("typeof window.__xss") == "undefined", q
            body = page.inner_text("body")
            assert "<script>" not in page.inner_html("#detail-body") or "&lt;script&gt;" in page.inner_html("#detail-body")
            page.goto(base + "/query")
            page.fill("#editor", f"SELECT ?s ?t WHERE {{ {{ ?e <{KG}sentence> ?s }} UNION {{ ?a <http://purl.org/dc/terms/title> ?t }} }}")
            page.click("#run")
            _wait(page, "() => document.querySelector('#output table, #output pre') !== null")
            shown = page.inner_text("#output")
            assert "<script>window.__xss=1</script>" in shown  # shown as text...
            assert page.evaluate("typeof window.__xss") == "undefined"  # ...never run
            assert page.locator("#output script, #output img, #output svg").count() == 0
            steps += 2
        finally:
            browser.close()
    assert not dialogs, dialogs
    assert body  # the explorer rendered something
    print(f"\nbrowser steps over hostile data: {steps}, window.__xss: undefined")


def test_html_pages_carry_a_strict_content_security_policy(hostile_store):
    """The explorer and query pages forbid inline/eval script and framing; a second line of defence under textContent."""
    with asgi_client(hostile_store) as client:
        for path in ("/", "/explorer", "/query"):
            response = client.get(path)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
            policy = response.headers.get("content-security-policy", "")
            directives = {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}
            assert directives.get("script-src") == "script-src 'self'", policy
            assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
            assert directives.get("object-src") == "object-src 'none'", policy
            assert "frame-ancestors" in directives, policy
            assert response.headers.get("x-content-type-options") == "nosniff"
            assert "<script>" not in response.text.replace("<script src=", "")  # no inline script at all
