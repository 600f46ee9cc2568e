"""Flows between regions: city×city and province×province matrices, net flows, strengths, corridors.

A flow from region A to region B is an actor tie whose (flow) direction goes from an actor in A to
an actor in B, with the direction rules of :data:`kg.algorithms.FLOW_DIRECTIONS` (cooperation
counts once each way, ``hosts`` from the hosted actor's region to the host's, every other tie
from subject to object). Counts are numbers of distinct actor ties (``count="articles"`` in
:func:`kg.algorithms.region_graph` counts tie-article supports instead).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from kg.algorithms._sparql import KGR, load_query, run_select
from kg.algorithms.projection import _names, actor_graph, region_graph
from kg.algorithms.regions import RegionHierarchy

__all__ = [
    "DEFAULT_CORRIDORS",
    "corridor_flows",
    "flow_matrix",
    "net_flow",
    "read_corridors",
    "region_pairs",
    "strength",
    "ties_between",
    "ties_between_sparql",
    "write_csv",
]

#: 京→冀, 津→冀, 京→津 (each reported with its way back).
DEFAULT_CORRIDORS = (("北京", "河北"), ("天津", "河北"), ("北京", "天津"))


def _region_graph(source, level: str, relations=None, **kwargs) -> nx.DiGraph:
    if isinstance(source, nx.DiGraph) and not source.is_multigraph() and "level" in source.graph:
        if source.graph["level"] != level:
            raise ValueError(f"region graph is at level {source.graph['level']!r}, not {level!r}")
        return source
    return region_graph(source, level=level, relations=relations, **kwargs)


def _unique_labels(codes, hierarchy: RegionHierarchy) -> dict:
    labels = {c: hierarchy.label(c) for c in codes}
    seen: dict = {}
    for c, name in labels.items():
        seen.setdefault(name, []).append(c)
    return {c: (name if len(seen[name]) == 1 else f"{name} ({c})") for c, name in labels.items()}


def flow_matrix(
    source,
    level: str = "city",
    *,
    net: bool = False,
    year: str | int | None = None,
    relations=None,
    labels: bool = True,
    **kwargs,
) -> pd.DataFrame:
    """Region×region flow matrix: rows are where flows come from, columns where they go.

    Parameters
    ----------
    source : store, actor graph or region graph
        A store, :func:`kg.algorithms.actor_graph`, or :func:`kg.algorithms.region_graph` at ``level``.
    level : {"city", "province", "region"}
        Aggregation level (a municipality such as 北京 is a city).
    net : bool
        Return the net flow ``M - M.T`` (positive: more from the row to the column than back).
    year : str or int, optional
        Count only ties supported by evidence of that year (counts ties, whatever ``count``).
    relations : iterable of str, optional
        Tie types to count (default: all).
    labels : bool
        Index by region names (``德州市``; ``name (code)`` if two share a name) instead of codes.
    **kwargs
        Passed to :func:`kg.algorithms.region_graph` (``count``, ``start``, ``end``,
        ``include_planned``) when ``source`` is not a region graph.

    Returns
    -------
    pandas.DataFrame
        Square, integer, same regions on both axes (every region with an actor at ``level``),
        sorted by code; the diagonal holds ties inside a region.

    Examples
    --------
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> flow_matrix(store, level="province", labels=False)
    to      110000  120000  130000  140000  370000
    from                                          
    110000       1       0       2       1       1
    120000       0       0       1       0       1
    130000       2       0       1       0       0
    140000       1       0       0       0       0
    370000       0       1       0       0       1
    >>> int(flow_matrix(store, level="province", net=True).loc["天津市", "河北省"])
    1
    """
    R = _region_graph(source, level, relations=relations, **kwargs)
    prebuilt = R is source
    wanted = _names(relations)
    hierarchy: RegionHierarchy = R.graph.get("regions") or RegionHierarchy()
    codes = sorted(R.nodes)
    M = pd.DataFrame(0, index=codes, columns=codes, dtype="int64")
    for a, b, d in R.edges(data=True):
        if year is not None:
            value = d.get("by_year", {}).get(str(year), 0)
        elif prebuilt and wanted is not None:
            value = sum(n for rel, n in d.get("relations", {}).items() if rel in wanted)
        else:
            value = d.get("weight", 1)
        M.loc[a, b] += value
    if net:
        M = M - M.T
    if labels:
        names = _unique_labels(codes, hierarchy)
        M = M.rename(index=names, columns=names)
    M.index.name, M.columns.name = "from", "to"
    return M


def net_flow(matrix: pd.DataFrame) -> pd.DataFrame:
    """Net flow ``M - M.T`` of a square flow matrix (antisymmetric, zero diagonal).

    Examples
    --------
    >>> M = pd.DataFrame([[0, 3], [1, 0]], index=["京", "冀"], columns=["京", "冀"])
    >>> net_flow(M)
       京  冀
    京  0  2
    冀 -2  0
    """
    if list(matrix.index) != list(matrix.columns):
        raise ValueError("a flow matrix must have the same regions, in the same order, on both axes")
    return matrix - matrix.T


def region_pairs(matrix: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """The pairs of different regions with a flow, strongest first, with the flow back.

    Parameters
    ----------
    matrix : pandas.DataFrame
        A square flow matrix (:func:`flow_matrix` with ``net=False``).
    top : int, optional
        Keep the ``top`` strongest pairs.

    Returns
    -------
    pandas.DataFrame
        ``from``, ``to``, ``ties`` (from -> to), ``back`` (to -> from), ``net``; ties inside a region
        (the diagonal) are left out; equal flows keep the matrix order.

    Examples
    --------
    >>> M = pd.DataFrame([[2, 3, 0], [1, 0, 0], [4, 0, 1]], index=["京", "冀", "鲁"], columns=["京", "冀", "鲁"])
    >>> region_pairs(M)
      from to  ties  back  net
    0    鲁  京     4     0    4
    1    京  冀     3     1    2
    2    冀  京     1     3   -2
    """
    net_flow(matrix)  # checks the axes
    flows = matrix.stack()
    flows = flows[(flows > 0) & (flows.index.get_level_values(0) != flows.index.get_level_values(1))]
    flows = flows.sort_values(ascending=False, kind="stable")
    if top is not None:
        flows = flows.head(top)
    rows = [(a, b, int(n), int(matrix.loc[b, a])) for (a, b), n in flows.items()]
    frame = pd.DataFrame(rows, columns=["from", "to", "ties", "back"])
    frame["net"] = frame["ties"] - frame["back"]
    return frame


def strength(matrix: pd.DataFrame) -> pd.DataFrame:
    """Out-, in- and net strength of each region (flows to and from *other* regions) and internal ties.

    Parameters
    ----------
    matrix : pandas.DataFrame
        A square flow matrix (:func:`flow_matrix` with ``net=False``).

    Returns
    -------
    pandas.DataFrame
        Columns ``out``, ``in``, ``net`` (out − in), ``internal`` (the diagonal), sorted by
        ``out + in`` descending, then by name.

    Examples
    --------
    >>> M = pd.DataFrame([[1, 3], [1, 0]], index=["京", "冀"], columns=["京", "冀"])
    >>> strength(M)
       out  in  net  internal
    京    3   1    2         1
    冀    1   3   -2         0
    """
    if list(matrix.index) != list(matrix.columns):
        raise ValueError("a flow matrix must have the same regions, in the same order, on both axes")
    import numpy as np

    diagonal = pd.Series(np.diag(matrix.to_numpy()), index=matrix.index)
    out = matrix.sum(axis=1) - diagonal
    inn = matrix.sum(axis=0) - diagonal
    frame = pd.DataFrame({"out": out, "in": inn, "net": out - inn, "internal": diagonal})
    frame["_total"] = frame["out"] + frame["in"]
    frame["_name"] = frame.index.astype(str)
    frame = frame.sort_values(["_total", "_name"], ascending=[False, True]).drop(columns=["_total", "_name"])
    frame.index.name = matrix.index.name
    return frame


def corridor_flows(
    source,
    corridors=DEFAULT_CORRIDORS,
    *,
    by_year: bool = False,
    relations=None,
    include_guessed_regions: bool = False,
    **kwargs,
) -> pd.DataFrame:
    """Flows along corridors between regions or region groups, both ways.

    Parameters
    ----------
    source : store or actor graph
    corridors : iterable of (from, to)
        Pairs of region specs (names, groups, codes: see :meth:`RegionHierarchy.resolve`);
        default 京→冀, 津→冀, 京→津.
    by_year : bool
        One row per corridor and year (years with evidence), instead of totals.
    relations : iterable of str, optional
        Tie types to count (default: all).
    include_guessed_regions : bool
        Count actors whose region is only a guess (see :func:`kg.algorithms.region_graph`).
    **kwargs
        Passed to :func:`kg.algorithms.actor_graph` when ``source`` is a store.

    Returns
    -------
    pandas.DataFrame
        Columns ``corridor`` (``"北京→河北"``), ``from``, ``to``, (``year``,) ``forward`` (ties from
        ``from`` to ``to``), ``back`` (the other way), ``net`` (forward − back).

    Examples
    --------
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> corridor_flows(store)
      corridor from  to  forward  back  net
    0    北京→河北   北京  河北        2     2    0
    1    天津→河北   天津  河北        1     0    1
    2    北京→天津   北京  天津        0     0    0
    """
    G = source if isinstance(source, nx.Graph) else actor_graph(source, relations=relations, **kwargs)
    R = region_graph(G, level="region", relations=relations if isinstance(source, nx.Graph) else None,
                     include_guessed_regions=include_guessed_regions)
    hierarchy: RegionHierarchy = R.graph.get("regions") or RegionHierarchy()
    rows = []
    for a, b in corridors:
        codes_a, codes_b = hierarchy.resolve(a), hierarchy.resolve(b)
        name_a = a if isinstance(a, str) else "+".join(map(str, a))
        name_b = b if isinstance(b, str) else "+".join(map(str, b))
        forward: dict = {}
        back: dict = {}
        for u, v, d in R.edges(data=True):
            in_a_u, in_b_v = hierarchy.within(u, codes_a), hierarchy.within(v, codes_b)
            in_b_u, in_a_v = hierarchy.within(u, codes_b), hierarchy.within(v, codes_a)
            keys = d.get("by_year", {}) if by_year else {None: d["ties"]}
            for key, n in keys.items():
                if in_a_u and in_b_v:
                    forward[key] = forward.get(key, 0) + n
                if in_b_u and in_a_v:
                    back[key] = back.get(key, 0) + n
        years = sorted(set(forward) | set(back)) if by_year else [None]
        for year in years:
            row = {"corridor": f"{name_a}→{name_b}", "from": name_a, "to": name_b}
            if by_year:
                row["year"] = year
            f, bk = forward.get(year, 0), back.get(year, 0)
            rows.append({**row, "forward": f, "back": bk, "net": f - bk})
    columns = ["corridor", "from", "to", *(["year"] if by_year else []), "forward", "back", "net"]
    return pd.DataFrame(rows, columns=columns)


def ties_between(G, source, target, *, relations=None) -> int:
    """Number of distinct actor ties stated from an actor in ``source`` to an actor in ``target``.

    The tie is counted as written (subject in ``source``, object in ``target``), without the flow
    direction rules; :func:`ties_between_sparql` asks the store the same question.

    Examples
    --------
    >>> import pyoxigraph
    >>> from kg.algorithms.projection import actor_graph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> ties_between(actor_graph(store), "京津", "河北")
    3
    """
    hierarchy: RegionHierarchy = G.graph.get("regions") or RegionHierarchy()
    codes_s, codes_t = hierarchy.resolve(source), hierarchy.resolve(target)
    wanted = _names(relations)
    count = 0
    for u, v, data in G.edges(data=True):
        if wanted is not None and data.get("relation") not in wanted:
            continue
        if hierarchy.within(G.nodes[u].get("region"), codes_s) and hierarchy.within(G.nodes[v].get("region"), codes_t):
            count += 1
    return count


def ties_between_sparql(store, source, target, *, relations=None) -> int:
    """:func:`ties_between` answered by SPARQL on the store (``queries/ties_between_regions.rq``).

    Examples
    --------
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(path="tests/data/algorithms/small.trig", format=pyoxigraph.RdfFormat.TRIG)
    >>> ties_between_sparql(store, "京津", "河北")
    3
    """
    from kg.algorithms.regions import region_hierarchy
    from kg.types import Relation

    hierarchy = region_hierarchy(store)
    rels = _names(relations) or {r.value for r in Relation}

    def iris(codes):
        return " ".join(f"<{KGR}region/{c}>" for c in sorted(codes))

    query = (
        load_query("ties_between_regions")
        .replace("$FROM", iris(hierarchy.resolve(source)))
        .replace("$TO", iris(hierarchy.resolve(target)))
        .replace("$RELATIONS", " ".join(f"kg:{r}" for r in sorted(rels)))
    )
    rows = run_select(store, query)
    return int(rows[0]["ties"]) if rows else 0


def read_corridors(path: str | Path | None = None) -> list[tuple[str, str]]:
    """Read a corridors table: ``from<TAB>to[<TAB>note]`` per line after a header, ``#`` comments.

    Parameters
    ----------
    path : str or Path, optional
        The table (default ``kg/resources/corridors.tsv``: the 京津冀 corridors and partner cities).

    Returns
    -------
    list of (str, str)
        ``(from, to)`` pairs in file order, for :func:`corridor_flows`.

    Raises
    ------
    ValueError
        A line without two non-empty columns (the message names the file and line).

    Examples
    --------
    >>> read_corridors()[:3]
    [('北京', '河北'), ('天津', '河北'), ('北京', '天津')]
    """
    path = Path(path) if path is not None else Path(__file__).resolve().parent.parent / "resources" / "corridors.tsv"
    corridors, header_seen = [], False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = [f.strip() for f in line.rstrip("\r\n").split("\t")]
            if not header_seen:
                header_seen = True
                if fields[:2] == ["from", "to"]:
                    continue
            if len(fields) < 2 or not fields[0] or not fields[1]:
                raise ValueError(f"{path}:{number}: expected 'from<TAB>to', got {line.strip()!r}")
            corridors.append((fields[0], fields[1]))
    return corridors


def write_csv(frames: dict, directory: str | Path) -> list[Path]:
    """Write DataFrames as ``<directory>/<name>.csv`` (UTF-8 with BOM, so spreadsheet programs
    read Chinese names); creates the directory.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_csv({"flows": pd.DataFrame({"a": [1]})}, d)]
    ['flows.csv']
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name!r} is a {type(frame).__name__}, not a DataFrame")
        path = directory / f"{name}.csv"
        frame.to_csv(path, encoding="utf-8-sig")
        written.append(path)
    return written
