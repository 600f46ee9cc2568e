"""Extraction throughput on real news against stock ``jieba.posseg.lcut``, interleaved rounds, same run.

A script, not a test::

    nice -n 10 .venv/bin/python -m bench.bench_news --articles ../shared/data/news_dev/articles.jsonl [--rounds 5]

Each round times, on the same cleaned texts and one core, (a) the whole extraction of an article -- clean,
mentions, ties, resolution (:func:`kg.pipeline.analyse_article` + :class:`kg.resolve.Resolver`) -- and (b)
``jieba.posseg.lcut`` with default settings on its cleaned text, in alternating order (a b, b a, ...), after
one warm-up pass of each. Throughput is cleaned characters per second; the figure is the median of the
per-round ratios with their range. Target (issue #20): extraction >= 0.5x posseg per core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["measure", "main"]


def measure(articles_path: Path, rounds: int = 5, limit: int | None = None) -> dict:
    """Per-round throughputs of the extraction and of posseg, and their ratios (see the module docstring)."""
    import jieba
    import jieba.posseg

    from kg.ingest import clean, read_inputs
    from kg.nlp import load_nlp
    from kg.pipeline import analyse_article
    from kg.resolve import Resolver
    from kg.types import Problem

    jieba.setLogLevel(60)
    articles = [a for a in read_inputs([articles_path]) if not isinstance(a, Problem)][:limit]
    texts = [clean(a).text for a in articles]
    chars = sum(map(len, texts))
    nlp, resolver = load_nlp(), Resolver()

    def extraction() -> float:
        started = time.perf_counter()
        for article in articles:
            resolver.resolve(*analyse_article(article, nlp))
        return chars / (time.perf_counter() - started)

    def posseg() -> float:
        started = time.perf_counter()
        for text in texts:
            jieba.posseg.lcut(text)
        return chars / (time.perf_counter() - started)

    extraction(), posseg()  # warm both: caches, jieba's dictionary, the CRF
    ours, theirs = [], []
    for r in range(rounds):
        order = (extraction, posseg) if r % 2 == 0 else (posseg, extraction)
        for fn in order:
            (ours if fn is extraction else theirs).append(fn())
    ratios = [a / b for a, b in zip(ours, theirs)]
    return {"articles": len(articles), "chars": chars, "extraction": ours, "posseg": theirs, "ratios": ratios,
            "median_ratio": statistics.median(ratios), "min_ratio": min(ratios), "max_ratio": max(ratios)}


def main(argv: list[str] | None = None) -> int:
    """Print the measurement (one line per round, then the median ratio and its range)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, required=True, help="JSONL of articles (e.g. news_dev/articles.jsonl)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args(argv)
    result = measure(args.articles, args.rounds, args.limit)
    print(f"{result['articles']} articles, {result['chars']} cleaned characters, {args.rounds} interleaved rounds")
    for i, (a, b, r) in enumerate(zip(result["extraction"], result["posseg"], result["ratios"]), 1):
        print(f"round {i}: extraction {a:,.0f} chars/s, jieba.posseg.lcut {b:,.0f} chars/s, ratio {r:.2f}")
    print(f"extraction / posseg: median {result['median_ratio']:.2f} (range {result['min_ratio']:.2f}-"
          f"{result['max_ratio']:.2f}); target >= 0.5")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
