"""``kg_crf_ner_v1``: the CRF character tagger (kg/resources/ner_crf) as a candidate source.

A linear-chain CRF (python-crfsuite, trained by scripts/train_ner_crf.py on the CLUENER and People's
Daily train splits) labels each character (BIOES over the CLUENER labels) from the features of
:mod:`kg.nlp.components.crf_features`: characters and n-grams around it, character types, and the jieba
word holding it (the pipeline's own tokens, so no second segmentation) with its tag and lexicon hits.
The decoded spans go through :class:`kg.nlp.components.model_spans.ModelSpans` (label mapping, suffix
refinement, plausibility filter), exactly as the spaCy character model's do, and become candidates with
source ``ner``.

Why a CRF: the transition-based spaCy model spent ~85 % of the mention stage's time; the CRF's cost is
the per-character feature strings plus a Viterbi pass in C.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.components.candidates import TokenIndex
from kg.nlp.components.crf_features import CrfFeaturizer, tags_to_spans
from kg.nlp.components.lexicons import Lexicons, load_lexicons
from kg.nlp.components.model_spans import ModelSpans, sentence_chunks

__all__ = ["CrfNer", "MODEL_FILE"]

#: The model file inside the model directory.
MODEL_FILE = "model.crfsuite"


class CrfNer:
    """Tag the Doc's characters with the shipped CRF and add the spans as candidates."""

    def __init__(self, nlp: Language, name: str, confidence: float = 0.7, min_marginal: float = 0.4):
        self.name = name
        self.confidence = confidence
        self.min_marginal = min_marginal
        self.tagger = None
        self.featurizer: CrfFeaturizer | None = None
        self.spans = ModelSpans(None)

    def initialize(self, get_examples=None, *, nlp=None, model_dir: str | None = None,
                   lexicon_dir: str | None = None, lexicons: Lexicons | None = None,
                   tags: dict[str, str] | None = None, word_freq: Mapping[str, int] | None = None):
        """Load ``model_dir/model.crfsuite`` (offline) and the lexicon tables its features use.

        Parameters
        ----------
        model_dir : str
            Directory holding ``model.crfsuite``.
        lexicon_dir : str, optional
            Read the lexicons from here when ``lexicons`` is not given.
        lexicons : kg.nlp.components.lexicons.Lexicons, optional
            The NER lexicons (features and plausibility filter); one of ``lexicons``/``lexicon_dir`` is required.
        tags : dict, optional
            jieba's ``word -> part-of-speech`` table with the domain words (as ``load_nlp`` builds it).
        word_freq : mapping, optional
            The owned jieba dictionary's word frequencies (the plausibility filter's common words).
        """
        import pycrfsuite  # imported here: loading the pipeline, not importing kg, needs the library

        path = Path(model_dir) / MODEL_FILE if model_dir is not None else None
        if path is None or not path.is_file():
            raise FileNotFoundError(f"{self.name}: no CRF model {path} (train it with scripts/train_ner_crf.py)")
        if lexicons is None:
            if lexicon_dir is None:
                raise ValueError(f"{self.name}: the CRF features need the NER lexicons (lexicons= or lexicon_dir=)")
            lexicons = load_lexicons(Path(lexicon_dir))
        tagger = pycrfsuite.Tagger()
        try:
            tagger.open(str(path))
        except (OSError, ValueError) as err:
            raise ValueError(f"{self.name}: {path} is not a crfsuite model ({err})") from err
        self.tagger = tagger
        self.featurizer = CrfFeaturizer(lexicons, tags or {})
        self.spans = ModelSpans(lexicons, tags, word_freq)

    def predict(self, index: TokenIndex) -> list[tuple[int, int, str]]:
        """Return the ``(start, end, label)`` character spans (dataset labels) the CRF finds in ``index.text``.

        A span is kept when each of its characters' predicted tag has a marginal probability of at least
        ``min_marginal`` (the model's doubt shows there: 智造之城 as a person scores 0.39 where real names
        score above 0.9); whitespace at a span's edges is trimmed (the model glues a following space to a
        name, 张凯 摄).

        Parameters
        ----------
        index : kg.nlp.components.candidates.TokenIndex
            The text and its jieba words (``TokenIndex.of(doc)``).
        """
        if self.tagger is None:
            raise RuntimeError(f"{self.name} is not initialised: build the pipeline with kg.nlp.load_nlp()")
        text = index.text
        features = self.featurizer.features(text, index.starts, index.ends)
        tagger = self.tagger
        spans = []
        # training items are sentences; a long one also ends at a comma (soft), any at 400 characters
        for offset, chunk_end in sentence_chunks(text, hard_limit=400, soft_limit=200):
            chunk = text[offset:chunk_end]
            if chunk.isspace():
                continue
            tags = tagger.tag(features[offset:chunk_end])
            for start, end, label in tags_to_spans(tags):
                while start < end and chunk[start].isspace():
                    start += 1
                while end > start and chunk[end - 1].isspace():
                    end -= 1
                if start == end:
                    continue
                # tagger.marginal works on the sequence last tagged (forward-backward run on first use)
                if self.min_marginal > 0 and min(tagger.marginal(tags[i], i) for i in range(start, end)) < self.min_marginal:
                    continue
                spans.append((offset + start, offset + end, label))
        return spans

    def __call__(self, doc: Doc) -> Doc:
        """Add the CRF's spans to ``doc`` as candidates."""
        index = TokenIndex.of(doc)
        self.spans.add(doc, index, self.predict(index), self.confidence)
        return doc


@Language.factory("kg_crf_ner_v1", assigns=["doc.user_data"], default_config={"confidence": 0.7, "min_marginal": 0.4})
def make_crf_ner(nlp: Language, name: str, confidence: float, min_marginal: float) -> CrfNer:
    """spaCy factory for :class:`CrfNer` (model loaded in ``initialize``)."""
    return CrfNer(nlp, name, confidence, min_marginal)
