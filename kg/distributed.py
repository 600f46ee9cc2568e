"""Extraction beyond one machine: Dask workers analyse sharded input, the driver resolves and writes N-Quads shards.

How the work is cut
-------------------
* **Workers** (a Dask ``LocalCluster`` or a real cluster given by its scheduler
  address) read one input shard each and run the pure, expensive part of the
  pipeline on every article: :func:`kg.pipeline.analyse_article` (clean,
  mentions, ties). The spaCy pipeline is loaded once per worker process.
* **The driver** receives the analysed shards *in input order* and runs entity
  resolution with one :class:`kg.resolve.Resolver`, exactly as
  :func:`kg.pipeline.build` does in its parent process, then maps each
  Extraction to quads (:func:`kg.rdf.mapping.extraction_to_quads`) and writes
  one N-Quads file per input shard.

Why resolution stays in the driver: the resolver links a mention to entities
seen in *earlier* articles (short names, aliases), so its result depends on the
order of articles. Replaying it sequentially in the same order as the local
path makes the distributed graph equal to the local one by construction (the
tests check isomorphism), at a cost that is small next to the NLP (measured in
``bench/``). Only analysed articles travel from workers to the driver; at most
``max_in_flight`` shards are held at once, so memory does not grow with the corpus.

Resume: each finished output shard is renamed into place with a ``.done.json``
record of its input's size and mtime; a re-run skips finished shards (no NLP),
seeds the resolver with the entities of the finished shards (as
:func:`kg.pipeline.build` seeds it with the store's entities) and carries on.

Then load the shards: :func:`load_shards` (embedded store) or
:func:`kg.remote.load_to_endpoint` (an external SPARQL server).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.pipeline import ArticleCounts, article_problem, resolve_analysed
from kg.types import Article, Entity, Problem

__all__ = ["ShardReport", "LoadReport", "input_shards", "analyse_shard", "extract_shards", "load_shards"]

_DONE_SUFFIX = ".done.json"


@dataclass
class ShardReport(ArticleCounts):
    """What :func:`extract_shards` did (the counts and counting rules of :class:`kg.pipeline.BuildReport`).

    ``read == built + unchanged + failed`` always holds; ``outputs`` lists the
    N-Quads shards in input order (finished ones included when resuming).
    """

    out_dir: str
    shards: int = 0
    resumed_shards: int = 0
    quads: int = 0
    outputs: list[Path] = field(default_factory=list)
    driver_seconds: float = 0.0  # time the driver spent resolving, mapping and writing (not waiting)


@dataclass
class LoadReport:
    """What :func:`load_shards` did."""

    store: str
    shards: int = 0
    quads: int = 0
    graphs_replaced: int = 0
    skipped: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def input_shards(inputs: Iterable[str | Path]) -> tuple[list[str], list[Problem]]:
    """Expand files, directories (recursive, sorted) and globs into the input files, in reading order.

    The order is the one :func:`kg.ingest.read_inputs` reads them in, so a
    distributed run and a local build see the articles in the same order.

    Returns
    -------
    (files, problems)
        The files to read, and a Problem for each input that names nothing.
    """
    import glob

    from kg.ingest.readers import SUPPORTED_SUFFIXES

    files: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            files.append(path)

    def walk(directory: str) -> None:
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                walk(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in SUPPORTED_SUFFIXES:
                add(entry.path)

    for raw in [inputs] if isinstance(inputs, (str, Path)) else inputs:
        path = os.fspath(raw)
        if os.path.isdir(path):
            walk(path)
        elif os.path.lexists(path):
            add(path)
        elif any(ch in path for ch in "*?["):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                problems.append(Problem(path, "no file matches this pattern"))
            for match in matches:
                walk(match) if os.path.isdir(match) else add(match)
        else:
            problems.append(Problem(path, "no such file or directory"))
    return files, problems


def analyse_shard(path: str) -> list[tuple]:
    """Read one input file and analyse every article in it (runs on a worker; never raises for bad input).

    Parameters
    ----------
    path : str
        An input file (JSONL shard, or any file :func:`kg.ingest.read_inputs` reads).

    Returns
    -------
    list of tuple
        In file order: ``("problem", Problem)`` for unreadable records, and
        ``("article", Article, (clean, mentions, ties) or None, error text or None)``.
    """
    from kg.ingest import read_inputs
    from kg.pipeline import analyse_article

    out: list[tuple] = []
    for item in read_inputs([path]):
        if isinstance(item, Problem):
            out.append(("problem", item))
            continue
        try:
            out.append(("article", item, analyse_article(item), None))
        except Exception as exc:  # noqa: BLE001 - reported per article, the shard goes on
            out.append(("article", item, None, f"{type(exc).__name__}: {exc}"))
    return out


def _fingerprint(path: str) -> dict:
    st = os.stat(path)
    return {"input": os.path.abspath(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _output_names(files: list[str], out_dir: Path) -> list[Path]:
    """One ``<stem>.nq`` per input; a stem seen twice gets its position appended."""
    names: list[Path] = []
    used: set[str] = set()
    for i, path in enumerate(files):
        stem = Path(path).stem
        name = stem if stem not in used else f"{stem}-{i:05d}"
        used.add(name)
        names.append(out_dir / f"{name}.nq")
    return names


def _finished(output: Path, source: str) -> dict | None:
    """The done-record of ``output`` if it was made from ``source`` as it is now, else None."""
    done = output.with_name(output.name + _DONE_SUFFIX)
    if not (output.exists() and done.exists()):
        return None
    try:
        record = json.loads(done.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record if record.get("fingerprint") == _fingerprint(source) else None


def _entities_of_shards(outputs: list[Path]) -> list[Entity]:
    """Entities described in finished shards, read back through an in-memory store (as build() reads its store)."""
    if not outputs:
        return []
    from kg.rdf import KGStore

    with KGStore(None) as scratch:
        for output in outputs:
            scratch.load(output)
        return list(scratch.known_entities())


def _client_for(scheduler, n_workers: int | None):
    """A Dask client: on a new LocalCluster (scheduler None), a scheduler address, or a given Client."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None, silence_logs=40)
        return Client(cluster), cluster
    if isinstance(scheduler, Client):
        return scheduler, None
    return Client(scheduler), None


def _in_order(client, files: list[str], todo: list[bool], max_in_flight: int) -> Iterator[tuple[int, list | None]]:
    """Yield ``(index, analysed shard or None when not to do)`` in input order, keeping a bounded window in flight."""
    pending: dict[int, object] = {}
    nxt = 0

    def refill():
        nonlocal nxt
        while nxt < len(files) and len(pending) < max_in_flight:
            if todo[nxt]:
                # pure=False: a changed file under the same name must be read again
                pending[nxt] = client.submit(analyse_shard, files[nxt], pure=False, key=f"kg-analyse-{nxt}-{time.time_ns()}")
            nxt += 1

    refill()
    for index in range(len(files)):
        if not todo[index]:
            refill()
            yield index, None
            continue
        future = pending.pop(index)
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - a lost worker or an unreadable shard: report, go on
            result = exc
        finally:
            future.release()
        refill()
        yield index, result


def extract_shards(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    scheduler=None,
    *,
    n_workers: int | None = None,
    known: Iterable[Entity] = (),
    resume: bool = True,
    max_in_flight: int | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article, str], None] | None = None,
) -> ShardReport:
    """Extract the articles of sharded input on Dask workers and write one N-Quads file per input shard.

    Parameters
    ----------
    inputs : iterable of str or Path
        Input shards: files (JSONL, or txt/html), directories (recursive, sorted) or globs.
        On a real cluster every worker must be able to read these paths (shared file system).
    out_dir : str or Path
        Directory for the output: ``<input stem>.nq`` per input, plus ``<stem>.nq.done.json``.
    scheduler : str or distributed.Client, optional
        Scheduler address (``"tcp://host:8786"``) or a client. None starts a ``LocalCluster``
        of ``n_workers`` processes for the duration of the call.
    n_workers : int, optional
        Worker processes of the LocalCluster (default: all cores).
    known : iterable of Entity
        Entities to resolve against from the start (e.g. ``KGStore(path).known_entities()``
        of the store the shards will be loaded into, as :func:`kg.pipeline.build` does).
    resume : bool
        Skip inputs whose output shard is finished and whose file has not changed since.
    max_in_flight : int, optional
        Shards submitted but not yet written (default: twice the workers); bounds driver memory.
    on_problem, on_article : callable, optional
        As in :func:`kg.pipeline.build` (outcome ``"built"`` or ``"skipped"``).

    Returns
    -------
    ShardReport
    """
    import pyoxigraph as ox

    from kg.rdf.mapping import extraction_to_quads
    from kg.resolve import Resolver

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = ShardReport(out_dir=str(out))
    problem, finished = report.recorders(on_problem, on_article)

    files, missing = input_shards(inputs)
    for p in missing:
        problem(p)
    outputs = _output_names(files, out)
    report.shards = len(files)
    records = [(_finished(o, f) if resume else None) for o, f in zip(outputs, files)]
    todo = [r is None for r in records]
    done_outputs = [o for o, r in zip(outputs, records) if r is not None]
    seen: dict[str, str] = {}
    for record in records:
        if record is not None:
            seen.update(record["articles"])
    resolver = Resolver(known=list(known) + _entities_of_shards(done_outputs))

    client, cluster = _client_for(scheduler, n_workers)
    try:
        window = max_in_flight or 2 * max(1, len(client.nthreads()))
        for index, result in _in_order(client, files, todo, window):
            source, output = files[index], outputs[index]
            report.outputs.append(output)
            if result is None:
                report.resumed_shards += 1
                continue
            tick = time.perf_counter()
            if isinstance(result, Exception):
                problem(Problem(source, f"shard extraction failed: {type(result).__name__}: {result}"))
                continue
            partial = output.with_name(output.name + ".partial")
            articles: dict[str, str] = {}
            quads = 0
            with open(partial, "wb") as sink:
                for item in result:
                    if item[0] == "problem":
                        problem(item[1])
                        continue
                    _, article, analysed, error = item
                    report.read += 1
                    if article.id in seen or article.id in articles:
                        first = seen.get(article.id) or articles.get(article.id)
                        same = "same text" if first == article.content_hash else "with different text"
                        problem(article_problem(article, f"duplicate id {article.id!r} ({same}); kept the first"))
                        finished(article, "skipped")
                        continue
                    articles[article.id] = article.content_hash
                    extraction, failure = resolve_analysed(resolver, analysed, error)
                    if extraction is not None:
                        try:
                            article_quads = extraction_to_quads(extraction)
                        except Exception as exc:  # noqa: BLE001 - reported per article
                            failure = f"RDF mapping failed: {type(exc).__name__}: {exc}"
                    if failure is not None:
                        problem(article_problem(article, failure))
                        finished(article, "skipped")
                        continue
                    ox.serialize(article_quads, sink, format=ox.RdfFormat.N_QUADS)
                    quads += len(article_quads)
                    report.built += 1
                    report.entities_by_class.update(e.cls.value for e in extraction.entities)
                    report.ties_by_relation.update(t.relation.value for t in extraction.ties)
                    finished(article, "built")
            partial.replace(output)
            output.with_name(output.name + _DONE_SUFFIX).write_text(json.dumps(
                {"fingerprint": _fingerprint(source), "articles": articles, "quads": quads}, ensure_ascii=False),
                encoding="utf-8")
            seen.update(articles)
            report.quads += quads
            report.driver_seconds += time.perf_counter() - tick
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
    report.seconds = time.perf_counter() - started
    return report


def _graphs_in(path: Path) -> list[str]:
    """Named graphs of an N-Quads file, in first-seen order."""
    from kg.remote import graphs_of_shard

    return list(dict.fromkeys(g for g, _ in graphs_of_shard(path) if g is not None))


def load_shards(
    shards: Iterable[str | Path],
    store,
    *,
    replace: bool = True,
    bulk: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
) -> LoadReport:
    """Load N-Quads shards into the embedded store, one shard per bulk load.

    Parameters
    ----------
    shards : iterable of path
        N-Quads files from :func:`extract_shards`.
    store : str, Path or kg.rdf.KGStore
        The store (its directory, or an open store).
    replace : bool
        Drop each article graph of a shard that the store already holds before loading
        (so a re-load or a changed article leaves no stale triples).
    bulk : bool
        Use Oxigraph's bulk loader (several times faster, parallel parsing, but *not* one
        transaction: a crash mid-shard leaves part of it). Meant for a first load into a new
        store; with False each shard is loaded in one transaction (``KGStore.load``).
    on_problem : callable, optional
        Called for each shard that cannot be loaded; the others are still loaded.

    Returns
    -------
    LoadReport
    """
    import pyoxigraph as ox

    from kg.rdf import KGStore

    started = time.perf_counter()
    if isinstance(store, (str, Path)):
        with KGStore(store) as opened:
            return load_shards(shards, opened, replace=replace, bulk=bulk, on_problem=on_problem)
    report = LoadReport(store=str(getattr(store, "path", store)))
    for shard in shards:
        shard = Path(shard)
        try:
            if replace:
                graphs = _graphs_in(shard)
                present = [g for g in graphs if store.oxigraph.contains_named_graph(ox.NamedNode(g))]
                if present:
                    store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in present))
                    report.graphs_replaced += len(present)
            if bulk:
                before = len(store.oxigraph)
                store.oxigraph.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
                report.quads += len(store.oxigraph) - before
            else:
                report.quads += store.load(shard, "nq")
            report.shards += 1
        except Exception as exc:  # noqa: BLE001 - one bad shard does not stop the load
            p = Problem(str(shard), f"load failed: {type(exc).__name__}: {exc}")
            report.skipped.append(p)
            if on_problem:
                on_problem(p)
    if hasattr(store, "refresh_summary"):
        store.refresh_summary()
    report.seconds = time.perf_counter() - started
    return report
