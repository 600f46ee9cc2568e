"""Is a candidate span an actor's name at all?  The validity check the mention resolver runs before typing.

Real news is full of spans that look like names to a suffix rule or a statistical tagger but name no
actor (``ANNOTATION.md``: "kinds and plurals, products and technologies, verb phrases, fragments"):

* **plurals and quantified kinds** -- a span counted or quantified (一批延链补链强链项目, 50个城市更新项目,
  多家企业, 一系列论坛, 上述项目): the text names many things or a kind, not one actor;
* **kinds** -- a suffix name whose body is only common words (体验项目, 服装产业园, 城市更新项目): unless written
  as a unit of a named owner (湖南常德高新区的现代农业产业园), that is a kind of park or project;
* **verb phrases** -- a place followed by a common verb (广西开展工业项目, 沪出席2024世界人工智能大会): the
  grammar walked over a clause;
* **phrases read as organisations** -- a tagger's organisation span with no type suffix that no gazetteer
  or registry knows (交通强国, 惠民生, 招聘会, 上海代表团, 俄军): on policy news, a slogan or a common noun.

"Common" means a word of jieba's dictionary of a non-name part of speech used at least
:data:`COMMON_FREQ` times (:data:`VERB_FREQ` for verbs); single characters are not judged (雄安, 大飞机).
Gazetteer and registry names are always valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.nlp.components.candidates import TokenIndex
from kg.nlp.components.lexicons import Lexicons
from kg.types import EntityClass

__all__ = ["ActorValidity", "COMMON_FREQ", "VERB_FREQ"]

#: a multi-character dictionary word used this often (jieba frequency) is a common word, not a name part
COMMON_FREQ = 300
#: a verb used this often ends a name that a place began (联创 is a brand, 开展 a verb)
VERB_FREQ = 300
#: a one-character first word with these tags opens a clause, not a name (比, 及, 该, 对; not 中, 西: 中哈, 西迁)
_OPENING_TAGS = set("pcdru")
_ADVERB_TAGS = {"d", "ad"}
#: an administrative level written alone opens no name (县人民医院, 市博物馆: some place's unit, unnamed)
_LEVEL_WORDS = set("省市县区镇乡村")
#: a government body named by its level and function is a name (中央精神文明建设办公室, 国家防总办公室)
_NATIONAL_LEVEL = frozenset({"中央", "国家", "全国", "国务院", "中共中央"})
_NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "eng")
_VERB_TAGS = {"v", "vd", "vi", "d"}
#: a count or quantifier right before a span (or opening it): many things, or a kind
_QUANTIFIED_BEFORE = re.compile(
    r"(?:[0-9０-９]+|[一二三四五六七八九十百千万两几多数]+)(?:多|余)?(?:个|家|所|项|批|座|条|类|种|大|位|支|只|处|片)$"
    r"|(?:一批批?|一大批|一系列|一些|这些|那些|各类|各种|各个|各地|多家|多个|多所|多项|众多|若干|诸多|上述|一批新|部分|其他|其它|所有|每个|每家|各大?)$")
_QUANTIFIED_START = re.compile(r"^(?:一([个座家批项条所])\1|一批批?|一大批|大批|各大|一系列|一些|上述|多[家个所项座条]|众多|若干|诸多|各类|各种|所有|其他|其它"
                               r"|[0-9０-９]+(?:个|项|家|批|所|座|条|类|种)|第[一二三四五六七八九十0-9]+批)")
_MONTH_OPENING = re.compile(r"[0-9０-９一二三四五六七八九十]{1,2}月(?:份|底|初|末|上旬|中旬|下旬)?(?![0-9０-９一二三四五六七八九十])")
_CLASSIFIERS = set("个家所项批座条处场位")
#: a count right after a span: 实施“千企技改”项目1000项, 新增重大产业项目100项以上
_COUNTED_AFTER = re.compile(r"[0-9０-９]+(?:多|余)?(?:个|项|家|所|座|条|批)")
#: one-character heads that end common nouns, not brands (算力网, 开幕会, 代表团, 双展)
_NOUN_HEADS = set("网会团展节班组糖品业区")
#: tagger classes whose names without a type suffix must look like brands (a government body must end like
#: one already: 部, 委, 局 ..., kg.nlp.components.model_spans)
_BRANDED = {EntityClass.ENTERPRISE, EntityClass.ORGANIZATION, EntityClass.INNOVATION_PLATFORM,
            EntityClass.RESEARCH_INSTITUTE, EntityClass.UNIVERSITY}
_STAT_ORGS = {EntityClass.ENTERPRISE, EntityClass.ORGANIZATION, EntityClass.GOVERNMENT_AGENCY,
              EntityClass.INNOVATION_PLATFORM, EntityClass.RESEARCH_INSTITUTE, EntityClass.UNIVERSITY}
_COUNTABLE = _STAT_ORGS | {EntityClass.PARK, EntityClass.PROJECT, EntityClass.EVENT}


class ActorValidity:
    """The validity check (see the module docstring); build once per pipeline.

    Parameters
    ----------
    lexicons : Lexicons
        The NER lexicons (gazetteer, places, suffixes, generic and industry words).
    tags : dict
        jieba's ``word -> part of speech`` table.
    word_freq : mapping, optional
        jieba's ``word -> frequency``; without it no word counts as common.
    """

    def __init__(self, lexicons: Lexicons, tags: Mapping[str, str], word_freq: Mapping[str, int] | None = None):
        self.lexicons, self.tags, self.freq = lexicons, tags, word_freq or {}

    def common(self, word: str, threshold: int = COMMON_FREQ) -> bool:
        """A multi-character dictionary word of a non-name part of speech, used at least ``threshold`` times."""
        if len(word) < 2 or word in self.lexicons.places:
            return False
        if word in self.lexicons.generic or word in self.lexicons.industry_words:
            return True
        tag = self.tags.get(word)
        return tag is not None and not tag.startswith(_NAME_TAGS) and self.freq.get(word, 0) >= threshold

    def _brand_like(self, span: str, words: list[str]) -> bool:
        """A tagger span without type suffix may be a brand (育碧, 新浪乐居, 北京保利): one that extends a known name,
        or one with no place, no common word and no function character in it (not 交通强国, 惠民生, 上海代表团)."""
        lex = self.lexicons
        for i in range(len(span)):
            for j in range(len(span), i + 1, -1):
                known = span[i:j]
                if known != span and (known in lex.gazetteer or known in lex.short_forms):
                    rest = span[j:]
                    if lex.is_places(span[:i]) or not span[:i]:
                        return not rest or (len(rest) <= 3 and not lex.is_generic(rest)
                                            and (rest in lex.industry_words or not self.common(rest)))  # 中信 + 地产
        if any(c in "和与的及、" for c in span) or any(w in lex.places for w in words):
            return False
        if len(span) > 4 or span[-1] in _NOUN_HEADS or all(c in lex.region_abbreviations for c in span):
            return False  # 算力网, 开幕会, 迎春花市双展; 沪苏浙皖 is places
        if self.tags.get(span) and self.freq.get(span, 0) >= 100 and not self.tags[span].startswith(_NAME_TAGS):
            return False  # 雷达, 麦芽糖: a dictionary noun
        return not any(self.common(w) for w in words)

    def _place_heads(self, span: str):
        """The lexicon places ``span`` may open with (二 to six characters)."""
        return (span[:n] for n in range(min(6, len(span) - 1), 1, -1) if span[:n] in self.lexicons.places)

    def _words(self, index: TokenIndex, start: int, end: int) -> list[str]:
        words, i = [], index.token_at(start)
        while i < len(index) and index.starts[i] < end:
            word = index.text[max(index.starts[i], start):min(index.starts[i] + len(index.words[i]), end)]
            if word.strip():
                words.append(word)
            i += 1
        return words

    def reason(self, index: TokenIndex, start: int, end: int, cls: str, source: str) -> str | None:
        """Why ``index.text[start:end]`` (a candidate of class ``cls`` from ``source``) names no actor, or None."""
        lex = self.lexicons
        text = index.text
        span = text[start:end]
        try:
            klass = EntityClass(cls)
        except ValueError:
            return None
        if klass is EntityClass.PERSON or span in lex.gazetteer or span in lex.short_forms:
            return None
        if klass is EntityClass.PLACE:
            # a river, desert or street the tagger reads as an address is no administrative place
            if source == "ner" and span not in lex.places and not any(span.startswith(p) for p in self._place_heads(span)):
                return "not an administrative place"
            return None
        if "的" in re.sub(r"“[^”]*”", "", span):
            return "a phrase with 的"
        if _MONTH_OPENING.match(span):
            return "opens with a month: a time of the clause (4月份一期生产线), not a name"
        if klass in _COUNTABLE:
            before = text[max(0, start - 6):start].rstrip(" \u3000了")
            if _QUANTIFIED_BEFORE.search(before) or _QUANTIFIED_START.match(span) or _COUNTED_AFTER.match(text, end) \
                    or (before[-1:].isdigit() and span[0] in _CLASSIFIERS):  # 8处方舱医院: the count's classifier
                return "quantified: many things or a kind"
        words = self._words(index, start, end)
        first = index.token_at(start)
        if index.starts and index.starts[first] < start and index.ends[first] - index.starts[first] > 1 \
                and index.words[first] not in lex.places:
            return "a fragment: starts inside a word (补短板促发展项目, 医共体心电中心)"
        # an untagged or idiom word (不断完善) is judged by its first two characters
        tag0 = self.tags.get(words[0], "l")
        opener = words[0] if len(words[0]) == 1 or tag0.startswith(_NAME_TAGS) or (tag0 != "l" and (
            len(words[0]) < 4 or self.freq.get(words[0], 0) >= 10)) else words[0][:2]  # 正确处理: a rare compound
        if len(words) > 1 and (self.tags.get(opener, "")[:1] in _OPENING_TAGS if len(opener) == 1 else
                               self.tags.get(opener) in _ADVERB_TAGS and self.freq.get(opener, 0) >= VERB_FREQ):
            return "opens with an adverb, a preposition or a pronoun: a clause (不断完善重点实验室, 比项目)"
        if len(words) == 1 and klass in _STAT_ORGS and (
                # a bureau written bare is some place's (a ministry, 公安部, is the nation's; 市教委 the home city's)
                klass is EntityClass.GOVERNMENT_AGENCY and len(span) <= 4 and span[-1] in "局厅"
                and span[0] not in _LEVEL_WORDS and not any(self._place_heads(span))
                or not self.tags.get(span, "nr").startswith(_NAME_TAGS) and self.freq.get(span, 0) >= COMMON_FREQ):
            return "one dictionary word (民政局, 研究院, 招聘会): a kind of body, not a named one"
        if len(words) > 2 and len(words[0]) == 1 and len(words[1]) > 1 and words[0] not in lex.region_abbreviations \
                and self.tags.get(words[1]) in _VERB_TAGS and self.freq.get(words[1], 0) >= VERB_FREQ:
            return "a fragment: one character, then a verb (人出席大会, 侠主持会议)"
        if len(words) > 1 and words[0] in _LEVEL_WORDS and klass not in (EntityClass.GOVERNMENT_AGENCY, EntityClass.PLACE):
            return "a bare level word (县人民医院): the unnamed unit of some place"
        if len(words) > 2:
            # a known name, a frequent verb and two words more: a clause (国家自然科学基金委 + 设立 +
            # 企业联合基金; 中欧班列集结中心 is a name)
            at = start
            for word in words[:-2]:
                if at > start and len(word) > 1 and (word in lex.clause_verbs or self.tags.get(word) == "v"
                                                     and self.freq.get(word, 0) >= VERB_FREQ) \
                        and (text[start:at] in lex.gazetteer or text[start:at] in lex.short_forms):
                    return "a known name, then a verb: a clause"
                at += len(word)
        if klass is EntityClass.EVENT and any(w in lex.attendance_verbs for w in words[:-1]):
            return "an event's span holds a verb of the sentence (…邀请出席2025年上海合作组织峰会)"
        # a place, then a common verb: the walk went over a clause (广西开展工业项目)
        k = 0
        while k < len(words) and words[k] in lex.places:
            k += 1
        if 0 < k < len(words) and (len(words[k]) > 1 or self.tags.get(words[k]) == "d") \
                and self.tags.get(words[k]) in _VERB_TAGS \
                and self.freq.get(words[k], 0) >= VERB_FREQ:  # one character is ambiguous (内蒙古 + 引绰济辽水利工程)
            return "verb phrase"
        suffix = lex.type_suffix(span, proper=True)
        if suffix is not None and len(suffix) == 1 and words and (len(words[-1]) == 2 or (
                self.tags.get(words[-1]) != "nt" and self.common(words[-1][-2:]))):  # 空间布局, not 财政局 (nt)
            if source == "ner" and klass is EntityClass.GOVERNMENT_AGENCY:
                return "ends in a word that only looks like a body's suffix (布局, 格局): not a body"
            suffix = None  # 布局 ends in 局 but is no bureau (消防局 is one)
        if re.search(r"很多|许多|一批|多个|若干|各大|各类|各种|有关|相关|[百千万]亿|以上|以下|[0-9０-９一二三四五六七八九十百千万]+(?:多|余)"
                     r"(?:个|家|所|项|座|条|批|位)", span):
            return "quantified: many things or an amount"
        if source == "ner" and klass is EntityClass.GOVERNMENT_AGENCY and words and len(words[-1]) > 1 and (
                self.tags.get(words[-1], "").startswith("v") or (len(words[-1]) == 2 and self.common(words[-1]))):
            return "ends in a verb or a common word (双方签署, 产业链布局), not a body"
        if suffix is None:
            # the tagger (trained on CLUENER's brands) reads slogans and common nouns of policy news as
            # organisations: without a type suffix only a known name (gazetteer, registry) is one
            if source == "ner" and klass in _BRANDED and not self._brand_like(span, words):
                return "no type suffix and no brand: a phrase or a common noun"
            return None
        body = span[: -len(suffix)]
        body_words = self._words(index, start, end - len(suffix))
        if source == "grammar" and len(body_words) == 1 and self.tags.get(body_words[0]) in ("v", "vn", "a") \
                and self.freq.get(body_words[0], 0) >= VERB_FREQ:
            return "only a verb or an adjective before the type suffix (落实会议, 重要会议): a phrase or a kind"
        if source == "grammar" and len(suffix) == 1 and (
                all(len(w) == 1 for w in body_words) or (self.tags.get(body_words[-1]) in ("a", "v") and len(body_words[-1]) == 1)):
            return "a one-character head after single characters or an adjective: a phrase (开新局, 布新局), not a name"
        if source in ("grammar", "ner") and body and klass is not EntityClass.EVENT and not text.startswith("的", start - 1):
            if body_words and body_words[-1].endswith("型") and (
                    len(body_words[-1]) > 2 or self.tags.get(body_words[-1]) == "b"):  # 服务型, 新型; not 转型
                return "a kind: a 型 adjective before the type suffix (服务型政府, 创新型企业)"
            if not re.search(r"[\d０-９A-Za-z“”\"‘’（）()·]", body):
                national = klass is EntityClass.GOVERNMENT_AGENCY and next(iter(body_words), "") in _NATIONAL_LEVEL
                if body_words and all(self.common(w) for w in body_words) and not national:
                    return "a kind: only common words before the type suffix"
        return None
