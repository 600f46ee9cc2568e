"""Benchmark the NER pipeline's throughput against stock ``jieba.posseg.lcut`` on the same text, same run.

A script, not a test. Run it with low priority, e.g.::

    nice -n 10 .venv/bin/python bench/bench_ner.py                       # the cleaned seeds, ~300k chars
    nice -n 10 .venv/bin/python bench/bench_ner.py --chars 1000000 --cluener /path/cluener2020/train.json

The text is the five seed articles after ``kg.ingest.clean`` (and, with ``--cluener``, CLUENER
sentences), repeated until ``--chars`` characters.  Each article is processed separately by
``find_mentions`` (full pipeline: owned jieba tokenizer, lexicon ruler, name grammar, statistical
tagger(s), resolver) and, as the baseline, by ``jieba.posseg.lcut`` with default settings.  The default
pipeline (``kg.nlp.ner.DEFAULT_MODELS``) carries the target; ``--models`` also times the pipeline with
other statistical components (``crf``, ``char``, ``crf+char``).  Also printed: the rules-only pipeline,
the tokenizer alone and each statistical component alone (on pre-tokenized text), to show where the
time goes.  Target (issue #3): NER throughput >= 50 % of ``jieba.posseg.lcut``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, print_result  # noqa: E402


def corpus(chars: int, cluener: Path | None) -> list[str]:
    """Articles (cleaned seeds, optionally CLUENER sentences in groups of 20) repeated to ``chars`` characters."""
    from kg.ingest import clean, read_inputs

    root = Path(__file__).resolve().parent.parent
    texts = [clean(a).text for a in read_inputs([str(root / "seeds")])]
    if cluener is not None:
        lines = [json.loads(line)["text"] for line in cluener.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += ["".join(lines[i:i + 20]) for i in range(0, len(lines), 20)]
    out, total = [], 0
    while total < chars:
        for text in texts:
            out.append(text)
            total += len(text)
            if total >= chars:
                break
    return out


def throughput(fn, texts: list[str]) -> float:
    """Characters per second of ``fn`` applied to each text."""
    started = time.perf_counter()
    for text in texts:
        fn(text)
    return sum(map(len, texts)) / (time.perf_counter() - started)


def main(argv=None) -> int:
    """Run the benchmark; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=300_000)
    parser.add_argument("--cluener", type=Path, help="also use CLUENER sentences (JSONL with a text field)")
    parser.add_argument("--resources", type=Path, help="resources directory for load_nlp (default kg/resources)")
    parser.add_argument("--models", default="crf,char",
                        help="other statistical set-ups to time besides the default, comma-separated; "
                             "'+' joins components (e.g. crf,char,crf+char; '' for none)")
    args = parser.parse_args(argv)

    import jieba
    import jieba.posseg

    from kg.nlp.components.candidates import TokenIndex
    from kg.nlp.ner import DEFAULT_MODELS, find_mentions, load_nlp
    from kg.types import Article, CleanArticle

    texts = corpus(args.chars, args.cluener)
    n_chars = sum(map(len, texts))
    print(f"[ner] {len(texts)} articles, {n_chars:,} characters", flush=True)
    jieba.setLogLevel(60)
    jieba.posseg.lcut("预热")  # load jieba's dictionaries outside the timing
    baseline = throughput(jieba.posseg.lcut, texts)
    print_result(Result("ner", "jieba.posseg.lcut (baseline)", baseline, "chars/s"))

    def run(nlp):
        def one(text):
            return find_mentions(nlp, CleanArticle(Article(id="b", text=text), text, tuple(range(len(text) + 1))))

        one("预热")
        return throughput(one, texts)

    started = time.perf_counter()
    full = load_nlp(args.resources)
    print(f"[ner] load_nlp(): {time.perf_counter() - started:.1f} s, pipeline {full.pipe_names}", flush=True)
    value = run(full)
    default = "+".join(DEFAULT_MODELS)
    print_result(Result("ner", f"find_mentions, full pipeline (default: {default})", value, "chars/s",
                        "jieba.posseg.lcut", baseline, target=">= 0.5x jieba.posseg.lcut", passed=value >= 0.5 * baseline))
    pipes = {name: full.get_pipe(name) for name in full.pipe_names}
    for setup in [m for m in args.models.split(",") if m and m != default]:
        nlp = load_nlp(args.resources, models=setup.split("+"))
        value = run(nlp)
        print_result(Result("ner", f"find_mentions, full pipeline ({setup})", value, "chars/s", "jieba.posseg.lcut", baseline))
        pipes.update({name: nlp.get_pipe(name) for name in nlp.pipe_names if name not in pipes})
    rules = load_nlp(args.resources, statistical=False)
    value = run(rules)
    print_result(Result("ner", "find_mentions, rules only", value, "chars/s", "jieba.posseg.lcut", baseline))
    value = throughput(full.tokenizer, texts)
    print_result(Result("ner", "owned jieba tokenizer alone", value, "chars/s", "jieba.posseg.lcut", baseline))
    if "kg_char_ner" in pipes:
        value = throughput(pipes["kg_char_ner"].predict, texts)
        print_result(Result("ner", "spaCy character model alone (kg_char_ner)", value, "chars/s", "jieba.posseg.lcut", baseline))
    if "kg_crf_ner" in pipes:
        indexes = [TokenIndex(full.tokenizer(text)) for text in texts]  # the pipeline's tokens, made outside the timing
        crf = pipes["kg_crf_ner"]
        started = time.perf_counter()
        for index in indexes:
            crf.predict(index)
        value = n_chars / (time.perf_counter() - started)
        print_result(Result("ner", "CRF tagger alone (kg_crf_ner, features + Viterbi)", value, "chars/s",
                            "jieba.posseg.lcut", baseline))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
