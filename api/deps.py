"""FastAPI dependencies: the open store, the settings, the query runner and the cached graph view.

Each is an ``Annotated[..., Depends(...)]`` alias so a test can swap it with ``app.dependency_overrides``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from api.settings import Settings, get_settings
from api.sparql_engine import QueryRunner
from api.views import GraphViews

__all__ = ["get_store", "get_runner", "get_views", "StoreDep", "SettingsDep", "RunnerDep", "ViewsDep"]


def get_store(request: Request) -> Any:
    """The store opened by the app's lifespan (``kg.rdf.KGStore`` or anything with the same query methods)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise HTTPException(status_code=503, detail="the store is not open (the service is starting or stopping)")
    return store


def get_runner(request: Request) -> QueryRunner:
    """The bounded pool of SPARQL worker threads."""
    runner = getattr(request.app.state, "runner", None)
    if runner is None:
        raise HTTPException(status_code=503, detail="the query workers are not running")
    return runner


def get_views(request: Request) -> GraphViews:
    """Cached networkx projections of the store (rebuilt after an update)."""
    views = getattr(request.app.state, "views", None)
    if views is None:
        raise HTTPException(status_code=503, detail="the graph views are not ready")
    return views


StoreDep = Annotated[Any, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]
ViewsDep = Annotated[GraphViews, Depends(get_views)]
