"""Entity mentions: gazetteers, name grammar and a trained statistical NER on a jieba-segmented spaCy pipeline.

``load_nlp()`` builds ``spacy.blank("zh")`` with

* a tokenizer on an owned ``jieba.Tokenizer`` plus the domain user dictionary (kg.nlp.tokenizer;
  the process-global jieba is never touched);
* ``kg_lexicon_ruler_v1`` — gazetteer names, places and known short forms (中科院 -> 中国科学院), matched on
  the raw text with Aho-Corasick and mapped back to tokens;
* ``kg_name_grammar_v1`` — names built as region prefix + body + type suffix (有限公司, 大学, 研究院,
  高新区, 技术创新中心, 大会, 项目 ...), quoted names, enumerations (A、B等企业), persons after a position
  title (市委书记田卫东) or before a post-title (渠志灿博士);
* a statistical character tagger (``models``): ``kg_crf_ner_v1`` — the CRF shipped in
  ``kg/resources/ner_crf`` — and/or ``kg_char_ner_v1`` — the spaCy character model shipped in
  ``kg/resources/ner_model`` (see :data:`DEFAULT_MODELS`);
* ``kg_mention_resolver_v1`` — selection, declared short forms (``（以下简称X）``), implicit company short
  forms (山东有研半导体材料有限公司 -> 有研半导体), positions, junk filter.

(spaCy forbids dots in factory names, so the versions are written ``_v1``.)

Decisions
---------
* Doc tokens are jieba words (HMM off: the HMM glues function words to unknown names and is slower);
  the statistical tagger labels characters (CLUENER and People's Daily label character spans, and
  Chinese names often cut across jieba words) and its spans come back as character offsets.  The
  default is the CRF (``kg_crf_ner_v1``: character n-grams plus the Doc's own jieba words and lexicon
  hits as features): on the held-out splits it scores higher than the spaCy character model on every
  label and runs about twice as fast (kg/resources/ner_crf/MODEL.md).
* Rules first: names from the gazetteer and the grammar are chosen first (longest first); the model's
  spans and plain lexicon places fill the gaps (longest first), so the model adds persons, brands and
  names without a type suffix while the rules keep exact names of the domain.  Model spans must pass a
  plausibility filter (token-aligned, not generic, persons start with a family name ...).
* Mentions are flat (no nesting); a project or event is named without its owner (8英寸半导体硅片项目).

All data is read when the pipeline is initialised, from ``kg/resources/lexicons/*.tsv`` and
``kg/resources/ner_model`` (or the ``resources`` directory given).  ``find_mentions(nlp, clean)`` runs
it and returns :class:`kg.types.Mention` objects with clean and original offsets; the Doc keeps the
mentions in ``doc.spans["kg_mentions"]`` (and ``doc.ents``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# The imports register the factories with spaCy (no data is read here).
from kg.nlp.components import char_ner as _char_ner  # noqa: F401
from kg.nlp.components import crf_ner as _crf_ner  # noqa: F401
from kg.nlp.components import lexicon_ruler as _lexicon_ruler  # noqa: F401
from kg.nlp.components import mention_resolver as _mention_resolver  # noqa: F401
from kg.nlp.components import name_grammar as _name_grammar  # noqa: F401
from kg.nlp.components.lexicons import load_lexicons
from kg.nlp.components.mention_resolver import MENTIONS_KEY
from kg.registries import read_registries
from kg.nlp.tokenizer import JiebaTokenizer, doc_text, load_jieba_tags, make_jieba
from kg.types import CleanArticle, EntityClass, Mention

__all__ = ["load_nlp", "find_mentions", "doc_mentions", "DEFAULT_RESOURCES", "DEFAULT_MODELS", "STATISTICAL_MODELS"]

DEFAULT_RESOURCES = Path(__file__).resolve().parents[1] / "resources"

#: Statistical components by short name: (factory, pipe name, model directory under resources, file that
#: marks a trained model).
STATISTICAL_MODELS = {
    "crf": ("kg_crf_ner_v1", "kg_crf_ner", "ner_crf", "model.crfsuite"),
    "char": ("kg_char_ner_v1", "kg_char_ner", "ner_model", "meta.json"),
}
#: The statistical components ``load_nlp()`` adds when ``models`` is not given.
DEFAULT_MODELS: tuple[str, ...] = ("crf",)


def load_nlp(resources=None, *, statistical: bool = True, models=None) -> Language:
    """Build the NER pipeline from the resources directory (load it once per process).

    Parameters
    ----------
    resources : str or pathlib.Path, optional
        A directory holding ``lexicons/`` and the model directories (``ner_crf/``, ``ner_model/``);
        default ``kg/resources``.
    statistical : bool
        Add the trained statistical tagger(s).  ``False`` gives the rules-only pipeline.
        When a model directory holds no model, the pipeline is built without it and a warning says so.
    models : sequence of str, optional
        Which statistical components, by name in :data:`STATISTICAL_MODELS` (``"crf"``, ``"char"``, or
        both); default :data:`DEFAULT_MODELS`.

    Returns
    -------
    spacy.language.Language
        ``spacy.blank("zh")`` with the owned jieba tokenizer and the ``kg_*`` components.
    """
    root = Path(resources) if resources is not None else DEFAULT_RESOURCES
    models = tuple(DEFAULT_MODELS if models is None else ([models] if isinstance(models, str) else models))
    unknown = [m for m in models if m not in STATISTICAL_MODELS]
    if unknown:
        raise ValueError(f"unknown statistical NER model(s) {unknown}: expected some of {sorted(STATISTICAL_MODELS)}")
    lexicon_dir = root / "lexicons"
    if not lexicon_dir.is_dir():
        raise FileNotFoundError(f"NER lexicons not found: {lexicon_dir} is not a directory")
    lexicons = load_lexicons(lexicon_dir, read_registries(root))
    tags = load_jieba_tags(lexicons.user_words())
    nlp = spacy.blank("zh")
    segmenter = make_jieba(lexicons.user_words())
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, segmenter)
    nlp.add_pipe("kg_lexicon_ruler_v1", name="kg_lexicon_ruler").initialize(lexicons=lexicons, tags=tags)
    nlp.add_pipe("kg_name_grammar_v1", name="kg_name_grammar").initialize(lexicons=lexicons, tags=tags, segmenter=segmenter)
    for model in models if statistical else ():
        factory, pipe_name, directory, marker = STATISTICAL_MODELS[model]
        model_dir = root / directory
        if (model_dir / marker).is_file():
            nlp.add_pipe(factory, name=pipe_name).initialize(model_dir=str(model_dir), lexicons=lexicons, tags=tags,
                                                                 word_freq=segmenter.FREQ)
        else:
            warnings.warn(f"no trained NER model in {model_dir}: pipeline built without {factory}", stacklevel=2)
    nlp.add_pipe("kg_mention_resolver_v1", name="kg_mention_resolver").initialize(lexicons=lexicons, tags=tags,
                                                                                word_freq=segmenter.FREQ)
    return nlp


def doc_mentions(doc: Doc, clean: CleanArticle | None = None) -> list[Mention]:
    """Convert the ``kg_mentions`` spans of a processed Doc into :class:`kg.types.Mention` objects.

    Parameters
    ----------
    doc : spacy.tokens.Doc
        A Doc processed by the :func:`load_nlp` pipeline.
    clean : kg.types.CleanArticle, optional
        The article ``doc`` was made from; gives the original offsets (identity when omitted).
    """
    mentions = []
    text = doc_text(doc)
    for span in doc.spans.get(MENTIONS_KEY, []):
        start, end = span._.kg_start, span._.kg_end
        orig = clean.to_original(start, end) if clean is not None else (start, end)
        mentions.append(
            Mention(
                text=text[start:end],
                cls=EntityClass(span.label_),
                start=start,
                end=end,
                orig_start=orig[0],
                orig_end=orig[1],
                source=span.id_ or "ner",
                confidence=round(float(span._.kg_confidence), 3),
                canonical=span.kb_id_ or None,
                attrs=dict(span._.kg_attrs or {}),
            )
        )
    return mentions


def find_mentions(nlp: Language, clean: CleanArticle) -> list[Mention]:
    """Return the entity mentions of ``clean`` (clean and original offsets), aliases declared in text resolved.

    Parameters
    ----------
    nlp : spacy.language.Language
        The pipeline from :func:`load_nlp`.
    clean : kg.types.CleanArticle
        Simplified, normalised article text.

    Returns
    -------
    list of kg.types.Mention
        Sorted by start offset; ``source`` names the component (gazetteer, grammar, ner, alias),
        ``canonical`` is the full name of a short form, ``attrs["position"]`` a person's title.
    """
    return doc_mentions(nlp(clean.text), clean)
