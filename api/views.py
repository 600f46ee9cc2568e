"""Cached projections of the store used by the REST and explorer endpoints (rebuilt after an update).

The actor graph comes from ``kg.algorithms.actor_graph``; its layout and hub scores are computed once
per store state, because a force-directed layout of thousands of nodes takes seconds and the explorer
must open in well under that.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

import kg.algorithms as algorithms
from kg.rdf.iris import entity_iri, key_from_iri
from kg.viz import degree_hub_scores, layout_positions

__all__ = ["ActorSnapshot", "GraphViews", "load_api_query", "bind_query", "select_rows", "sparql_literal", "sparql_iri"]

_QUERY_DIR = Path(__file__).with_name("queries")


def load_api_query(name: str) -> str:
    """Text of ``api/queries/<name>.rq``."""
    path = _QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise FileNotFoundError(f"SPARQL query {name!r} not found at {path}")
    return path.read_text(encoding="utf-8")


def bind_query(text: str, **terms: str) -> str:
    """Replace each ``$name`` of a query with the SPARQL term given for it (already escaped/checked).

    Examples
    --------
    >>> bind_query("SELECT * { $a ?p ?o }", a="<urn:x>")
    'SELECT * { <urn:x> ?p ?o }'
    """
    return re.sub(r"\$(\w+)", lambda m: terms[m.group(1)] if m.group(1) in terms else m.group(0), text)


def select_rows(store, text: str) -> list[dict]:
    """Rows of a SELECT as ``{variable: lexical value or None}`` (default graph = union of all graphs)."""
    import pyoxigraph

    if isinstance(store, pyoxigraph.Store):
        result = store.query(text, use_default_graph_as_union=True)
    else:
        result = store.query(text)
    variables = [v.value for v in result.variables]
    return [{name: (solution[name].value if solution[name] is not None else None) for name in variables}
            for solution in result]


def sparql_literal(text: str) -> str:
    """A SPARQL string literal for any text (quotes, backslashes and line breaks escaped)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def sparql_iri(iri: str) -> str:
    """``<iri>`` after checking it is a valid IRI (raises ValueError otherwise)."""
    import pyoxigraph

    return str(pyoxigraph.NamedNode(iri))


@dataclass
class ActorSnapshot:
    """The actor graph of one store state with everything the explorer derives from it."""

    graph: nx.MultiDiGraph
    positions: dict
    hub_scores: dict
    hub_method: str
    keys: dict = field(default_factory=dict)  # node IRI -> entity key

    @property
    def hierarchy(self):
        """The store's region hierarchy (``kg.algorithms.RegionHierarchy``)."""
        return self.graph.graph.get("regions")

    def node_for_key(self, key: str) -> str | None:
        """The node IRI of an entity key, or None if the graph has no such entity."""
        try:
            iri = entity_iri(key)
        except ValueError:
            return None
        return iri if iri in self.graph else None


def _key(iri: str) -> str:
    try:
        return key_from_iri(iri, "entity")
    except ValueError:
        return iri


def hub_scores(G: nx.MultiDiGraph) -> tuple[dict, str]:
    """Hub score per node in ``0..1`` and the method used.

    ``kg.algorithms.hubs`` decides what a hub is when it is available; until then (and when it
    fails on a degenerate graph) the weighted degree of the undirected projection stands in.
    """
    hubs = getattr(algorithms, "hubs", None)
    if hubs is not None and G.number_of_nodes():
        try:
            # k= skips betweenness, which the combined hub score does not use (it costs seconds on big graphs).
            result = hubs(G, top=None, k=50)
            scores = _scores_from(result)
            if scores:
                top = max(scores.values()) or 1.0
                return {n: float(scores.get(n, 0.0)) / top for n in G.nodes}, "kg.algorithms.hubs"
        except (TypeError, ValueError, KeyError, nx.NetworkXException):
            pass
    return degree_hub_scores(algorithms.undirected_weighted(G)), "weighted degree"


def _scores_from(result) -> dict:
    """Read ``{node: score}`` from what a hub ranking returns (dict, list of pairs/dicts, or DataFrame)."""
    if isinstance(result, dict):
        return {k: float(v) for k, v in result.items() if isinstance(v, (int, float))}
    if hasattr(result, "to_dict") and hasattr(result, "columns"):
        columns = list(result.columns)
        node_col = next((c for c in ("node", "entity", "iri", "id") if c in columns), None)
        score_col = next((c for c in ("hub_score", "score", "hub", "pagerank", "degree") if c in columns), None)
        if node_col and score_col:
            return {r[node_col]: float(r[score_col]) for r in result.to_dict("records")}
        return {}
    scores = {}
    for item in result or []:
        if isinstance(item, dict):
            node = item.get("node") or item.get("entity") or item.get("iri") or item.get("id")
            score = item.get("hub_score", item.get("score", item.get("hub")))
        elif isinstance(item, (tuple, list)) and len(item) >= 2:
            node, score = item[0], item[1]
        else:
            continue
        if node is not None and isinstance(score, (int, float)):
            scores[node] = float(score)
    return scores


class GraphViews:
    """Lazily built, cached views of one store; :meth:`invalidate` after the store changes."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._actors: ActorSnapshot | None = None
        self._cities: dict[str, tuple] = {}
        self._articles: dict | None = None
        self._memo: dict = {}

    def invalidate(self) -> None:
        """Forget every cached view (the next request rebuilds them)."""
        with self._lock:
            self._actors = None
            self._cities = {}
            self._articles = None
            self._memo = {}

    def memo(self, key, build):
        """``build()`` once per store state and key (e.g. the serialised default explorer view)."""
        memo = self._memo
        if key not in memo:
            memo[key] = build()
        return memo[key]

    def actors(self) -> ActorSnapshot:
        """The actor graph with its layout and hub scores."""
        with self._lock:
            if self._actors is None:
                G = algorithms.actor_graph(self.store)
                scores, method = hub_scores(G)
                positions = layout_positions(G)
                self._actors = ActorSnapshot(G, positions, scores, method, {n: _key(n) for n in G.nodes})
            return self._actors

    def cities(self, level: str = "city") -> tuple[nx.DiGraph, dict]:
        """The region graph at ``level`` (``city`` or ``province``) and its layout."""
        snapshot = self.actors()
        with self._lock:
            if level not in self._cities:
                R = algorithms.region_graph(snapshot.graph, level=level)
                self._cities[level] = (R, layout_positions(R))
            return self._cities[level]

    def articles(self) -> dict:
        """``article IRI -> {"id", "title", "date", "source", "url"}`` for every article in the store."""
        with self._lock:
            if self._articles is None:
                table = {}
                for row in select_rows(self.store, load_api_query("articles")):
                    iri = row.pop("article")
                    row["id"] = _article_id(iri)
                    row["ties"] = int(row["ties"]) if row.get("ties") is not None else 0
                    table[iri] = row
                self._articles = table
            return self._articles


def _article_id(iri: str) -> str:
    try:
        return key_from_iri(iri, "article")
    except ValueError:
        return iri
