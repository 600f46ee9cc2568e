"""A parallel build whose memory does not grow with the corpus and whose writes are batched.

:func:`build_batched` is :func:`kg.pipeline.build` with two changes, both aimed at the parent process,
which resolves and writes every article while the workers only analyse:

1. **Batched writes** (:class:`BatchWriter`): the quads of up to ``batch`` articles are written in one
   transaction — ``pyoxigraph.Store.extend`` for articles new to the store (no SPARQL text to build and
   parse), one ``DROP SILENT GRAPH … ; INSERT DATA …`` update for changed ones. A batch is all or
   nothing, so a crash loses at most the unwritten batch, which a re-run rebuilds (the content-hash
   check skips everything written). An article counts as *built* only once its batch is committed.
2. **A window you choose** of articles in flight (``window``; ``kg.pipeline.build`` uses the same
   bounded analyser with its default of 8 per worker): at most ``window`` articles are submitted and
   not yet written, so memory does not grow with the corpus.

Everything else (reading, duplicate ids, content-hash skipping, problem reporting, counting) is the same
as in ``kg.pipeline.build``; ``tests/test_scale_batched.py`` checks that both give isomorphic graphs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.types import Article, Extraction, Problem

__all__ = ["BatchWriter", "build_batched"]


class BatchWriter:
    """Write Extractions into a :class:`kg.rdf.KGStore` in batches, one transaction per batch.

    Parameters
    ----------
    store : kg.rdf.KGStore
        An open, writable store.
    batch : int
        Articles per transaction.
    max_quads : int
        Flush earlier when a batch holds this many quads (bounds the memory of one transaction).
    on_written : callable, optional
        ``on_written(extraction)`` after the batch holding it is committed.
    on_failed : callable, optional
        ``on_failed(extraction, error_text)`` when an article cannot be written (the rest of its batch is
        then written article by article, so one bad article does not lose the others).
    """

    def __init__(self, store, *, batch: int = 64, max_quads: int = 200_000,
                 on_written: Callable[[Extraction], None] | None = None,
                 on_failed: Callable[[Extraction, str], None] | None = None):
        if batch < 1:
            raise ValueError(f"batch must be >= 1, got {batch}")
        self.store = store
        self.batch = batch
        self.max_quads = max_quads
        self.on_written = on_written
        self.on_failed = on_failed
        self._pending: list[tuple[Extraction, list, bool]] = []  # (extraction, quads, graph already present)
        self._quads = 0
        self.transactions = 0

    def add(self, extraction: Extraction) -> None:
        """Queue one article; commits the batch when it is full."""
        import pyoxigraph as ox

        from kg.rdf.iris import graph_iri
        from kg.rdf.mapping import extraction_to_quads

        try:
            quads = extraction_to_quads(extraction)
        except Exception as exc:  # noqa: BLE001 - a mapping error fails this article only
            self._fail(extraction, f"{type(exc).__name__}: {exc}")
            return
        present = self.store.oxigraph.contains_named_graph(ox.NamedNode(graph_iri(extraction.article.id)))
        self._pending.append((extraction, quads, present))
        self._quads += len(quads)
        if len(self._pending) >= self.batch or self._quads >= self.max_quads:
            self.flush()

    def flush(self) -> None:
        """Commit every queued article (one transaction for new ones, one for changed ones)."""
        if not self._pending:
            return
        pending, self._pending, self._quads = self._pending, [], 0
        try:
            self._commit(pending)
        except Exception:  # noqa: BLE001 - find the culprit: write the batch article by article
            for item in pending:
                try:
                    self._commit([item])
                except Exception as exc:  # noqa: BLE001
                    self._fail(item[0], f"{type(exc).__name__}: {exc}")
                    continue
                if self.on_written:
                    self.on_written(item[0])
            return
        if self.on_written:
            for extraction, _, _ in pending:
                self.on_written(extraction)

    def _commit(self, items: list[tuple[Extraction, list, bool]]) -> None:
        from kg.rdf.iris import graph_iri

        new = [q for _, quads, present in items if not present for q in quads]
        changed = [(e, quads) for e, quads, present in items if present]
        if new:
            self.store.oxigraph.extend(new)  # one transaction
            self.transactions += 1
        if changed:
            parts = []
            for extraction, quads in changed:
                graph = f"<{graph_iri(extraction.article.id)}>"
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
                parts.append(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
            self.store.oxigraph.update(" ;\n".join(parts))  # one transaction
            self.transactions += 1

    def _fail(self, extraction: Extraction, error: str) -> None:
        if self.on_failed:
            self.on_failed(extraction, error)
        else:
            raise RuntimeError(f"{extraction.article.id}: {error}")

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.flush()


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
    from kg.ingest import read_inputs
    from kg.pipeline import IN_FLIGHT_PER_JOB, BuildReport, _analysed
    from kg.rdf import KGStore
    from kg.resolve import Resolver

    started = time.perf_counter()
    report = BuildReport(store=str(store))
    window = window or IN_FLIGHT_PER_JOB * max(1, jobs)

    def problem(p: Problem) -> None:
        report.skipped.append(p)
        if on_problem:
            on_problem(p)

    def finished(article: Article, outcome: str) -> None:
        if outcome == "skipped":
            report.failed += 1
        if on_article:
            on_article(article, outcome)

    def written(extraction: Extraction) -> None:
        report.built += 1
        report.entities_by_class.update(e.cls.value for e in extraction.entities)
        report.ties_by_relation.update(t.relation.value for t in extraction.ties)
        finished(extraction.article, "built")

    def write_failed(extraction: Extraction, error: str) -> None:
        article = extraction.article
        problem(Problem(article.path or article.id, f"store write failed: {error}"))
        finished(article, "skipped")

    with KGStore(store) as kgstore:
        resolver = Resolver(known=kgstore.known_entities())
        seen: dict[str, str] = {}

        def to_analyse() -> Iterator[Article]:
            for item in read_inputs(paths):
                if isinstance(item, Problem):
                    problem(item)
                    continue
                report.read += 1
                if item.id in seen:
                    same = "same text" if seen[item.id] == item.content_hash else "with different text"
                    problem(Problem(item.path or item.id, f"duplicate id {item.id!r} ({same}); kept the first"))
                    finished(item, "skipped")
                    continue
                seen[item.id] = item.content_hash
                if kgstore.article_hash(item.id) == item.content_hash:
                    report.unchanged += 1
                    finished(item, "unchanged")
                    continue
                yield item

        with BatchWriter(kgstore, batch=batch, on_written=written, on_failed=write_failed) as writer:
            for article, analysed, error in _analysed(to_analyse(), jobs, window):
                if error is not None:
                    problem(Problem(article.path or article.id, f"extraction failed: {error}"))
                    finished(article, "skipped")
                    continue
                try:
                    extraction = resolver.resolve(*analysed)
                except Exception as exc:  # noqa: BLE001 - reported per article
                    problem(Problem(article.path or article.id,
                                    f"extraction failed: resolution: {type(exc).__name__}: {exc}"))
                    finished(article, "skipped")
                    continue
                writer.add(extraction)

        if hasattr(kgstore, "refresh_summary"):
            kgstore.refresh_summary()
        if validate:
            from kg.rdf.validate import validate as run_shacl

            report.validation = run_shacl(kgstore)
    report.seconds = time.perf_counter() - started
    return report
