"""Resolver: canonical entities, no false merges, regions, stable keys, evidence offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp import extract_ties
from kg.resolve import Resolver
from kg.types import Article, CleanArticle, Entity, EntityClass, Mention, MentionTie, Relation, TieStatus

E = EntityClass


@pytest.fixture(scope="module")
def resolver_factory():
    return Resolver


def make(text, spec, aid="a", date="2023-07-18"):
    clean = CleanArticle(Article(aid, text, date=date), text, tuple(range(len(text) + 1)))
    taken, mentions = [], []
    for name, cls, *canonical in sorted(spec, key=lambda x: -len(x[0])):
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append(m.span())
            mentions.append(Mention(name, cls, m.start(), m.end(), m.start(), m.end(), canonical=canonical[0] if canonical else None))
    return clean, sorted(mentions, key=lambda m: m.start)


def resolve(resolver, text, spec, aid="a", date="2023-07-18"):
    clean, mentions = make(text, spec, aid, date)
    return resolver.resolve(clean, mentions, extract_ties(clean, mentions))


SEED_LIKE = (
    "2018年德州市与有研集团正式牵手。山东有研半导体材料有限公司自2019年从北京西城区迁至德州天衢新区。"
    "山东有研半导体相关负责人说，有研半导体选择德州天衢新区是正确的。有研集团旗下有研半导体发展很快。天衢新区与有研集团再次牵手。"
)
SEED_SPEC = [
    ("德州市", E.PLACE), ("有研集团", E.ENTERPRISE), ("山东有研半导体材料有限公司", E.ENTERPRISE), ("北京西城区", E.PLACE),
    ("德州天衢新区", E.PARK), ("山东有研半导体", E.ENTERPRISE), ("有研半导体", E.ENTERPRISE), ("天衢新区", E.PARK),
]


def by_name(extraction):
    """Entities by name, and by alias where no entity has that name (a registry body is named officially)."""
    out = {a: e for e in extraction.entities for a in e.aliases}
    out.update({e.name: e for e in extraction.entities})
    return out


def test_resolve_short_forms_merge_and_parent_stays_distinct():
    ex = resolve(Resolver(), SEED_LIKE, SEED_SPEC)
    ents = by_name(ex)
    firm = ents["山东有研半导体材料有限公司"]
    assert {"山东有研半导体", "有研半导体"} <= firm.aliases
    assert "有研集团" in ents and ents["有研集团"].key != firm.key
    sub = [t for t in ex.ties if t.relation is Relation.SUB_ORGANIZATION_OF]
    assert [(t.subject.key, t.object.key) for t in sub] == [(firm.key, ents["有研集团"].key)]


def test_resolve_same_brand_in_contradicting_regions_stays_apart():
    # seed 002: 河北旭阳 (short for 河北旭阳能源) must not swallow 北京旭阳科技 (旭阳 + descriptor 科技)
    text = "河北旭阳能源有限公司依托北京旭阳科技有限公司的资源优势。河北旭阳发展很快。"
    spec = [("河北旭阳能源有限公司", E.ENTERPRISE), ("河北旭阳", E.ENTERPRISE), ("北京旭阳科技有限公司", E.ENTERPRISE)]
    ents = by_name(resolve(Resolver(), text, spec))
    energy, tech = ents["河北旭阳能源有限公司"], ents["北京旭阳科技有限公司"]
    assert energy.key != tech.key
    assert "河北旭阳" in energy.aliases and "北京旭阳科技有限公司" not in energy.aliases


def test_resolve_parent_sharing_its_subsidiarys_brand_stays_apart():
    # 红宝丽 is the shop name of 南京红宝丽新材料有限公司 and the name of its parent: the subOrganizationOf
    # tie says they are two actors (without it the short form would join the subsidiary)
    text = "红宝丽子公司南京红宝丽新材料有限公司获得认定。"
    ex = resolve(Resolver(), text, [("南京红宝丽新材料有限公司", E.ENTERPRISE), ("红宝丽", E.ENTERPRISE)])
    ents = by_name(ex)
    assert ents["红宝丽"].key != ents["南京红宝丽新材料有限公司"].key
    # (红宝丽 is a listed company: the registry names it 红宝丽集团股份有限公司)
    assert [(t.subject.key, t.relation, t.object.key) for t in ex.ties] == [
        (ents["南京红宝丽新材料有限公司"].key, Relation.SUB_ORGANIZATION_OF, ents["红宝丽"].key)]
    alone = by_name(resolve(Resolver(), "南京红宝丽新材料有限公司获得认定。红宝丽发展很快。",
                            [("南京红宝丽新材料有限公司", E.ENTERPRISE), ("红宝丽", E.ENTERPRISE)]))
    assert {e.name for e in alone.values()} == {"南京红宝丽新材料有限公司"}


def test_resolve_registry_park_takes_its_official_name_forms_and_region():
    ents = by_name(resolve(Resolver(), "长治高新区引进了一批企业。", [("长治高新区", E.PARK)]))
    park = ents["长治高新区"]
    assert park.name == "长治高新技术产业开发区" and park.region == "140400"
    assert park.attrs["region_source"] == "registry" and "长治高新区" in park.aliases


def test_resolve_registry_body_is_placed_at_its_seat_not_the_articles_place():
    text = "定州很好。定州发展快。中国科学院自动化研究所与定州合作。"
    ents = by_name(resolve(Resolver(), text, [("定州", E.PLACE), ("中国科学院自动化研究所", E.RESEARCH_INSTITUTE)]))
    assert ents["中国科学院自动化研究所"].region.startswith("11")
    assert ents["中国科学院自动化研究所"].attrs["region_source"] == "registry"


def test_resolve_regions_from_name_park_table_and_ties():
    ents = by_name(resolve(Resolver(), SEED_LIKE, SEED_SPEC))
    assert ents["德州天衢新区"].region == "371400"  # the place in its name
    assert ents["西城区"].region == "110102" and ents["西城区"].key == "place-110102"
    assert ents["德州市"].key == "place-371400"
    # name says 山东 (370000); the relocation to 德州天衢新区 is more specific
    assert ents["山东有研半导体材料有限公司"].region == "371400"
    assert ents["山东有研半导体材料有限公司"].attrs["region_source"] == "text"


def test_resolve_region_from_name_prefix_chain():
    ex = resolve(Resolver(), "北京西城区某某科技有限公司发展很快。", [("北京西城区某某科技有限公司", E.ENTERPRISE)])
    (ent,) = ex.entities
    assert ent.region == "110102" and ent.attrs["region_source"] == "name"


def test_resolve_fallback_region_is_article_home_place_for_firms_only():
    text = "定州很好。定州发展快。复朗施科技有限公司与清华大学合作。"
    ents = by_name(resolve(Resolver(), text, [("定州", E.PLACE), ("复朗施科技有限公司", E.ENTERPRISE), ("清华大学", E.UNIVERSITY)]))
    assert ents["复朗施科技有限公司"].region == "130682"
    assert ents["复朗施科技有限公司"].attrs["region_source"] == "article"
    assert ents["清华大学"].region == "110108"  # known_organisations.tsv, not the article's place


def test_resolve_two_articles_one_entity_and_stable_keys():
    resolver = Resolver()
    first = resolve(resolver, SEED_LIKE, SEED_SPEC, aid="a1")
    second = resolve(resolver, "天津大学与山东有研半导体开展合作。", [("天津大学", E.UNIVERSITY), ("山东有研半导体", E.ENTERPRISE)], aid="a2")
    key = by_name(first)["山东有研半导体材料有限公司"].key
    assert key in {e.key for e in second.entities}
    (tie,) = second.ties
    assert {tie.subject.key, tie.object.key} == {key, "天津大学"}
    # a new resolver that knows the store's entities gives the same keys (rebuilding does not rename)
    again = Resolver(known=resolver.entities)
    assert len(again.entities) == len(resolver.entities)
    third = resolve(again, "有研半导体产能利用率超过80%。", [("有研半导体", E.ENTERPRISE)], aid="a3")
    assert [e.key for e in third.entities] == [key]


def test_resolve_canonical_from_mention_and_traditional_names():
    resolver = Resolver()
    text = "山西立讯精密工业有限公司很大。山西立讯行政课组长黄锦鹏介绍。"
    spec = [("山西立讯精密工业有限公司", E.ENTERPRISE), ("山西立讯", E.ENTERPRISE, "山西立讯精密工业有限公司"), ("黄锦鹏", E.PERSON)]
    ex = resolve(resolver, text, spec)
    firm = by_name(ex)["山西立讯精密工业有限公司"]
    assert "山西立讯" in firm.aliases and firm.region == "140000"
    ex2 = resolve(resolver, "山西立訊精密工業有限公司擴產。", [("山西立訊精密工業有限公司", E.ENTERPRISE)], aid="b")
    assert [e.key for e in ex2.entities] == [firm.key]


def test_resolve_ties_self_ties_dropped_and_deduplicated():
    text = "有研半导体与山东有研半导体材料有限公司合作。甲公司与乙公司合作。乙公司与甲公司签约。"
    spec = [("有研半导体", E.ENTERPRISE), ("山东有研半导体材料有限公司", E.ENTERPRISE), ("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)]
    ex = resolve(Resolver(), text, spec)
    assert [(t.relation, t.status) for t in ex.ties] == [(Relation.COOPERATES_WITH, TieStatus.REPORTED)]
    assert {ex.ties[0].subject.name, ex.ties[0].object.name} == {"甲公司", "乙公司"}


def test_resolve_evidence_date_falls_back_to_article_date():
    ex = resolve(Resolver(), "甲公司与乙公司合作。2019年甲公司入股丙公司。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE), ("丙公司", E.ENTERPRISE)], date="2023-07-18")
    dates = {t.relation.value: t.evidence.date for t in ex.ties}
    assert dates == {"cooperatesWith": "2023-07-18", "investsIn": "2019"}
    assert all(t.evidence.article_id == "a" and t.evidence.extractor == "kg.relations.trigger.v1" for t in ex.ties)


def _shifted_clean(raw: str, prefix_noise: list[int]) -> tuple[CleanArticle, str]:
    """A clean text made by deleting noise characters inserted in the original (like ruby or markup)."""
    original, offsets = [], []
    for i, ch in enumerate(raw):
        for _ in range(prefix_noise[i % len(prefix_noise)]):
            original.append("(")
        offsets.append(len(original))
        original.append(ch)
    offsets.append(len(original))
    text = "".join(original)
    return CleanArticle(Article("h", text, date="2020-01-01"), raw, tuple(offsets)), text


@settings(max_examples=40, deadline=None)
@given(noise=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=7), lead=st.text(alphabet="，。；的好", max_size=6))
def test_resolve_evidence_sentence_equals_original_slice(noise, lead):
    raw = lead + "2018年德州市与有研集团正式牵手。" + lead + "山东有研半导体材料有限公司迁至德州天衢新区。"
    clean, original = _shifted_clean(raw, noise)
    mentions = []
    for name, cls in [("德州市", E.PLACE), ("有研集团", E.ENTERPRISE), ("山东有研半导体材料有限公司", E.ENTERPRISE), ("德州天衢新区", E.PARK)]:
        s = raw.find(name)
        o0, o1 = clean.to_original(s, s + len(name))
        mentions.append(Mention(name, cls, s, s + len(name), o0, o1))
    ex = Resolver().resolve(clean, mentions, extract_ties(clean, mentions))
    assert len(ex.ties) == 2
    for tie in ex.ties:
        ev = tie.evidence
        assert ev.sentence == original[ev.start:ev.end]
        assert ev.sentence.replace("(", "").strip() in raw


def test_resolve_known_entity_keeps_key_and_region():
    known = Entity("有研科技集团有限公司", "有研科技集团有限公司", E.ENTERPRISE, frozenset({"有研集团"}), region="110102")
    ex = resolve(Resolver(known=[known]), "德州市与有研集团牵手。", [("德州市", E.PLACE), ("有研集团", E.ENTERPRISE)])
    ent = by_name(ex)["有研科技集团有限公司"]
    assert ent.key == "有研科技集团有限公司" and ent.region == "110102"


def test_resolve_tie_mentions_missing_from_list_are_resolved():
    text = "甲公司与乙公司合作。"
    clean, mentions = make(text, [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    tie = MentionTie(mentions[0], Relation.COOPERATES_WITH, mentions[1], 0, len(text), 0.9, "test.v1")
    ex = Resolver().resolve(clean, [], [tie])
    assert len(ex.entities) == 2 and len(ex.ties) == 1


def test_resolve_unit_named_after_a_registry_body():
    text = "德州很好。德州发展快。中国农业银行北京市分行、平陆运河青年枢纽一期工程、中国农业银行软件开发中心都在推进。"
    ents = by_name(resolve(Resolver(), text, [("德州", E.PLACE), ("中国农业银行北京市分行", E.ENTERPRISE),
                                              ("平陆运河青年枢纽一期工程", E.PROJECT), ("中国农业银行软件开发中心", E.ORGANIZATION)]))
    # the place after the body's name; a part of a registry project at the project's seat, not in 平陆县 (山西)
    assert ents["中国农业银行北京市分行"].region == "110000"
    assert ents["平陆运河青年枢纽一期工程"].region.startswith("45")
    # an organisation's unit is not at its seat: the article's place is the guess
    assert ents["中国农业银行软件开发中心"].attrs["region_source"] == "article"


def test_resolve_this_session_of_an_event_is_the_session_named_before():
    text = "第十三届中国艺术节在北京开幕。本届中国艺术节由文化和旅游部主办。"
    spec = [("第十三届中国艺术节", E.EVENT), ("北京", E.PLACE), ("本届中国艺术节", E.EVENT), ("文化和旅游部", E.GOVERNMENT_AGENCY)]
    ex = resolve(Resolver(), text, spec)
    events = [e for e in ex.entities if e.cls is E.EVENT]
    assert [e.name for e in events] == ["第十三届中国艺术节"]
    assert ("文化和旅游部", "participatesIn", "第十三届中国艺术节") in {
        (t.subject.name, t.relation.value, t.object.name) for t in ex.ties}
    # two sessions named: 本届 cannot tell which one
    two = resolve(Resolver(), "第十二届中国艺术节和第十三届中国艺术节。本届中国艺术节开幕。",
                  [("第十二届中国艺术节", E.EVENT), ("第十三届中国艺术节", E.EVENT), ("本届中国艺术节", E.EVENT)])
    assert len([e for e in two.entities if e.cls is E.EVENT]) == 3
