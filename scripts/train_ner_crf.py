"""Train the CRF character tagger shipped in kg/resources/ner_crf (a script, never a test).

Usage (time-bounded, low priority; data from scripts/prepare_ner_data.py)::

    nice -n 10 python scripts/train_ner_crf.py --data .kg/ner_data --out .kg/ner_crf_runs/run1 \
        --c1 0.1 --c2 0.01 --minutes 30
    # then, if its dev scores (OUT/training_log.json) beat the shipped model's:
    cp .kg/ner_crf_runs/run1/model.crfsuite .kg/ner_crf_runs/run1/training_log.json kg/resources/ner_crf/

A linear-chain CRF (python-crfsuite, L-BFGS with L1 ``c1`` and L2 ``c2`` regularisation; L1 prunes the
model to the features that matter) over one item per character, with the features of
``kg.nlp.components.crf_features`` (characters and n-grams in a ±2 window, character types, the jieba
word holding the character with its tag and position, lexicon hits).  The words come from the same
owned jieba tokenizer as ``load_nlp()`` builds.  Trained on ``train.jsonl`` only; scored (exact spans
per label) on ``dev.jsonl``; the test portions written by prepare_ner_data.py are never read here.

Time bound: crfsuite writes its model only when L-BFGS stops, so the script first times a few
iterations on the whole training set and caps ``max_iterations`` to fit ``--minutes``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pycrfsuite  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

from kg.evaluate.ner import score_spans  # noqa: E402
from kg.nlp.components.candidates import TokenIndex  # noqa: E402
from kg.nlp.components.crf_features import CrfFeaturizer, spans_to_tags, tags_to_spans  # noqa: E402
from kg.nlp.components.lexicons import load_lexicons  # noqa: E402
from kg.nlp.tokenizer import JiebaTokenizer, load_jieba_tags, make_jieba  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def read_rows(path: Path) -> list[dict]:
    """Read ``{"text", "spans", "dataset"}`` JSONL rows."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Featurize:
    """Text -> per-character features, with the pipeline's own jieba words and tag table."""

    def __init__(self, lexicon_dir: Path):
        lexicons = load_lexicons(lexicon_dir)
        tags = load_jieba_tags(lexicons.user_words())
        self.tokenizer = JiebaTokenizer(Vocab(), make_jieba(lexicons.user_words()))
        self.featurizer = CrfFeaturizer(lexicons, tags)

    def __call__(self, text: str) -> list[tuple[bytes, ...]]:
        index = TokenIndex(self.tokenizer(text))
        return self.featurizer.features(text, index.starts, index.ends)


def make_trainer(args, max_iterations: int) -> pycrfsuite.Trainer:
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs")
    trainer.set_params({
        "c1": args.c1,
        "c2": args.c2,
        "max_iterations": max_iterations,
        "feature.minfreq": args.min_freq,
        "feature.possible_transitions": True,
        "feature.possible_states": False,
    })
    return trainer


def main(argv=None) -> int:
    """Train, score on dev, write ``OUT/model.crfsuite`` and ``OUT/training_log.json``; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="directory with train.jsonl and dev.jsonl")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lexicons", type=Path, default=ROOT / "kg" / "resources" / "lexicons")
    parser.add_argument("--c1", type=float, default=0.1, help="L1 weight (larger: smaller model)")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 weight")
    parser.add_argument("--min-freq", type=float, default=1.0, help="drop features seen fewer times in training")
    parser.add_argument("--max-iterations", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=30.0, help="wall-clock budget for the L-BFGS run")
    parser.add_argument("--scheme", choices=["BIOES", "BIO"], default="BIOES")
    parser.add_argument("--limit", type=int, help="use only the first N training rows (quick trials)")
    args = parser.parse_args(argv)

    started = time.time()
    featurize = Featurize(args.lexicons)
    train_rows = read_rows(args.data / "train.jsonl")[: args.limit]
    dev_rows = read_rows(args.data / "dev.jsonl")
    train = [(featurize(r["text"]), spans_to_tags(len(r["text"]), r["spans"], args.scheme)) for r in train_rows]
    dev = [featurize(r["text"]) for r in dev_rows]
    prep_seconds = time.time() - started
    print(f"train {len(train)} dev {len(dev)} sentences; features in {prep_seconds:.0f} s", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    model_path = args.out / "model.crfsuite"

    # Calibrate: time a few iterations, then cap max_iterations so the real run fits the budget.
    probe_iterations = 3
    probe = make_trainer(args, probe_iterations)
    for xseq, yseq in train:
        probe.append(xseq, yseq)
    t0 = time.time()
    probe.train(str(args.out / "probe.crfsuite"))
    probe_seconds = time.time() - t0
    featgen = probe.logparser.featgen_seconds or 0.0  # crfsuite's feature generation, paid once per run
    per_iteration = max(0.01, (probe_seconds - featgen) / probe_iterations)
    (args.out / "probe.crfsuite").unlink(missing_ok=True)
    del probe
    budget = args.minutes * 60 - (time.time() - started) - 2 * featgen
    max_iterations = max(5, min(args.max_iterations, int(budget / per_iteration)))
    print(f"~{per_iteration:.1f} s per iteration (+{featgen:.0f} s feature generation): "
          f"max_iterations {max_iterations}", flush=True)

    trainer = make_trainer(args, max_iterations)
    for xseq, yseq in train:
        trainer.append(xseq, yseq)
    t0 = time.time()
    trainer.train(str(model_path))
    train_seconds = time.time() - t0
    iterations = len(trainer.logparser.iterations)
    print(f"trained {iterations} iterations in {train_seconds:.0f} s", flush=True)

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    gold = [{tuple(s) for s in r["spans"]} for r in dev_rows]
    predicted = [set(tags_to_spans(tagger.tag(x))) for x in dev]
    dev_scores = {"all": score_spans(gold, predicted)}
    for dataset in ("cluener", "pd"):
        keep = [i for i, r in enumerate(dev_rows) if r.get("dataset") == dataset]
        if keep:
            dev_scores[dataset] = score_spans([gold[i] for i in keep], [predicted[i] for i in keep])
    info = tagger.info()
    log = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "iterations": iterations,
        "max_iterations": max_iterations,
        "train_sentences": len(train),
        "features_kept": len(info.state_features),
        "labels": sorted(tagger.labels()),
        "model_bytes": model_path.stat().st_size,
        "seconds": {"features": round(prep_seconds, 1), "train": round(train_seconds, 1),
                    "total": round(time.time() - started, 1)},
        "dev": dev_scores,
    }
    (args.out / "training_log.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in log.items() if k != "dev"}, ensure_ascii=False))
    for part, result in dev_scores.items():
        print(part, json.dumps({k: v["f1"] for k, v in result.items()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
