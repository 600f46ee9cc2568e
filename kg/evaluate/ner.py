"""Exact-span precision/recall/F1 of the NER pipeline on CLUENER (JSONL) or BIO ("char tag") files.

Each sentence is run through the whole pipeline (``kg.nlp.find_mentions``: gazetteer, name grammar,
statistical model, short forms) as an article of its own, and each predicted mention's class is mapped
onto the dataset's labels; a prediction counts when its span and mapped label equal a gold span's.

Mapping (our class -> dataset label):

=================================================================  ============  =====
our classes                                                        CLUENER       BIO
=================================================================  ============  =====
Enterprise                                                         company       ORG
GovernmentAgency                                                   government    ORG
University, ResearchInstitute, Organization, InnovationPlatform    organization  ORG
Place, Park                                                        address       LOC
Person                                                             name          PER
Event, Project                                                     (not scored)  (not scored)
=================================================================  ============  =====

Only these dataset labels are scored (CLUENER's book/game/movie/position/scene are not classes of
ours: gold spans with those labels are ignored, as are predictions of Event and Project).

Formats: ``cluener`` = JSON lines ``{"text": ..., "label": {label: {surface: [[start, end_inclusive]]}}}``;
``bio`` = one ``char tag`` per line (``B-X``/``I-X``/``O``), a blank line between sentences.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from kg.nlp.components.crf_features import tags_to_spans
from kg.types import Article, CleanArticle, EntityClass

__all__ = ["CLUENER_LABELS", "BIO_LABELS", "read_cluener", "read_bio", "score_spans", "evaluate", "format_table"]

CLUENER_LABELS: dict[EntityClass, str] = {
    EntityClass.ENTERPRISE: "company",
    EntityClass.GOVERNMENT_AGENCY: "government",
    EntityClass.UNIVERSITY: "organization",
    EntityClass.RESEARCH_INSTITUTE: "organization",
    EntityClass.ORGANIZATION: "organization",
    EntityClass.INNOVATION_PLATFORM: "organization",
    EntityClass.PLACE: "address",
    EntityClass.PARK: "address",
    EntityClass.PERSON: "name",
}
BIO_LABELS: dict[EntityClass, str] = {
    EntityClass.ENTERPRISE: "ORG",
    EntityClass.GOVERNMENT_AGENCY: "ORG",
    EntityClass.UNIVERSITY: "ORG",
    EntityClass.RESEARCH_INSTITUTE: "ORG",
    EntityClass.ORGANIZATION: "ORG",
    EntityClass.INNOVATION_PLATFORM: "ORG",
    EntityClass.PLACE: "LOC",
    EntityClass.PARK: "LOC",
    EntityClass.PERSON: "PER",
}
_MAPPINGS = {"cluener": CLUENER_LABELS, "bio": BIO_LABELS}


def read_cluener(path: str | Path):
    """Yield ``(text, {(start, end_exclusive, label), ...})`` from a CLUENER JSONL file.

    Lines that are not valid records are skipped with a warning naming ``path:line``.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                spans = {
                    (start, end + 1, label)
                    for label, surfaces in (record.get("label") or {}).items()
                    for positions in surfaces.values()
                    for start, end in positions
                }
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
                warnings.warn(f"{path}:{number}: not a CLUENER record ({err}), skipped", stacklevel=2)
                continue
            yield text, spans


def read_bio(path: str | Path):
    """Yield ``(text, {(start, end_exclusive, label), ...})`` from a "char tag" BIO file.

    An ``I-X`` without a preceding ``B-X`` starts an entity (the usual lenient reading); a line that is
    not ``char tag`` is skipped with a warning naming ``path:line``.
    """
    path = Path(path)
    chars: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as fh:
        lines = list(enumerate(fh, 1))
    for number, line in lines + [(len(lines) + 1, "\n")]:
        row = line.rstrip("\n\r")
        if row.strip():
            parts = row.split()
            if len(parts) == 1 and row.startswith((" ", "\u3000")):
                parts = [" ", parts[0]]  # a space character with its tag
            if len(parts) != 2 or not (parts[1] == "O" or parts[1][:2] in ("B-", "I-")):
                warnings.warn(f"{path}:{number}: expected 'char tag', skipped", stacklevel=2)
                continue
            chars.append(parts[0][:1])
            tags.append(parts[1])
            continue
        if not chars:
            continue
        yield "".join(chars), set(tags_to_spans(tags))
        chars, tags = [], []


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}


def score_spans(gold: Iterable[set], predicted: Iterable[set], labels: Iterable[str] | None = None) -> dict:
    """Exact-span precision/recall/F1 per label, and over all labels together.

    Parameters
    ----------
    gold, predicted : iterables of sets of (start, end, label)
        The spans of each sentence, in the same order.
    labels : iterable of str, optional
        Score only these labels (each reported, even when absent); default: every label seen.

    Returns
    -------
    dict
        ``{label: {"precision", "recall", "f1", "tp", "fp", "fn", "support"}}`` plus ``"_micro"``.

    Examples
    --------
    >>> r = score_spans([{(0, 2, "ORG"), (3, 5, "LOC")}], [{(0, 2, "ORG"), (3, 4, "LOC")}])
    >>> r["ORG"]["f1"], r["LOC"]["f1"], r["_micro"]["precision"]
    (1.0, 0.0, 0.5)
    """
    counts: dict[str, Counter] = {label: Counter() for label in labels} if labels is not None else {}
    for gold_spans, predicted_spans in zip(gold, predicted):
        if labels is not None:
            gold_spans = {g for g in gold_spans if g[2] in counts}
            predicted_spans = {p for p in predicted_spans if p[2] in counts}
        for span in predicted_spans:
            counts.setdefault(span[2], Counter())["tp" if span in gold_spans else "fp"] += 1
        for span in gold_spans - predicted_spans:
            counts.setdefault(span[2], Counter())["fn"] += 1
    result = {label: _prf(c["tp"], c["fp"], c["fn"]) for label, c in sorted(counts.items())}
    total = sum(counts.values(), Counter())
    result["_micro"] = _prf(total["tp"], total["fp"], total["fn"])
    return result


def evaluate(nlp, path: str | Path, fmt: str = "cluener", *, limit: int | None = None) -> dict:
    """Score the pipeline ``nlp`` (from ``kg.nlp.load_nlp``) on an annotated file.

    Parameters
    ----------
    nlp : spacy.language.Language
        The NER pipeline.
    path : str or pathlib.Path
        The annotated file.
    fmt : {"cluener", "bio"}
        The file's format (see the module docstring).
    limit : int, optional
        Score only the first ``limit`` sentences.

    Returns
    -------
    dict
        ``{label: {"precision", "recall", "f1", "tp", "fp", "fn", "support"}}`` for every scored
        dataset label, plus ``"_micro"`` (all scored labels together) and ``"_sentences"`` (count).
    """
    from kg.nlp.ner import doc_mentions

    if fmt not in _MAPPINGS:
        raise ValueError(f"unknown NER evaluation format {fmt!r}: expected one of {sorted(_MAPPINGS)}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"NER evaluation file not found: {path}")
    mapping = _MAPPINGS[fmt]
    scored = sorted(set(mapping.values()))
    reader = read_cluener(path) if fmt == "cluener" else read_bio(path)
    items = []
    for n, item in enumerate(reader):
        if limit is not None and n >= limit:
            break
        items.append(item)
    texts = [text for text, _gold in items]
    predicted = []
    for (text, _gold), doc in zip(items, nlp.pipe(texts, batch_size=64)):
        clean = CleanArticle(Article(id="eval", text=text), text, tuple(range(len(text) + 1)))
        predicted.append({(m.start, m.end, mapping[m.cls]) for m in doc_mentions(doc, clean) if m.cls in mapping})
    result = score_spans((gold for _text, gold in items), predicted, labels=scored)
    result["_sentences"] = len(items)
    return result


def format_table(result: dict) -> str:
    """Render an :func:`evaluate` result as a plain-text table (one row per label, micro average last)."""
    rows = [f"{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    labels = sorted(k for k in result if not k.startswith("_")) + (["_micro"] if "_micro" in result else [])
    for label in labels:
        r = result[label]
        name = "micro avg" if label == "_micro" else label
        rows.append(f"{name:<14}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}{r['support']:>10d}")
    if "_sentences" in result:
        rows.append(f"({result['_sentences']} sentences)")
    return "\n".join(rows)
