"""The graph explorer and query page in a real headless Chromium (Debian's /usr/bin/chromium via playwright).

Checks: the network is drawn from the API's JSON, search finds 有研 and a click shows an evidence sentence,
a 北京→定州 transfer path is highlighted, the city view draws, the query page runs a query, and script
payloads planted in an article title, an entity name and an evidence sentence never execute.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from api.main import create_app
from api.settings import Settings
from test_api_support import XSS_NAME, build_store, serve_in_thread

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/install-system-deps.sh installs it)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def base_url():
    store = build_store()
    with serve_in_thread(create_app(Settings(), store=store)) as url:
        yield url
    store.close()


@pytest.fixture()
def page(browser):
    # CSP is bypassed so that playwright's wait_for_function may evaluate predicates; the pages must stay
    # safe on escaping alone (the CSP header is a second line of defence, checked in test_api.py).
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.external_requests = []

    def record(request):
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            page.external_requests.append(request.url)

    page.on("request", record)
    yield page
    context.close()


def open_explorer(page, base_url):
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-state=ready]", timeout=20000)


def canvas_has_pixels(page) -> bool:
    return page.evaluate("""() => {
        const canvas = document.querySelector('#network canvas');
        if (!canvas) return false;
        const ctx = canvas.getContext('2d');
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < data.length; i += 4) { if (data[i + 3] > 0) coloured++; }
        return coloured > 100;
    }""")


def test_browser_explorer_draws_the_network(page, base_url):
    open_explorer(page, base_url)
    assert int(page.get_attribute("body", "data-nodes")) == 8
    assert int(page.get_attribute("body", "data-edges")) >= 5
    assert page.evaluate("window.kgExplorer.nodes.length") == 8
    assert canvas_has_pixels(page)
    assert "8 个节点" in page.text_content("#status")
    assert page.external_requests == []
    assert page.errors == []


def test_browser_explorer_search_and_evidence(page, base_url):
    open_explorer(page, base_url)
    page.fill("#search", "有研")
    page.press("#search", "Enter")
    page.wait_for_selector("#search-results button[data-key='有研集团']")
    assert page.locator("#search-results button").count() == 2
    page.click("#search-results button[data-key='有研集团']")
    page.wait_for_selector("#detail-body .evidence")
    assert page.text_content("#detail-title") == "有研集团"
    assert "有研集团将硅材料技术转移至山东有研半导体" in page.text_content("#detail-body")
    assert page.evaluate("window.kgExplorer.network.getSelectedNodes()") == [
        "https://w3id.org/kg-innovation/id/entity/有研集团"]


def test_browser_explorer_click_on_node_and_edge(page, base_url):
    open_explorer(page, base_url)
    # Click where vis-network drew 清华大学, then on the middle of its edge to 中科定洋.
    tsinghua = "https://w3id.org/kg-innovation/id/entity/清华大学"
    zkdy = "https://w3id.org/kg-innovation/id/entity/中科定洋农业集团有限公司"
    page.evaluate(f"window.kgExplorer.network.fit({{nodes: ['{tsinghua}', '{zkdy}'], animation: false}})")
    box = page.locator("#network").bounding_box()
    a = page.evaluate(f"window.kgExplorer.network.canvasToDOM(window.kgExplorer.network.getPositions(['{tsinghua}'])['{tsinghua}'])")
    b = page.evaluate(f"window.kgExplorer.network.canvasToDOM(window.kgExplorer.network.getPositions(['{zkdy}'])['{zkdy}'])")
    page.mouse.click(box["x"] + a["x"], box["y"] + a["y"])
    page.wait_for_function("document.querySelector('#detail-title').textContent === '清华大学'")
    page.wait_for_selector("#detail-body .evidence")
    assert "签署产学研合作项目协议" in page.text_content("#detail-body")
    page.mouse.click(box["x"] + (a["x"] + b["x"]) / 2, box["y"] + (a["y"] + b["y"]) / 2)
    page.wait_for_function("document.querySelector('#detail-title').textContent.includes('—')")
    page.wait_for_selector("#detail-body .evidence")
    assert "清华大学 — 中科定洋农业集团有限公司" == page.text_content("#detail-title")


def test_browser_explorer_highlights_a_beijing_dingzhou_path(page, base_url):
    open_explorer(page, base_url)
    page.fill("#path-source", "北京")
    page.fill("#path-target", "定州")
    page.click("#path-go")
    page.wait_for_selector("body[data-highlighted]")
    labels = page.locator("#path-result li[data-key]").all_text_contents()
    assert labels[0].startswith("清华大学") and labels[-1].startswith("中科定洋农业集团有限公司")
    assert int(page.get_attribute("body", "data-highlighted")) == len(labels) == 2
    assert page.evaluate("[...window.kgExplorer.highlighted]") == [
        "https://w3id.org/kg-innovation/id/entity/清华大学", "https://w3id.org/kg-innovation/id/entity/中科定洋农业集团有限公司"]
    assert page.evaluate("window.kgExplorer.highlightedEdges.size") == 1
    assert page.evaluate("window.kgExplorer.edges.get([...window.kgExplorer.highlightedEdges][0]).width") == 5


def test_browser_explorer_city_view(page, base_url):
    open_explorer(page, base_url)
    page.select_option("#level", "city")
    page.wait_for_function("window.kgExplorer.level === 'city' && document.body.dataset.state === 'ready'")
    labels = page.evaluate("window.kgExplorer.data.nodes.map(n => n.label).sort()")
    assert labels == sorted(["北京市", "保定市", "天津市", "德州市"])
    assert canvas_has_pixels(page)


def test_browser_explorer_xss_payloads_stay_inert(page, base_url):
    open_explorer(page, base_url)
    page.fill("#search", "科技有限公司")
    page.press("#search", "Enter")
    page.wait_for_selector("#search-results button[data-key='evil-co']")
    page.click("#search-results button[data-key='evil-co']")
    page.wait_for_selector("#detail-body .evidence")
    # The payloads are shown as text, and none of them ran.
    assert page.text_content("#detail-title") == XSS_NAME
    assert "<script>window.__xss=1</script>" in page.text_content("#detail-body")
    assert page.locator("#detail-body img, #detail-body script, #detail-title img").count() == 0
    # A javascript: article URL never becomes a link.
    assert page.locator("#detail-body a[href^='javascript']").count() == 0
    page.click("#detail-actions button")  # ego network of the evil entity: its label drawn on the canvas
    page.wait_for_function("document.body.dataset.state === 'ready' && window.kgExplorer.ego === 'evil-co'")
    page.hover("#network")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.errors == []


def test_browser_query_page_runs_a_query(page, base_url):
    page.goto(base_url + "/query")
    page.wait_for_function("document.querySelectorAll('#examples option').length > 1")
    page.fill("#editor", "SELECT DISTINCT ?label WHERE { ?e a kg:University ; rdfs:label ?label } ORDER BY ?label")
    page.click("#run")
    page.wait_for_selector("body[data-state=done]")
    assert page.locator("table.results-table tbody tr").all_text_contents() == ["天津大学 @zh", "清华大学 @zh"]
    page.fill("#editor", "SELECT ?title WHERE { ?a dcterms:title ?title } ORDER BY ?title")
    page.click("#run")
    page.wait_for_selector("body[data-state=done]")
    assert "<script>window.__xss=1</script>" in page.text_content("table.results-table")
    page.fill("#editor", "SELECT * WHERE {")
    page.click("#run")
    page.wait_for_selector("body[data-state=error]")
    assert page.text_content("pre.error").startswith("400")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.external_requests == []
