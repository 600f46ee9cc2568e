"""Bulk load of N-Quads shards: kg's loaders against raw pyoxigraph bulk loading and rdflib's in-memory store.

Measured on the same file (a real extraction scaled up with :mod:`bench.synth`):

* ``kg.distributed.load_shards(..., bulk=False)`` — one transaction per shard (``KGStore.load``);
* ``kg.distributed.load_shards(..., bulk=True)`` — Oxigraph's bulk loader behind the kg API;
* ``kg.remote.load_to_endpoint`` into an Oxigraph server over HTTP (SPARQL Update and N-Quads POST);
* baselines: ``pyoxigraph.Store.bulk_load`` directly, and ``rdflib.Dataset().parse`` in memory.

Run::

    python -m bench.bench_load [--quads 1000000] [--source export.nq]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Result, print_result

__all__ = ["run", "main"]


def _source_quads(source: Path | None, work: Path) -> Path:
    """A real extraction to replicate: the given file, else a build of seeds/ exported, else the test fixture."""
    if source is not None:
        return source
    exported = work / "seeds-export.nq"
    try:
        from kg.pipeline import build
        from kg.rdf import KGStore

        store = work / "seeds-store"
        build([ROOT / "seeds"], store, validate=False)
        with KGStore(store) as kgstore:
            kgstore.export(exported, "nquads", include_shared=False)
        return exported
    except Exception as exc:  # noqa: BLE001 - the pipeline may not be ready: fall back to the fixture
        print(f"[load] seeds build failed ({type(exc).__name__}: {exc}); replicating tests/data/algorithms/small.trig")
        return ROOT / "tests" / "data" / "algorithms" / "small.trig"


def _split(path: Path, shards: int, out: Path) -> list[Path]:
    """Split an N-Quads file into ``shards`` files at graph boundaries (as extract_shards writes them)."""
    from kg.remote import graphs_of_shard

    groups = list(graphs_of_shard(path))
    per = max(1, -(-len(groups) // shards))
    files = []
    for i in range(0, len(groups), per):
        f = out / f"shard-{i // per:03d}.nq"
        with open(f, "w", encoding="utf-8") as sink:
            for graph, lines in groups[i:i + per]:
                suffix = f" <{graph}> .\n" if graph else " .\n"
                for line in lines:
                    sink.write(line[:-2] + suffix)
        files.append(f)
    return files


def run(quads: int = 1_000_000, source: Path | None = None, work: Path | None = None,
        remote: bool = True, rdflib_quads: int | None = None) -> list[Result]:
    """Measure every loader on the same ``quads``-quad file; returns the results (also printed).

    Parameters
    ----------
    quads : int
        Size of the scaled file.
    source : Path, optional
        Real extraction to replicate (default: build seeds/ and export it).
    work : Path, optional
        Scratch directory (default: a temporary one, removed at the end).
    remote : bool
        Also load into an Oxigraph server (needs the ``oxigraph`` CLI).
    rdflib_quads : int, optional
        Quads for the rdflib baseline (default: all; it is slow and takes about 1 GB per million).
    """
    import pyoxigraph as ox

    from bench.synth import write_scaled
    from kg.distributed import load_shards

    own = work is None
    work = Path(work or tempfile.mkdtemp(prefix="kg-bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    try:
        data = work / "scaled.nq"
        n = write_scaled(_source_quads(source, work), quads, data)
        shard_dir = work / "shards"
        shard_dir.mkdir(exist_ok=True)
        shards = _split(data, 8, shard_dir)
        note = f"{n:,} quads in {len(shards)} shards"

        def timed(fn) -> float:
            gc.collect()
            t = time.perf_counter()
            fn()
            return time.perf_counter() - t

        raw_dir = work / "raw"
        raw = ox.Store(str(raw_dir))
        raw_s = timed(lambda: [raw.bulk_load(path=str(s), format=ox.RdfFormat.N_QUADS) for s in shards])
        assert len(raw) == n, (len(raw), n)
        del raw
        raw_rate = n / raw_s
        results.append(Result("load", "pyoxigraph bulk_load (baseline)", raw_rate, "quads/s", note=note))

        for bulk in (False, True):
            store_dir = work / f"kg-{bulk}"
            holder = {}

            def load():
                holder["r"] = load_shards(shards, store_dir, bulk=bulk)

            secs = timed(load)
            assert holder["r"].quads == n and not holder["r"].skipped, holder["r"]
            results.append(Result("load", f"kg load_shards(bulk={bulk})", n / secs, "quads/s",
                                  "pyoxigraph bulk_load", raw_rate,
                                  target="≥ 0.5x raw" if bulk else "", passed=(n / secs >= 0.5 * raw_rate) if bulk else None,
                                  note="one transaction per shard" if not bulk else "not transactional"))
            shutil.rmtree(store_dir, ignore_errors=True)

        if remote:
            results += _remote(shards, n, raw_rate, work)

        import rdflib

        subset = data
        m = n
        if rdflib_quads and rdflib_quads < n:
            subset = work / "subset.nq"
            with open(data, encoding="utf-8") as f, open(subset, "w", encoding="utf-8") as g:
                for i, line in enumerate(f):
                    if i >= rdflib_quads:
                        break
                    g.write(line)
            m = rdflib_quads
        ds = rdflib.Dataset()
        rd_s = timed(lambda: ds.parse(str(subset), format="nquads"))
        del ds
        gc.collect()
        results.append(Result("load", "kg load_shards(bulk=True) vs rdflib in-memory", results[2].value, "quads/s",
                              "rdflib Dataset.parse", m / rd_s, target="faster than rdflib",
                              passed=results[2].value > m / rd_s, note=f"rdflib on {m:,} quads"))
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print_result(r)
    return results


def _remote(shards: list[Path], n: int, raw_rate: float, work: Path) -> list[Result]:
    """Load the shards into a fresh Oxigraph server, by SPARQL Update and by N-Quads POST."""
    from kg.remote import load_to_endpoint
    from tests.scale_server import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        print("[load] oxigraph CLI not installed: remote loading not measured")
        return []
    out = []
    for method in ("update", "quads"):
        server = OxigraphServer(work / f"server-{method}").start()
        try:
            url = server.update_url if method == "update" else server.store_url
            report = load_to_endpoint(shards, url, method=method, update_url=server.update_url, replace=False)
            assert not report.problems, report.problems[:3]
            out.append(Result("load", f"remote load_to_endpoint(method={method!r}) to oxigraph server",
                              report.quads_per_second, "quads/s", "pyoxigraph bulk_load", raw_rate,
                              note=f"{report.requests} HTTP requests"))
        finally:
            server.stop()
        shutil.rmtree(work / f"server-{method}", ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__.split("\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--no-remote", action="store_true")
    parser.add_argument("--rdflib-quads", type=int, default=None)
    args = parser.parse_args(argv)
    os.nice(0)
    run(args.quads, args.source, remote=not args.no_remote, rdflib_quads=args.rdflib_quads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
