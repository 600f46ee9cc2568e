"""How fast the graph explorer becomes interactive on a 5,000-node graph, in headless Chromium.

Builds a synthetic graph of hand-made Extractions (5,000 actors in real GB/T 2260 regions, ~10,000 ties,
hubs by preferential attachment) in an in-memory KGStore, serves the app on 127.0.0.1 in a thread and
measures, in the same run:

* **explorer**: navigation to ``/`` until the network is drawn (``body[data-state=ready]``, set on
  vis-network's first ``afterDrawing``) and the page's main thread answers again: precomputed layout,
  physics off, all nodes (labels on the 400 biggest hubs, the rest as the user zooms in) and the 2,500
  strongest edges (target < 3 s); then the redraw with every edge;
* the server-side precompute behind it (actor graph + hub scores + layout, done once per store state);
* one redraw after a zoom on the drawn graph;
* **baseline 1**: the same nodes and edges drawn by vis-network with its defaults (no positions, physics
  on, improved layout), until ``stabilizationIterationsDone`` (capped);
* **baseline 2**: the plain pyvis page (``cdn_resources="in_line"``, default physics) of the same graph,
  until it is stabilised (capped).

Run::

    python -m bench.bench_explorer [--nodes 5000] [--cap 90]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT, Result, machine_info, print_result

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
RELATIONS = ["cooperatesWith", "cooperatesWith", "cooperatesWith", "transfersTechnologyTo", "investsIn",
             "suppliesTo", "locatedIn", "subOrganizationOf"]
CLASSES = ["Enterprise", "Enterprise", "Enterprise", "University", "ResearchInstitute", "Park",
           "GovernmentAgency", "InnovationPlatform"]


def region_codes(limit: int = 80) -> list[str]:
    """City and district codes of 京津冀 and 山东 from ``ontology/regions.ttl`` (real codes)."""
    import re

    text = (ROOT / "ontology" / "regions.ttl").read_text(encoding="utf-8")
    codes = [c for c in re.findall(r"^region:(\d{6}) a kg:Region", text, flags=re.M)
             if c[:2] in ("11", "12", "13", "37") and not c.endswith("0000")]
    return codes[:limit]


def synthetic_extractions(nodes: int, *, seed: int = 7, per_article: int = 10) -> list:
    """``nodes`` entities in articles of ``per_article`` new entities, each tied ~twice, hubs preferred."""
    from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie

    rng = random.Random(seed)
    codes = region_codes()
    entities = [Entity(f"机构{i:05d}", f"{rng.choice(['华北', '京津', '冀中', '鲁北', '渤海'])}{i:05d}号{rng.choice(['科技有限公司', '大学', '研究院', '产业园'])}",
                       EntityClass(rng.choice(CLASSES)), frozenset(), rng.choice(codes)) for i in range(nodes)]
    extractions = []
    attachment: list[int] = []  # entity indices, once per tie end: preferential attachment
    for a, start in enumerate(range(0, nodes, per_article)):
        article_id = f"bench{a:05d}"
        text, ties = "", []
        for i in range(start, min(start + per_article, nodes)):
            for _ in range(2):
                if attachment and rng.random() < 0.7:
                    j = rng.choice(attachment)
                else:
                    j = rng.randrange(nodes)
                if j == i:
                    continue
                sentence = f"{entities[i].name}与{entities[j].name}开展合作。"
                begin = len(text)
                text += sentence + "\n"
                evidence = Evidence(article_id, sentence, begin, begin + len(sentence), f"20{rng.randint(15, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                    round(rng.uniform(0.5, 1.0), 2), "bench.synthetic.v1", "合作")
                ties.append(Tie(entities[i], Relation(rng.choice(RELATIONS)), entities[j], evidence))
                attachment += [i, j]
        article = Article(article_id, text, title=f"合成新闻 {a}", date="2023-01-01", source="bench")
        extractions.append(Extraction(article, tuple(entities[start:start + per_article]), tuple(ties)))
    return extractions


class ServerThread:
    """uvicorn serving an app on a free 127.0.0.1 port in a thread."""

    def __init__(self, app):
        import socket

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(20)


PHYSICS_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/vendor/vis-network-9.1.2/vis-network.css"></head>
<body><div id="net" style="width:1400px;height:860px"></div>
<script src="/static/vendor/vis-network-9.1.2/vis-network.min.js"></script>
<script>
fetch("/api/graph").then(r => r.json()).then(data => {
  const nodes = new vis.DataSet(data.nodes.map(n => ({id: n.id, label: n.label, size: n.size, shape: "dot"})));
  const edges = new vis.DataSet(data.edges.map(e => ({id: e.id, from: e.from, to: e.to, arrows: "to"})));
  const network = new vis.Network(document.getElementById("net"), {nodes, edges}, {});
  network.once("afterDrawing", () => { window.__firstDraw = performance.now(); });
  network.once("stabilizationIterationsDone", () => { window.__stable = performance.now(); });
});
</script></body></html>"""


def pyvis_page(view: dict) -> str:
    """The pyvis page of the same graph: in-line vis-network, pyvis defaults (physics on); CDN tags stripped."""
    import re

    from pyvis.network import Network

    net = Network(height="860px", width="1400px", directed=True, cdn_resources="in_line")
    for n in view["nodes"]:
        net.add_node(n["id"], label=n["label"], size=n["size"])
    for e in view["edges"]:
        net.add_edge(e["from"], e["to"])
    html = net.generate_html()
    html = re.sub(r"<(link|script)[^>]+(cdn|jsdelivr|cloudflare)[^>]*>(</script>)?", "", html)
    hook = ('network.once("afterDrawing", function(){window.__firstDraw = performance.now();});'
            'network.once("stabilizationIterationsDone", function(){window.__stable = performance.now();});')
    return html.replace("return network;", hook + "return network;", 1)


def timed_baseline(browser, base: str, path: str, html: str, cap: float) -> tuple[float | None, float | None]:
    """Serve ``html`` at ``base + path`` (via playwright), load it, return (first draw, stabilised) in seconds."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
               if route.request.url == base + path else
               (route.continue_() if route.request.url.startswith(base) else route.abort()))
    started = time.monotonic()
    page.goto(base + path, wait_until="commit")
    first = stable = None
    while time.monotonic() - started < cap:
        state = page.evaluate("[window.__firstDraw || null, window.__stable || null]")
        if first is None and state[0]:
            first = time.monotonic() - started
        if state[1]:
            stable = time.monotonic() - started
            break
        time.sleep(0.25)
    context.close()
    return first, stable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--cap", type=float, default=90.0, help="seconds to wait for a baseline to stabilise")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from api.main import create_app
    from api.settings import Settings
    from kg.rdf import KGStore

    print(json.dumps(machine_info(), ensure_ascii=False), flush=True)
    t0 = time.monotonic()
    extractions = synthetic_extractions(args.nodes)
    store = KGStore()
    for extraction in extractions:
        store.replace_article(extraction)
    ties = sum(len(e.ties) for e in extractions)
    print(f"[explorer] built {args.nodes} entities, {ties} ties in {len(extractions)} articles "
          f"({time.monotonic() - t0:.1f} s)", flush=True)

    results: list[Result] = []
    app = create_app(Settings(), store=store)
    with ServerThread(app) as base:
        views = None
        while views is None:
            views = getattr(app.state, "views", None)
            time.sleep(0.05)
        t0 = time.monotonic()
        snapshot = views.actors()
        precompute = time.monotonic() - t0
        print(f"[explorer] graph: {snapshot.graph.number_of_nodes()} nodes, {snapshot.graph.number_of_edges()} edges; "
              f"server precompute (actor graph, hubs, layout; once per store state, started at startup): "
              f"{precompute:.1f} s after startup", flush=True)
        import httpx

        view = httpx.get(base + "/api/graph", timeout=120).json()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            times, redraws, draw_ms, fetch_ms, interactive, all_edges = [], [], [], [], [], []
            for _ in range(args.repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                started = time.monotonic()
                page.goto(base + "/")
                page.wait_for_selector("body[data-state=ready]", timeout=120_000)
                times.append(time.monotonic() - started)
                draw_ms.append(page.evaluate("window.kgExplorer.drawMs"))
                # Interactive: the main thread answers (a click handler round trip) right after the drawing.
                page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
                interactive.append(time.monotonic() - started)
                fetch_ms.append(page.evaluate("window.kgExplorer.fetchMs"))
                assert int(page.get_attribute("body", "data-nodes")) == len(view["nodes"])
                redraws.append(page.evaluate("""() => new Promise(resolve => {
                    const net = window.kgExplorer.network; const t = performance.now();
                    net.once("afterDrawing", () => resolve(performance.now() - t));
                    net.moveTo({scale: net.getScale() * 1.5});
                })"""))
                # The same page with every edge drawn ("all edges" ticked).
                t_all = time.monotonic()
                page.check("#all-edges")
                page.wait_for_function("window.kgExplorer.loads >= 2 && document.body.dataset.edges === String(window.kgExplorer.data.edges.length)",
                                       timeout=120_000)
                page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
                all_edges.append(time.monotonic() - t_all)
                context.close()
            ours = statistics.median(interactive)
            physics_first, physics_stable = timed_baseline(browser, base, "/bench-physics.html", PHYSICS_PAGE, args.cap)
            pyvis_first, pyvis_stable = timed_baseline(browser, base, "/bench-pyvis.html", pyvis_page(view), args.cap)
            browser.close()

    capped = f"not stabilised within the {args.cap:g} s cap (cap used as the value)"
    results.append(Result("explorer", f"time to interactive, {len(view['nodes'])} nodes (median of {args.repeat})",
                          ours, "s", "vis-network defaults, physics on: stabilised", physics_stable or args.cap,
                          "< 3 s", ours < 3.0, "" if physics_stable else capped))
    results.append(Result("explorer", "time to interactive vs plain pyvis page (in_line, physics on)", ours, "s",
                          "pyvis in_line: stabilised", pyvis_stable or args.cap, "< 3 s", ours < 3.0,
                          "" if pyvis_stable else capped))
    results.append(Result("explorer", "time to first drawing (ours = interactive)", ours, "s",
                          "vis-network defaults, physics on: first drawing", physics_first or args.cap))
    results.append(Result("explorer", f"redraw with all {len(view['edges'])} edges ('all edges' ticked)", statistics.median(all_edges), "s",
                          "vis-network defaults, physics on: stabilised", physics_stable or args.cap))
    results.append(Result("explorer", "of which: fetching /api/graph (in page)", statistics.median(fetch_ms), "ms"))
    results.append(Result("explorer", "of which: vis-network building and first drawing (in page)", statistics.median(draw_ms), "ms"))
    results.append(Result("explorer", "redraw after a zoom", statistics.median(redraws), "ms"))
    results.append(Result("explorer", "server precompute once per store state (not in the page time)", precompute, "s"))
    for result in results:
        print_result(result)
    if pyvis_first is not None:
        print(f"[explorer] plain pyvis page first drawing after {pyvis_first:.1f} s", flush=True)
    if args.json:
        args.json.write_text(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2), encoding="utf-8")
    store.close()
    return 0 if ours < 3.0 else 1


if __name__ == "__main__":
    sys.exit(main())
