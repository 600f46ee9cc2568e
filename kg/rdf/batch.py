"""Batched writes: the quads of up to ``batch`` articles in one store transaction.

An article counts as written only once its batch is committed; a batch that fails is retried article by
article, so one bad article does not lose the others.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.types import Extraction

__all__ = ["BatchWriter"]


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
        self._pending: list[tuple[Extraction, list]] = []  # (extraction, its quads)
        self._quads = 0
        self.transactions = 0

    def add(self, extraction: Extraction) -> None:
        """Queue one article; commits the batch when it is full."""
        from kg.rdf.mapping import extraction_to_quads

        try:
            quads = extraction_to_quads(extraction)
        except Exception as exc:  # noqa: BLE001 - a mapping error fails this article only
            self._fail(extraction, f"{type(exc).__name__}: {exc}")
            return
        self._pending.append((extraction, quads))
        self._quads += len(quads)
        if len(self._pending) >= self.batch or self._quads >= self.max_quads:
            self.flush()

    def flush(self) -> None:
        """Commit every queued article in one transaction."""
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
            for extraction, _ in pending:
                self.on_written(extraction)

    def _commit(self, items: list[tuple[Extraction, list]]) -> None:
        self.store.replace_article_quads({extraction.article.id: quads for extraction, quads in items})
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
