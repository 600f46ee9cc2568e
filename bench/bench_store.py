"""KGStore (pyoxigraph on RocksDB) against rdflib's in-memory Dataset: load rate and three query latencies.

Synthetic articles in the ARCHITECTURE RDF shape (article metadata, entities with labels/aliases/regions,
plain tie triples, Tie + Evidence nodes) are generated deterministically and written through the real
write path, ``KGStore.replace_article`` (mapping + one SPARQL Update transaction per article), until the
store holds ``--quads`` article quads (default 1,000,000). Then three queries are timed:

* ``group_by``   — triples per predicate (``GROUP BY ?p``);
* ``two_hop``    — partners of partners over ``kg:cooperatesWith`` with a GROUP BY;
* ``entity_ties``— the ``entity_ties`` named query (every tie of the top hub with its evidence).

The rdflib baseline (``rdflib.Dataset``, in memory, union default graph) is measured in the same run on
the first ``--rdflib-quads`` quads (default 200,000: rdflib needs minutes beyond that); kg is measured on
that same subset too, and the ratios compare equal sizes.

Run (one core is enough; be nice to the others)::

    nice -n 10 .venv/bin/python -m bench.bench_store [--quads 1000000] [--rdflib-quads 200000]
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.rdf import KGStore  # noqa: E402
from kg.rdf.mapping import extraction_to_quads  # noqa: E402
from kg.rdf.regions import read_regions  # noqa: E402
from kg.rdf.store import PREFIXES  # noqa: E402
from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie, TieStatus  # noqa: E402

__all__ = ["synthetic_extractions", "run", "main"]

QUERIES = {
    "group_by": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "two_hop": """SELECT ?a (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?a kg:cooperatesWith ?b . ?b kg:cooperatesWith ?c . FILTER(?a != ?c) }
        GROUP BY ?a ORDER BY DESC(?n) LIMIT 20""",
}
_CLASSES = [EntityClass.ENTERPRISE] * 5 + [EntityClass.UNIVERSITY, EntityClass.RESEARCH_INSTITUTE,
                                           EntityClass.GOVERNMENT_AGENCY, EntityClass.PARK,
                                           EntityClass.INNOVATION_PLATFORM, EntityClass.PERSON]
_RELATIONS = [Relation.COOPERATES_WITH] * 4 + [Relation.TRANSFERS_TECHNOLOGY_TO, Relation.LOCATED_IN,
                                                Relation.INVESTS_IN, Relation.RELOCATED_TO, Relation.PARTICIPATES_IN]


def synthetic_extractions(seed: int = 7, ties_per_article: int = 12, entities: int = 40000):
    """Yield an endless, deterministic stream of Extractions with a skewed (hub-heavy) entity popularity."""
    rng = random.Random(seed)
    codes = [r.code for r in read_regions(ROOT / "kg" / "resources" / "regions.tsv") if r.level != "province"]
    pool = []
    for k in range(entities):
        cls = rng.choice(_CLASSES)
        name = f"{'企业机构高校园区'[k % 4]}{k:06d}{'有限公司' if cls is EntityClass.ENTERPRISE else ''}"
        pool.append(Entity(name, name, cls, frozenset({name[:6]}), None if cls is EntityClass.PERSON
                           else rng.choice(codes)))
    weights = [1.0 / (k + 1) ** 0.8 for k in range(entities)]  # a few hubs, a long tail
    number = 0
    while True:
        sentences, ties, offset = [], [], 0
        article_id = f"syn{number:07d}"
        picks = rng.choices(pool, weights=weights, k=2 * ties_per_article)
        for t in range(ties_per_article):
            a, b = picks[2 * t], picks[2 * t + 1]
            if a.key == b.key:
                continue
            sentence = f"{a.name}与{b.name}在第{t}项工作中签署战略合作协议，共建创新平台。"
            evidence = Evidence(article_id, sentence, offset, offset + len(sentence), f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                round(rng.uniform(0.5, 1.0), 3), "kg.relations.trigger.v1", "合作")
            status = TieStatus.NEGATED if rng.random() < 0.05 else TieStatus.REPORTED
            ties.append(Tie(a, rng.choice(_RELATIONS), b, evidence, status))
            sentences.append(sentence)
            offset += len(sentence)
        article = Article(article_id, "".join(sentences), title=f"合成新闻{number}", date="2024-01-01",
                          source="bench", path=f"bench/{article_id}.txt")
        yield Extraction(article, tuple({e.key: e for t in ties for e in (t.subject, t.object)}.values()),
                         tuple(ties))
        number += 1


def _prefixed(query: str) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + query


def _time(function, repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls (the first call included: no warm-up favouritism)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _kg_queries(store: KGStore, hub: str) -> dict[str, float]:
    out = {name: _time(lambda q=q: list(store.query(q))) for name, q in QUERIES.items()}
    out["entity_ties"] = _time(lambda: store.named_query("entity_ties", entity=hub))
    return out


def _rdflib_queries(dataset, hub: str, repeat: int) -> dict[str, float]:
    out = {name: _time(lambda q=q: list(dataset.query(_prefixed(q))), repeat) for name, q in QUERIES.items()}
    text = KGStore.named_query_text(KGStore.__new__(KGStore), "entity_ties", entity=hub)
    out["entity_ties"] = _time(lambda: list(dataset.query(_prefixed(text))), repeat)
    return out


def _to_rdflib(quads):
    """pyoxigraph quads -> rdflib (s, p, o, graph) tuples (done before timing rdflib's load)."""
    import rdflib

    def term(t):
        if hasattr(t, "language") or hasattr(t, "datatype"):
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
        return rdflib.URIRef(t.value)

    return [(term(q.subject), term(q.predicate), term(q.object), rdflib.URIRef(q.graph_name.value)) for q in quads]


def run(quads: int = 1_000_000, rdflib_quads: int = 200_000, work: Path | None = None) -> dict:
    """Run the benchmark and return every figure (also printed)."""
    import rdflib

    work = Path(work or tempfile.mkdtemp(prefix="kg-bench-store-"))
    results: dict = {"quads_target": quads, "rdflib_quads_target": rdflib_quads}
    stream = synthetic_extractions()

    # 1. kg, full size, through the real write path (on disk).
    store = KGStore(work / "store")
    shared = len(store.oxigraph)
    written, articles, subset_quads, start = 0, 0, [], time.perf_counter()
    while written < quads:
        extraction = next(stream)
        mapped = extraction_to_quads(extraction)
        if written < rdflib_quads:
            subset_quads.extend(mapped)
        store.replace_article(extraction)
        written += len(mapped)
        articles += 1
    elapsed = time.perf_counter() - start
    hub = store.named_query("hubs", limit=1)[0]["entity"]
    results["kg_full"] = {"quads": written, "articles": articles, "load_s": elapsed, "load_rate": written / elapsed,
                          **_kg_queries(store, hub)}
    # the library queries the API and notebooks call (no rdflib counterpart: informational)
    results["kg_named"] = {name: _time(lambda n=name, b=bindings: store.named_query(n, **b), 1)
                           for name, bindings in (("ties_summary", {}), ("hubs", {}), ("articles", {}),
                                                  ("transfers_between_groups", {}),
                                                  ("transfers_from_group", {"group": "京津冀"}),
                                                  ("search_entities", {"q": "企业00001"}))}
    start = time.perf_counter()
    store.known_entities()
    results["kg_named"]["known_entities()"] = time.perf_counter() - start
    store.close()
    del store
    gc.collect()

    # 2. the same subset in kg (in memory, bulk extend of pre-mapped quads) and in rdflib.
    small = KGStore()
    start = time.perf_counter()
    small.oxigraph.extend(subset_quads)
    elapsed = time.perf_counter() - start
    results["kg_subset"] = {"quads": len(subset_quads), "load_s": elapsed, "load_rate": len(subset_quads) / elapsed,
                            **_kg_queries(small, hub)}
    del small
    gc.collect()

    rdflib_input = _to_rdflib(subset_quads)
    dataset = rdflib.Dataset(default_union=True)
    start = time.perf_counter()
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in rdflib_input)
    elapsed = time.perf_counter() - start
    results["rdflib_subset"] = {"quads": len(rdflib_input), "load_s": elapsed,
                                "load_rate": len(rdflib_input) / elapsed, **_rdflib_queries(dataset, hub, 1)}
    results["shared_graph_quads"] = shared
    shutil.rmtree(work, ignore_errors=True)
    return results


def _print(results: dict) -> None:
    full, kg_s, rdf_s = results["kg_full"], results["kg_subset"], results["rdflib_subset"]
    print(f"kg full: {full['quads']:,} article quads in {full['articles']:,} articles (+{results['shared_graph_quads']:,} "
          f"ontology/region quads); replace_article load {full['load_s']:.1f} s = {full['load_rate']:,.0f} quads/s")
    for name in ("group_by", "two_hop", "entity_ties"):
        print(f"  {name:12s} {full[name] * 1000:9.1f} ms")
    print("  named queries at full size (one run each):")
    for name, seconds in results["kg_named"].items():
        print(f"    {name:26s} {seconds * 1000:9.1f} ms")
    print(f"\nsame subset of {kg_s['quads']:,} quads        kg (pyoxigraph)      rdflib Dataset      rdflib / kg")
    print(f"  load rate (quads/s)  {kg_s['load_rate']:16,.0f} {rdf_s['load_rate']:18,.0f} {kg_s['load_rate'] / rdf_s['load_rate']:12.1f}x slower")
    for name in ("group_by", "two_hop", "entity_ties"):
        print(f"  {name:12s} (ms)    {kg_s[name] * 1000:16.1f} {rdf_s[name] * 1000:18.1f} {rdf_s[name] / kg_s[name]:12.1f}x")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000, help="article quads to write into kg")
    parser.add_argument("--rdflib-quads", type=int, default=200_000, help="size of the subset compared with rdflib")
    parser.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temp dir)")
    args = parser.parse_args(argv)
    _print(run(args.quads, args.rdflib_quads, args.work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
