"""``kg_name_grammar_v1``: organisation, park, platform, event and project names built by the name grammar.

A Chinese institution name is mostly ``[region prefix] + body + type suffix``
(山东 + 有研半导体材料 + 有限公司, 长治 + 高新区, 京津冀国家 + 技术创新中心).  The component finds type
suffixes on the raw text (Aho-Corasick; the suffix must end on a jieba token boundary, so 大学 inside
大学生 does not count), then walks left over the jieba tokens while they can belong to a name:

* it stops at punctuation, at stop words (的, 与, 依托, 位于 ...) and at function-word tags of jieba's
  dictionary (prepositions, conjunctions, particles, pronouns, adverbs, quantifiers);
* numerals are allowed only in event and project names (第三届, 12英寸);
* verbs are allowed only in event/project names, or right after a region name (西安 + 联创 + 生物医药孵化器);
* once a region name is included, the name starts there unless more region names precede it
  (山东省 + 德州市 + 天衢新区), because names start at their region prefix;
* an event/project name stops at an organisation's legal form (the company before 8英寸硅片项目 is its
  own mention).

Names whose body consists only of generic words (国家重点实验室, 省级新区) are kinds, not names, and are
dropped.  Quoted names (“京津冀鲁资本技术交易大会”, ‘12英寸…产业化项目’) ending in a suffix are taken
whole.  Persons: a position title (市委书记, 总工程师) followed by a 2-3 character name starting with a
family name gives a ``Person`` with ``attrs["position"]``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.components.candidates import PUNCT, TokenIndex, add_candidate
from kg.nlp.components.lexicons import Lexicons, load_lexicons
from kg.types import EntityClass

__all__ = ["NameGrammar"]

_EVENT_LIKE = {EntityClass.EVENT.value, EntityClass.PROJECT.value}
_ORG_CLASSES = {
    EntityClass.ENTERPRISE.value,
    EntityClass.UNIVERSITY.value,
    EntityClass.RESEARCH_INSTITUTE.value,
    EntityClass.GOVERNMENT_AGENCY.value,
}
# jieba part-of-speech tags (first letter) that never occur inside a name: preposition, conjunction,
# particle, pronoun, modal, interjection, onomatopoeia, quantifier.  Not adverbs: jieba tags 高速 as one
# (国家高速列车技术创新中心); the adverbs that precede names are listed in stop_tokens.tsv.
_STOP_TAGS = set("pcuryeoq")
# Verbs proper; verbal nouns (vn: 创新, 合作) are common inside names and do not stop the walk.
_VERB_TAGS = {"v", "vd", "vg", "vi", "vq", "vf", "vx"}
_COUNTED = re.compile(r"^[一二三四五六七八九十两几多][一二三四五六七八九十百千万余多]*[个项家批只名座条所大类种位]?$")
_CLASSIFIERS = set("家个所余多大项批只")
#: a phase or a kind of construction between a works name and its head (平陆运河青年枢纽 + 一期 + 工程,
#: 湖北省博物馆 + 三期扩建 + 工程): part of the name
#: one dash joining two places in a name (中国—东盟, 中国-中亚); a double dash ——  is an apposition
_PAIR_DASHES = frozenset({"—", "-", "－", "–"})
#: a section of a works project written after its name in brackets: 厦金大桥（厦门段）
_SECTION = re.compile(r"[（(][\u4e00-\u9fff]{1,8}段[）)]")
#: one-character heads of hill, river and lake names (jieba cuts 包子山 into 包子|山)
_FEATURE_HEADS = frozenset("山河江湖岛湾峡")
_PHASE = re.compile(r"^(?:[一二三四五六七八九十0-9]+期)?(?:改扩建|扩建|新建|续建|改造|配套)?$")
_LIST_SEPARATORS = {"、", "和", "与", "及", "以及"}
_QUOTE_BREAKERS = set("等的了和与或在是把被将")
#: aspect particles: a suffix word followed by one is a verb (弗格森学会了, 学会 "learned", not a society)
_ASPECT_PARTICLES = {"了", "过", "着"}
_QUOTED = re.compile(r"[“\"‘「『]([^“”\"‘’「」『』\n]{2,30})[”\"’」』]")
_OPEN_PAREN, _CLOSE_PAREN = ("(", "（"), (")", "）")
_OPEN_QUOTES, _CLOSE_QUOTES = ("“", "‘", "「", "『"), ("”", "’", "」", "』")
#: a superlative or first-of-its-kind description before a name: 我国首个, 全球最大的, 国内首座
_DESCRIPTOR_OPENING = re.compile(r"(?:我国|全国|国内|全球|世界|亚洲|全省|全市|省内)(?:首个|首座|首条|首家|首批|第一[个座条家]|最大的?|最长的?|单体最大的?)"
                                 r"|首[班趟列]")  # 首班 + 西部陆海新通道 + 专列
#: longest quoted part taken into a name (钛合金材料“众筹科研”项目)
MAX_QUOTED = 12
#: jieba frequency from which a verbal noun opening a project or event name is the sentence's verb
COMMON_VN_FREQ = 1000
#: jieba frequency under which a verb-tagged word is rare enough to be part of a name (联创 55, 开展 6910)
RARE_FREQ = 300


class NameGrammar:
    """Propose name candidates from type suffixes, quotes and position titles (source ``grammar``)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicons: Lexicons | None = None
        self.tags: dict[str, str] = {}

    def initialize(self, get_examples=None, *, nlp=None, lexicon_dir: str | None = None,
                   lexicons: Lexicons | None = None, tags: dict[str, str] | None = None, segmenter=None):
        """Build the suffix and title automata.

        ``tags`` is jieba's word -> part-of-speech table; ``segmenter`` the pipeline's own jieba instance,
        used with its HMM on the few characters after a position title, where it keeps unknown person
        names whole (何万忠 rather than 何/万/忠告).
        """
        if lexicons is None:
            if lexicon_dir is None:
                raise ValueError(f"{self.name}: initialize() needs lexicon_dir or lexicons")
            lexicons = load_lexicons(Path(lexicon_dir))
        if tags is None:
            from kg.nlp.tokenizer import load_jieba_tags

            tags = load_jieba_tags()
        self.lexicons, self.tags = lexicons, tags
        self.segmenter = segmenter
        self.word_freq = segmenter.FREQ if segmenter is not None else {}
        self.suffixes = ahocorasick.Automaton()
        for suffix, (cls, limit) in lexicons.suffixes.items():
            self.suffixes.add_word(suffix, (len(suffix), cls.value, limit))
        self.titles = ahocorasick.Automaton()
        for title in lexicons.positions:
            self.titles.add_word(title, len(title))
        for automaton, table in ((self.suffixes, lexicons.suffixes), (self.titles, lexicons.positions)):
            if table:
                automaton.make_automaton()
        self.org_suffixes = tuple(s for s, (cls, _l) in lexicons.suffixes.items() if cls.value not in _EVENT_LIKE)
        self.owner_suffixes = tuple(s for s, (cls, _l) in lexicons.suffixes.items()
                                    if cls.value not in _EVENT_LIKE and cls is not EntityClass.PARK)
        # a project name may contain a park or platform (纳米科技产业园一期建设项目) but not its owner
        self.legal_suffixes = tuple(s for s, (cls, _l) in lexicons.suffixes.items() if cls.value in _ORG_CLASSES)
        self._suffixes_by_length = sorted(lexicons.suffixes.items(), key=lambda kv: -len(kv[0]))
        self.max_surname = max((len(s) for s in lexicons.surnames), default=1)

    # -- helpers -----------------------------------------------------------------------------------
    def _is_place(self, word: str) -> bool:
        return word in self.lexicons.places

    def _words(self, doc: Doc, index: TokenIndex, start: int, end: int) -> list[str]:
        """The jieba words of ``index.text[start:end]`` (cut at the span's edges)."""
        words = []
        i = index.token_at(start)
        while i < len(index) and index.starts[i] < end:
            word = index.text[max(index.starts[i], start):min(index.starts[i] + len(index.words[i]), end)]
            if word.strip():
                words.append(word)
            i += 1
        return words

    @staticmethod
    def _numeral(word: str) -> bool:
        """A number or a counted amount (2021, 一个, 三大, 四十多家), not a name part like 百家湖 or 两江."""
        return word[0].isdigit() or bool(_COUNTED.match(word))

    def _generic(self, doc: Doc, index: TokenIndex, start: int, end: int, cls: str, suffix: str | None = None) -> bool:
        """True when the name body ``index.text[start:end]`` is no name: only generic words and numbers.

        Places count as specific for organisations (德州学院) but not for projects with a descriptive head
        (德州市重点项目; 米林水电站 is a name: ``descriptive`` in name_suffixes.tsv), nor do known names
        (西部陆海新通道骨干工程);
        event bodies of four characters or more, or of two before a festival head of three (生态文化周), are names even
        when generic (全省科技创新大会).
        """
        if start >= end:
            return True
        lex = self.lexicons
        text = index.text[start:end]
        if cls == EntityClass.EVENT.value and (len(text) >= 4 or len(text) >= 2 and len(suffix or "") >= 3
                                               and suffix[-1] in "节周"):
            return False  # 全省科技创新大会, 生态文化周, 新年消费节: an event's own name, however plain
        if lex.is_generic(text):
            return True
        for word in self._words(doc, index, start, end):
            if lex.names_a_kind(word, cls) or self._numeral(word):  # 重点项目, 航空公司
                continue
            if cls == EntityClass.PROJECT.value and (
                    lex.is_places(word) or lex.gazetteer.get(word) is EntityClass.PROJECT) and (
                    suffix is None or suffix in lex.descriptive_after_place):
                continue  # 德州市重点项目, 西部陆海新通道骨干工程: a kind of works of a place or a known project
            return False
        return True

    def _contains_region(self, outer: str, inner: str) -> bool:
        """True when place ``outer`` may precede place ``inner`` in a name (山东省 + 德州市, not 邢台 + 河北省)."""
        outer_code = self.lexicons.places.get(outer, "")
        inner_code = self.lexicons.places.get(inner, "")
        if not outer_code or not inner_code:
            return True
        prefix = outer_code
        while prefix.endswith("00"):
            prefix = prefix[:-2]
        return inner_code.startswith(prefix) and inner_code != outer_code

    def _extend_left(self, doc: Doc, index: TokenIndex, suffix_start: int, cls: str, limit: int) -> int:
        """Return where the name ending in the suffix at ``suffix_start`` begins (walk left over tokens)."""
        text = index.text
        lex = self.lexicons
        event_like = cls in _EVENT_LIKE
        breaks = self.org_suffixes if cls == EntityClass.EVENT.value else self.legal_suffixes
        i = index.token_at(suffix_start)
        start = suffix_start
        head = text[index.starts[i]:suffix_start]
        if head and head not in lex.stop_tokens and not any(c in PUNCT for c in head):
            start = index.starts[i]  # the suffix began inside a token: the token's head belongs to the name
        last_place = head if (head and start < suffix_start and self._is_place(head)) else None
        j = i - 1
        while j >= 0:
            word = index.words[j]
            token_start = index.starts[j]
            if suffix_start - token_start > limit:
                break
            if word in _CLOSE_PAREN and j >= 2 and index.words[j - 2] in _OPEN_PAREN and self._is_place(index.words[j - 1]):
                start = index.starts[j - 2]  # 西部(成都)科学城
                j -= 3
                continue
            after = index.words[j + 1] if j + 1 < len(index) else ""
            if word in _PAIR_DASHES and j >= 1 and start == token_start + len(word) \
                    and (self._is_place(after) or after in lex.gazetteer or after in lex.short_forms) \
                    and self._is_place(index.words[j - 1]) and (j < 2 or index.words[j - 2] not in _PAIR_DASHES):
                start = index.starts[j - 1]  # 中国—东盟信息港: a pair of places, joined by a dash, opens the name
                last_place = index.words[j - 1]
                j -= 2
                continue
            if word == "·" and j >= 1 and start == token_start + 1 and not any(c in PUNCT for c in index.words[j - 1]):
                start = token_start  # 春峰里·青岛数智都市产业园: a brand before the name, no region anchor
                last_place = None
                j -= 1
                continue
            if word in _CLOSE_QUOTES and start == token_start + len(word):
                opening = self._quote_start(index, j, token_start)
                if opening is not None:  # 钛合金材料“众筹科研”项目, “三北”工程: a quoted part of the name
                    start = index.starts[opening]
                    j = opening - 1
                    continue
            if word.isspace() or any(c in PUNCT for c in word) or word in lex.stop_tokens:
                break
            if j == i - 1 and start == index.starts[i] and cls == EntityClass.PARK.value and self._suffix_class(word) == cls:
                break  # 长治高新区 + 新区: the second suffix is a part of the first park, not a name
            if cls == EntityClass.EVENT.value and word.endswith(breaks):
                break  # an event stops at an organisation; a project keeps its owner (鞍钢集团新材料钢材项目)
            if event_like and j < i - 1 and self._suffix_class(word) in _EVENT_LIKE and (
                    lex.is_generic(word) or word in lex.suffixes) and not all(
                    _PHASE.match(index.words[x]) for x in range(j + 1, i)):
                break  # 重点工程乌江白马航电枢纽工程: a kind word or a bare project word before the project's own name
            if word == "及" and (
                cls == EntityClass.ENTERPRISE.value or (j >= 1 and index.words[j - 1].endswith(self.org_suffixes))
            ):
                # 清华大学及北京大学, 邮政局及邮政储蓄银行: two names; other names may hold 及
                # (开发及产业化项目, 住宅研究会人居环境委员会 in 中国房地产及住宅研究会人居环境委员会)
                break
            place = self._is_place(word)
            # Single characters are ambiguous in jieba's table (天 is tagged as a quantifier); they stop the
            # walk only when listed as stop tokens (function characters) or when they are numerals.
            tag = self.tags.get(word, "") if len(word) > 1 else ""
            numeral = self._numeral(word)
            if place:
                if last_place is not None and not self._contains_region(word, last_place):
                    break  # 邢台 + 河北省煤化工…: a city does not precede its province in a name
                last_place = word
            elif last_place is not None:
                # names start at their region prefix; exceptions: an ordinal before an event
                # (第三届 + 定州市…) and [Org][Place][Unit] (京津冀国家技术创新中心 + 德州 + 产业创新中心)
                if event_like and (numeral or word[0].isdigit() or word.startswith("第") or word.endswith(("年", "届"))):
                    pass
                elif (word.endswith(self.owner_suffixes) or lex.gazetteer.get(word, EntityClass.PARK) is not EntityClass.PARK
                      or word in lex.short_forms) and not event_like:
                    # [Org][Place][Unit]: 京津冀国家技术创新中心 + 德州 + 产业创新中心, 首钢 + 迁安 + 钢铁公司 (a park
                    # before a place and an organisation hosts it: 中原科技城 + 河南省科学院 are two names)
                    last_place = None
                else:
                    break
            elif numeral:
                if not event_like:
                    break
            elif tag[:1] in _STOP_TAGS:
                break
            elif (
                tag in _VERB_TAGS
                and cls != EntityClass.EVENT.value
                and not lex.is_generic(word)
                and not (j > 0 and self._is_place(index.words[j - 1]) and self._rare(word))
                and not (cls == EntityClass.PROJECT.value and j > 0 and word not in lex.clause_verbs
                         and self._names_an_object(index.words[j - 1]))
            ):
                break
            start = token_start
            j -= 1
        return self._strip_leading(doc, index, start, suffix_start, event_like)

    def _strip_leading(self, doc: Doc, index: TokenIndex, start: int, end: int, event_like: bool = True) -> int:
        start = self._strip_words(doc, index, start, end, event_like)
        described = _DESCRIPTOR_OPENING.match(index.text, start, end)
        if described and described.end() in index.start_set and described.end() < end:
            return described.end()  # 我国首个 + 深远海浮式风电平台: a description, not the name
        return start

    def _strip_words(self, doc: Doc, index: TokenIndex, start: int, end: int, event_like: bool = True) -> int:
        """Drop what opens a name without belonging to it: a place and then a frequent verb (沪 + 出席 +
        2024世界人工智能大会, 运营 + 拉林铁路), and for events and projects any leading verbs and counted
        numerals (办好 + 一个 + 品牌论坛)."""
        i = index.token_at(start)
        while i < len(index) and index.starts[i] < end:
            k = i
            while k < len(index) and index.starts[k] < end and (
                    self._is_place(index.words[k]) or self.tags.get(index.words[k]) == "j" and len(index.words[k]) == 1):
                k += 1  # 沪, 京 (jieba: abbreviations) are places too
            word = index.words[k] if k < len(index) and index.starts[k] < end else ""
            tag = self.tags.get(word, "") if len(word) > 1 else ""
            leading_vn = tag == "vn" and self.word_freq.get(word, 0) >= COMMON_VN_FREQ  # 运营 + 拉林铁路, 启动 + 新年消费节
            if (tag in _VERB_TAGS or (event_like and k > i and leading_vn)) and not self._rare(word) \
                    and not self.lexicons.is_generic(word):  # 北京 + 启动 + 生态文化周
                i = k + 1
                start = index.starts[i] if i < len(index) else end
                continue
            if k == i and event_like and (tag in _VERB_TAGS and not self.lexicons.is_generic(word) or leading_vn
                                          or _COUNTED.match(word)):
                i += 1
                start = index.starts[i] if i < len(index) else end
                continue
            break
        return start

    def _names_an_object(self, word: str) -> bool:
        """A noun or a place before a verb inside a project name (发动机 + 维修, 闽江干流防洪 + 提升): its object."""
        if word in _FEATURE_HEADS:
            return True  # 包子 + 山 + 提水工程: a hill or river the works are named after
        return len(word) > 1 and (self._is_place(word) or self.tags.get(word, "")[:1] == "n"
                                  or self.tags.get(word) == "vn") \
            and word not in self.lexicons.stop_tokens

    def _inside_word(self, index: TokenIndex, suffix_start: int, length: int) -> bool:
        """True when a suffix starts inside a jieba word that is not itself a name word: 局 in 布局 / 格局, 工程 in
        系统工程, 园 in 家园; 公司 in 子公司 / 母公司 (stop tokens): 中国石油子公司 is a relation, not a name."""
        if suffix_start in index.start_set:
            return False
        i = index.token_at(suffix_start)
        word = index.words[i]
        head = index.text[index.starts[i]:suffix_start]
        if length > 1 and index.ends[i] == suffix_start + length and _PHASE.match(head):
            return False  # 二期工程, 扩建工程: a phase and the head
        return (length == 1 or self.tags.get(word, "n")[:2] not in ("n", "nt", "ns", "nz", "j")
                or word in self.lexicons.stop_tokens)

    def _verb_before(self, index: TokenIndex, suffix_start: int) -> bool:
        """True when the suffix at ``suffix_start`` ends a jieba word that opens with a frequent verb (主持|会议)."""
        i = index.token_at(suffix_start)
        head = index.text[index.starts[i]:suffix_start]
        return bool(head) and self.tags.get(head) in _VERB_TAGS and self.word_freq.get(head, 0) >= COMMON_VN_FREQ

    def _names_a_company(self, body: str) -> bool:
        """True when ``body`` holds a company's name: a legal form (有限公司, 集团) or a known company."""
        lex = self.lexicons
        if any(form in body for form in lex.legal_forms):
            return True
        return any(body[i:j] in lex.gazetteer and lex.gazetteer[body[i:j]] is EntityClass.ENTERPRISE
                   or body[i:j] in lex.short_forms and lex.short_forms[body[i:j]][1] is EntityClass.ENTERPRISE
                   for i in range(len(body)) for j in range(i + 2, min(len(body), i + 16) + 1))

    def _rare(self, word: str) -> bool:
        """A word jieba's dictionary has seldom seen: part of a brand (联创), not a verb of the sentence."""
        return self.word_freq.get(word, 0) < RARE_FREQ

    def _quote_start(self, index: TokenIndex, close: int, close_start: int) -> int | None:
        """The token of the opening quote matching the closing one at token ``close``, if the quoted part is
        short and has no punctuation (“众筹科研”), else None."""
        j = close - 1
        while j >= 0 and close_start - index.starts[j] <= MAX_QUOTED:
            word = index.words[j]
            if word in _OPEN_QUOTES:
                return j if j < close - 1 else None
            if word.isspace() or any(c in PUNCT and c != "·" for c in word):
                return None  # (a middle dot joins the parts of a quoted name: “学雷锋·文明实践我行动”)
            j -= 1
        return None

    def _suffix_class(self, word: str) -> str | None:
        for suffix, (cls, _limit) in self._suffixes_by_length:
            if word.endswith(suffix):
                return cls.value
        return None

    def _person_after_name(self, doc: Doc, index: TokenIndex) -> None:
        """渠志灿博士: a 2-3 character name right before a post-title (博士, 教授, 院士) is a person."""
        text = index.text
        lex = self.lexicons
        for title in lex.post_titles:
            pos = text.find(title)
            while pos >= 0:
                for length in (3, 2):
                    name = text[pos - length:pos] if pos >= length else ""
                    if (
                        name
                        and name[0] in lex.surnames
                        and name[0] not in lex.stop_tokens
                        and not any(c in PUNCT or c.isdigit() or c.isascii() for c in name)
                        and not any(name.endswith(w) for w in lex.stop_tokens if len(w) == 1)
                        and self.tags.get(name, "nr")[:2] == "nr"
                    ):
                        add_candidate(doc, pos - length, pos, EntityClass.PERSON.value, "grammar", 0.7,
                                      attrs={"position": title})
                        break
                pos = text.find(title, pos + len(title))

    # -- component ---------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        """Add grammar candidates (names, quoted names, persons after titles) to ``doc``."""
        if self.lexicons is None:
            raise RuntimeError(f"{self.name} is not initialised: build the pipeline with kg.nlp.load_nlp()")
        index = TokenIndex.of(doc)
        text = index.text
        best: dict[int, tuple[int, str, int]] = {}
        if self.lexicons.suffixes:
            for end_index, (length, cls, limit) in self.suffixes.iter(text):
                end = end_index + 1
                if end in index.end_set and (end not in best or best[end][0] < length):
                    best[end] = (length, cls, limit)
        for end, (length, cls, limit) in best.items():
            suffix_start = end - length
            if end in index.start_set and index.words[index.token_at(end)] in _ASPECT_PARTICLES:
                continue
            if self._inside_word(index, suffix_start, length):
                continue
            if cls == EntityClass.EVENT.value and self._verb_before(index, suffix_start):
                continue  # 主持会议, 出席大会: a verb and its object, no meeting's name
            start = self._extend_left(doc, index, suffix_start, cls, limit)
            if text[suffix_start:end] in self.lexicons.owner_only and not self._names_a_company(text[start:suffix_start]):
                continue
            if text[suffix_start:end] in self.lexicons.places_only and not self.lexicons.is_places(
                    text[start:suffix_start]) and not all(c in self.lexicons.region_abbreviations
                                                          for c in text[start:suffix_start]):
                continue
            if self._generic(doc, index, start, suffix_start, cls, text[suffix_start:end]):
                continue
            if self.lexicons.describes_place(text[start:end], text[suffix_start:end]):
                continue  # 美国公司, 沧州中心: a place and a head describe, they do not name
            confidence = 0.6 if cls == EntityClass.PROJECT.value else 0.85
            if cls == EntityClass.PROJECT.value and (section := _SECTION.match(text, end)):
                add_candidate(doc, start, section.end(), cls, "grammar", confidence)  # 厦金大桥（厦门段）
            add_candidate(doc, start, end, cls, "grammar", confidence)
        for match in _QUOTED.finditer(text):
            end = match.end(1)
            if any(c in PUNCT for c in match.group(1)):
                continue
            if end in best and end - best[end][0] > match.start(1):
                length, cls, _limit = best[end]
                if self._inside_word(index, end - length, length):
                    continue  # “新家园”: 园 inside 家园 is no park
                inner = self._words(doc, index, match.start(1), end)
                if any(w in _QUOTE_BREAKERS for w in inner):
                    continue  # 变“项目等地”为“地等项目”: a phrase in quotes, not a name
                if not self._generic(doc, index, match.start(1), end - length, cls):
                    add_candidate(doc, match.start(1), end, cls, "grammar", 0.85)
        if self.lexicons.positions:
            self._persons(doc, index)
        if self.lexicons.post_titles:
            self._person_after_name(doc, index)
        if self.lexicons.list_heads:
            self._listed_names(doc, index)
        return doc

    def _listed_names(self, doc: Doc, index: TokenIndex) -> None:
        """长高智汇、长高智行、长高融汇三大集团公司 / 西门子、爱立信等行业领军企业: enumerated names."""
        text = index.text
        lex = self.lexicons
        for head, cls in lex.list_heads.items():
            pos = text.find(head)
            while pos >= 0:
                if pos + len(head) in index.end_set:  # 相关企业 may be one token: its end must align
                    self._enumeration_before(doc, index, index.token_at(pos), cls.value)
                pos = text.find(head, pos + len(head))

    def _enumeration_before(self, doc: Doc, index: TokenIndex, head: int, cls: str) -> None:
        lex = self.lexicons

        def plain(word: str) -> bool:
            return not (word.isspace() or any(c in PUNCT for c in word) or word in lex.stop_tokens
                        or self._numeral(word) or word in _CLASSIFIERS or word == "等")

        j, modifiers = head - 1, 0
        while j >= 0 and modifiers < 3 and plain(index.words[j]) and not lex.is_places(index.words[j]):
            j, modifiers = j - 1, modifiers + 1
        counted = False
        while j >= 0 and (self._numeral(index.words[j]) or index.words[j] in _CLASSIFIERS):
            j, counted = j - 1, True
        if j >= 0 and index.words[j] == "等":
            j, counted = j - 1, True
        if not counted:
            return
        while j >= 0:
            end = index.starts[j] + len(index.words[j])
            k = j
            while k >= 0 and plain(index.words[k]) and end - index.starts[k] <= 10:
                k -= 1
            if k == j:
                return
            start = index.starts[k + 1]
            item = index.text[start:end]
            if not (
                len(item) >= 2
                and not lex.is_industry_or_generic(item)
                and not lex.is_places(item)
                and self.tags.get(item, "")[:1] not in ("v", "d", "a")  # 越来越 + 多新企业: an adverb, no name
                and not any(name in item and name != item for name in self._known_in(item))
            ):
                return  # the nearest item is no name (带动40余个…企业, 全国100多所高校, 机械、能源等大企业)
            add_candidate(doc, start, end, cls, "grammar", 0.7)
            if k >= 0 and index.words[k] in _LIST_SEPARATORS:
                j = k - 1
                continue
            return

    def _known_in(self, item: str):
        """Gazetteer names and short forms inside ``item`` (阿里巴巴 in 阿里巴巴总部: a phrase, not a name)."""
        lex = self.lexicons
        for size in range(2, len(item)):
            for i in range(len(item) - size + 1):
                part = item[i:i + size]
                if part in lex.gazetteer or part in lex.short_forms:
                    yield part

    def _persons(self, doc: Doc, index: TokenIndex) -> None:
        text = index.text
        lex = self.lexicons
        longest: dict[int, int] = {}
        for end_index, length in self.titles.iter(text):
            end = end_index + 1
            if end in index.end_set and longest.get(end, 0) < length:
                longest[end] = length
        for end, length in longest.items():
            title = text[end - length:end]
            k = bisect_left(index.starts, end)  # the first token starting at or after the title's end
            while k < len(index) and index.words[k].isspace():
                k += 1
            if k >= len(index) or (index.starts[k] != end and not text[end:index.starts[k]].isspace()):
                continue
            name = self._person_name(doc, index, k)
            if name is None:
                continue
            start = index.starts[k]
            positions = [title]
            before = end - length
            # 市委副书记、市长张才芳: a chain of titles joined by 、 all belong to the person
            while before > 0 and text[before - 1] == "、":
                prev = next((t for t in sorted(lex.positions, key=len, reverse=True)
                             if text.endswith(t, 0, before - 1)), None)
                if prev is None:
                    break
                positions.insert(0, prev)
                before -= len(prev) + 1
            add_candidate(doc, start, start + len(name), EntityClass.PERSON.value, "grammar", 0.85,
                          attrs={"position": title, "positions": positions})

    def _person_name(self, doc: Doc, index: TokenIndex, k: int) -> str | None:
        """Return the 2-3 character person name starting at token ``k``, or None."""
        lex = self.lexicons
        start = index.starts[k]
        window = index.text[start:start + 6]
        if self.segmenter is not None:
            words = list(self.segmenter.cut(window, HMM=True))
        else:
            words = index.words[k:k + 3]
        if not words:
            return None
        word = words[0]
        if len(word) == 1 and len(words) > 1 and len(words[1]) <= 2:
            word = word + words[1]  # 田 + 卫东
        if len(word) == 3 and word[2] in lex.stop_tokens:
            word = word[:2]  # the HMM glued a verb to a two-character name (张三 + 去)
        if not 2 <= len(word) <= 3 or any(c in PUNCT or c.isdigit() or c.isascii() for c in word):
            return None
        if not any(word[:n] in lex.surnames for n in range(1, self.max_surname + 1)):
            return None
        if word in lex.stop_tokens or word in lex.positions or self.tags.get(word, "nr")[:2] != "nr":
            return None
        return word


@Language.factory("kg_name_grammar_v1", assigns=["doc.user_data"])
def make_name_grammar(nlp: Language, name: str) -> NameGrammar:
    """spaCy factory for :class:`NameGrammar` (data read in ``initialize``)."""
    return NameGrammar(nlp, name)
