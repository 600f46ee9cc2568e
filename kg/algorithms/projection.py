"""Projection of the RDF knowledge graph onto networkx graphs: actors, and regions.

The store is read with the SPARQL of ``kg/algorithms/queries`` (entities, ties with their
evidence, regions); every tie with status ``negated`` is left out. The functions accept any
object with a ``.query(sparql)`` method returning pyoxigraph-style solutions: ``kg.rdf.KGStore``
or a ``pyoxigraph.Store``.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict

import networkx as nx

from kg.algorithms._sparql import KG, load_query, local_name, run_select
from kg.algorithms.regions import RegionHierarchy, region_hierarchy
from kg.types import EntityClass, Relation

#: the ``kg:regionSource`` of a region guessed from the article's place
GUESSED_REGION = "article"

__all__ = [
    "GUESSED_REGION",
    "FLOW_DIRECTIONS",
    "actor_graph",
    "region_graph",
    "undirected_weighted",
]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_CLASS_ORDER = {c.value: i for i, c in enumerate(EntityClass)}

#: How a tie between two actors counts as a flow between their regions (``region_graph``):
#: ``"forward"`` subject's region -> object's region, ``"reverse"`` the other way,
#: ``"both"`` once each way. ``hosts`` is the inverse of ``locatedIn`` (the hosted actor comes
#: into the host's region); cooperation has no direction, so it flows both ways and nets to zero.
FLOW_DIRECTIONS = {r.value: "forward" for r in Relation} | {
    Relation.COOPERATES_WITH.value: "both",
    Relation.HOSTS.value: "reverse",
}


def _names(values) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, (str, Relation, EntityClass)):
        values = [values]
    return {v.value if hasattr(v, "value") else str(v) for v in values}


def _iso_bound(value, *, end: bool) -> str | None:
    """``"2020"`` / ``"2020-05"`` / ``"2020-05-01"`` / date -> an ISO date bounding the period."""
    if value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    text = str(value).strip()
    parts = text.split("-")
    try:
        if len(parts) == 1:
            year = int(parts[0])
            return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            if not end:
                return f"{year:04d}-{month:02d}-01"
            last = (_dt.date(year + month // 12, month % 12 + 1, 1) - _dt.timedelta(days=1)).day
            return f"{year:04d}-{month:02d}-{last:02d}"
        return _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueError(f"cannot read a date from {'end' if end else 'start'}={value!r}") from None


def _entities(store, hierarchy: RegionHierarchy) -> dict[str, dict]:
    raw: dict[str, dict] = defaultdict(lambda: {"types": set(), "labels": [], "aliases": set(), "regions": set()})
    for row in run_select(store, load_query("entities")):
        e, p, o = row["entity"], row["p"], row["o"]
        if p == _RDF_TYPE:
            if o.startswith(KG):
                raw[e]["types"].add(o[len(KG):])
        elif p in (_RDFS_LABEL, _SKOS + "prefLabel"):
            raw[e]["labels"].append(o)
        elif p == _SKOS + "altLabel":
            raw[e]["aliases"].add(o)
        elif p == KG + "region":
            raw[e]["regions"].add(local_name(o, "region"))
        elif p == KG + "regionSource":
            raw[e].setdefault("sources", set()).add(o)
        elif p == KG + "industry":
            raw[e].setdefault("industry", set()).add(o)
    out = {}
    for e, d in raw.items():
        classes = sorted(d["types"], key=lambda c: (_CLASS_ORDER.get(c, len(_CLASS_ORDER)), c))
        labels = sorted(set(d["labels"]))
        label = labels[0] if labels else local_name(e, "entity")
        # Several regions (seen in different articles): keep the most specific, deterministically.
        regions = sorted(d["regions"], key=lambda c: (-len(hierarchy.lineage(c)), c))
        region = regions[0] if regions else None
        attrs = {
            "label": label,
            "cls": classes[0] if classes else None,
            "region": region,
            "region_label": hierarchy.label(region),
            "province": hierarchy.province_of(region),
            "city": hierarchy.city_of(region),
            "aliases": sorted((d["aliases"] | set(labels[1:])) - {label}),
            # a region any article read from the name, the text or a registry beats a guess
            "region_source": (sorted(d.get("sources", ()), key=lambda s: s == GUESSED_REGION) or [None])[0]
            if region else None,
        }
        if "industry" in d:
            attrs["industry"] = sorted(d["industry"])[0]
        out[e] = attrs
    return out


def _tie_rows(store, *, relations, start, end, include_planned):
    """Non-negated ties, one row per (tie, evidence), filtered by relation, status and date."""
    lo, hi = _iso_bound(start, end=False), _iso_bound(end, end=True)
    rows = []
    for row in run_select(store, load_query("ties")):
        status = row["status"] or "reported"
        if status == "negated" or (status == "planned" and not include_planned):
            continue
        relation = row["predicate"][len(KG):] if row["predicate"].startswith(KG) else row["predicate"]
        if relations is not None and relation not in relations:
            continue
        date = row["date"] or row["articleDate"]
        date = str(date)[:10] if date else None
        # A partial date (gYear "2018", gYearMonth "2018-06") is placed at the start of its period.
        when = _iso_bound(date, end=False) if date else None
        if (lo or hi) and (when is None or (lo and when < lo) or (hi and when > hi)):
            continue
        row["relation"], row["status"], row["date"] = relation, status, date
        row["article"] = local_name(row["article"], "article") if row["article"] else None
        rows.append(row)
    return rows


def actor_graph(
    store,
    *,
    relations=None,
    classes=None,
    region_group=None,
    start=None,
    end=None,
    include_planned: bool = True,
) -> nx.MultiDiGraph:
    """Project the knowledge graph onto a directed multigraph of actors.

    Parameters
    ----------
    store : object with ``.query(sparql)``
        ``kg.rdf.KGStore`` or a ``pyoxigraph.Store`` in the shape of ``docs/ARCHITECTURE.md``.
    relations : iterable of str or Relation, optional
        Keep only these tie types (local names such as ``"cooperatesWith"``). Default: all.
    classes : iterable of str or EntityClass, optional
        Keep only actors of these classes (``"Enterprise"``, ``"Park"``...). Default: all.
    region_group : str or iterable, optional
        Keep only actors located in these regions (a group name ``"京津冀"``, region names,
        codes: see :meth:`RegionHierarchy.resolve`): the induced subgraph.
    start, end : str or date, optional
        Keep only ties dated within ``[start, end]`` (``"2020"``, ``"2020-05"`` or a full date;
        a tie without its own date takes its article's date; undated ties are dropped when a
        bound is given).
    include_planned : bool
        Keep ties with status ``planned`` (negated ties are always left out).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are entity IRIs with ``label``, ``cls``, ``region`` (GB/T code), ``region_label``,
        ``province``, ``city``, ``aliases``. One edge per (subject, relation, object), keyed by
        the relation, with ``relation``, ``weight`` (number of supporting articles),
        ``confidence`` (max), ``confidence_mean``, ``status`` (``reported`` if any evidence
        reports it, else ``planned``), ``dates``, ``years`` (``{year: articles}``), ``evidence``
        (``(article, sentence, start, end)`` tuples, most confident first) and ``ties`` (tie IRIs).
        ``G.graph["regions"]`` holds the :class:`RegionHierarchy` of the store.
        Every entity passing the class/region filters is a node, with or without ties.

    Examples
    --------
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> G = actor_graph(store)
    >>> yy = "https://w3id.org/kg-innovation/id/entity/youyan"
    >>> sd = "https://w3id.org/kg-innovation/id/entity/sd-youyan"
    >>> G.nodes[sd]["label"], G.nodes[sd]["city"]
    ('山东有研半导体材料有限公司', '371400')
    >>> e = G.edges[yy, sd, "transfersTechnologyTo"]
    >>> e["weight"], e["confidence"], round(e["confidence_mean"], 2), e["dates"]
    (2, 0.9, 0.8, ['2023-07-18', '2024-01-05'])
    >>> e["evidence"][0]
    ('a1', '有研集团将硅材料技术转移至山东有研半导体。', 10, 31)
    >>> actor_graph(store, start="2024").number_of_edges()
    2
    """
    relations = _names(relations)
    classes = _names(classes)
    if relations is not None:
        unknown = relations - {r.value for r in Relation}
        if unknown:
            raise ValueError(f"unknown relation(s) {sorted(unknown)}; known: {[r.value for r in Relation]}")
    hierarchy = region_hierarchy(store)
    group_codes = hierarchy.resolve(region_group) if region_group is not None else None

    G = nx.MultiDiGraph(regions=hierarchy)
    entities = _entities(store, hierarchy)

    def keep(attrs) -> bool:
        if classes is not None and attrs["cls"] not in classes:
            return False
        if group_codes is not None and not hierarchy.within(attrs["region"], group_codes):
            return False
        return True

    for e in sorted(entities):
        if keep(entities[e]):
            G.add_node(e, **entities[e])

    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for row in _tie_rows(store, relations=relations, start=start, end=end, include_planned=include_planned):
        grouped[(row["subject"], row["relation"], row["object"])].append(row)

    for (s, rel, o), rows in sorted(grouped.items()):
        for node in (s, o):
            # An endpoint the store says nothing else about gets a bare node, unless filters apply.
            if node not in G and node not in entities and classes is None and group_codes is None:
                G.add_node(node, label=local_name(node, "entity"), cls=None, region=None,
                           region_label=None, province=None, city=None, aliases=[])
        if s not in G or o not in G:
            continue
        # One confidence per tie; one support per article.
        tie_conf = {r["tie"]: r["confidence"] for r in rows if r["confidence"] is not None}
        articles = {r["article"] or r["tie"] for r in rows}
        year_articles: dict[str, set] = defaultdict(set)
        for r in rows:
            if r["date"]:
                year_articles[r["date"][:4]].add(r["article"] or r["tie"])
        evidence = {}
        for r in rows:
            if r["sentence"] is None:
                continue
            item = (r["article"], r["sentence"], r["start"], r["end"])
            rank = (-(r["confidence"] or 0.0), r["date"] or "9999", r["article"] or "", r["start"] or 0)
            evidence[item] = min(rank, evidence.get(item, rank))
        confidences = list(tie_conf.values())
        G.add_edge(
            s,
            o,
            key=rel,
            relation=rel,
            weight=len(articles),
            confidence=max(confidences) if confidences else None,
            confidence_mean=sum(confidences) / len(confidences) if confidences else None,
            status="reported" if any(r["status"] == "reported" for r in rows) else "planned",
            dates=sorted({r["date"] for r in rows if r["date"]}),
            years={y: len(a) for y, a in sorted(year_articles.items())},
            evidence=sorted(evidence, key=evidence.get),
            ties=sorted({r["tie"] for r in rows}),
        )
    return G


def region_graph(
    source,
    level: str = "city",
    *,
    relations=None,
    count: str = "ties",
    start=None,
    end=None,
    include_planned: bool = True,
    directions: dict | None = None,
    include_guessed_regions: bool = False,
) -> nx.DiGraph:
    """Aggregate actor ties onto the regions the actors are in.

    Parameters
    ----------
    source : store or networkx.MultiDiGraph
        A store (projected with :func:`actor_graph`) or an actor graph made by it.
    level : {"city", "province", "region"}
        Aggregate to cities (a municipality such as 北京 is a city), provinces, or the actors'
        own regions.
    relations : iterable of str, optional
        Tie types to count (default: all).
    count : {"ties", "articles"}
        What ``weight`` counts: distinct actor ties, or tie-article supports.
    start, end, include_planned
        As in :func:`actor_graph` (only used when ``source`` is a store).
    directions : dict, optional
        ``relation -> "forward" | "reverse" | "both"``; defaults to :data:`FLOW_DIRECTIONS`
        (cooperation counts both ways, ``hosts`` from the hosted actor's region to the host's).
    include_guessed_regions : bool
        Count actors whose only region is a guess (``region_source`` ``article``: the article's place);
        by default they count as having no region, so no flow rests on a guess.

    Returns
    -------
    networkx.DiGraph
        Nodes are region codes (``label``, ``level``, ``province``); an edge ``a -> b`` has
        ``weight``, ``ties``, ``articles``, ``by_year`` (``{year: ties}``; a tie supported in
        several years counts in each) and ``relations`` (``{relation: ties}``). Ties inside one
        region are self-loops. Actors without a known region at ``level`` are left out.

    Examples
    --------
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> R = region_graph(store, level="province")
    >>> R.edges["110000", "130000"]["weight"], R.edges["130000", "110000"]["weight"]
    (2, 2)
    >>> R.edges["120000", "130000"]["relations"]
    {'transfersTechnologyTo': 1}
    >>> R.edges["110000", "370000"]["by_year"]
    {'2023': 1, '2024': 1}
    """
    if count not in ("ties", "articles"):
        raise ValueError(f"count must be 'ties' or 'articles', not {count!r}")
    if isinstance(source, nx.Graph):
        G = source
        wanted = _names(relations)
    else:
        G = actor_graph(source, relations=relations, start=start, end=end, include_planned=include_planned)
        wanted = None
    hierarchy: RegionHierarchy = G.graph.get("regions") or RegionHierarchy()
    directions = FLOW_DIRECTIONS if directions is None else {**FLOW_DIRECTIONS, **directions}

    at = {n: hierarchy.at_level(d.get("region"), level) for n, d in G.nodes(data=True)
          if include_guessed_regions or d.get("region_source") != GUESSED_REGION}
    R = nx.DiGraph(regions=hierarchy, level=level)
    for code in sorted({c for c in at.values() if c}):
        R.add_node(code, label=hierarchy.label(code), level=hierarchy.levels.get(code),
                   province=hierarchy.province_of(code))
    acc: dict[tuple, dict] = {}
    for u, v, data in G.edges(data=True):
        rel = data.get("relation")
        if wanted is not None and rel not in wanted:
            continue
        ru, rv = at.get(u), at.get(v)
        if ru is None or rv is None:
            continue
        direction = directions.get(rel, "forward")
        pairs = {"forward": [(ru, rv)], "reverse": [(rv, ru)], "both": [(ru, rv), (rv, ru)]}[direction]
        if direction == "both" and ru == rv:
            pairs = [(ru, rv)]
        for a, b in pairs:
            d = acc.setdefault((a, b), {"ties": 0, "articles": 0, "by_year": Counter(), "relations": Counter()})
            d["ties"] += 1
            d["articles"] += data.get("weight", 1)
            d["relations"][rel] += 1
            for year in data.get("years", {}):
                d["by_year"][year] += 1
    for (a, b), d in sorted(acc.items()):
        R.add_edge(a, b, weight=d[count], ties=d["ties"], articles=d["articles"],
                   by_year=dict(sorted(d["by_year"].items())), relations=dict(sorted(d["relations"].items())))
    return R


def undirected_weighted(G, *, weight: str = "weight", relations=None) -> nx.Graph:
    """Collapse a (multi, directed) graph to a simple undirected graph, summing ``weight``.

    Parallel edges and both directions between two nodes become one edge whose ``weight`` is
    the sum (a missing attribute counts 1) and whose ``relations`` lists the tie types.
    Self-loops are dropped. Node attributes are kept.

    Parameters
    ----------
    G : networkx graph
    weight : str
        Edge attribute to sum.
    relations : iterable of str, optional
        Keep only edges whose ``relation`` attribute is one of these (edges without a
        ``relation`` attribute, as in a plain networkx graph, are always kept).

    Returns
    -------
    networkx.Graph

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edges_from([("a", "b", {"relation": "cooperatesWith", "weight": 2}),
    ...                   ("b", "a", {"relation": "hosts", "weight": 1})])
    [0, 0]
    >>> H = undirected_weighted(M)
    >>> H["a"]["b"]["weight"], H["a"]["b"]["relations"]
    (3, ['cooperatesWith', 'hosts'])
    """
    wanted = _names(relations)
    weights: dict = {}
    kinds: dict = {}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        rel = data.get("relation")
        if wanted is not None and rel is not None and rel not in wanted:
            continue
        key = (v, u) if (v, u) in weights else (u, v)
        weights[key] = weights.get(key, 0) + data.get(weight, 1)
        if rel is not None:
            kinds.setdefault(key, set()).add(rel)
    H = nx.Graph()
    H.graph.update(G.graph)
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(
        (u, v, {"weight": w, "relations": sorted(kinds.get((u, v), ()))}) for (u, v), w in weights.items()
    )
    return H
