"""Generate a realistic, deterministic news corpus of any size as sharded JSONL (for scale benchmarks).

Articles are assembled from *real* sentences: those of the seed articles in
``seeds/`` (always), and, when a data directory is given, the FinRE sentences
(``finre/train.txt``) and the CLUENER2020 sentences (``cluener2020/train.json``).
Every article gets an id, a title, a date, a source, a URL and a body of
paragraphs whose length follows a log-normal law around ``mean_chars``; a
fraction is converted to traditional script (as two of the five seeds are).

Article ``i`` depends only on ``(seed, i)`` and on the sentence pools, so the
output is identical whatever the shard size, a 1k corpus is the prefix of the
10k one, and the generator streams (memory does not grow with ``n``).

Run::

    python -m bench.corpus --n 10000 --out /tmp/corpus-10k --data /work/shared/data
    python -m bench.corpus --n 200 --out /tmp/tiny            # seeds only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SentencePools", "load_pools", "generate_articles", "write_corpus", "main"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT / "seeds"
SOURCES_TSV = Path(__file__).resolve().parent / "data" / "sources.tsv"

_SENTENCE_END = re.compile(r"(?<=[。！？!?；])|\n")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIRST_DAY = dt.date(2015, 1, 1)
_DAYS = (dt.date(2025, 12, 31) - _FIRST_DAY).days


@dataclass(frozen=True)
class SentencePools:
    """Real sentences to draw from, by origin, with the weight of each origin.

    Attributes
    ----------
    pools : dict[str, tuple[str, ...]]
        Origin name (``"seeds"``, ``"finre"``, ``"cluener"``) -> its distinct sentences, in a fixed order.
    weights : dict[str, float]
        Origin name -> probability that a sentence is drawn from it.
    sources : tuple[str, ...]
        Names of the news outlets given as ``source``.
    """

    pools: dict[str, tuple[str, ...]]
    weights: dict[str, float]
    sources: tuple[str, ...]


def _is_sentence(text: str, min_chars: int = 10) -> bool:
    """True for a line worth reusing: long enough and mostly Chinese (not a menu, a URL or a number)."""
    if len(text) < min_chars:
        return False
    return len(_CJK.findall(text)) >= 0.5 * len(text)


def _unique(items: Iterator[str]) -> tuple[str, ...]:
    """Distinct items in first-seen order (order matters for determinism)."""
    return tuple(dict.fromkeys(items))


def seed_sentences(seeds_dir: Path = DEFAULT_SEEDS) -> tuple[str, ...]:
    """The sentences of the seed articles (raw: traditional script and boilerplate included).

    Parameters
    ----------
    seeds_dir : Path
        Directory holding the seed ``.txt`` files.

    Returns
    -------
    tuple of str
    """
    files = sorted(Path(seeds_dir).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{seeds_dir}: no seed .txt files")

    def lines():
        for path in files:
            text = path.read_text(encoding="utf-8")
            for piece in _SENTENCE_END.split(text):
                piece = piece.strip()
                if _is_sentence(piece):
                    yield piece

    return _unique(lines())


def finre_sentences(path: Path) -> tuple[str, ...]:
    """Distinct sentences of a FinRE file (``head<TAB>tail<TAB>relation<TAB>sentence`` per line).

    Malformed lines are skipped with a warning on stderr naming the file and the line.
    """
    def lines():
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                fields = line.split("\t")
                if len(fields) != 4:
                    print(f"warning: {path}:{number}: expected 4 tab-separated fields, got {len(fields)}; skipped",
                          file=sys.stderr)
                    continue
                if _is_sentence(fields[3].strip()):
                    yield fields[3].strip()

    return _unique(lines())


def cluener_sentences(path: Path) -> tuple[str, ...]:
    """Distinct sentences of a CLUENER2020 JSONL file (the ``text`` field).

    Malformed lines are skipped with a warning on stderr naming the file and the line.
    """
    def lines():
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line)["text"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    print(f"warning: {path}:{number}: not a CLUENER record ({type(exc).__name__}); skipped",
                          file=sys.stderr)
                    continue
                if isinstance(text, str) and _is_sentence(text.strip()):
                    yield text.strip()

    return _unique(lines())


def read_sources(path: Path = SOURCES_TSV) -> tuple[str, ...]:
    """Outlet names, one per line (``#`` comments and blank lines ignored)."""
    names = [line.split("\t")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    if not names:
        raise ValueError(f"{path}: no source names")
    return tuple(names)


def load_pools(data: str | Path | None = None, *, seeds_dir: Path = DEFAULT_SEEDS,
               weights: dict[str, float] | None = None) -> SentencePools:
    """Read the sentence pools: the seeds, plus FinRE and CLUENER when ``data`` is given.

    Parameters
    ----------
    data : path, optional
        Directory holding ``finre/train.txt`` and ``cluener2020/train.json`` (either may be missing,
        with a warning). Without it, only the seeds are used.
    seeds_dir : Path
        Directory of the seed articles.
    weights : dict, optional
        Origin -> weight; defaults to seeds 0.4, finre 0.3, cluener 0.3 (renormalised over the
        origins present). Seeds weigh most because they are about regional innovation.

    Returns
    -------
    SentencePools
    """
    pools = {"seeds": seed_sentences(seeds_dir)}
    if data is not None:
        data = Path(data)
        if not data.is_dir():
            raise FileNotFoundError(f"--data {data}: not a directory")
        finre = data / "finre" / "train.txt"
        cluener = data / "cluener2020" / "train.json"
        if finre.exists():
            pools["finre"] = finre_sentences(finre)
        else:
            print(f"warning: {finre} not found; FinRE sentences not used", file=sys.stderr)
        if cluener.exists():
            pools["cluener"] = cluener_sentences(cluener)
        else:
            print(f"warning: {cluener} not found; CLUENER sentences not used", file=sys.stderr)
    wanted = weights or {"seeds": 0.4, "finre": 0.3, "cluener": 0.3}
    present = {k: float(wanted.get(k, 0.0)) for k, v in pools.items() if v}
    total = sum(present.values())
    if total <= 0:
        raise ValueError(f"no sentence origin with a positive weight among {sorted(pools)}")
    return SentencePools(pools=pools, weights={k: w / total for k, w in present.items()},
                         sources=read_sources())


def _article(pools: SentencePools, index: int, seed: int, mean_chars: int, traditional: float,
             converter, origins: list[str], cum_weights: list[float]) -> dict:
    """Article number ``index``: depends only on ``(seed, index)`` and the pools."""
    rng = random.Random(f"kg-bench-corpus:{seed}:{index}")
    # log-normal length: median mean_chars * e^{-s^2/2}, heavy right tail like real news
    sigma = 0.6
    target = max(80, int(rng.lognormvariate(math.log(mean_chars) - sigma * sigma / 2, sigma)))
    paragraphs, paragraph, size = [], [], 0
    paragraph_len = rng.randint(2, 5)
    while size < target:
        origin = rng.choices(origins, cum_weights=cum_weights)[0]
        sentence = rng.choice(pools.pools[origin])
        paragraph.append(sentence)
        size += len(sentence)
        if len(paragraph) >= paragraph_len:
            paragraphs.append("".join(paragraph))
            paragraph, paragraph_len = [], rng.randint(2, 5)
    if paragraph:
        paragraphs.append("".join(paragraph))
    title_from = re.split(r"[，,。；！？!?：:]", paragraphs[0])[0].strip()
    title = title_from[:30] or paragraphs[0][:30]
    date = _FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS + 1))
    article_id = f"bench-{seed}-{index:07d}"
    text = "\n".join(paragraphs)
    if converter is not None and rng.random() < traditional:
        text, title = converter.convert(text), converter.convert(title)
    return {
        "id": article_id,
        "title": title,
        "date": date.isoformat(),
        "source": rng.choice(pools.sources),
        "url": f"https://corpus.invalid/{date:%Y/%m}/{article_id}.html",
        "text": text,
    }


def generate_articles(pools: SentencePools, n: int, *, seed: int = 0, mean_chars: int = 1200,
                      traditional: float = 0.1, start: int = 0) -> Iterator[dict]:
    """Yield articles ``start .. start + n - 1`` as JSON-ready dicts (id, title, date, source, url, text).

    Parameters
    ----------
    pools : SentencePools
        From :func:`load_pools`.
    n : int
        Number of articles.
    seed : int
        Random seed; the same seed gives the same articles.
    mean_chars : int
        Mean body length in characters.
    traditional : float
        Fraction of articles converted to traditional script (OpenCC ``s2t``).
    start : int
        Index of the first article (article ``i`` is the same whatever ``start`` and ``n``).
    """
    if n < 0 or mean_chars < 1 or not 0.0 <= traditional <= 1.0:
        raise ValueError(f"bad corpus parameters: n={n}, mean_chars={mean_chars}, traditional={traditional}")
    converter = None
    if traditional > 0:
        import opencc

        converter = opencc.OpenCC("s2t")
    origins = sorted(pools.weights)
    cum, acc = [], 0.0
    for origin in origins:
        acc += pools.weights[origin]
        cum.append(acc)
    for index in range(start, start + n):
        yield _article(pools, index, seed, mean_chars, traditional, converter, origins, cum)


def write_corpus(out: str | Path, n: int, *, data: str | Path | None = None, seed: int = 0,
                 shard_size: int = 1000, mean_chars: int = 1200, traditional: float = 0.1) -> list[Path]:
    """Write ``n`` articles as JSONL shards ``part-00000.jsonl``, ``part-00001.jsonl``... under ``out``.

    Each shard is written to a temporary name and renamed when complete, so an
    interrupted run never leaves a truncated shard under its final name.

    Parameters
    ----------
    out : path
        Output directory (created). Existing ``part-*.jsonl`` files are replaced.
    n : int
        Number of articles.
    data : path, optional
        Shared data directory (FinRE, CLUENER); seeds only when omitted.
    seed, mean_chars, traditional :
        See :func:`generate_articles`.
    shard_size : int
        Articles per shard.

    Returns
    -------
    list of Path
        The shards written, in order.
    """
    if shard_size < 1:
        raise ValueError(f"shard_size must be >= 1, got {shard_size}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.jsonl"):
        old.unlink()
    pools = load_pools(data)
    shards: list[Path] = []
    for shard_no, start in enumerate(range(0, n, shard_size)):
        final = out / f"part-{shard_no:05d}.jsonl"
        partial = final.with_suffix(".jsonl.partial")
        with open(partial, "w", encoding="utf-8") as f:
            for article in generate_articles(pools, min(shard_size, n - start), seed=seed, start=start,
                                             mean_chars=mean_chars, traditional=traditional):
                f.write(json.dumps(article, ensure_ascii=False) + "\n")
        partial.replace(final)
        shards.append(final)
    return shards


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.corpus --n N --out DIR [--data DIR] [--seed S] [--shard-size K]``."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles (e.g. 1000, 10000, 100000)")
    parser.add_argument("--out", type=Path, required=True, help="output directory for part-*.jsonl")
    parser.add_argument("--data", type=Path, default=None, help="shared data dir with finre/ and cluener2020/")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shard-size", type=int, default=1000)
    parser.add_argument("--mean-chars", type=int, default=1200)
    parser.add_argument("--traditional", type=float, default=0.1, help="fraction in traditional script")
    args = parser.parse_args(argv)
    try:
        shards = write_corpus(args.out, args.n, data=args.data, seed=args.seed, shard_size=args.shard_size,
                              mean_chars=args.mean_chars, traditional=args.traditional)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    chars = sum(len(json.loads(line)["text"]) for s in shards for line in open(s, encoding="utf-8"))
    print(f"wrote {args.n} articles ({chars:,} chars) in {len(shards)} shard(s) under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
