"""``kg_mention_resolver_v1``: choose the mentions among the candidates, resolve short forms, attach positions.

Steps (each is a plain method, in this order):

1. *select*: rule candidates (gazetteer names, grammar) first, longest first, then the statistical
   model's spans together with lexicon places, longest first, where no chosen mention overlaps; the
   same span from several components is one mention, more confident;
2. *declared short forms*: ``X（以下简称Y）``, ``X，简称Y``, ``X（Y）`` (Y an abbreviation of X) make Y
   an alias of the mention X just before: every occurrence of Y becomes a mention with
   ``canonical = X`` (source ``alias``);
3. *implicit short forms* of company names: 山东有研半导体材料有限公司 also answers to 有研半导体,
   山东有研 ... (region prefix, shop name, industry words, without legal form) when no other company
   in the text claims the same short form;
4. *propagation*: a person's name found once (市委书记张涛) is found again where it stands alone;
5. *junk and positions*: generic words (园区, 牛鼻子, 暨) are never mentions, nor is a span the validity check
   (:mod:`kg.nlp.components.validity`: plurals, kinds, verb phrases) rejects; a ``Person`` right after a
   position title gets ``attrs["position"]``.

The mentions are written to ``doc.spans["kg_mentions"]`` (token-expanded spans, exact character
offsets and metadata in the ``Span._.kg_*`` extensions) and the non-overlapping ones to ``doc.ents``.
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.components.candidates import PUNCT, TokenIndex, candidates, drop_index
from kg.nlp.components.lexicons import Lexicons, load_lexicons
from kg.nlp.components.validity import ActorValidity
from kg.types import ORGANISATION_CLASSES, EntityClass

__all__ = ["MentionResolver", "MENTIONS_KEY", "register_span_extensions"]

MENTIONS_KEY = "kg_mentions"
_ORGANISATIONS = {c.value for c in ORGANISATION_CLASSES}
_DEPARTMENT_ENDINGS = set("部处室科组")  # 招商银行现金管理部: a department, not a company of its own
_PRIORITY = {"gazetteer": 3, "grammar": 2, "ner": 1, "alias": 0}
_DECLARED = re.compile(
    r"[“”\"]?\s*[（(]\s*(?:以下简称|以下称|下称|简称)\s*[：:]?\s*[“\"‘]?([^（）()“”\"‘’，,。；;、\s]{2,15}?)[”\"’]?\s*[）)]"
)
_DECLARED_COMMA = re.compile(r"[，,]\s*(?:以下简称|简称|下称)\s*[“\"‘]?([^（）()“”\"‘’，,。；;、\s]{2,12}?)[”\"’]?(?=[，,。；;）)])")
_BARE_PAREN = re.compile(r"[（(]([^（）()，,。；;、\s]{2,10})[）)]")


def register_span_extensions() -> None:
    """Register the ``Span._.kg_*`` attributes the resolver writes (idempotent)."""
    for name, default in (("kg_start", None), ("kg_end", None), ("kg_confidence", 1.0), ("kg_attrs", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


def _inside(inner: str, outer: str) -> bool:
    """True when GB/T 2260 code ``inner`` lies inside ``outer`` (510100 inside 510000); empty codes never."""
    if not inner or not outer or inner == outer:
        return False
    prefix = outer
    while prefix.endswith("00"):
        prefix = prefix[:-2]
    return inner.startswith(prefix)


def _is_subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(c in it for c in short)


class MentionResolver:
    """Turn candidates into mentions (see the module docstring for the steps)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicons: Lexicons | None = None
        register_span_extensions()

    def initialize(self, get_examples=None, *, nlp=None, lexicon_dir: str | None = None,
                   lexicons: Lexicons | None = None, tags: dict[str, str] | None = None, word_freq=None):
        """Read the lexicons (generic words, position titles, places, family names), jieba's tag table and
        (``word_freq``) its word frequencies, which the validity check reads."""
        if lexicons is None:
            if lexicon_dir is None:
                raise ValueError(f"{self.name}: initialize() needs lexicon_dir or lexicons")
            lexicons = load_lexicons(Path(lexicon_dir))
        self.lexicons = lexicons
        if tags is None:
            from kg.nlp.tokenizer import load_jieba_tags

            tags = load_jieba_tags()
        self.tags = tags
        self.validity = ActorValidity(lexicons, tags, word_freq)
        self.max_title = max((len(t) for t in lexicons.positions), default=0)

    # -- 1. select --------------------------------------------------------------------------------
    @staticmethod
    def _overlaps(taken: list[bool], start: int, end: int) -> bool:
        return any(taken[start:end])

    def _select(self, doc: Doc, index: TokenIndex, cands: list[tuple]) -> dict[tuple[int, int], dict]:
        """Pick non-overlapping mentions: rules (longest first), then the statistical model."""
        merged: dict[tuple[int, int, str], dict] = {}
        for start, end, cls, source, conf, canonical, attrs in cands:
            if end <= start:
                continue
            key = (start, end, cls)
            m = merged.get(key)
            if m is None:
                merged[key] = {"start": start, "end": end, "cls": cls, "source": source, "confidence": conf,
                               "canonical": canonical, "attrs": dict(attrs), "sources": {source}}
            else:
                m["sources"].add(source)
                if _PRIORITY[source] > _PRIORITY[m["source"]]:
                    m["source"] = source
                m["confidence"] = min(0.99, max(m["confidence"], conf) + 0.05)
                m["canonical"] = m["canonical"] or canonical
                m["attrs"].update({k: v for k, v in attrs.items() if k not in m["attrs"]})
        _complete_person_names(merged)
        taken = [False] * (len(index.text) + 1)
        chosen: dict[tuple[int, int], dict] = {}
        # Tier 1: names from the rules.  Tier 2: the statistical model and lexicon places together,
        # longest first, so a model span covering several places (北京市海淀区中关村) beats its parts;
        # so does a listed name the model reads inside a longer organisation name (保利 in
        # 北京保利拍卖有限公司, 华润 in 华润置地, 新浪 in 新浪乐居).
        text = index.text
        model_orgs = [(m["start"], m["end"]) for m in merged.values()
                      if m["sources"] == {"ner"} and m["cls"] in _ORGANISATIONS]

        def inside_model_name(m: dict) -> bool:
            return any(
                s <= m["start"] and m["end"] <= e and e - s > m["end"] - m["start"]
                and self._extends_name(text[s:m["start"]], text[m["end"]:e])
                for s, e in model_orgs
            )

        def tier(m: dict) -> int:
            if not (m["sources"] - {"ner"}):
                return 2
            if m["cls"] == EntityClass.PLACE.value and m["sources"] <= {"gazetteer", "ner"}:
                return 2
            if m["sources"] == {"gazetteer"} and inside_model_name(m):
                return 2
            return 1

        rule: list[dict] = []
        stat: list[dict] = []
        for m in merged.values():
            (rule if tier(m) == 1 else stat).append(m)
        for group in (rule, stat):
            group.sort(key=lambda m: (-(m["end"] - m["start"]), -_PRIORITY[m["source"]], -m["confidence"], m["start"]))
            for m in group:
                if self._overlaps(taken, m["start"], m["end"]):
                    continue
                if not self._acceptable(index.text[m["start"]:m["end"]], m["cls"]):
                    continue
                if self.validity.reason(index, m["start"], m["end"], m["cls"], m["source"]) is not None:
                    continue
                chosen[(m["start"], m["end"])] = m
                for i in range(m["start"], m["end"]):
                    taken[i] = True
        return chosen

    def _extends_name(self, before: str, after: str) -> bool:
        """True when ``before`` + a known name + ``after`` reads as a longer name.

        Only places may come before it (北京保利), and after it nothing, a type suffix (拍卖有限公司) or a
        short brand (置地, 乐居) — not a generic word (总部), a post (ceo), a department (现金管理部) or a
        phrase (有关部委).
        """
        lex = self.lexicons
        if before and not lex.is_places(before):
            return False
        suffix = lex.type_suffix(after, proper=True)
        if suffix is not None:
            return not lex.is_generic(after[: -len(suffix)])
        if not after:
            # 北京保利, 上海市国资委: the local company or body (中国国资委 is 国资委 itself)
            return bool(before) and before not in lex.home_countries
        return (
            2 <= len(after) <= 3
            and not any(c.isascii() or c in PUNCT for c in after)
            and not lex.is_generic(after)
            and not lex.ends_with_position(after)
            and after[-1] not in _DEPARTMENT_ENDINGS
        )

    def _acceptable(self, text: str, cls: str) -> bool:
        """Reject junk: generic words, single characters, numbers, punctuation, implausible person names."""
        if len(text) < 2 or text in self.lexicons.generic or text.isdigit():
            return False
        bare = text.lstrip("“‘「『") if text[0] in "“‘「『" and any(c in text for c in "”’」』") else text
        closed = text[-1] in "）)" and ("（" in text or "(" in text)  # 厦金大桥（厦门段）
        if any(c in "\n\r\t" for c in text) or bare[:1] in PUNCT or text[-1] in PUNCT and not closed:
            return False  # (a name may open with a quoted part: “三北”工程)
        if cls == EntityClass.PERSON.value:
            return len(text) <= 4 or "·" in text or self.lexicons.is_transliterated_name(text)
        return True

    def _drop_descriptors(self, index: TokenIndex, chosen: dict, cands: list[tuple]) -> None:
        """``国内首座井站一体标准化储气库——大港油田驴驹河储气库``: a name-like phrase right before a dash and a
        name describes the name after it; unless it is a known name, it is no mention.  The name it opens with
        stays one (西部陆海新通道 of ``西部陆海新通道骨干工程——平陆运河…``: the whole the part belongs to)."""
        text, lex = index.text, self.lexicons
        starts = {s for (s, _e) in chosen}
        for (s, e), m in list(chosen.items()):
            if m["cls"] in (EntityClass.PERSON.value, EntityClass.PLACE.value) or not text.startswith("——", e):
                continue
            name = text[s:e]
            if e + 2 in starts and name not in lex.gazetteer and name not in lex.short_forms:
                del chosen[(s, e)]
                inner = [c for c in cands if c[0] == s and c[1] < e and c[2] != EntityClass.PERSON.value
                         and self._acceptable(text[c[0]:c[1]], c[2])
                         and self.validity.reason(index, c[0], c[1], c[2], c[3]) is None]
                if inner:
                    start, end, cls, source, conf, canonical, attrs = max(inner, key=lambda c: (c[1], _PRIORITY[c[3]]))
                    chosen[(start, end)] = {"start": start, "end": end, "cls": cls, "source": source,
                                            "confidence": conf, "canonical": canonical, "attrs": dict(attrs),
                                            "sources": {source}}

    def _join_place_chains(self, index: TokenIndex, chosen: dict) -> None:
        """Places written one inside the next with nothing between (四川|成都, 北京市|西城区, 湖南|花垣县) are one
        place mention: the most specific one, under the name the article gives it."""
        places = self.lexicons.places
        run: list[tuple[int, int]] = []

        def flush():
            if len(run) > 1:
                start, end = run[0][0], run[-1][1]
                first = chosen[run[0]]
                for key in run:
                    del chosen[key]
                chosen[(start, end)] = {**first, "start": start, "end": end, "canonical": None,
                                        "confidence": min(0.99, first["confidence"]), "sources": set(first["sources"])}
            run.clear()

        for key in sorted(chosen):
            m = chosen[key]
            if m["cls"] != EntityClass.PLACE.value:
                flush()
                continue
            if run and run[-1][1] == key[0] and _inside(places.get(index.text[key[0]:key[1]], ""),
                                                         places.get(index.text[run[-1][0]:run[-1][1]], "")):
                run.append(key)
                continue
            flush()
            run.append(key)
        flush()

    # -- 2-4. aliases -------------------------------------------------------------------------------
    def _add_everywhere(self, doc: Doc, index: TokenIndex, chosen: dict, form: str, cls: str,
                        canonical: str | None, confidence: float, attrs: dict | None = None,
                        extend: bool = False) -> None:
        """Add ``form`` as a mention wherever it occurs on token boundaries.

        Mentions it would overlap are kept, unless they lie inside it and are places, shorter aliases or
        statistical guesses (山西 inside the declared short form 山西立讯, 中科 inside 中科潞安).  With ``extend`` a company short form also takes
        the industry words after it and the region names before it (有研 -> 山东有研半导体).
        """
        text = index.text
        lex = self.lexicons
        spans = _SpanIndex(chosen)
        pos = text.find(form)
        while pos >= 0:
            start, end = pos, pos + len(form)
            if extend:
                k = index.token_at(end)
                while k < len(index) and index.starts[k] == end and index.words[k] in lex.industry_words:
                    end += len(index.words[k])
                    k += 1
                k = index.token_at(start) - 1
                while k >= 0 and index.starts[k] + len(index.words[k]) == start and index.words[k] in lex.places:
                    start = index.starts[k]
                    k -= 1
            aligned = index.aligned(start, end) or (len(form) > 2 and (start in index.start_set or text[start - 1] in PUNCT))
            # 红宝丽子公司南京红宝丽…: a company's short form before 子公司 / 旗下 names its parent
            here = None if extend and text.startswith(lex.parent_words, end) else canonical
            same = chosen.get((start, end))
            if same is not None and same["cls"] == cls:
                same["canonical"] = same["canonical"] or here  # 智源研究院 already found by the grammar
            elif aligned:
                clashes = spans.overlapping(start, end)
                replaceable = all(
                    start <= s and e <= end
                    and (
                        chosen[(s, e)]["source"] == "ner"  # a known short form beats the model's guess
                        or ((s, e) != (start, end)
                            and (chosen[(s, e)]["cls"] == EntityClass.PLACE.value or chosen[(s, e)]["source"] == "alias"
                                 # 红宝丽新材料, the short form of 南京红宝丽新材料有限公司, holds the listed brand 红宝丽
                                 or (extend and chosen[(s, e)]["source"] == "gazetteer")))
                    )
                    for (s, e) in clashes
                )
                if replaceable:
                    for key in clashes:
                        del chosen[key]
                        spans.remove(key)
                    spans.add((start, end))
                    chosen[(start, end)] = {"start": start, "end": end, "cls": cls, "source": "alias",
                                            "confidence": confidence, "canonical": here,
                                            "attrs": dict(attrs or {}), "sources": {"alias"}}
            pos = text.find(form, pos + len(form))

    def _declared(self, doc: Doc, index: TokenIndex, chosen: dict) -> None:
        text = index.text
        by_end = {e: m for (s, e), m in chosen.items()}
        found = []
        for regex, bare in ((_DECLARED, False), (_DECLARED_COMMA, False), (_BARE_PAREN, True)):
            for match in regex.finditer(text):
                full = by_end.get(match.start()) or by_end.get(match.start() - 1)
                if full is None or full["cls"] in (EntityClass.PERSON.value, EntityClass.PLACE.value):
                    continue
                short = match.group(1)
                full_name = full["canonical"] or text[full["start"]:full["end"]]
                if short == full_name or short in self.lexicons.generic:
                    continue
                if bare and not (len(short) < len(full_name) and _is_subsequence(short, full_name)):
                    continue
                found.append((short, full["cls"], full_name))
        for short, cls, full_name in found:
            self._add_everywhere(doc, index, chosen, short, cls, full_name, 0.9)

    def _implicit_company_forms(self, doc: Doc, index: TokenIndex, chosen: dict) -> None:
        text = index.text
        claims: dict[str, set[str]] = {}
        for (s, e), m in list(chosen.items()):
            if m["cls"] != EntityClass.ENTERPRISE.value or m["source"] == "alias":
                continue
            name = text[s:e]
            full_name = m["canonical"] or name
            legal = self.lexicons.legal_form(name)
            if legal is None:
                continue
            body_end = e - len(legal)
            words = []
            i = index.token_at(s)
            while i < len(index) and index.starts[i] < body_end:
                words.append(text[max(index.starts[i], s):min(index.starts[i] + len(index.words[i]), body_end)])
                i += 1
            region = []
            while words and words[0] in self.lexicons.places:
                region.append(words.pop(0))
            if not words:
                continue
            if len(words[0]) == 1 and len(words) > 1:  # a one-character token starts a two-character shop name
                words[:2] = [words[0] + words[1]]
            core = words[0]
            if self.tags.get(core, "")[:1] == "n" and self.tags.get(core) not in ("nr", "nz", "nt", "ns"):
                continue  # a common noun (日报) is no shop name
            if core in self.lexicons.generic or core in self.lexicons.places or len(core) < 2:
                continue
            forms = set()
            for k in range(1, len(words) + 1):
                body = "".join(words[:k])
                forms.add(body)
                if region:
                    forms.add("".join(region) + body)
            forms.discard(name[: body_end - s])  # that one is the full body; keep it too? it is a short form
            forms.add(name[: body_end - s])
            for form in forms:
                if form != name and form not in self.lexicons.places and form not in self.lexicons.generic:
                    claims.setdefault(form, set()).add(full_name)
        for form, names in sorted(claims.items(), key=lambda kv: -len(kv[0])):
            # a short form two companies share (旭阳: 河北旭阳…, 北京旭阳…) is still a company, of unknown canonical
            canonical = next(iter(names)) if len(names) == 1 else None
            self._add_everywhere(doc, index, chosen, form, EntityClass.ENTERPRISE.value, canonical, 0.8, extend=True)

    def _propagate_persons(self, doc: Doc, index: TokenIndex, chosen: dict) -> None:
        names = {index.text[s:e] for (s, e), m in chosen.items() if m["cls"] == EntityClass.PERSON.value}
        for name in sorted(names, key=len, reverse=True):
            self._add_everywhere(doc, index, chosen, name, EntityClass.PERSON.value, None, 0.8)

    # -- 5. positions ------------------------------------------------------------------------------
    def _position_before(self, text: str, start: int) -> str | None:
        end = start
        while end > 0 and text[end - 1] in " \u3000":
            end -= 1
        for length in range(min(self.max_title, end), 0, -1):
            if text[end - length:end] in self.lexicons.positions:
                return text[end - length:end]
        return None

    def __call__(self, doc: Doc) -> Doc:
        """Select mentions from the candidates and write ``doc.spans["kg_mentions"]`` and ``doc.ents``."""
        if self.lexicons is None:
            raise RuntimeError(f"{self.name} is not initialised: build the pipeline with kg.nlp.load_nlp()")
        index = TokenIndex.of(doc)
        cands = candidates(doc)
        chosen = self._select(doc, index, cands)
        self._join_place_chains(index, chosen)
        self._drop_descriptors(index, chosen, cands)
        self._declared(doc, index, chosen)
        self._implicit_company_forms(doc, index, chosen)
        self._propagate_persons(doc, index, chosen)
        ends_of_companies = {e for (s, e), m in chosen.items() if m["cls"] == EntityClass.ENTERPRISE.value}
        for (start, end), m in list(chosen.items()):
            if m["source"] == "ner" and m["cls"] == EntityClass.PERSON.value and start in ends_of_companies:
                del chosen[(start, end)]  # 有研 + 艾斯: the tail of a company's name, not a person
        spans = []
        for (start, end), m in sorted(chosen.items()):
            if m["cls"] == EntityClass.PERSON.value and "position" not in m["attrs"]:
                title = self._position_before(index.text, start)
                if title:
                    m["attrs"]["position"] = title
            span = doc.char_span(start, end, label=m["cls"], kb_id=m["canonical"] or "",
                                 span_id=m["source"], alignment_mode="expand")
            if span is None:
                continue
            span._.kg_start, span._.kg_end = start, end
            span._.kg_confidence = m["confidence"]
            span._.kg_attrs = m["attrs"]
            spans.append(span)
        doc.spans[MENTIONS_KEY] = spans
        doc.ents = filter_spans(spans)
        drop_index(doc)
        return doc


@Language.factory("kg_mention_resolver_v1", assigns=["doc.ents", "doc.spans"])
def make_mention_resolver(nlp: Language, name: str) -> MentionResolver:
    """spaCy factory for :class:`MentionResolver` (data read in ``initialize``)."""
    return MentionResolver(nlp, name)


def _complete_person_names(merged: dict[tuple[int, int, str], dict]) -> None:
    """Let the model's end of a person's name win over the grammar's (秘书长周荫 → 周荫如).

    The grammar finds a name after a position title by cutting the following text with jieba, whose
    HMM splits an unknown three-character name into two words (周荫 / 如, 李德 / 峰); the character model
    sees the whole name.  A grammar person that a model person (2-4 characters) extends at the same start
    takes the model's end and keeps its position; the model's candidate merges into it.
    """
    person = EntityClass.PERSON.value
    model_ends: dict[int, list[tuple[int, int, str]]] = {}
    for key, m in merged.items():
        if m["cls"] == person and m["sources"] == {"ner"} and 2 <= m["end"] - m["start"] <= 4:
            model_ends.setdefault(m["start"], []).append(key)
    for key, m in list(merged.items()):
        if m["cls"] != person or "grammar" not in m["sources"] or "ner" in m["sources"]:
            continue
        longer = [k for k in model_ends.get(m["start"], ()) if k[1] > m["end"] and k in merged]
        if not longer:
            continue
        model_key = max(longer, key=lambda k: k[1])
        model = merged.pop(model_key)
        del merged[key]
        m["end"] = model["end"]
        m["sources"].add("ner")
        m["confidence"] = min(0.99, max(m["confidence"], model["confidence"]) + 0.05)
        merged[(m["start"], m["end"], person)] = m


class _SpanIndex:
    """The ``(start, end)`` keys of the chosen mentions, indexed by start so overlaps are found in bounded time.

    Scanning every chosen mention for each occurrence of an alias made long articles quadratic.
    """

    def __init__(self, keys):
        self.ends_by_start: dict[int, set[int]] = {}
        self.longest = 0
        for key in keys:
            self.add(key)

    def add(self, key: tuple[int, int]) -> None:
        start, end = key
        self.ends_by_start.setdefault(start, set()).add(end)
        self.longest = max(self.longest, end - start)

    def remove(self, key: tuple[int, int]) -> None:
        start, end = key
        self.ends_by_start[start].discard(end)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The keys ``(s, e)`` with ``s < end`` and ``start < e``."""
        return [(s, e) for s in range(max(start - self.longest + 1, 0), end)
                for e in self.ends_by_start.get(s, ()) if start < e]
