"""Running SPARQL for the endpoint: bounded worker threads, a deadline, a result cap, and the result writers.

Why threads and not processes: pyoxigraph cannot cancel a running query, but it evaluates lazily and
releases the GIL while it does (measured: the event loop keeps running during a 4 s query in a worker
thread). A worker pulls solutions one at a time and checks a cancel flag between them, so streaming
queries stop at the deadline; a query that blocks before its first solution (ORDER BY or GROUP BY over a
huge join) runs on in its thread until it finishes. Such runaway queries keep their worker slot, so at most
``query_workers`` of them can run; beyond that new queries get a 503 at once and the rest of the service
(REST, explorer, health) keeps answering. A process pool could kill them, but an in-memory store cannot
be shared with another process and a RocksDB store opened read-only elsewhere only sees a snapshot.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import inspect
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

__all__ = [
    "QueryOutcome",
    "QueryRunner",
    "WorkersBusy",
    "QueryTimedOut",
    "NotAcceptable",
    "SOLUTION_FORMATS",
    "GRAPH_FORMATS",
    "choose_format",
    "run_query",
    "run_update",
    "write_outcome",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Result formats for SELECT/ASK: short name -> media type (the first is the default).
SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Graph formats for CONSTRUCT/DESCRIBE: short name -> media type (the first is the default).
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
#: Other names clients use for the same formats (``format=`` values and media types).
ALIASES = {
    "application/json": "json", "text/javascript": "json", "application/javascript": "json",
    "application/xml": "xml", "text/xml": "xml", "srj": "json", "srx": "xml",
    "ttl": "turtle", "text/n3": "turtle", "application/x-turtle": "turtle", "nt": "ntriples",
    "n-triples": "ntriples", "text/plain": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml", "rdf/xml": "rdfxml",
}
_OX_GRAPH_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
PREFIXES = {
    "kg": "https://w3id.org/kg-innovation/ontology#",
    "kgr": "https://w3id.org/kg-innovation/id/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class WorkersBusy(RuntimeError):
    """Every query worker is busy (503)."""


class QueryTimedOut(RuntimeError):
    """The query did not finish within the timeout (504)."""


class NotAcceptable(ValueError):
    """The requested result format does not fit the query form (406)."""


@dataclass
class QueryOutcome:
    """What a query gave: solutions (with variables), a boolean, or triples; ``truncated`` when capped."""

    form: str  # "solutions" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False


def _media_ranges(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q)."""
    ranges = []
    for index, part in enumerate((accept or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


def choose_format(form: str, accept: str | None, format_param: str | None) -> str:
    """Short name of the result format for a query form, from ``format=`` (wins) or the Accept header.

    Parameters
    ----------
    form : {"solutions", "boolean", "graph"}
        What the query returns.
    accept : str or None
        The Accept header.
    format_param : str or None
        The ``format`` query parameter (short name or media type).

    Returns
    -------
    str
        A key of :data:`SOLUTION_FORMATS` or :data:`GRAPH_FORMATS`. An Accept header that names nothing
        we serve falls back to the default (JSON results, Turtle graphs), as HTTP allows.

    Raises
    ------
    NotAcceptable
        When ``format=`` names a format that does not fit the query form (e.g. CSV for CONSTRUCT).

    Examples
    --------
    >>> choose_format("solutions", "text/csv;q=0.5, application/sparql-results+xml", None)
    'xml'
    >>> choose_format("graph", "*/*", None)
    'turtle'
    """
    table = GRAPH_FORMATS if form == "graph" else SOLUTION_FORMATS
    if form == "boolean":
        table = {k: v for k, v in SOLUTION_FORMATS.items() if k in ("json", "xml")}
    by_media = {media: name for name, media in table.items()}
    if format_param:
        wanted = format_param.strip().lower()
        name = wanted if wanted in table else by_media.get(wanted) or ALIASES.get(wanted)
        if name in table:
            return name
        raise NotAcceptable(
            f"format={format_param!r} does not fit a {'CONSTRUCT/DESCRIBE' if form == 'graph' else 'SELECT/ASK'} "
            f"query; use one of: {', '.join(table)}")
    for media, _q in _media_ranges(accept):
        name = by_media.get(media) or ALIASES.get(media)
        if name in table:
            return name
        if media.endswith("/*") and media != "*/*":
            family = media[:-1]
            for short, full in table.items():
                if full.startswith(family):
                    return short
    return next(iter(table))


class QueryRunner:
    """Runs blocking store work in a bounded pool of worker threads, with a timeout.

    Parameters
    ----------
    workers : int
        How many queries may run at once. A worker whose query timed out stays busy until pyoxigraph
        returns (it cannot be interrupted mid-operator), so this also bounds runaway queries.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._slots = threading.BoundedSemaphore(workers)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kg-sparql")
        self._busy = 0
        self._lock = threading.Lock()

    @property
    def busy(self) -> int:
        """Workers running a query right now (including timed-out ones still finishing)."""
        return self._busy

    async def _acquire(self, wait: float) -> bool:
        """Take a worker slot, waiting up to ``wait`` seconds without blocking the event loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        pause = 0.005
        while not self._slots.acquire(blocking=False):
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
            pause = min(pause * 2, 0.05)
        return True

    async def run(self, work, timeout: float, *, queue_wait: float | None = None):
        """Run ``work(cancel_event)`` in a worker; raise :class:`WorkersBusy` or :class:`QueryTimedOut`.

        A query arriving while every worker is busy waits for a free one for ``queue_wait`` seconds
        (default: ``min(timeout, 2)``) before it is refused, so short bursts are queued, not shed.
        """
        wait = min(timeout, 2.0) if queue_wait is None else queue_wait
        if not await self._acquire(wait):
            raise WorkersBusy(f"all {self.workers} query workers stayed busy for {wait:g} s; retry later")
        cancel = threading.Event()
        with self._lock:
            self._busy += 1

        def guarded():
            try:
                return work(cancel)
            finally:
                with self._lock:
                    self._busy -= 1
                self._slots.release()

        try:
            future = self._pool.submit(guarded)
        except RuntimeError:
            with self._lock:
                self._busy -= 1
            self._slots.release()
            raise
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError as error:
            cancel.set()
            raise QueryTimedOut(
                f"the query did not finish within {timeout:g} s; it was stopped (or, if it was still sorting or "
                "grouping, it finishes in the background and holds one worker until then)") from error

    def shutdown(self) -> None:
        """Stop accepting work; running workers finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _graphs(iris: list[str] | None) -> list[ox.NamedNode] | None:
    if iris is None:
        return None
    return [ox.NamedNode(iri) for iri in iris]


def _accepts(function, name: str) -> bool:
    """True when ``function`` takes a keyword argument ``name``."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _with_base(text: str, base_iri: str | None) -> str:
    # A prologue may always start with BASE, so this is valid for every query and update.
    return f"BASE <{base_iri}> {text}" if base_iri else text


def _oxigraph_of(store) -> tuple[ox.Store | None, dict | None]:
    """The pyoxigraph store behind ``store`` and the prefixes it predeclares (KGStore: ``kg.rdf.store.PREFIXES``)."""
    if isinstance(store, ox.Store):
        return store, None
    raw = getattr(store, "oxigraph", None)
    if isinstance(raw, ox.Store):
        from kg.rdf.store import PREFIXES as STORE_PREFIXES

        return raw, STORE_PREFIXES
    return None, None


def _call_query(store, text: str, base_iri: str | None, default_graph, named_graphs):
    """Start a query on a ``kg.rdf.KGStore`` or a bare ``pyoxigraph.Store`` (the default graph is the union)."""
    raw, prefixes = _oxigraph_of(store)
    if raw is not None:
        return raw.query(text, base_iri=base_iri, prefixes=prefixes, use_default_graph_as_union=default_graph is None,
                         default_graph=_graphs(default_graph), named_graphs=_graphs(named_graphs))
    # Any other object with KGStore's query(): it has no base IRI option, so the prologue carries it.
    kwargs = dict(default_graph=_graphs(default_graph), named_graphs=_graphs(named_graphs),
                  use_union=default_graph is None)
    if _accepts(store.query, "base_iri"):
        return store.query(text, base_iri=base_iri, **kwargs)
    return store.query(_with_base(text, base_iri), **kwargs)


def _call_update(store, text: str, base_iri: str | None) -> None:
    if getattr(store, "read_only", False):
        raise PermissionError("the store is open read-only")
    raw, prefixes = _oxigraph_of(store)
    if raw is not None:
        raw.update(text, base_iri=base_iri, prefixes=prefixes)
    elif _accepts(store.update, "base_iri"):
        store.update(text, base_iri=base_iri)
    else:
        store.update(_with_base(text, base_iri))


def run_query(store, text: str, *, base_iri: str | None, default_graph: list[str] | None,
              named_graphs: list[str] | None, cap: int, cancel: threading.Event) -> QueryOutcome:
    """Evaluate a query, pulling at most ``cap`` solutions/triples and stopping when ``cancel`` is set.

    Raises
    ------
    SyntaxError
        The query does not parse (pyoxigraph's message says where).
    QueryTimedOut
        ``cancel`` was set while solutions were being pulled.
    """
    result = _call_query(store, text, base_iri, default_graph, named_graphs)
    solution = None
    try:
        if isinstance(result, ox.QueryBoolean) or isinstance(result, bool):
            return QueryOutcome(form="boolean", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            outcome = QueryOutcome(form="solutions", variables=[v.value for v in result.variables])
            rows = outcome.rows
        else:
            outcome = QueryOutcome(form="graph")
            rows = outcome.triples
        for solution in result:
            if cancel.is_set():
                raise QueryTimedOut("cancelled")
            if len(rows) >= cap:
                outcome.truncated = True
                break
            rows.append(tuple(solution) if outcome.form == "solutions" else solution)
        return outcome
    finally:
        # pyoxigraph's result iterators are unsendable: drop them here, in the worker thread, not wherever a
        # traceback holding this frame ends up (the event loop thread would raise on dropping them).
        del result, solution


def run_update(store, text: str, *, base_iri: str | None) -> None:
    """Execute a SPARQL update (one transaction in pyoxigraph)."""
    _call_update(store, text, base_iri)


# --- writers -------------------------------------------------------------------------------------------

def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    return {"type": "literal", "value": str(term)}


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return ("<triple>" + "".join(f"<{part}>{_xml_term(getattr(term, part))}</{part}>"
                                      for part in ("subject", "predicate", "object")) + "</triple>")
    return f"<literal>{xml_escape(str(term))}</literal>"


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _json_solutions(variables: list[str], rows: list[tuple]) -> bytes:
    """SPARQL JSON results, written from per-term fragments cached for this result (terms repeat a lot)."""
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    keys = [dumps(v) + ":" for v in variables]
    fragment = functools.cache(lambda term: dumps(_json_term(term)))
    bindings = ",".join(
        "{" + ",".join(key + fragment(t) for key, t in zip(keys, row) if t is not None) + "}" for row in rows
    )
    return ('{"head":{"vars":' + dumps(variables) + '},"results":{"bindings":[' + bindings + "]}}").encode("utf-8")


def _write_solutions(outcome: QueryOutcome, name: str) -> bytes:
    variables = outcome.variables
    if name == "json":
        return _json_solutions(variables, outcome.rows)
    if name == "xml":
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
                 "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head><results>"]
        opens = [f"<binding name={quoteattr(v)}>" for v in variables]
        fragment = functools.cache(_xml_term)  # per result: terms repeat a lot
        for row in outcome.rows:
            parts.append("<result>")
            parts.extend(open_tag + fragment(t) + "</binding>" for open_tag, t in zip(opens, row) if t is not None)
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in outcome.rows:
            writer.writerow([_csv_value(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        for row in outcome.rows:
            lines.append("\t".join("" if t is None else str(t) for t in row))
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise NotAcceptable(f"unknown result format {name!r}")


def _write_boolean(value: bool, name: str) -> bytes:
    if name == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode("utf-8")
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


def write_outcome(outcome: QueryOutcome, name: str) -> tuple[bytes, str]:
    """Serialise an outcome in the format ``name``; returns ``(body, content type)``."""
    if outcome.form == "boolean":
        return _write_boolean(bool(outcome.boolean), name), SOLUTION_FORMATS[name]
    if outcome.form == "solutions":
        media = SOLUTION_FORMATS[name]
        suffix = "; charset=utf-8" if name in ("csv", "tsv") else ""
        return _write_solutions(outcome, name), media + suffix
    body = ox.serialize(outcome.triples, format=_OX_GRAPH_FORMAT[name],
                        **({"prefixes": PREFIXES} if name in ("turtle", "rdfxml") else {}))
    return body, GRAPH_FORMATS[name]
