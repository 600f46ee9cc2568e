"""Train the character-level statistical NER shipped in kg/resources/ner_model (a script, never a test).

Usage (time-bounded, low priority; data from scripts/prepare_ner_data.py)::

    nice -n 10 python scripts/train_ner.py --data .kg/ner_data --out .kg/ner_runs/run1 --minutes 35
    # then, if better than the shipped model (see .kg/ner_runs/run1/best/meta.json scores):
    cp -r .kg/ner_runs/run1/best/* kg/resources/ner_model/

The model is a spaCy ``ner`` (tok2vec CNN over hash embeddings of the character, its left and right
bigrams and its shape; transition-based NER) on ``spacy.blank("zh")`` with one token per character.
After each epoch it is scored on ``dev.jsonl`` (exact spans); the best epoch is kept in ``OUT/best``.
The test portions written by prepare_ner_data.py are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

# Two shared cores: one BLAS thread keeps training from starving everyone else.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import compounding, filter_spans, minibatch  # noqa: E402

from kg.nlp.components.char_features import FEATURE_ATTRS, make_char_doc  # noqa: E402


def model_config(width: int, depth: int, rows: list[int], hidden: int, pieces: int = 3) -> dict:
    """Return the ``ner`` component config (tok2vec CNN + transition-based NER)."""
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": hidden,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "spacy.MultiHashEmbed.v2",
                    "width": width,
                    "attrs": list(FEATURE_ATTRS),
                    "rows": rows,
                    "include_static_vectors": False,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": width,
                    "depth": depth,
                    "window_size": 1,
                    "maxout_pieces": pieces,
                },
            },
        }
    }


def read_examples(nlp, path: Path, labels: set[str] | None) -> list[Example]:
    """Read ``{"text", "spans"}`` JSONL into Examples on character Docs (overlaps: longest kept)."""
    examples = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            doc = make_char_doc(nlp.vocab, row["text"])
            ref = make_char_doc(nlp.vocab, row["text"])
            spans = [
                ref.char_span(s, e, label=lab)
                for s, e, lab in row["spans"]
                if labels is None or lab in labels
            ]
            ref.ents = filter_spans([s for s in spans if s is not None])
            examples.append(Example(doc, ref))
    return examples


def main(argv=None) -> int:
    """Train until ``--minutes`` or ``--epochs`` run out; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="directory with train.jsonl and dev.jsonl")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--pieces", type=int, default=3, help="maxout pieces of the CNN layers (2 is ~1.5x faster)")
    parser.add_argument("--rows", default="5000,20000,20000,50")
    parser.add_argument("--dropout", type=float, default=0.15)
    parser.add_argument("--learn-rate", type=float, default=0.001)
    parser.add_argument("--labels", default="", help="comma-separated labels to keep (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", type=Path, help="continue training this model directory (e.g. a previous best)")
    args = parser.parse_args(argv)

    spacy.util.fix_random_seed(args.seed)
    random.seed(args.seed)
    labels = set(args.labels.split(",")) if args.labels else None
    if args.resume:
        nlp = spacy.load(args.resume)
    else:
        nlp = spacy.blank("zh")
        rows = [int(r) for r in args.rows.split(",")]
        nlp.add_pipe("ner", config=model_config(args.width, args.depth, rows, args.hidden, args.pieces))
    train = read_examples(nlp, args.data / "train.jsonl", labels)
    dev = read_examples(nlp, args.data / "dev.jsonl", labels)
    print(f"train {len(train)} dev {len(dev)}", flush=True)
    optimizer = nlp.resume_training() if args.resume else nlp.initialize(lambda: train)
    optimizer.learn_rate = args.learn_rate
    args.out.mkdir(parents=True, exist_ok=True)
    best, deadline, log = -1.0, time.time() + args.minutes * 60, []
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        random.shuffle(train)
        losses: dict = {}
        for batch in minibatch(train, size=compounding(8.0, 48.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
            if time.time() > deadline:
                break
        scores = nlp.evaluate(dev)
        per_type = {k: round(float(v["f"]), 4) for k, v in (scores.get("ents_per_type") or {}).items()}
        entry = {
            "epoch": epoch,
            "loss": round(float(losses.get("ner", 0.0)), 1),
            "dev_f": round(float(scores["ents_f"]), 4),
            "dev_p": round(float(scores["ents_p"]), 4),
            "dev_r": round(float(scores["ents_r"]), 4),
            "per_type": per_type,
            "seconds": round(time.time() - started, 1),
        }
        log.append(entry)
        print(json.dumps(entry, ensure_ascii=False), flush=True)
        if scores["ents_f"] > best:
            best = scores["ents_f"]
            nlp.meta["name"] = "kg_char_ner"
            nlp.meta["version"] = "1.0.0"
            nlp.meta["description"] = "Character-level NER for kg (CLUENER + People's Daily splits), see scripts/train_ner.py"
            nlp.meta["kg_training"] = {"args": {k: str(v) for k, v in vars(args).items()}, "best": entry}
            nlp.to_disk(args.out / "best")
        if time.time() > deadline:
            break
    (args.out / "log.json").write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"best dev F1 {best:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
