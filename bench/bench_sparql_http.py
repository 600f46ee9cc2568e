"""SPARQL latency (p50/p99) of the named queries through the HTTP endpoint against calling the store directly.

The store holds about ``--quads`` quads (default 1,000,000): the seeds' extraction scaled up with
:mod:`bench.synth` and bulk loaded with :func:`kg.distributed.load_shards`. The endpoint is the web
app (``api.main.create_app`` via ``api.main.serve``) run by uvicorn on 127.0.0.1 in a child process, with
the result cap lifted so that both sides return every row; the client reads the whole JSON body.
The direct side runs ``KGStore.query`` on a read-only handle of the same store and materialises every row.
Target: HTTP p50 ≤ 1.5x direct p50. A second baseline adds pyoxigraph's own JSON serialisation to the
direct call, to tell the cost of writing JSON from the cost of the web layer.

Run::

    nice -n 10 .venv/bin/python -m bench.bench_sparql_http [--quads 1000000] [--reps 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, Result, percentile, print_result

__all__ = ["run", "build_store", "main"]


def build_store(quads: int, work: Path, source: Path | None = None) -> Path:
    """A store of about ``quads`` quads made from a real extraction (see module docstring)."""
    from bench.bench_load import _source_quads
    from bench.synth import write_scaled
    from kg.distributed import load_shards

    data = work / "scaled.nq"
    write_scaled(_source_quads(source, work), quads, data)
    store = work / "store"
    report = load_shards([data], store, bulk=True)
    if report.skipped:
        raise RuntimeError(f"could not load the scaled data: {report.skipped}")
    data.unlink()
    return store


def _parameters(store) -> dict[str, object]:
    """Values for required query parameters, taken from the data (the top hub, one of its ties...)."""
    values: dict[str, object] = {"region": "371400", "q": "大学", "group": "京津冀"}
    rows = store.select("SELECT ?s ?p ?o WHERE { ?p rdfs:subPropertyOf kg:relation . ?s ?p ?o } LIMIT 1")
    if rows:
        values.update(subject=rows[0]["s"], relation=rows[0]["p"].rsplit("#", 1)[-1], object=rows[0]["o"],
                      entity=rows[0]["s"])
    return values


def _start_server(store: Path, port: int) -> subprocess.Popen:
    code = ("import sys; from api.main import serve; "
            f"serve({str(store)!r}, port={port}, host='127.0.0.1', result_cap=10**9, query_timeout=600.0)")
    # Same priority as the direct side (this process): an extra ``nice`` would handicap the server on a busy machine.
    return subprocess.Popen([PYTHON, "-c", code], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API server did not answer on {url}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def run(quads: int = 1_000_000, reps: int = 7, store: Path | None = None, source: Path | None = None,
        slow_seconds: float = 10.0) -> list[Result]:
    """Time every named query ``reps`` times directly and over HTTP; returns the results (also printed).

    Parameters
    ----------
    quads : int
        Store size when the store is built here.
    reps : int
        Runs per query and side (after one warm-up run each).
    store : Path, optional
        Use this existing store instead of building one.
    source : Path, optional
        Real extraction to scale up (default: a build of seeds/).
    slow_seconds : float
        A query whose first direct run takes longer is measured once per side, without warm-up
        (p50 = p99 = that run), to keep the benchmark within minutes on a 1M-quad store.
    """
    import httpx

    from kg.rdf import KGStore
    from kg.rdf.store import PREFIXES
    from tests.scale_server import free_port

    work = Path(tempfile.mkdtemp(prefix="kg-bench-sparql-"))
    results: list[Result] = []
    proc = None
    try:
        if store is None:
            t = time.perf_counter()
            store = build_store(quads, work, source)
            print(f"[sparql] built a {quads:,}-quad store in {time.perf_counter() - t:.0f} s", flush=True)
        port = free_port()
        proc = _start_server(store, port)
        url = f"http://127.0.0.1:{port}/sparql"
        _wait(url, proc)
        prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        client = httpx.Client(timeout=600)
        with KGStore(store, read_only=True) as kg:
            size = len(kg.oxigraph)
            values = _parameters(kg)
            for name, params in sorted(kg.named_queries().items()):
                bindings = {p: values[p] for p, (_, required) in params.items() if required and p in values}
                missing = [p for p, (_, required) in params.items() if required and p not in values]
                if missing:
                    print(f"[sparql] {name}: no value for {missing}; skipped")
                    continue
                text = prefixes + kg.named_query_text(name, **bindings)

                def direct():
                    return sum(1 for _ in kg.query(text))

                def direct_json():
                    import pyoxigraph as ox

                    return len(kg.query(text).serialize(format=ox.QueryResultsFormat.JSON))

                def http():
                    response = client.post(url, data={"query": text},
                                           headers={"Accept": "application/sparql-results+json"})
                    response.raise_for_status()
                    return len(response.content)

                print(f"[sparql] {name}...", flush=True)
                t = time.perf_counter()
                rows = direct()
                slow = time.perf_counter() - t > slow_seconds
                times: dict[str, list[float]] = {"direct": [], "direct+json": [], "http": []}
                if not slow:
                    http()  # warm-up both sides (a slow query is dominated by evaluation: no warm-up, one run)
                for _ in range(1 if slow else reps):
                    for side, fn in (("direct", direct), ("direct+json", direct_json), ("http", http)):
                        t = time.perf_counter()
                        fn()
                        times[side].append(time.perf_counter() - t)
                d50, d99 = percentile(times["direct"], 50), percentile(times["direct"], 99)
                h50, h99 = percentile(times["http"], 50), percentile(times["http"], 99)
                note = f"{rows:,} rows; {size:,} quads; {1 if slow else reps} run(s)"
                results.append(Result("sparql", f"{name} p50 over HTTP", h50 * 1000, "ms", "direct p50", d50 * 1000,
                                      target="≤ 1.5x direct", passed=h50 <= 1.5 * d50, note=note))
                results.append(Result("sparql", f"{name} p99 over HTTP", h99 * 1000, "ms", "direct p99", d99 * 1000))
                j50 = percentile(times["direct+json"], 50)
                results.append(Result("sparql", f"{name} p50 over HTTP", h50 * 1000, "ms",
                                      "direct + native JSON serialisation p50", j50 * 1000))
                print_result(results[-3])
                print_result(results[-1])
        client.close()
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sparql_http", description=__doc__.split("\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--store", type=Path, default=None, help="an existing store to query")
    args = parser.parse_args(argv)
    for r in run(args.quads, args.reps, args.store):
        if "p99" in r.metric:
            print_result(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
