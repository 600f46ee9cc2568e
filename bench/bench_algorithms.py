"""Benchmark kg.algorithms against plain networkx calls on the same synthetic graph, in the same run.

A script, not a test. Run it with low priority, e.g.::

    nice -n 10 .venv/bin/python bench/bench_algorithms.py               # 100k nodes, 1M ties
    nice -n 10 .venv/bin/python bench/bench_algorithms.py --nodes 10000 --edges 100000 --skip-slow

The synthetic actor graph imitates ours: nodes spread over cities of a few provinces (80% of ties
inside a city, so there are communities), endpoints drawn from a heavy-tailed distribution (hubs),
ties typed with the hub relations, weights 1-5 (articles), confidences 0.5-1.
Every step prints: our time, the networkx time (CPU seconds of this process: the machine is shared,
so wall time is printed too but is noisy), the ratio (networkx / ours: > 1 means we are faster)
and a check that both answers agree.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kg.algorithms as A  # noqa: E402
from kg.algorithms.regions import RegionHierarchy  # noqa: E402

RELATIONS = ["cooperatesWith", "hosts", "locatedIn", "transfersTechnologyTo", "relocatedTo"]
PROVINCES = {"110000": "北京市", "120000": "天津市", "130000": "河北省", "370000": "山东省", "140000": "山西省"}


def synthetic_hierarchy(cities_per_province: int) -> RegionHierarchy:
    labels, parents, aliases = dict(PROVINCES), {}, {"110000": ["北京", "京"], "120000": ["天津", "津"],
                                                      "130000": ["河北", "冀"], "370000": ["山东"], "140000": ["山西"]}
    for province in PROVINCES:
        for i in range(1, cities_per_province + 1):
            code = f"{province[:2]}{i:02d}00"
            labels[code] = f"{PROVINCES[province][:2]}{i}市"
            parents[code] = province
    return RegionHierarchy(labels=labels, aliases=aliases, parents=parents)


def synthetic_actor_graph(n: int, m: int, seed: int = 0) -> nx.MultiDiGraph:
    """``n`` actors and ``m`` distinct ties (no self-loops) in the shape of ``actor_graph``."""
    rng = np.random.default_rng(seed)
    hierarchy = synthetic_hierarchy(cities_per_province=20)
    cities = sorted(c for c in hierarchy.labels if not c.endswith("0000"))
    city_of = rng.integers(0, len(cities), size=n)
    members = [np.flatnonzero(city_of == c) for c in range(len(cities))]
    # Heavy tail: the chance of being picked falls with a node's rank inside its city.
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:
        batch = int((m - len(pairs)) * 1.2) + 100
        u = rng.integers(0, n, size=batch)
        local = rng.random(batch) < 0.8
        target_city = np.where(local, city_of[u], rng.integers(0, len(cities), size=batch))
        v = np.empty(batch, dtype=np.int64)
        for c in np.unique(target_city):
            sel = np.flatnonzero(target_city == c)
            pool = members[c]
            ranks = np.minimum((rng.pareto(1.2, size=sel.size) * 3).astype(np.int64), pool.size - 1)
            v[sel] = pool[ranks]
        for a, b in zip(u.tolist(), v.tolist()):
            if a != b and (a, b) not in pairs and (b, a) not in pairs:
                pairs.add((a, b))
                if len(pairs) == m:
                    break
    G = nx.MultiDiGraph(regions=hierarchy)
    classes = ["Enterprise", "University", "ResearchInstitute", "Park", "GovernmentAgency"]
    cls = rng.integers(0, len(classes), size=n)
    for i in range(n):
        code = cities[city_of[i]]
        G.add_node(i, label=f"actor{i}", cls=classes[cls[i]], region=code, city=code, province=code[:2] + "0000")
    rel = rng.integers(0, len(RELATIONS), size=m)
    weight = rng.integers(1, 6, size=m)
    confidence = rng.uniform(0.5, 1.0, size=m).round(2)
    for (a, b), r, w, c in zip(pairs, rel.tolist(), weight.tolist(), confidence.tolist()):
        G.add_edge(a, b, key=RELATIONS[r], relation=RELATIONS[r], weight=w, confidence=c, evidence=[], dates=[])
    return G


def timed(fn, *args, **kwargs):
    """Result and CPU seconds of this process (the machine is shared: wall time is noisy)."""
    gc.collect()
    start, wall = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    cpu = time.process_time() - start
    WALL.append(time.perf_counter() - wall)
    return result, cpu


WALL: list[float] = []


def report(step: str, ours: float, baseline: float | None, check: str) -> None:
    if baseline is None:
        print(f"{step:<34} ours {ours:8.2f} s   networkx {'skipped':>8}            {check}", flush=True)
    else:
        ratio = baseline / ours if ours > 0 else float("inf")
        print(f"{step:<34} ours {ours:8.2f} s   networkx {baseline:8.2f} s   x{ratio:7.1f}   {check}", flush=True)
    print(f"{'':<34} (wall of the last two timings: {' / '.join(f'{w:.1f} s' for w in WALL[-2:])})", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=50, help="sampled sources for betweenness")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-slow", action="store_true",
                        help="skip the slow networkx baselines (betweenness, Louvain)")
    parser.add_argument("--nx-louvain-seconds", type=float, default=None,
                        help="with --skip-slow: networkx Louvain CPU seconds measured earlier on the same graph")
    args = parser.parse_args(argv)

    print(f"networkx {nx.__version__}; synthetic actor graph: {args.nodes:,} nodes, {args.edges:,} ties", flush=True)
    G, t = timed(synthetic_actor_graph, args.nodes, args.edges, args.seed)
    print(f"{'build synthetic graph':<34} {t:8.2f} s", flush=True)

    H, t = timed(A.hub_graph, G)
    print(f"{'hub_graph (collapse to undirected)':<34} {t:8.2f} s   ({H.number_of_nodes():,} nodes, "
          f"{H.number_of_edges():,} edges)", flush=True)

    ours, t_ours = timed(A.degree, H)
    ref, t_ref = timed(lambda: dict(H.degree()))
    report("degree", t_ours, t_ref, f"equal: {ours == ref}")

    ours, t_ours = timed(A.weighted_degree, H)
    ref, t_ref = timed(lambda: dict(H.degree(weight="weight")))
    report("weighted degree", t_ours, t_ref, f"equal: {all(ours[n] == ref[n] for n in H)}")

    ours, t_ours = timed(A.pagerank, H, backend="igraph")
    ref, t_ref = timed(nx.pagerank, H)
    diff = max(abs(ours[n] - ref[n]) for n in H)
    report("pagerank backend=igraph (ARPACK)", t_ours, t_ref, f"max |diff| {diff:.1e} (auto uses networkx)")

    ours, t_ours = timed(A.betweenness, H, k=args.k, seed=args.seed)
    if args.skip_slow:
        report(f"betweenness k={args.k} (igraph)", t_ours, None, "")
    else:
        ref, t_ref = timed(nx.betweenness_centrality, H, k=args.k, seed=args.seed)
        diff = max(abs(ours[n] - ref[n]) for n in H)
        report(f"betweenness k={args.k} (igraph)", t_ours, t_ref, f"max |diff| {diff:.1e}")

    ours, t_ours = timed(A.hubs, G, top=10)
    print(f"{'hubs(G, top=10) end to end':<34} ours {t_ours:8.2f} s   (collapse + degrees + PageRank + ranks)",
          flush=True)

    louvain, t_ours = timed(A.louvain_communities, H, seed=args.seed)
    q_ours = nx.community.modularity(H, louvain, weight="weight")
    if args.skip_slow:
        t_nx_louvain = args.nx_louvain_seconds
        report("louvain (igraph multilevel)", t_ours, t_nx_louvain, f"{len(louvain)} communities, Q={q_ours:.3f}"
               + (" (networkx time from an earlier run)" if t_nx_louvain else ""))
    else:
        ref, t_nx_louvain = timed(nx.community.louvain_communities, H, weight="weight", seed=args.seed)
        q_ref = nx.community.modularity(H, ref, weight="weight")
        report("louvain (igraph multilevel)", t_ours, t_nx_louvain,
               f"{len(louvain)} vs {len(ref)} communities, Q={q_ours:.3f} vs {q_ref:.3f}")

    leiden, t_ours = timed(A.leiden_communities, H, seed=args.seed)
    q_leiden = nx.community.modularity(H, leiden, weight="weight")
    report("leiden (2 iterations) vs nx louvain", t_ours, t_nx_louvain,
           f"{len(leiden)} communities, Q={q_leiden:.3f}")
    leiden, t_ours = timed(A.leiden_communities, H, seed=args.seed, n_iterations=-1)
    q_leiden = nx.community.modularity(H, leiden, weight="weight")
    report("leiden (until stable) vs nx louvain", t_ours, t_nx_louvain,
           f"{len(leiden)} communities, Q={q_leiden:.3f}")

    paths, t_ours = timed(A.transfer_paths, G, source="京津", target="河北", k=5)
    # Baseline: the same question asked of networkx directly, from the same actor graph: build the walkable
    # directed graph (super source -> every 京津 actor, every 河北 actor -> super target), then Yen's algorithm.
    hierarchy = G.graph["regions"]
    src, dst = hierarchy.resolve("京津"), hierarchy.resolve("河北")

    def nx_paths():
        from itertools import islice

        T = A.transfer_graph(G)
        sources = {n for n, d in G.nodes(data=True) if d["region"][:2] in {c[:2] for c in src}}
        targets = {n for n, d in G.nodes(data=True) if d["region"][:2] in {c[:2] for c in dst}}
        T.remove_edges_from([(u, v) for u, v in list(T.edges()) if v in sources or u in targets])
        T.add_edges_from((("S", s) for s in sources), cost=0.0)
        T.add_edges_from(((t, "T") for t in targets), cost=0.0)
        return T, list(islice(nx.shortest_simple_paths(T, "S", "T", weight="cost"), 5))

    (T, ref), t_ref = timed(nx_paths)
    same = sorted(round(p["cost"], 9) for p in paths) == sorted(
        round(sum(T.edges[u, v]["cost"] for u, v in zip(r, r[1:])), 9) for r in ref)
    report("transfer_paths k=5 (京津→河北)", t_ours, t_ref, f"same costs: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
