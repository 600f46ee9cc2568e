"""Load N-Quads shards into an external SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso...).

Three ways, all standard or near-standard HTTP, chosen with ``method``:

``"update"`` (default, works everywhere)
    SPARQL 1.1 Update requests to the server's *update* URL, each holding up to
    ``batch_bytes`` of ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }``
    pairs. One request is one transaction on Oxigraph, Fuseki and RDF4J/GraphDB,
    so an article graph is replaced whole or not at all (as in the embedded store).
``"gsp"`` (SPARQL 1.1 Graph Store HTTP Protocol)
    One ``PUT <store>?graph=<g>`` per article graph with its N-Triples: replaces
    the graph atomically; one request per article.
``"quads"`` (fastest; Oxigraph ``/store``, Fuseki dataset URL, RDF4J ``/statements``)
    The shard is streamed as ``application/n-quads`` in one ``POST``; with
    ``replace=True`` the shard's graphs are first dropped through ``update_url``.

Read the module ``docs/scale.md`` for the URLs of each server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.types import Problem

__all__ = ["RemoteLoadReport", "load_to_endpoint", "graphs_of_shard", "shared_graphs_nquads"]


@dataclass
class RemoteLoadReport:
    """What :func:`load_to_endpoint` sent.

    Attributes
    ----------
    endpoint : str
        The URL written to.
    method : str
        ``"update"``, ``"gsp"`` or ``"quads"``.
    shards, graphs, quads, requests : int
        Shards read, named graphs and quads sent successfully, HTTP requests made.
    problems : list of Problem
        Every shard or batch that failed (with the server's answer); the others were still sent.
    seconds : float
        Wall time.
    """

    endpoint: str
    method: str
    shards: int = 0
    graphs: int = 0
    quads: int = 0
    requests: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def quads_per_second(self) -> float:
        """Throughput of the load."""
        return self.quads / self.seconds if self.seconds else 0.0


def graphs_of_shard(path: str | Path) -> Iterator[tuple[str | None, list[str]]]:
    """Group an N-Quads file by graph: yield ``(graph IRI or None for the default graph, triple lines)``.

    Lines are N-Triples statements (``<s> <p> <o> .``) re-serialised by pyoxigraph,
    so they are valid inside SPARQL ``INSERT DATA`` too. Consecutive quads of the
    same graph are grouped (shards written by :mod:`kg.distributed` keep each
    article graph contiguous); a graph split across the file is yielded once per run.

    Raises
    ------
    SyntaxError
        When the file is not valid N-Quads (pyoxigraph's message names the line).
    """
    import pyoxigraph as ox

    current: str | None = None
    started = False
    lines: list[str] = []
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        if started and graph != current:
            yield current, lines
            lines = []
        current, started = graph, True
        lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
    if started:
        yield current, lines


def shared_graphs_nquads(out: str | Path) -> Path:
    """Write the shared graphs the embedded store holds from the start (ontology, regions...) as N-Quads.

    An external server needs them too, since the named queries join on region
    and ontology terms. They are taken from a fresh in-memory :class:`kg.rdf.KGStore`,
    so they are exactly what ``kg build`` puts in an embedded store.

    Returns
    -------
    Path
        ``out``.
    """
    from kg.rdf import KGStore

    out = Path(out)
    with KGStore(None) as store:
        store.export(out, "nquads", include_shared=True)
    return out


def _client(timeout: float, auth, headers: dict | None):
    import httpx

    return httpx.Client(timeout=timeout, auth=auth, headers=headers or {})


def _send(client, request: Callable, what: str, retries: int):
    """Run ``request(client)``; retry transport errors and 5xx (with backoff); raise RuntimeError with the answer."""
    import httpx

    delay = 0.5
    for attempt in range(retries + 1):
        try:
            response = request(client)
        except httpx.TransportError as exc:
            if attempt == retries:
                raise RuntimeError(f"{what}: {type(exc).__name__}: {exc}") from None
        else:
            if response.status_code < 400:
                return response
            if response.status_code < 500 or attempt == retries:
                raise RuntimeError(f"{what}: HTTP {response.status_code}: {response.text[:300]}")
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")


def _update_batches(groups: Iterable[tuple[str | None, list[str]]], batch_bytes: int,
                    replace: bool) -> Iterator[tuple[str, int, int]]:
    """Yield ``(update text, graphs, quads)`` requests of about ``batch_bytes`` each (one graph is never split)."""
    parts: list[str] = []
    size = graphs = quads = 0
    for graph, lines in groups:
        body = "\n".join(lines)
        if graph is None:
            op = f"INSERT DATA {{\n{body}\n}}"
        else:
            op = f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
            if replace:
                op = f"DROP SILENT GRAPH <{graph}> ;\n{op}"
        if parts and size + len(op) > batch_bytes:
            yield " ;\n".join(parts), graphs, quads
            parts, size, graphs, quads = [], 0, 0, 0
        parts.append(op)
        size += len(op)
        graphs += graph is not None
        quads += len(lines)
    if parts:
        yield " ;\n".join(parts), graphs, quads


def load_to_endpoint(
    shards: Iterable[str | Path],
    endpoint: str,
    *,
    method: str = "update",
    update_url: str | None = None,
    replace: bool = True,
    include_shared: bool = False,
    refresh_summary: bool = False,
    batch_bytes: int = 4_000_000,
    timeout: float = 300.0,
    retries: int = 2,
    auth=None,
    headers: dict | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> RemoteLoadReport:
    """Load N-Quads shards (one named graph per article) into an external SPARQL 1.1 server.

    Parameters
    ----------
    shards : iterable of path
        N-Quads files, e.g. from :func:`kg.distributed.extract_shards`.
    endpoint : str
        For ``method="update"``: the SPARQL Update URL (Oxigraph ``http://host:7878/update``,
        Fuseki ``http://host:3030/ds/update``, GraphDB ``http://host:7200/repositories/R/statements``).
        For ``"gsp"``: the Graph Store URL (Oxigraph ``/store``, Fuseki ``/ds/data``,
        GraphDB ``/repositories/R/rdf-graphs/service``).
        For ``"quads"``: the URL accepting an N-Quads ``POST`` (Oxigraph ``/store``, Fuseki ``/ds``,
        GraphDB ``/repositories/R/statements``).
    method : {"update", "gsp", "quads"}
        How to send (see the module docstring).
    update_url : str, optional
        With ``method="quads"`` and ``replace=True``: the SPARQL Update URL used to drop the shard's graphs first.
    replace : bool
        Replace each article graph (a re-load changes nothing, a changed article loses its old triples).
        With ``False`` triples are only added.
    include_shared : bool
        Also load the shared graphs (ontology, regions) that the embedded store holds from the start.
    refresh_summary : bool
        After loading, rebuild the materialised tie summary graph on the server (the SPARQL Update
        ``kg/rdf/queries/refresh_summary.ru`` that ``KGStore.refresh_summary`` runs), so the ``summary``
        named query works there too. Needs the update URL (``endpoint`` for ``"update"``, else ``update_url``).
    batch_bytes : int
        Upper size of one SPARQL Update request (``method="update"``); a single graph is never split.
    timeout : float
        Seconds per HTTP request.
    retries : int
        Retries on connection errors and HTTP 5xx, with exponential backoff.
    auth, headers :
        Passed to httpx (e.g. ``auth=("admin", "pw")`` for Fuseki or GraphDB).
    on_problem : callable, optional
        Called with each :class:`~kg.types.Problem` (a shard that cannot be parsed, a rejected request).

    Returns
    -------
    RemoteLoadReport
        Counts of what was loaded and the problems; a failed shard or batch does not stop the others.

    Raises
    ------
    ValueError
        For an unknown ``method`` or ``"quads"`` + ``replace`` without ``update_url``.
    """
    if method not in ("update", "gsp", "quads"):
        raise ValueError(f"method must be 'update', 'gsp' or 'quads', not {method!r}")
    if method == "quads" and replace and not update_url:
        raise ValueError("method='quads' with replace=True needs update_url (to drop the graphs first)")
    if refresh_summary and method != "update" and not update_url:
        raise ValueError("refresh_summary=True needs update_url with method='gsp' or 'quads'")
    started = time.perf_counter()
    report = RemoteLoadReport(endpoint=endpoint, method=method)

    def problem(p: Problem) -> None:
        report.problems.append(p)
        if on_problem:
            on_problem(p)

    shard_list = [Path(s) for s in shards]
    tmp_shared = None
    if include_shared:
        import tempfile

        tmp_shared = Path(tempfile.mkstemp(prefix="kg-shared-", suffix=".nq")[1])
        shard_list.insert(0, shared_graphs_nquads(tmp_shared))
    try:
        with _client(timeout, auth, headers) as client:
            for shard in shard_list:
                report.shards += 1
                try:
                    if method == "update":
                        _load_update(client, shard, endpoint, batch_bytes, replace, retries, report, problem)
                    elif method == "gsp":
                        _load_gsp(client, shard, endpoint, replace, retries, report, problem)
                    else:
                        _load_quads(client, shard, endpoint, update_url, replace, retries, report)
                except SyntaxError as exc:
                    problem(Problem(str(shard), f"not valid N-Quads: {exc}"))
                except OSError as exc:
                    problem(Problem(str(shard), f"cannot read: {exc}"))
                except RuntimeError as exc:
                    problem(Problem(str(shard), str(exc)))
            if refresh_summary:
                _refresh_summary(client, update_url if method != "update" else endpoint, retries, report, problem)
    finally:
        if tmp_shared is not None:
            tmp_shared.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _load_update(client, shard: Path, url: str, batch_bytes: int, replace: bool, retries: int,
                 report: RemoteLoadReport, problem) -> None:
    """Send one shard as batched SPARQL Update requests; a rejected batch is reported, the next ones still go."""
    # parse the whole shard first so that a syntax error sends nothing of it (a shard is all or nothing)
    groups = list(graphs_of_shard(shard))
    for number, (text, graphs, quads) in enumerate(_update_batches(groups, batch_bytes, replace), 1):
        try:
            _send(client, lambda c: c.post(url, content=text.encode("utf-8"),
                                           headers={"Content-Type": "application/sparql-update; charset=utf-8"}),
                  f"update batch {number}", retries)
        except RuntimeError as exc:
            problem(Problem(str(shard), f"{exc} ({graphs} graphs, {quads} quads not loaded)"))
            continue
        finally:
            report.requests += 1
        report.graphs += graphs
        report.quads += quads


def _load_gsp(client, shard: Path, url: str, replace: bool, retries: int, report: RemoteLoadReport, problem) -> None:
    """Send one shard graph by graph with the Graph Store Protocol (PUT replaces, POST adds)."""
    groups = list(graphs_of_shard(shard))
    for graph, lines in groups:
        body = ("\n".join(lines) + "\n").encode("utf-8")
        params = {"graph": graph} if graph is not None else {"default": ""}
        verb = "PUT" if replace and graph is not None else "POST"
        try:
            _send(client, lambda c: c.request(verb, url, params=params, content=body,
                                              headers={"Content-Type": "application/n-triples"}),
                  f"{verb} graph {graph or '(default)'}", retries)
        except RuntimeError as exc:
            problem(Problem(str(shard), f"{exc} ({len(lines)} quads not loaded)"))
            continue
        finally:
            report.requests += 1
        report.graphs += graph is not None
        report.quads += len(lines)


def _load_quads(client, shard: Path, url: str, update_url: str | None, replace: bool, retries: int,
                report: RemoteLoadReport) -> None:
    """Drop the shard's graphs (when replacing), then stream the file as one N-Quads POST."""
    graphs: list[str] = []
    quads = 0
    for graph, lines in graphs_of_shard(shard):  # also validates the file before anything is sent
        if graph is not None and (not graphs or graphs[-1] != graph):
            graphs.append(graph)
        quads += len(lines)
    if replace and graphs:
        drops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in dict.fromkeys(graphs))
        report.requests += 1
        _send(client, lambda c: c.post(update_url, content=drops.encode("utf-8"),
                                       headers={"Content-Type": "application/sparql-update; charset=utf-8"}),
              "drop graphs", retries)

    def stream():
        with open(shard, "rb") as f:
            while chunk := f.read(1 << 20):
                yield chunk

    report.requests += 1
    _send(client, lambda c: c.post(url, content=stream(), headers={"Content-Type": "application/n-quads"}),
          "POST n-quads", retries)
    report.graphs += len(set(graphs))
    report.quads += quads


def _refresh_summary(client, url: str, retries: int, report: RemoteLoadReport, problem) -> None:
    """Run the store's summary-refresh update on the server (with the prefixes the embedded store predeclares)."""
    from kg.rdf.store import PREFIXES, QUERIES_DIR

    text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    text += (QUERIES_DIR / "refresh_summary.ru").read_text(encoding="utf-8")
    report.requests += 1
    try:
        _send(client, lambda c: c.post(url, content=text.encode("utf-8"),
                                       headers={"Content-Type": "application/sparql-update; charset=utf-8"}),
              "refresh summary", retries)
    except RuntimeError as exc:
        problem(Problem(url, str(exc)))
