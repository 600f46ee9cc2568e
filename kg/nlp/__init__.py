"""NLP stage: spaCy ``zh`` pipeline on jieba for mentions, and the relation extractor. Never imports rdflib."""

from kg.nlp.ner import find_mentions, load_nlp
from kg.nlp.relations import extract_ties
from kg.nlp.sentences import split_sentences

__all__ = ["load_nlp", "find_mentions", "split_sentences", "extract_ties"]
