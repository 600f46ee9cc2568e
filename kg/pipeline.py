"""The build runner: read -> clean -> mentions -> ties -> resolve -> store, one article at a time.

A thin runner in graphrag's sense: every stage is a pure operation in its own
module; this module only wires them, counts, and makes sure that nothing is
lost silently (articles in = built + unchanged + skipped).

The NLP work of an article (:func:`analyse_article`) is pure and runs in ``jobs - 1`` worker
processes and in this one when ``jobs > 1``; resolution (which links to entities seen before)
and writing stay in this (the parent) process, one transaction per article (or per ``batch`` articles).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.types import Article, CleanArticle, Extraction, Mention, MentionTie, Problem

__all__ = ["ArticleCounts", "BuildReport", "analyse_article", "extract_article", "article_problem", "resolve_analysed", "build"]


@dataclass(kw_only=True)
class ArticleCounts:
    """The counts a build and a sharded extraction share; ``read == built + unchanged + failed`` must hold."""

    read: int = 0
    built: int = 0
    unchanged: int = 0
    failed: int = 0  # articles read but not built (duplicate id, extraction or write failure)
    skipped: list[Problem] = field(default_factory=list)  # every problem, with file, line and reason
    entities_by_class: Counter = field(default_factory=Counter)
    ties_by_relation: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def accounted(self) -> bool:
        """True when every article read was built, left unchanged, or reported as failed."""
        return self.read == self.built + self.unchanged + self.failed

    def recorders(self, on_problem: Callable[[Problem], None] | None = None,
                  on_article: Callable[[Article, str], None] | None = None):
        """The ``(problem, finished)`` callbacks of a run: they count into this report, then pass it on.

        ``problem(p)`` keeps ``p`` in :attr:`skipped`; ``finished(article, outcome)`` counts a
        ``"skipped"`` outcome as failed.  Both call the caller's callback, when given.
        """

        def problem(p: Problem) -> None:
            self.skipped.append(p)
            if on_problem:
                on_problem(p)

        def finished(article: Article, outcome: str) -> None:
            if outcome == "skipped":
                self.failed += 1
            if on_article:
                on_article(article, outcome)

        return problem, finished


@dataclass
class BuildReport(ArticleCounts):
    """What a build did: counts by outcome, problems with reasons, what was extracted."""

    store: str
    validation: object | None = None  # kg.rdf.validate.ValidationReport when validation ran
    store_error: str | None = None  # set when the store could not be flushed at the end


_WORKER_NLP = None
#: Articles handed to the worker pool ahead of the writer, per worker (bounds a parallel build's memory).
IN_FLIGHT_PER_JOB = 8
#: Articles queued per worker process before this process analyses the next one itself.
QUEUED_PER_WORKER = 6


def _worker_nlp():
    """The spaCy pipeline of this process, loaded once (per worker process)."""
    global _WORKER_NLP
    if _WORKER_NLP is None:
        from kg.nlp import load_nlp

        _WORKER_NLP = load_nlp()
    return _WORKER_NLP


def analyse_article(article: Article, nlp=None) -> tuple[CleanArticle, list[Mention], list[MentionTie]]:
    """Clean an article and find its mentions and ties (the pure, parallelisable part).

    Parameters
    ----------
    article : Article
        The article as read.
    nlp : spacy.Language, optional
        The pipeline from :func:`kg.nlp.load_nlp`; loaded once per process when omitted.

    Returns
    -------
    tuple
        ``(clean_article, mentions, mention_ties)``.
    """
    from kg.ingest import clean
    from kg.nlp import extract_ties, find_mentions

    nlp = nlp or _worker_nlp()
    cleaned = clean(article)
    mentions = find_mentions(nlp, cleaned)
    ties = extract_ties(cleaned, mentions)
    return cleaned, mentions, ties


def extract_article(article: Article, nlp, resolver) -> Extraction:
    """Run every extraction stage on one article and resolve it against ``resolver``'s entities."""
    cleaned, mentions, ties = analyse_article(article, nlp)
    return resolver.resolve(cleaned, mentions, ties)


def _safe_analyse(article: Article):
    """Worker entry point: never raises, returns the exception text instead."""
    try:
        return article, analyse_article(article), None
    except Exception as exc:  # noqa: BLE001 - reported per article, the build goes on
        return article, None, f"{type(exc).__name__}: {exc}"


def _analysed(articles: Iterable[Article], jobs: int,
              window: int | None = None) -> Iterator[tuple[Article, tuple | None, str | None]]:
    """Analyse articles in order, in ``jobs`` processes when ``jobs > 1``: this one and ``jobs - 1`` workers.

    The worker processes are kept busy (:data:`QUEUED_PER_WORKER` articles each); whenever they all are,
    this process analyses the next article itself instead of waiting. Its own work (resolution and
    writes) is about a fifth of an article's cost, so a process of its own for the analysis would leave
    three busy processes sharing ``jobs`` cores; this way ``jobs`` processes fill ``jobs`` cores, and
    when this process is the bottleneck (many cores) it hands every article to the workers.

    At most ``window`` (default ``IN_FLIGHT_PER_JOB * jobs``) articles are read ahead of the one being
    written, so memory does not grow with the corpus (``Pool.imap`` would queue the whole input as fast
    as it is read).
    """
    if jobs <= 1:
        for article in articles:
            yield _safe_analyse(article)
        return
    import multiprocessing as mp
    from collections import deque

    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    window = window or IN_FLIGHT_PER_JOB * jobs
    workers = jobs - 1
    # loaded before the fork: forked workers share it instead of loading their own, and no write waits on it
    _worker_nlp()
    with ctx.Pool(workers) as pool:
        pending: deque = deque()  # in input order: AsyncResult (a worker's) or the result itself (ours)

        def ours(item) -> bool:
            return isinstance(item, tuple)

        for article in articles:
            queued = sum(1 for item in pending if not ours(item) and not item.ready())
            if queued < QUEUED_PER_WORKER * workers:
                pending.append(pool.apply_async(_safe_analyse, (article,)))
            else:
                pending.append(_safe_analyse(article))
            while pending and (len(pending) >= window or ours(pending[0]) or pending[0].ready()):
                head = pending.popleft()
                yield head if ours(head) else head.get()
        for head in pending:
            yield head if ours(head) else head.get()


def article_problem(article: Article, reason: str) -> Problem:
    """A :class:`Problem` located at the article's file, with the JSONL line apart from the path.

    Examples
    --------
    >>> article_problem(Article(id="a1", text="…", path="corpus/part-0.jsonl:12"), "empty").line
    12
    >>> article_problem(Article(id="a1", text="…"), "empty").path
    'a1'
    """
    where = article.path or article.id
    path, sep, line = where.rpartition(":")
    if sep and line.isdigit():
        return Problem(path, reason, line=int(line))
    return Problem(where, reason)


def resolve_analysed(resolver, analysed: tuple | None, error: str | None) -> tuple[Extraction | None, str | None]:
    """Resolve a worker's result (from :func:`analyse_article`): ``(extraction, None)`` or ``(None, reason)``.

    Never raises: an analysis error or a resolution error becomes the reason the article failed.
    """
    if error is not None:
        return None, f"extraction failed: {error}"
    try:
        return resolver.resolve(*analysed), None
    except Exception as exc:  # noqa: BLE001 - reported per article
        return None, f"extraction failed: resolution: {type(exc).__name__}: {exc}"


def build(
    paths: Iterable[str | Path],
    store: str | Path,
    *,
    jobs: int = 1,
    batch: int = 1,
    window: int | None = None,
    validate: bool = True,
    on_problem: Callable[[Problem], None] | None = None,
    on_article: Callable[[Article, str], None] | None = None,
) -> BuildReport:
    """Build (or update) the store at ``store`` from the articles under ``paths``.

    Re-running on the same input changes nothing (articles whose content hash is
    already stored are skipped as *unchanged*); a changed article replaces its
    own previous triples, atomically.

    Parameters
    ----------
    paths : iterable of str or Path
        Files, directories (recursive) or globs (``.txt``, ``.html``, ``.jsonl``).
    store : str or Path
        Directory of the persistent store (created if missing).
    jobs : int
        Processes for the NLP stages: this one and ``jobs - 1`` workers (1 = this process only).
    batch : int
        Articles per write transaction (default 1; :func:`kg.scale.build_batched` uses 64). An article
        counts as built once its transaction is committed.
    window : int, optional
        Articles handed to the workers and not yet written (default ``IN_FLIGHT_PER_JOB * jobs``).
    validate : bool
        Run the SHACL shapes over the store at the end.
    on_problem, on_article : callable, optional
        Called for every problem found and for every article finished
        (with its outcome: ``"built"``, ``"unchanged"`` or ``"skipped"``), e.g. to drive a progress bar.

    Returns
    -------
    BuildReport
    """
    from kg.ingest import read_inputs
    from kg.rdf import KGStore
    from kg.rdf.batch import BatchWriter
    from kg.resolve import Resolver

    started = time.perf_counter()
    report = BuildReport(store=str(store))
    problem, finished = report.recorders(on_problem, on_article)

    kgstore = KGStore(store)
    try:
        resolver = Resolver(known=kgstore.known_entities())
        seen: dict[str, str] = {}

        def to_analyse() -> Iterator[Article]:
            for item in read_inputs(paths):
                if isinstance(item, Problem):
                    problem(item)
                    continue
                report.read += 1
                try:
                    content_hash = item.content_hash
                except UnicodeError as exc:  # e.g. a lone surrogate in an Article made outside kg.ingest
                    problem(article_problem(item, f"text cannot be stored: {exc}"))
                    finished(item, "skipped")
                    continue
                if item.id in seen:
                    same = "same text" if seen[item.id] == content_hash else "different text"
                    problem(article_problem(item, f"duplicate id {item.id!r} ({same}); kept the first"))
                    finished(item, "skipped")
                    continue
                seen[item.id] = content_hash
                if kgstore.article_hash(item.id) == content_hash:
                    report.unchanged += 1
                    finished(item, "unchanged")
                    continue
                yield item

        def written(extraction: Extraction) -> None:
            report.built += 1
            report.entities_by_class.update(e.cls.value for e in extraction.entities)
            report.ties_by_relation.update(t.relation.value for t in extraction.ties)
            finished(extraction.article, "built")

        def write_failed(extraction: Extraction, error: str) -> None:
            # the store keeps its previous state for this article
            problem(article_problem(extraction.article, f"store write failed: {error}"))
            finished(extraction.article, "skipped")

        with BatchWriter(kgstore, batch=batch, on_written=written, on_failed=write_failed) as writer:
            for article, analysed, error in _analysed(to_analyse(), jobs, window):
                extraction, failure = resolve_analysed(resolver, analysed, error)
                if failure is not None:
                    problem(article_problem(article, failure))
                    finished(article, "skipped")
                    continue
                writer.add(extraction)

        try:
            kgstore.refresh_summary()
        except OSError as exc:  # the articles are committed; only the derived summary view is stale
            problem(Problem(str(store), f"summary view not refreshed: {exc}"))
        if validate:
            from kg.rdf.validate import validate as run_shacl

            report.validation = run_shacl(kgstore)
    finally:
        try:
            kgstore.close()
        except OSError as exc:  # e.g. a full disk at the final flush: every committed article is still whole
            report.store_error = f"store flush failed: {exc}"
            problem(Problem(str(store), report.store_error))
    report.seconds = time.perf_counter() - started
    return report
