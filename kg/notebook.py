"""An interactive graph for Jupyter that works offline: vis-network inlined into a sandboxed iframe.

:meth:`kg.KnowledgeGraph.show` returns a :class:`GraphView`. In Jupyter (Lab, classic, VS Code) it
renders itself inline through ``_repr_html_``; elsewhere ``view.save("graph.html")`` writes the same
self-contained page. Nothing is fetched from a CDN: the page carries the vis-network build vendored
in ``kg/viz/static/vendor`` (pyvis's own templates always reference Bootstrap from a CDN, see
``/work/shared/NOTES.md``), and node positions are computed in Python (``kg.viz.layout_positions``)
so a large graph is drawn at once instead of running a physics simulation in the browser.

Text from articles (names, sentences) reaches the page only as JSON data, with ``<``, ``>`` and ``&``
escaped, and is shown through vis-network's canvas labels and tooltips built with ``textContent``:
it is never parsed as HTML.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

__all__ = ["GraphView", "CLASS_COLOURS"]

#: Node colour per entity class (and ``City`` for region views).
CLASS_COLOURS = {
    "Enterprise": "#4e79a7",
    "University": "#f28e2b",
    "ResearchInstitute": "#e15759",
    "GovernmentAgency": "#76b7b2",
    "Organization": "#bab0ac",
    "Park": "#59a14f",
    "InnovationPlatform": "#edc948",
    "Project": "#b07aa1",
    "Event": "#ff9da7",
    "Person": "#9c755f",
    "Place": "#86bcb6",
    "City": "#4e79a7",
    "Unknown": "#cccccc",
}
_SIZE = re.compile(r"^\d{1,5}(px|vh|em|rem|%)?$")
_TOOLTIP_CSS = (
    ".vis-tooltip{position:absolute;visibility:hidden;padding:6px;max-width:420px;white-space:pre-wrap;"
    "font:13px sans-serif;color:#000;background:#f5f4ed;border:1px solid #808074;border-radius:3px;"
    "box-shadow:3px 3px 10px rgba(0,0,0,.2);pointer-events:none;z-index:5}"
    "html,body{margin:0;height:100%;font-family:sans-serif}#graph{position:absolute;inset:0 0 28px 0}"
    "#legend{position:absolute;left:0;right:0;bottom:0;height:28px;font-size:12px;padding:4px 8px;"
    "box-sizing:border-box;overflow:hidden;white-space:nowrap}"
    "#legend span.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 4px 0 10px}"
)
# Runs in the page: builds nodes/edges for vis-network, tooltips and the legend with textContent only.
_SCRIPT = """
const data = JSON.parse(document.getElementById("kg-data").textContent);
function tip(lines) {
  const div = document.createElement("div");
  div.textContent = lines.filter(Boolean).join("\\n");
  return div;
}
const nodes = data.nodes.map(n => ({
  id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: "dot",
  color: {background: data.colours[n.cls] || data.colours.Unknown, border: n.highlight ? "#d62728" : "#555"},
  borderWidth: n.highlight ? 4 : 1, font: {size: 14, face: "sans-serif"},
  title: tip([n.label, n.cls, n.regionLabel, n.aliases, n.note]),
}));
const edges = data.edges.map((e, i) => ({
  id: i, from: e.from, to: e.to, arrows: e.directed ? "to" : "",
  width: Math.min(1 + (e.weight || 1), 8), dashes: e.status === "planned",
  color: {color: e.highlight ? "#d62728" : "#999"},
  title: tip([e.relation + "  (" + (e.weight || 1) + ")", e.sentence, e.article]),
}));
const network = new vis.Network(document.getElementById("graph"),
  {nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)},
  {physics: {enabled: data.physics, stabilization: {iterations: 150}},
   interaction: {hover: true, tooltipDelay: 100}, edges: {smooth: false}});
const legend = document.getElementById("legend");
const title = document.createElement("b");
title.textContent = data.title;
legend.appendChild(title);
for (const cls of data.classes) {
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.style.background = data.colours[cls] || data.colours.Unknown;
  legend.appendChild(dot);
  legend.appendChild(document.createTextNode(cls));
}
"""


def _vendored_vis_network() -> str:
    """The vendored vis-network build (kg.viz), without its source-map comment (no fetch attempts)."""
    from kg.viz import STATIC_DIR

    found = sorted((STATIC_DIR / "vendor").glob("vis-network-*/vis-network.min.js"))
    if not found:
        raise FileNotFoundError(f"no vendored vis-network under {STATIC_DIR / 'vendor'}")
    script = found[-1].read_text(encoding="utf-8")
    return re.sub(r"//# sourceMappingURL=\S+", "", script)


def _json_for_script(data) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, no ``<!--``, no HTML entities."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class GraphView:
    """An interactive network drawing: inline in Jupyter, or saved as one offline HTML file.

    Parameters
    ----------
    view : dict
        ``{"nodes": [...], "edges": [...], "physics": bool}`` as made by :func:`kg.viz.entity_view`
        or :func:`kg.viz.city_view`; nodes may carry ``aliases``/``note`` and edges ``sentence``,
        ``article``, ``directed`` and ``highlight`` for the tooltips and styling.
    height : str or int
        Height of the drawing in the notebook (``"600px"``, ``"80vh"`` or pixels).
    title : str
        Shown in the legend line under the graph.

    Examples
    --------
    >>> view = GraphView({"nodes": [{"id": "a", "label": "有研集团", "cls": "Enterprise", "x": 0, "y": 0},
    ...                             {"id": "b", "label": "<b>德州</b>", "cls": "Park", "x": 50, "y": 0}],
    ...                   "edges": [{"from": "a", "to": "b", "relation": "cooperatesWith", "weight": 2}],
    ...                   "physics": False})
    >>> view
    <GraphView: 2 nodes, 1 edges>
    >>> page = view.html
    >>> "<b>德州</b>" in page, "\\\\u003cb\\\\u003e德州" in page
    (False, True)
    """

    def __init__(self, view: dict, *, height: str | int = "600px", title: str = ""):
        height = str(height)
        if not _SIZE.match(height):
            raise ValueError(f"height must look like '600px', '80vh' or 600, not {height!r}")
        self.height = height if not height.isdigit() else f"{height}px"
        self.title = title
        self.view = view

    @property
    def nodes(self) -> list[dict]:
        """The nodes drawn (dicts with ``id``, ``label``, ``cls``, ``x``, ``y``...)."""
        return self.view["nodes"]

    @property
    def edges(self) -> list[dict]:
        """The edges drawn (dicts with ``from``, ``to``, ``relation``, ``weight``...)."""
        return self.view["edges"]

    def __repr__(self) -> str:
        return f"<GraphView: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    @property
    def html(self) -> str:
        """The whole self-contained page (vis-network inlined; no network access needed)."""
        classes = sorted({n.get("cls") or "Unknown" for n in self.nodes})
        data = {
            "nodes": [{"size": 16, "highlight": False, **n} for n in self.nodes],
            "edges": self.edges,
            "physics": bool(self.view.get("physics", False)),
            "colours": CLASS_COLOURS,
            "classes": classes,
            "title": self.title,
        }
        return (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kg graph</title>"
            f"<style>{_TOOLTIP_CSS}</style><script>{_vendored_vis_network()}</script></head>"
            "<body><div id=\"graph\"></div><div id=\"legend\"></div>"
            f"<script type=\"application/json\" id=\"kg-data\">{_json_for_script(data)}</script>"
            f"<script>{_SCRIPT}</script></body></html>"
        )

    def _repr_html_(self) -> str:
        # A sandboxed iframe keeps vis-network and its data out of the notebook's own page.
        return (f"<iframe srcdoc=\"{html.escape(self.html, quote=True)}\" sandbox=\"allow-scripts\" "
                f"style=\"width:100%;height:{self.height};border:1px solid #ddd\"></iframe>")

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (an HTML file that opens offline in any browser) and return it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path
