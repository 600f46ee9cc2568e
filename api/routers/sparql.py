"""SPARQL 1.1 Protocol endpoint at ``/sparql``: query (GET, POST form, POST direct), update (off by default),
content negotiation, protocol datasets, and a service description when no operation is given."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.settings import Settings
from api.sparql_engine import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    NotAcceptable,
    QueryTimedOut,
    WorkersBusy,
    choose_format,
    run_query,
    run_update,
    write_outcome,
)
from api.sparql_text import DatasetConflict, add_using_clauses, keywords

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


class ProtocolError(Exception):
    """A request the protocol says to refuse, with its status and a message for the client."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _error(status: int, message: str, headers: dict | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _endpoint_iri(request: Request, settings: Settings) -> str:
    return settings.base_iri or str(request.url.replace(query="", fragment=""))


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; the protocol allows exactly one")
    return values[0] if values else None


def _check_text(text: str, what: str, settings: Settings) -> None:
    if not text.strip():
        raise ProtocolError(400, f"the {what} is empty")
    if len(text) > settings.max_query_length:
        raise ProtocolError(413, f"the {what} is {len(text):,} characters long; this service accepts at most "
                                 f"{settings.max_query_length:,} (KG_MAX_QUERY_LENGTH)")
    used = keywords(text)
    if "SERVICE" in used:
        raise ProtocolError(400, "federated queries (SERVICE) are disabled: this service never fetches other URLs")
    if what == "update" and "LOAD" in used:
        raise ProtocolError(400, "LOAD is disabled: this service never fetches other URLs")


def _media_type(request: Request) -> tuple[str | None, str | None]:
    raw = request.headers.get("content-type")
    if not raw:
        return None, None
    parts = [p.strip() for p in raw.split(";")]
    charset = None
    for param in parts[1:]:
        if param.lower().startswith("charset="):
            charset = param.split("=", 1)[1].strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the {what} must be UTF-8 encoded; got charset={charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {error.start})") from error


def _service_description(request: Request, settings: Settings) -> list[ox.Triple]:
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(_endpoint_iri(request, settings))),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
        ox.Triple(service, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                  ox.Literal(f"kg knowledge graph. Queries time out after {settings.query_timeout:g} s and return at most "
                             f"{settings.result_cap:,} results; SERVICE and LOAD are disabled; the default graph is "
                             "the union of all named graphs (one per article).", language="en")),
    ]
    if settings.updates_enabled:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + f)) for f in _FORMAT_IRIS]
    return triples


def _describe_service(request: Request, settings: Settings, format_param: str | None) -> Response:
    try:
        name = choose_format("graph", request.headers.get("accept"), format_param)
    except NotAcceptable as error:
        return _error(406, str(error))
    from api.sparql_engine import QueryOutcome

    body, media = write_outcome(QueryOutcome(form="graph", triples=_service_description(request, settings)), name)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


async def _answer_query(request: Request, store, settings: Settings, runner, text: str, default_graphs: list[str],
                        named_graphs: list[str], format_param: str | None) -> Response:
    _check_text(text, "query", settings)
    for iri in default_graphs + named_graphs:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise ProtocolError(400, f"graph IRI {iri!r} is not a valid IRI: {error}") from error
    accept = request.headers.get("accept")
    protocol_dataset = bool(default_graphs or named_graphs)
    base_iri = _endpoint_iri(request, settings)

    def work(cancel):
        outcome = run_query(store, text, base_iri=base_iri,
                            default_graph=default_graphs if protocol_dataset else None,
                            named_graphs=named_graphs if protocol_dataset else None,
                            cap=settings.result_cap, cancel=cancel)
        name = choose_format(outcome.form, accept, format_param)
        body, media = write_outcome(outcome, name)
        return body, media, outcome.truncated

    body, media, truncated = await _run(runner, work, settings, "query")
    headers = {"Vary": "Accept"}
    if truncated:
        headers["X-KG-Results-Truncated"] = "true"
        headers["X-KG-Result-Cap"] = str(settings.result_cap)
    return Response(body, media_type=media, headers=headers)


async def _run(runner, work, settings: Settings, what: str):
    try:
        return await runner.run(work, settings.query_timeout)
    except WorkersBusy as error:
        raise ProtocolError(503, str(error), {"Retry-After": "5"}) from error
    except QueryTimedOut as error:
        raise ProtocolError(504, str(error)) from error
    except NotAcceptable as error:
        raise ProtocolError(406, str(error)) from error
    except SyntaxError as error:
        raise ProtocolError(400, f"malformed {what}: {error}") from error
    except PermissionError as error:
        raise ProtocolError(403, f"the {what} was refused: {error}") from error
    except MemoryError as error:
        raise ProtocolError(503, f"the {what} needed more memory than the service has") from error
    except (ValueError, TypeError, OSError, RuntimeError) as error:
        raise ProtocolError(400, f"the {what} failed: {error}") from error


def _authorise_update(request: Request, settings: Settings) -> None:
    if not settings.updates_enabled:
        raise ProtocolError(403, "SPARQL Update is disabled on this service (start it with updates enabled and a token)")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise ProtocolError(401, "SPARQL Update needs 'Authorization: Bearer <token>'",
                            {"WWW-Authenticate": 'Bearer realm="kg-sparql-update"'})


async def _answer_update(request: Request, store, settings: Settings, runner, text: str, using: list[str],
                         using_named: list[str]) -> Response:
    _authorise_update(request, settings)
    _check_text(text, "update", settings)
    try:
        text = add_using_clauses(text, using, using_named)
    except DatasetConflict as error:
        raise ProtocolError(400, str(error)) from error
    base_iri = _endpoint_iri(request, settings)
    await _run(runner, lambda cancel: run_update(store, text, base_iri=base_iri), settings, "update")
    views = getattr(request.app.state, "views", None)
    if views is not None:
        views.invalidate()
    return Response(status_code=204)


def _protocol_response(handler):
    """Turn :class:`ProtocolError` into a plain-text response with its status."""
    async def wrapped(*args, **kwargs):
        try:
            return await handler(*args, **kwargs)
        except ProtocolError as error:
            return _error(error.status, error.message, error.headers)
    return wrapped


@router.get(
    "/sparql",
    summary="SPARQL query via GET (or the service description when no query is given)",
    response_class=Response,
    responses={200: {"content": {m: {} for m in [*SOLUTION_FORMATS.values(), *GRAPH_FORMATS.values()]}}},
)
async def sparql_get(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    runner: RunnerDep,
    query: Annotated[str | None, Query(description="The SPARQL query.")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    format: Annotated[str | None, Query(description="json, xml, csv, tsv; turtle, ntriples, jsonld, rdfxml")] = None,
) -> Response:
    """SPARQL 1.1 Protocol query operation via GET; results by content negotiation (Accept or ``format``)."""
    async def handle():
        params = request.query_params
        if params.getlist("update"):
            raise ProtocolError(400, "an update must be sent with POST, never GET")
        text = _single(params.getlist("query"), "query")
        if text is None:
            return _describe_service(request, settings, format)
        return await _answer_query(request, store, settings, runner, text, params.getlist("default-graph-uri"),
                                   params.getlist("named-graph-uri"), format)
    return await _protocol_response(handle)()


@router.post(
    "/sparql",
    summary="SPARQL query or update via POST (form-encoded, application/sparql-query or application/sparql-update)",
    response_class=Response,
    openapi_extra={"requestBody": {"content": {
        FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}, "update": {"type": "string"}}}},
        QUERY_TYPE: {"schema": {"type": "string"}},
        UPDATE_TYPE: {"schema": {"type": "string"}},
    }}},
)
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep, runner: RunnerDep) -> Response:
    """SPARQL 1.1 Protocol query and update operations via POST."""
    async def handle():
        media, charset = _media_type(request)
        body = await request.body()
        if len(body) > 4 * settings.max_query_length + 4096:
            raise ProtocolError(413, f"the request body is {len(body):,} bytes; this service accepts queries of at most "
                                     f"{settings.max_query_length:,} characters")
        url_params = request.query_params
        format_param = url_params.get("format")
        if media == FORM:
            fields = parse_qsl(_decode(body, charset, "form body"), keep_blank_values=True)
            get = lambda name: [v for k, v in fields if k == name] + url_params.getlist(name)  # noqa: E731
            queries, updates = get("query"), get("update")
            if queries and updates:
                raise ProtocolError(400, "the request has both 'query' and 'update'; send one operation")
            format_param = (get("format") or [None])[0]
            if updates:
                return await _answer_update(request, store, settings, runner, _single(updates, "update"),
                                            get("using-graph-uri"), get("using-named-graph-uri"))
            text = _single(queries, "query")
            if text is None:
                raise ProtocolError(400, "a form-encoded POST needs a 'query' or an 'update' parameter")
            return await _answer_query(request, store, settings, runner, text, get("default-graph-uri"),
                                       get("named-graph-uri"), format_param)
        if media == QUERY_TYPE:
            return await _answer_query(request, store, settings, runner, _decode(body, charset, "query"),
                                       url_params.getlist("default-graph-uri"), url_params.getlist("named-graph-uri"),
                                       format_param)
        if media == UPDATE_TYPE:
            return await _answer_update(request, store, settings, runner, _decode(body, charset, "update"),
                                        url_params.getlist("using-graph-uri"), url_params.getlist("using-named-graph-uri"))
        raise ProtocolError(415, f"unsupported Content-Type {media or '(none)'}: send {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")
    return await _protocol_response(handle)()
