"""Technology-transfer paths: how capability travels from actors in one region group to another.

Direction rules (:data:`TRAVERSAL`), a tie ``A rel B`` can be walked:

* ``transfersTechnologyTo``, ``relocatedTo``, ``investsIn``, ``suppliesTo``: only A -> B, the
  way the technology, the firm or the money goes;
* ``cooperatesWith``: both ways (cooperation has no direction);
* ``hosts``, ``locatedIn``: both ways: an actor is attached to its park or place, so a path can
  go from a tenant into its park (德州天衢新区) or place (定州) and from a park to its tenants;
* ``subOrganizationOf``: both ways (a subsidiary and its parent group share technology:
  有研集团 -> 山东有研半导体);
* other ties (visits, benchmarking, positions, participation) are not channels and are not walked.

A path starts at an actor located in the source group, never comes back into the source group,
and stops at the first actor located in the target group (an actor or a place: a Place entity
such as 定州市 is located in its own region). Actors of unknown region can be intermediaries.
Paths are ranked by a cost summed over hops: ``"inverse_weight"`` (1 / number of articles,
strongest first), ``"neg_log_confidence"`` (-log of the best confidence: the most certain chain
first) or ``"hops"``; the k best are found with :func:`networkx.shortest_simple_paths` (Yen),
or igraph's compiled Yen on large graphs.
"""

from __future__ import annotations

import math
import networkx as nx

from kg.algorithms._igraph import use_compiled
from kg.algorithms.projection import GUESSED_REGION
from kg.algorithms.regions import RegionHierarchy
from kg.types import Relation

__all__ = ["TRAVERSAL", "transfer_graph", "transfer_paths"]

#: ``relation -> "forward" | "both"`` (see the module docstring); relations not listed are not walked.
TRAVERSAL = {
    Relation.TRANSFERS_TECHNOLOGY_TO.value: "forward",
    Relation.RELOCATED_TO.value: "forward",
    Relation.INVESTS_IN.value: "forward",
    Relation.SUPPLIES_TO.value: "forward",
    Relation.COOPERATES_WITH.value: "both",
    Relation.HOSTS.value: "both",
    Relation.LOCATED_IN.value: "both",
    Relation.SUB_ORGANIZATION_OF.value: "both",
}

_COSTS = ("inverse_weight", "neg_log_confidence", "hops")
_SOURCE, _TARGET = ("__transfer_source__",), ("__transfer_target__",)


def _cost_function(cost):
    """The per-hop cost as a function of the tie's data (chosen once: it runs for every tie)."""
    if callable(cost):
        return lambda data: float(cost(data))
    if cost == "inverse_weight":
        return lambda data: 1.0 / max(float(data.get("weight", 1) or 1), 1e-9)
    if cost == "neg_log_confidence":
        def neg_log_confidence(data):
            confidence = data.get("confidence")
            confidence = 1.0 if confidence is None else min(max(float(confidence), 1e-9), 1.0)
            return -math.log(confidence)
        return neg_log_confidence
    if cost == "hops":
        return lambda data: 1.0
    raise ValueError(f"cost must be one of {_COSTS} or a function of the edge data, not {cost!r}")


def transfer_graph(G, *, rules: dict | None = None, cost="inverse_weight") -> nx.DiGraph:
    """The directed graph transfer paths walk on, built from an actor graph by the direction rules.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Usually :func:`kg.algorithms.actor_graph`.
    rules : dict, optional
        ``relation -> "forward" | "reverse" | "both" | None`` overriding :data:`TRAVERSAL`
        (None: do not walk this relation).
    cost : str or callable
        ``"inverse_weight"``, ``"neg_log_confidence"``, ``"hops"``, or a function of the edge
        data returning a non-negative cost.

    Returns
    -------
    networkx.DiGraph
        Same nodes; an edge ``u -> v`` per walkable step, with ``cost`` and the tie it comes from
        (``relation``, ``direction`` = ``"forward"``/``"reverse"``, ``tie_source``, ``tie_target``,
        ``weight``, ``confidence``, ``evidence``, ``dates``). Of parallel steps the cheapest is kept.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edges_from([("a", "b", "transfersTechnologyTo", {"relation": "transfersTechnologyTo", "weight": 2}),
    ...                   ("c", "b", "cooperatesWith", {"relation": "cooperatesWith", "weight": 1})])
    ['transfersTechnologyTo', 'cooperatesWith']
    >>> T = transfer_graph(M)
    >>> sorted(T.edges(data="cost"))
    [('a', 'b', 0.5), ('b', 'c', 1.0), ('c', 'b', 1.0)]
    >>> T.edges["b", "c"]["direction"]
    'reverse'
    """
    T = nx.DiGraph()
    T.graph.update(G.graph)
    T.add_nodes_from(G.nodes(data=True))
    T.add_edges_from(_as_edges(_walkable_steps(G, rules, cost)))
    return T


def _walkable_steps(G, rules, cost) -> dict:
    """``(a, b) -> (cost, direction, tie subject, tie object, tie data)``, the cheapest step a -> b."""
    rules = TRAVERSAL if rules is None else {**TRAVERSAL, **rules}
    hop_cost = _cost_function(cost)
    best: dict = {}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        rel = data.get("relation")
        rule = rules.get(rel)
        if rule is None:
            continue
        if rule not in ("forward", "reverse", "both"):
            raise ValueError(f"traversal rule for {rel!r} must be forward/reverse/both, not {rule!r}")
        c = hop_cost(data)
        if c < 0:
            raise ValueError(f"negative cost {c} on tie {u} -> {v}")
        if rule in ("forward", "both") and ((u, v) not in best or best[(u, v)][0] > c):
            best[(u, v)] = (c, "forward", u, v, data)
        if rule in ("reverse", "both") and ((v, u) not in best or best[(v, u)][0] > c):
            best[(v, u)] = (c, "reverse", u, v, data)
    return best


def _as_edges(steps: dict):
    # The tie's data is kept by reference (``tie``); the hop description reads it when a path is chosen.
    return (
        (a, b, {"cost": c, "relation": data.get("relation"), "direction": direction, "tie_source": u,
                "tie_target": v, "tie": data})
        for (a, b), (c, direction, u, v, data) in steps.items()
    )


def _members(G, hierarchy: RegionHierarchy, codes, include_guessed_regions: bool = False) -> set:
    """Actors located in ``codes``; an actor whose region is only a guess (``region_source`` ``article``) is
    not, unless asked for."""
    return {n for n, d in G.nodes(data=True) if d.get("region") and hierarchy.within(d["region"], codes)
            and (include_guessed_regions or d.get("region_source") != GUESSED_REGION)}


def transfer_paths(
    G,
    source="京津",
    target="河北",
    k: int = 5,
    *,
    cost="inverse_weight",
    rules: dict | None = None,
    max_hops: int | None = None,
    backend: str = "auto",
    include_guessed_regions: bool = False,
) -> list[dict]:
    """The ``k`` best directed transfer paths from actors in ``source`` to actors in ``target``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An actor graph (:func:`kg.algorithms.actor_graph`; its ``G.graph["regions"]`` resolves names).
    source, target : str or iterable
        Region groups, regions, names or codes (``"京津"`` = 北京 + 天津, ``"河北"``,
        ``["德州", "定州"]``, ``"371400"``). Actors in both are treated as targets only.
    k : int
        Number of paths.
    cost : str or callable
        Ranking cost per hop (see the module docstring and :func:`transfer_graph`).
    rules : dict, optional
        Overrides of the direction rules :data:`TRAVERSAL`.
    max_hops : int, optional
        Leave out longer paths (up to ``10 * k`` candidates are enumerated).
    backend : {"auto", "networkx", "igraph"}
        Where Yen's algorithm runs: ``"auto"`` uses igraph's ``get_k_shortest_paths`` above
        ``LARGE_GRAPH_NODES`` actors. Among paths of equal cost the two may pick different ones.
    include_guessed_regions : bool
        Let actors whose region is only a guess (``region_source`` ``article``) start or end a path.

    Returns
    -------
    list of dict
        Best first. Each path: ``source``/``target`` (nodes), ``source_label``/``target_label``,
        ``nodes``, ``labels``, ``length`` (hops), ``cost``, ``strength`` (product of the hops'
        confidences), ``min_weight`` (weakest hop's number of articles) and ``hops``: per hop
        ``source``, ``target``, ``source_label``, ``target_label``, ``relation``, ``direction``
        (``"forward"`` when walked as stated, ``"reverse"`` when a both-ways tie is walked
        backwards), ``weight``, ``confidence``, ``date`` (first), ``article``, ``sentence``,
        ``start``, ``end`` (the most confident evidence) and ``n_evidence``.

    Examples
    --------
    >>> from kg.algorithms.regions import RegionHierarchy
    >>> h = RegionHierarchy(labels={"110000": "北京市", "130000": "河北省", "130682": "定州市"},
    ...                     aliases={"110000": ["北京", "京"], "130000": ["河北", "冀"]},
    ...                     parents={"130682": "130000"})
    >>> M = nx.MultiDiGraph(regions=h)
    >>> M.add_nodes_from([("uni", {"label": "大学", "region": "110000"}), ("firm", {"label": "企业", "region": None}),
    ...                   ("plant", {"label": "工厂", "region": "130682"})])
    >>> ev = [("a1", "大学向企业转让专利。", 0, 10)]
    >>> M.add_edges_from([
    ...     ("uni", "firm", "transfersTechnologyTo", {"relation": "transfersTechnologyTo", "weight": 1,
    ...                                               "confidence": 0.9, "evidence": ev}),
    ...     ("plant", "firm", "subOrganizationOf", {"relation": "subOrganizationOf", "weight": 2, "confidence": 0.8})])
    ['transfersTechnologyTo', 'subOrganizationOf']
    >>> [p["labels"] for p in transfer_paths(M, source="京", target="冀")]
    [['大学', '企业', '工厂']]
    >>> hop = transfer_paths(M, source="北京", target="河北")[0]["hops"][0]
    >>> hop["relation"], hop["direction"], hop["sentence"]
    ('transfersTechnologyTo', 'forward', '大学向企业转让专利。')
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    hierarchy: RegionHierarchy = G.graph.get("regions") or RegionHierarchy()
    targets = _members(G, hierarchy, hierarchy.resolve(target), include_guessed_regions)
    sources = _members(G, hierarchy, hierarchy.resolve(source), include_guessed_regions) - targets
    if not sources or not targets:
        return []
    steps = _walkable_steps(G, rules, cost)
    # A path leaves the source group at its first hop and ends at the first target it reaches.
    steps = {ab: step for ab, step in steps.items() if ab[1] not in sources and ab[0] not in targets}
    wanted = k if max_hops is None else 10 * k  # longer paths are filtered out afterwards
    found = []
    if use_compiled(G, backend):
        candidates = _k_shortest_igraph(steps, sources, targets, wanted)
    else:
        T = nx.DiGraph()
        T.add_edges_from(_as_edges(steps))
        T.add_edges_from(((_SOURCE, s) for s in sources), cost=0.0)
        T.add_edges_from(((t, _TARGET) for t in targets), cost=0.0)
        candidates = (p[1:-1] for p in nx.shortest_simple_paths(T, _SOURCE, _TARGET, weight="cost"))
    try:
        for nodes in candidates:
            if max_hops is not None and len(nodes) - 1 > max_hops:
                continue
            found.append(_describe(G, steps, nodes))
            if len(found) == k:
                break
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        pass
    # Equal costs come out of Yen's algorithm in no meaningful order: make it stable.
    found.sort(key=lambda p: (round(p["cost"], 9), -p["strength"], p["length"], [str(x) for x in p["labels"]]))
    return found


def _k_shortest_igraph(steps: dict, sources: set, targets: set, k: int) -> list[list]:
    """Yen's k shortest paths on igraph (compiled), through a super source and a super target."""
    import igraph as ig

    nodes = list({n for ab in steps for n in ab} | sources | targets)
    index = {n: i for i, n in enumerate(nodes)}
    s_index, t_index = len(nodes), len(nodes) + 1
    edges = [(index[a], index[b]) for a, b in steps]
    costs = [step[0] for step in steps.values()]
    edges += [(s_index, index[s]) for s in sources] + [(index[t], t_index) for t in targets]
    costs += [0.0] * (len(sources) + len(targets))
    g = ig.Graph(n=len(nodes) + 2, edges=edges, directed=True)
    paths = g.get_k_shortest_paths(s_index, to=t_index, k=k, mode="out", weights=costs, output="vpath")
    return [[nodes[i] for i in path[1:-1]] for path in paths if path]


def _describe(G, steps: dict, nodes: list) -> dict:
    def label(n):
        return G.nodes[n].get("label", n) if n in G else n

    hops = []
    for u, v in zip(nodes, nodes[1:]):
        c, direction, _, _, tie = steps[(u, v)]
        evidence, dates = tie.get("evidence") or [], tie.get("dates") or []
        article, sentence, start, end = evidence[0] if evidence else (None, None, None, None)
        hops.append(
            {
                "source": u, "target": v, "source_label": label(u), "target_label": label(v),
                "relation": tie.get("relation"), "direction": direction, "weight": tie.get("weight", 1),
                "confidence": tie.get("confidence"), "date": dates[0] if dates else None,
                "article": article, "sentence": sentence, "start": start, "end": end,
                "n_evidence": len(evidence),
            }
        )
    strength = 1.0
    for hop in hops:
        strength *= hop["confidence"] if hop["confidence"] is not None else 1.0
    return {
        "source": nodes[0], "target": nodes[-1],
        "source_label": label(nodes[0]), "target_label": label(nodes[-1]),
        "nodes": list(nodes), "labels": [label(n) for n in nodes],
        "length": len(hops),
        "cost": sum(steps[(u, v)][0] for u, v in zip(nodes, nodes[1:])),
        "strength": strength,
        "min_weight": min((hop["weight"] for hop in hops), default=None),
        "hops": hops,
    }
