"""The explorer on the real seeds graph (built by ``kg.pipeline.build``): 有研 and a 北京→定州 path.

Uses the session fixture ``seeds_store`` of tests/conftest.py (one build per test session).
"""

from __future__ import annotations

import pytest

pytest.importorskip("kg.pipeline")

from api.main import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402
from test_api_support import api_client, serve_in_thread  # noqa: E402
from test_browser_explorer import browser, page  # noqa: E402,F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeds_app(seeds_store):
    return create_app(Settings(store=seeds_store))


def test_browser_seeds_api_finds_youyan_and_a_beijing_dingzhou_path(seeds_app):
    with api_client(seeds_app) as client:
        found = client.get("/api/entities", params={"q": "有研"}).json()["results"]
        assert any("有研" in e["label"] for e in found)
        detail = client.get(f"/api/entities/{found[0]['key']}").json()
        assert any(ev["sentence"] for tie in detail["ties"] for ev in tie["evidence"])
        paths = client.get("/api/analysis/paths", params={"source": "北京", "target": "定州", "mode": "any"}).json()["paths"]
        assert paths, "the seeds graph has no chain of ties from a Beijing actor to a Dingzhou actor"


def test_browser_seeds_explorer_youyan_and_path(seeds_app, page):  # noqa: F811
    with serve_in_thread(seeds_app) as base:
        page.goto(base + "/")
        page.wait_for_selector("body[data-state=ready]", timeout=60000)
        assert int(page.get_attribute("body", "data-nodes")) > 10
        page.fill("#search", "有研")
        page.press("#search", "Enter")
        page.wait_for_selector("#search-results button[data-key]")
        page.locator("#search-results button[data-key]").first.click()
        page.wait_for_selector("#detail-body .evidence", timeout=30000)
        assert "有研" in page.text_content("#detail-body")
        page.fill("#path-source", "北京")
        page.fill("#path-target", "定州")
        page.click("#path-go")
        page.wait_for_selector("#path-result li[data-key]", timeout=30000)
        assert int(page.get_attribute("body", "data-highlighted")) >= 2
        assert page.errors == []
