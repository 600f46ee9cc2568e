"""Service settings: one frozen dataclass, read from ``KG_*`` environment variables by a cached ``get_settings()``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

__all__ = ["Settings", "get_settings"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"environment variable {name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def _env_number(name: str, default, kind):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"environment variable {name}={raw!r} is not a valid {kind.__name__}") from error


@dataclass(frozen=True)
class Settings:
    """Everything the web service can be configured with.

    Attributes
    ----------
    store : pathlib.Path or None
        Directory of the Oxigraph store opened in the app's lifespan; None opens an empty in-memory store.
    updates_enabled : bool
        Accept SPARQL Update at ``/sparql``. Off by default; when on, ``update_token`` is required and
        every update must carry ``Authorization: Bearer <token>``.
    update_token : str or None
        The bearer token for updates.
    query_timeout : float
        Seconds a SPARQL query may run before the client gets a 504.
    result_cap : int
        At most this many solutions / triples are returned by one query (the response then carries
        ``X-KG-Results-Truncated: true``).
    max_query_length : int
        Longest accepted query or update text, in characters (longer: 413).
    query_workers : int
        Queries that may run at once; when all are busy (e.g. with runaway queries that have already
        timed out but cannot be cancelled) new queries get a 503 at once.
    cors_origins : tuple of str
        Origins allowed by CORS. Empty (the default) adds no CORS headers at all.
    base_iri : str or None
        Base IRI for relative IRIs in queries and updates; None uses the endpoint's own URL.
    """

    store: Path | None = None
    updates_enabled: bool = False
    update_token: str | None = None
    query_timeout: float = 10.0
    result_cap: int = 10_000
    max_query_length: int = 100_000
    query_workers: int = 2
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    base_iri: str | None = None

    def __post_init__(self):
        if self.store is not None and not isinstance(self.store, Path):
            object.__setattr__(self, "store", Path(self.store))
        if isinstance(self.cors_origins, str):
            object.__setattr__(self, "cors_origins", tuple(o.strip() for o in self.cors_origins.split(",") if o.strip()))
        else:
            object.__setattr__(self, "cors_origins", tuple(self.cors_origins))
        if self.query_timeout <= 0:
            raise ValueError(f"query_timeout must be positive, got {self.query_timeout}")
        if self.result_cap < 1:
            raise ValueError(f"result_cap must be at least 1, got {self.result_cap}")
        if self.query_workers < 1:
            raise ValueError(f"query_workers must be at least 1, got {self.query_workers}")
        if self.max_query_length < 16:
            raise ValueError(f"max_query_length must be at least 16, got {self.max_query_length}")
        if self.updates_enabled and not self.update_token:
            raise ValueError("updates_enabled needs an update_token (KG_UPDATE_TOKEN): updates are never open to all")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from ``KG_STORE``, ``KG_UPDATES_ENABLED``, ``KG_UPDATE_TOKEN``, ``KG_QUERY_TIMEOUT``,
        ``KG_RESULT_CAP``, ``KG_MAX_QUERY_LENGTH``, ``KG_QUERY_WORKERS``, ``KG_CORS_ORIGINS`` (comma-separated)
        and ``KG_BASE_IRI``; keyword ``overrides`` win.

        Examples
        --------
        >>> Settings.from_env(result_cap=5).result_cap
        5
        """
        store = os.environ.get("KG_STORE")
        values = dict(
            store=Path(store) if store else None,
            updates_enabled=_env_bool("KG_UPDATES_ENABLED", False),
            update_token=os.environ.get("KG_UPDATE_TOKEN") or None,
            query_timeout=_env_number("KG_QUERY_TIMEOUT", 10.0, float),
            result_cap=_env_number("KG_RESULT_CAP", 10_000, int),
            max_query_length=_env_number("KG_MAX_QUERY_LENGTH", 100_000, int),
            query_workers=_env_number("KG_QUERY_WORKERS", 2, int),
            cors_origins=os.environ.get("KG_CORS_ORIGINS", ""),
            base_iri=os.environ.get("KG_BASE_IRI") or None,
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once (tests override the dependency)."""
    return Settings.from_env()
