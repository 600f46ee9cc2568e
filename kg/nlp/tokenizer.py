"""A spaCy tokenizer on an *owned* ``jieba.Tokenizer`` with the domain user dictionary.

spaCy's built-in ``segmenter="jieba"`` calls the process-global ``jieba.cut``, so any user dictionary
would leak into (and be changed by) every other jieba user in the process.  This tokenizer keeps its
own ``jieba.Tokenizer()`` instance, builds jieba's prefix-dictionary cache in a private temporary
directory (works offline: the dictionary ships with the jieba package) and never touches the global
instance.  It also exposes jieba's part-of-speech table (``word -> tag`` from the packaged dictionary
plus the user words) which the name grammar uses to find where a name starts.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jieba
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab

__all__ = ["JiebaTokenizer", "make_jieba", "load_jieba_tags", "doc_text"]

#: ``doc.user_data`` key of the text a :class:`JiebaTokenizer` Doc was made from.
TEXT_KEY = "kg_text"

_CACHE_DIR = Path(tempfile.gettempdir()) / "kg-jieba"


def make_jieba(user_words: Iterable[tuple[str, int | None, str | None]] = ()) -> jieba.Tokenizer:
    """Return a fresh, initialised ``jieba.Tokenizer`` with ``user_words`` added.

    Parameters
    ----------
    user_words : iterable of (word, freq, tag)
        Domain words; ``freq=None`` lets jieba pick a frequency that keeps the word whole.

    Returns
    -------
    jieba.Tokenizer
        A private instance: the process-global ``jieba.dt`` is left as it was.
    """
    # jieba logs "Building prefix dict..." at DEBUG to stderr; this only raises its logger's level.
    logging.getLogger("jieba").setLevel(logging.WARNING)
    _CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(_CACHE_DIR)
    tokenizer.initialize()
    for word, freq, tag in user_words:
        tokenizer.add_word(word, freq=freq, tag=tag)
    return tokenizer


def load_jieba_tags(user_words=()) -> dict[str, str]:
    """Return jieba's packaged ``word -> part-of-speech`` table (about 350k words).

    ``user_words`` (``(word, freq, tag)`` as ``Lexicons.user_words()`` gives them) are added where
    jieba has no tag of its own, so the table matches the owned tokenizer's dictionary.
    """
    path = Path(jieba.__file__).parent / "dict.txt"
    tags: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    for word, _freq, tag in user_words:
        tags.setdefault(word, tag)
    return tags


def doc_text(doc: Doc) -> str:
    """``doc.text``, without rebuilding it when :class:`JiebaTokenizer` made the Doc (it keeps the text)."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


class JiebaTokenizer:
    """Callable ``str -> Doc`` segmenting with an owned jieba instance.

    Parameters
    ----------
    vocab : spacy.vocab.Vocab
        The pipeline's vocabulary.
    segmenter : jieba.Tokenizer
        The owned jieba instance (see :func:`make_jieba`).
    hmm : bool
        Let jieba's HMM join unknown characters into words.  Off by default: the HMM glues function
        words to unknown names (而德 / 州政府, 材等), which hides the name boundaries the grammar needs,
        and it is several times slower.
    """

    def __init__(self, vocab: Vocab, segmenter: jieba.Tokenizer, hmm: bool = False):
        self.vocab = vocab
        self.segmenter = segmenter
        self.hmm = hmm

    def __call__(self, text: str) -> Doc:
        """Segment ``text`` into a Doc whose tokens are jieba words (whitespace kept as spaCy does)."""
        words = [w for w in self.segmenter.cut(text, HMM=self.hmm) if w]
        words, spaces = get_words_and_spaces(words, text)  # raises unless words + spaces spell ``text``
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT_KEY] = text  # Doc.text rebuilds the string token by token (~2 ms an article)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)

    # The pipeline is rebuilt from kg/resources by load_nlp(); these keep nlp.to_bytes() working.
    def to_bytes(self, **kwargs) -> bytes:
        """Serialise nothing: the tokenizer is rebuilt from the lexicons."""
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        """Deserialise nothing (see :meth:`to_bytes`)."""
        return self

    def to_disk(self, path, **kwargs) -> None:
        """Write nothing (see :meth:`to_bytes`)."""
        os.makedirs(path, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "JiebaTokenizer":
        """Read nothing (see :meth:`to_bytes`)."""
        return self
