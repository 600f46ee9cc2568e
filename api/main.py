"""The web service: ``create_app(settings)`` builds the FastAPI app; ``serve(store, port)`` runs it with uvicorn.

Routes: ``/sparql`` (SPARQL 1.1 Protocol), ``/api/entities``, ``/api/articles``, ``/api/analysis``,
``/api/graph`` (explorer data), ``/`` (graph explorer), ``/query`` (query page), ``/docs`` (OpenAPI).
The store is opened in the lifespan, never at import.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.routers import analysis, articles, entities, explorer, sparql
from api.settings import Settings, get_settings
from api.sparql_engine import QueryRunner
from api.views import GraphViews
from kg.viz import STATIC_DIR

__all__ = ["create_app", "serve", "open_store"]

logger = logging.getLogger("kg.api")


def open_store(settings: Settings) -> Any:
    """Open the store named by the settings: ``kg.rdf.KGStore(path)`` (in memory when ``store`` is None).

    The store is opened read-only unless updates are enabled.
    """
    from kg.rdf import KGStore

    if settings.store is None:
        return KGStore(None)
    if not Path(settings.store).exists():
        raise FileNotFoundError(f"store {settings.store} does not exist: build it first with `kg build ... --store {settings.store}`")
    # Without updates the service never writes: a read-only open cannot damage the store.
    return KGStore(settings.store, read_only=not settings.updates_enabled)


def _warm(views: GraphViews) -> None:
    try:
        explorer.opening_view(views)
        views.cities("city")
    except Exception as error:  # noqa: BLE001 - a failed warm-up only means the first request does the work
        logger.warning("could not precompute the graph views: %s", error)


def create_app(settings: Settings | None = None, *, store: Any = None) -> FastAPI:
    """Build the web application.

    Parameters
    ----------
    settings : Settings, optional
        Service settings; default :func:`api.settings.get_settings` (from ``KG_*`` environment variables).
    store : optional
        An already open store (``kg.rdf.KGStore``, or any object with the same ``query``/``update``
        methods, or a ``pyoxigraph.Store``). When given, the app uses it and does not close it;
        otherwise the lifespan opens ``settings.store`` and closes it on shutdown.

    Returns
    -------
    fastapi.FastAPI
    """
    explicit = settings is not None
    settings = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = store is None
        app.state.store = open_store(settings) if owned else store
        app.state.runner = QueryRunner(settings.query_workers)
        app.state.views = GraphViews(app.state.store)
        # Project the store, lay it out and score hubs in the background, so the explorer's first
        # request does not wait for it (requests arriving earlier wait on the same lock, never twice).
        threading.Thread(target=_warm, args=(app.state.views,), name="kg-warm-views", daemon=True).start()
        try:
            yield
        finally:
            app.state.runner.shutdown()
            opened, app.state.store, app.state.views = app.state.store, None, None
            if owned and hasattr(opened, "close"):
                opened.close()

    app = FastAPI(
        title="kg: regional innovation knowledge graph",
        description="SPARQL 1.1 endpoint at /sparql, REST API under /api, graph explorer at /, query page at /query.",
        version="0.1.0",
        lifespan=lifespan,
    )
    if explicit:
        app.dependency_overrides[get_settings] = lambda: settings
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Accept", "Authorization"])
    app.include_router(sparql.router)
    app.include_router(entities.router)
    app.include_router(articles.router)
    app.include_router(analysis.router)
    app.include_router(explorer.router)
    app.include_router(explorer.page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", tags=["service"], summary="Liveness: answers while queries run")
    def healthz() -> dict:
        runner = getattr(app.state, "runner", None)
        return {"status": "ok", "busy_query_workers": runner.busy if runner else 0,
                "query_workers": settings.query_workers}

    return app


def serve(store: str | Path | None, port: int = 8000, host: str = "127.0.0.1", **settings: Any) -> None:
    """Serve the store on ``http://host:port`` with uvicorn (blocks until interrupted).

    Parameters
    ----------
    store : path or None
        The store directory (None: an empty in-memory store).
    port, host : int, str
        Where to listen; loopback by default.
    **settings
        Any other :class:`api.settings.Settings` field (``updates_enabled=True, update_token=...``,
        ``query_timeout=...``, ``result_cap=...``, ``cors_origins=(...)``).
    """
    import uvicorn

    app = create_app(Settings.from_env(store=Path(store) if store is not None else None, **settings))
    uvicorn.run(app, host=host, port=port)
