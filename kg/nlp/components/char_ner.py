"""``kg_char_ner_v1``: the trained character-level statistical NER (kg/resources/ner_model) as a candidate source.

The model (trained by scripts/train_ner.py on CLUENER and People's Daily splits) sees one token per
character; this component builds that character Doc from ``doc.text`` (kg.nlp.components.char_features),
runs the model's ``ner`` and hands its spans to :class:`kg.nlp.components.model_spans.ModelSpans`
(label mapping, suffix refinement, plausibility filter), which records them as candidates (source
``ner``) on the jieba Doc.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.components.candidates import TokenIndex
from kg.nlp.components.char_features import make_char_doc
from kg.nlp.components.lexicons import Lexicons, load_lexicons
from kg.nlp.components.model_spans import LABEL_TO_CLASS, ModelSpans, sentence_chunks

__all__ = ["CharNer", "LABEL_TO_CLASS"]


class CharNer:
    """Run the shipped character model and add its spans as candidates."""

    def __init__(self, nlp: Language, name: str, confidence: float = 0.7):
        self.name = name
        self.confidence = confidence
        self.model: Language | None = None
        self.spans = ModelSpans(None)

    def initialize(self, get_examples=None, *, nlp=None, model_dir: str | None = None,
                   lexicon_dir: str | None = None, lexicons: Lexicons | None = None,
                   tags: dict[str, str] | None = None, word_freq: Mapping[str, int] | None = None):
        """Load the model from ``model_dir`` (offline; a spaCy pipeline directory with a ``ner``).

        ``lexicons``, ``tags`` (jieba's part-of-speech table) and ``word_freq`` (its word frequencies)
        drive the plausibility filter.
        """
        if model_dir is None or not (Path(model_dir) / "meta.json").is_file():
            raise FileNotFoundError(f"{self.name}: no trained NER model in {model_dir} (train it with scripts/train_ner.py)")
        self.model = spacy.load(model_dir)
        if lexicons is None and lexicon_dir is not None:
            lexicons = load_lexicons(Path(lexicon_dir))
        self.spans = ModelSpans(lexicons, tags, word_freq)

    def predict(self, text: str) -> list[tuple[int, int, str]]:
        """Return the model's ``(start, end, label)`` character spans for ``text`` (dataset labels).

        The text is cut into sentence-sized chunks that the model processes as one batch: the
        transition-based NER then advances all chunks' states in one matrix operation per step,
        which is several times faster than walking one long document.
        """
        chunks = list(sentence_chunks(text, hard_limit=150))
        docs = [make_char_doc(self.model.vocab, text[s:e]) for s, e in chunks]
        for _name, proc in self.model.pipeline:
            docs = list(proc.pipe(docs, batch_size=256)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        return [
            (offset + e.start_char, offset + e.end_char, e.label_)
            for (offset, _end), doc in zip(chunks, docs)
            for e in doc.ents
        ]

    def __call__(self, doc: Doc) -> Doc:
        """Add the model's spans to ``doc`` as candidates."""
        if self.model is None:
            raise RuntimeError(f"{self.name} is not initialised: build the pipeline with kg.nlp.load_nlp()")
        index = TokenIndex.of(doc)
        self.spans.add(doc, index, self.predict(index.text), self.confidence)
        return doc


@Language.factory("kg_char_ner_v1", assigns=["doc.user_data"], default_config={"confidence": 0.7})
def make_char_ner(nlp: Language, name: str, confidence: float) -> CharNer:
    """spaCy factory for :class:`CharNer` (model loaded in ``initialize``)."""
    return CharNer(nlp, name, confidence)
