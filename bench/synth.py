"""Scale a real extracted graph up to any number of quads (for load and SPARQL benchmarks at 1M triples).

Building a 1M-triple store through the NLP pipeline takes hours on two cores, so
the load and query benchmarks replicate the article graphs of a real build
instead: copy ``k`` of an article graph gets its own article, graph, tie and
evidence IRIs, and each entity IRI is shared by about ``reuse`` consecutive
copies (an entity is mentioned by many articles, as in real news), with copies
overlapping so that the tie graph stays connected. Shape, literal sizes and the
mix of predicates are those of the real extraction.

Run::

    python -m bench.synth SOURCE.nq --quads 1000000 --out /tmp/kg-1m.nq
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["scale_quads", "main"]

KGR = "https://w3id.org/kg-innovation/id/"
_SHARED = {f"{KGR}graph/ontology", f"{KGR}graph/regions"}
_PER_COPY = ("article/", "graph/", "tie/", "evidence/")


def _article_graphs(source: Path) -> list[list]:
    """The article graphs of ``source`` (N-Quads or TriG), each as a list of quads (shared graphs left out)."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.TRIG if source.suffix.lower() == ".trig" else ox.RdfFormat.N_QUADS
    graphs: dict[str, list] = {}
    for quad in ox.parse(path=str(source), format=fmt):
        name = getattr(quad.graph_name, "value", None)
        if name is None or name in _SHARED or not name.startswith(f"{KGR}graph/"):
            continue
        graphs.setdefault(name, []).append(quad)
    if not graphs:
        raise ValueError(f"{source}: no article graphs (kgr:graph/<id>) to replicate")
    return [graphs[k] for k in sorted(graphs)]


def _variant(key: str, copy: int, reuse: int) -> int:
    """Which variant of an entity copy ``copy`` uses: shared by ``reuse`` copies, staggered per entity."""
    offset = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") % reuse
    return (copy + offset) // reuse


def _renamer(copy: int, reuse: int):
    import pyoxigraph as ox

    cache: dict[str, object] = {}

    def rename(term):
        if not isinstance(term, ox.NamedNode):
            return term
        value = term.value
        if not value.startswith(KGR):
            return term
        hit = cache.get(value)
        if hit is not None:
            return hit
        local = value[len(KGR):]
        if local.startswith("entity/"):
            new = ox.NamedNode(f"{value}~{_variant(local, copy, reuse)}") if copy else term
        elif local.startswith(_PER_COPY) and value not in _SHARED:
            new = ox.NamedNode(f"{value}~c{copy}") if copy else term
        else:
            new = term  # regions, region groups: shared by every copy
        cache[value] = new
        return new

    return rename


def scale_quads(source: str | Path, quads: int, *, reuse: int = 20) -> Iterator:
    """Yield about ``quads`` quads made by replicating the article graphs of ``source``.

    Parameters
    ----------
    source : path
        N-Quads or TriG export of a real store (``kg export --format nquads``) or extracted shards.
    quads : int
        How many quads to produce (whole article graphs: the last one may overshoot a little).
    reuse : int
        About how many copies share one entity IRI.

    Yields
    ------
    pyoxigraph.Quad
    """
    import pyoxigraph as ox

    graphs = _article_graphs(Path(source))
    made = copy = 0
    while made < quads:
        rename = _renamer(copy, reuse)
        for graph in graphs:
            for q in graph:
                yield ox.Quad(rename(q.subject), q.predicate, rename(q.object), rename(q.graph_name))
            made += len(graph)
            if made >= quads:
                return
        copy += 1


def write_scaled(source: str | Path, quads: int, out: str | Path, *, reuse: int = 20) -> int:
    """Write :func:`scale_quads` to an N-Quads file; returns the number of quads written."""
    import pyoxigraph as ox

    count = 0

    def counted():
        nonlocal count
        for q in scale_quads(source, quads, reuse=reuse):
            count += 1
            yield q

    with open(out, "wb") as f:
        ox.serialize(counted(), f, format=ox.RdfFormat.N_QUADS)
    return count


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.synth SOURCE --quads N --out FILE``."""
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reuse", type=int, default=20)
    args = parser.parse_args(argv)
    n = write_scaled(args.source, args.quads, args.out, reuse=args.reuse)
    print(f"wrote {n:,} quads to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
