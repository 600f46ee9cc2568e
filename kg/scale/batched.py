"""Building big corpora on one machine: :func:`kg.pipeline.build` with several articles per transaction.

:func:`build_batched` is ``kg.pipeline.build(..., batch=64)``: the quads of up to ``batch`` articles are
written in one transaction by :class:`kg.rdf.batch.BatchWriter`. A batch is all or nothing, so a crash loses
at most the unwritten batch, which a re-run rebuilds (the content-hash check skips everything written). An
article counts as *built* only once its batch is committed. ``tests/test_scale_batched.py`` checks that it
gives a graph isomorphic to one transaction per article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kg.rdf.batch import BatchWriter
from kg.types import Article, Problem

__all__ = ["BatchWriter", "build_batched"]


def build_batched(
    paths: Iterable[str | Path],
    store: str | Path,
    *,
    jobs: int = 1,
    batch: int = 64,
    window: int | None = None,
    validate: bool = True,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article, str], None] | None = None,
):
    """Build (or update) ``store`` from ``paths`` like :func:`kg.pipeline.build`, with batched writes.

    Parameters
    ----------
    paths, store, jobs, validate, on_problem, on_article :
        As in :func:`kg.pipeline.build`.
    batch : int
        Articles per write transaction (1 behaves like ``kg.pipeline.build``, one transaction per article).
    window : int, optional
        Articles submitted to the workers and not yet written (default ``8 * jobs``); bounds memory.

    Returns
    -------
    kg.pipeline.BuildReport
    """
    from kg.pipeline import build

    return build(paths, store, jobs=jobs, batch=batch, window=window, validate=validate,
                 on_problem=on_problem, on_article=on_article)
