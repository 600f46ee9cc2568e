"""Relation extractor on hand-made mentions: frames, coordination, topic, passive, status, dates, positions."""

from __future__ import annotations

import re

import pytest

from kg.nlp import extract_ties, split_sentences
from kg.nlp.relations import EXTRACTOR, RelationExtractor, load_relation_resources
from kg.types import Article, CleanArticle, EntityClass, Mention, Relation, TieStatus

E = EntityClass


def article(text: str, spec: list[tuple[str, EntityClass]], date: str | None = "2023-07-18"):
    """A CleanArticle with identity offsets and a mention for every occurrence of each name (longest first)."""
    clean = CleanArticle(Article("t", text, date=date), text, tuple(range(len(text) + 1)))
    taken: list[tuple[int, int]] = []
    mentions = []
    for name, cls in sorted(spec, key=lambda x: -len(x[0])):
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append(m.span())
            mentions.append(Mention(name, cls, m.start(), m.end(), m.start(), m.end()))
    return clean, sorted(mentions, key=lambda m: m.start)


def triples(ties):
    return {(t.subject.text, t.relation.value, t.object.text) for t in ties}


def run(text, spec, date="2023-07-18"):
    clean, mentions = article(text, spec, date)
    return extract_ties(clean, mentions)


def test_relations_split_sentences_offsets_cover_text():
    text = "德州与有研集团合作。“好！”他说？\n\n第二段；还有\n"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["德州与有研集团合作。", "“好！”", "他说？", "第二段；还有"]
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_relations_split_sentences_empty_and_blank():
    assert split_sentences("") == []
    assert split_sentences(" \n\u3000 ") == []


def test_relations_symmetric_cooperation_with_date():
    ties = run("2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。", [("德州市", E.PLACE), ("有研集团", E.ENTERPRISE)])
    assert triples(ties) == {("德州市", "cooperatesWith", "有研集团")}
    (tie,) = ties
    assert tie.date == "2018" and tie.status is TieStatus.REPORTED
    assert tie.extractor == EXTRACTOR == "kg.relations.trigger.v1"
    assert 0 < tie.confidence <= 1


def test_relations_coordination_one_tie_per_partner():
    text = "河北旭阳能源有限公司积极推进与鞍山热能院、天津大学、武汉大学等知名院校合作。"
    spec = [("河北旭阳能源有限公司", E.ENTERPRISE), ("鞍山热能院", E.RESEARCH_INSTITUTE), ("天津大学", E.UNIVERSITY), ("武汉大学", E.UNIVERSITY)]
    assert triples(run(text, spec)) == {
        ("河北旭阳能源有限公司", "cooperatesWith", "鞍山热能院"),
        ("河北旭阳能源有限公司", "cooperatesWith", "天津大学"),
        ("河北旭阳能源有限公司", "cooperatesWith", "武汉大学"),
    }


def test_relations_place_glued_before_an_organisation_is_its_location_not_a_partner():
    # 邢台 says where the centre is: the tie goes to the centre, and the list still holds both partners
    text = "河北旭阳能源有限公司与北京旭阳科技有限公司、邢台河北省煤化工工程技术研究中心开展合作。"
    spec = [("河北旭阳能源有限公司", E.ENTERPRISE), ("北京旭阳科技有限公司", E.ENTERPRISE), ("邢台", E.PLACE),
            ("河北省煤化工工程技术研究中心", E.INNOVATION_PLATFORM)]
    assert triples(run(text, spec)) == {
        ("河北旭阳能源有限公司", "cooperatesWith", "北京旭阳科技有限公司"),
        ("河北旭阳能源有限公司", "cooperatesWith", "河北省煤化工工程技术研究中心"),
    }


def test_relations_relying_on_is_no_cooperation():
    # 依托 ("relying on") is no cue of ANNOTATION.md: 依托海南自贸港建设 states no cooperation
    text = "依托海南自贸港建设，海口市不断优化产业转型升级。"
    assert run(text, [("海南自贸港", E.PARK), ("海口市", E.PLACE)]) == []


def test_relations_unnamed_actor_before_a_partner_word_is_no_topic():
    # 内地与澳门签署: the actor (内地) is no mention; the sentence's earlier subject is not borrowed for it
    text = "今年，粤港澳大湾区全面取消就业许可，内地与澳门签署驾驶证互认换领协议。"
    assert run(text, [("粤港澳大湾区", E.PLACE), ("澳门", E.PLACE)]) == []


def test_relations_topic_carried_across_clauses():
    text = "长治高新区围绕三电系统，上马了新能源汽车产业园，引进了武汉资环工研院的基地，引进落地了深圳中世控股工业机器人、成都奥泰集团生产项目。"
    spec = [("长治高新区", E.PARK), ("武汉资环工研院", E.RESEARCH_INSTITUTE), ("深圳中世控股", E.ENTERPRISE), ("成都奥泰集团", E.ENTERPRISE)]
    assert triples(run(text, spec)) == {
        ("长治高新区", "hosts", "武汉资环工研院"),
        ("长治高新区", "hosts", "深圳中世控股"),
        ("长治高新区", "hosts", "成都奥泰集团"),
    }


def test_relations_relocation_direction_and_preposition_not_subject():
    text = "山东有研半导体材料有限公司自2019年从北京西城区迁至德州天衢新区后，没有一人流失。"
    spec = [("山东有研半导体材料有限公司", E.ENTERPRISE), ("北京西城区", E.PLACE), ("德州天衢新区", E.PARK)]
    ties = run(text, spec)
    assert triples(ties) == {("山东有研半导体材料有限公司", "relocatedTo", "德州天衢新区")}
    assert ties[0].date == "2019"
    assert ties[0].status is TieStatus.REPORTED  # 没有一人流失 is not a negation of the move


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲公司被乙公司入股。", ("乙公司", "investsIn", "甲公司")),
        ("甲公司获乙公司注资。", ("乙公司", "investsIn", "甲公司")),
        ("乙公司入股甲公司。", ("乙公司", "investsIn", "甲公司")),
    ],
)
def test_relations_passive_swaps_roles(text, expected):
    assert triples(run(text, [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])) == {expected}


@pytest.mark.parametrize(
    "text, status",
    [
        ("德州天衢新区即将与京津冀国家技术创新中心签订全面战略合作协议。", TieStatus.PLANNED),
        ("德州天衢新区计划与京津冀国家技术创新中心合作。", TieStatus.PLANNED),
        ("德州天衢新区未与京津冀国家技术创新中心合作。", TieStatus.NEGATED),
        ("德州天衢新区没有与京津冀国家技术创新中心签约。", TieStatus.NEGATED),
        ("德州天衢新区不断与京津冀国家技术创新中心合作。", TieStatus.REPORTED),
    ],
)
def test_relations_status_planned_and_negated(text, status):
    ties = run(text, [("德州天衢新区", E.PARK), ("京津冀国家技术创新中心", E.INNOVATION_PLATFORM)])
    assert len(ties) == 1 and ties[0].relation is Relation.COOPERATES_WITH
    assert ties[0].status is status


@pytest.mark.parametrize(
    "text, date, expected",
    [
        ("2019年3月，甲公司与乙公司签约。", None, "2019-03"),
        ("2022年10月19日甲公司与乙公司签约。", None, "2022-10-19"),
        ("今年6月2日，甲公司与乙公司再次牵手。", "2023-07-18", "2023-06-02"),
        ("去年甲公司与乙公司合作。", "2023-07-18", "2022"),
        ("今年甲公司与乙公司合作。", None, None),
        ("甲公司与乙公司合作。", "2023-07-18", None),
        ("从2017年考察初识，到2018年甲公司与乙公司签署协议。", None, "2018"),
    ],
)
def test_relations_dates(text, date, expected):
    ties = run(text, [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)], date=date)
    assert len(ties) == 1
    assert ties[0].date == expected


def test_relations_symmetric_tie_reported_once():
    ties = run("甲公司与乙公司签署合作协议。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    assert len(ties) == 1 and ties[0].relation.symmetric


def test_relations_holds_position_with_title():
    text = "作为天衢新区的龙头企业，山东有研半导体材料有限公司总工程师肖清华告诉记者。长治高新区党工委委员、管委会总工程师卫玉玺说道。"
    spec = [("天衢新区", E.PARK), ("山东有研半导体材料有限公司", E.ENTERPRISE), ("肖清华", E.PERSON), ("长治高新区", E.PARK), ("卫玉玺", E.PERSON)]
    ties = run(text, spec)
    got = {(t.subject.text, t.relation.value, t.object.text, t.attrs.get("position")) for t in ties}
    assert got == {
        ("肖清华", "holdsPosition", "山东有研半导体材料有限公司", "总工程师"),
        ("卫玉玺", "holdsPosition", "长治高新区", "党工委委员、管委会总工程师"),
    }


def test_relations_visits_with_motion_verb_and_coordination():
    text = "近年来，青岛多次组织队伍赴南京、西安、成都等地调研。"
    spec = [(n, E.PLACE) for n in ("青岛", "南京", "西安", "成都")]
    assert triples(run(text, spec)) == {("青岛", "visits", n) for n in ("南京", "西安", "成都")}


def test_relations_benchmarks_with_yi_wei_frame():
    text = "以杭州未来科技城、西安高新区等为目标，青岛市科技局多次组建队伍前往调研。"
    spec = [("杭州未来科技城", E.PARK), ("西安高新区", E.PARK), ("青岛市科技局", E.GOVERNMENT_AGENCY)]
    assert triples(run(text, spec)) >= {
        ("青岛市科技局", "benchmarksAgainst", "杭州未来科技城"),
        ("青岛市科技局", "benchmarksAgainst", "西安高新区"),
    }


def test_relations_located_in_and_hosts_oriented_by_type():
    text = "位于西安高新区集贤产业园的天津鹏翎集团股份有限公司西安基地内。比亚迪在西安高新区投资的四大厂区全部建成。"
    spec = [("西安高新区集贤产业园", E.PARK), ("天津鹏翎集团股份有限公司", E.ENTERPRISE), ("比亚迪", E.ENTERPRISE), ("西安高新区", E.PARK)]
    assert triples(run(text, spec)) == {
        ("天津鹏翎集团股份有限公司", "locatedIn", "西安高新区集贤产业园"),
        ("比亚迪", "locatedIn", "西安高新区"),
    }


def test_relations_supplies_to_and_sub_organization():
    text = "天津鹏翎是比亚迪的“供货商”。有研集团旗下有研半导体发展很快。"
    spec = [("天津鹏翎", E.ENTERPRISE), ("比亚迪", E.ENTERPRISE), ("有研集团", E.ENTERPRISE), ("有研半导体", E.ENTERPRISE)]
    assert triples(run(text, spec)) == {
        ("天津鹏翎", "suppliesTo", "比亚迪"),
        ("有研半导体", "subOrganizationOf", "有研集团"),
    }


def test_relations_place_slogan_is_no_tie():
    # ANNOTATION.md: "北京研发、天津制造" is a tie only when a concrete flow between named places is stated
    assert run("形成了“研发在京津、智造在德州”的科技协作模式。", []) == []


def test_relations_technology_transfer_pattern_reads_region_abbreviations():
    text = "京津的科研成果在德州转化。"
    ties = run(text, [])
    got = {(t.subject.canonical, t.relation.value, t.object.canonical) for t in ties}
    assert got == {("北京市", "transfersTechnologyTo", "德州市"), ("天津市", "transfersTechnologyTo", "德州市")}
    for t in ties:  # synthetic mentions carry real offsets
        assert text[t.subject.start:t.subject.end] == t.subject.text


def test_relations_anaphor_refers_to_home_place():
    text = "定州很好。定州发展快。我市积极推进与中科院、清华大学等高等院校深度合作。"
    spec = [("定州", E.PLACE), ("中科院", E.RESEARCH_INSTITUTE), ("清华大学", E.UNIVERSITY)]
    ties = run(text, spec)
    assert {(t.subject.canonical or t.subject.text, t.object.text) for t in ties} == {("定州", "中科院"), ("定州", "清华大学")}
    # 推进企业与中科院…合作: the city's firms (unnamed) cooperate, not the city
    assert run(text.replace("推进与", "推进企业与"), spec) == []


def test_relations_trigger_inside_a_name_is_ignored():
    # 合作 inside the event's name is no cooperation; 在定州举行 places the event
    text = "第三届定州市产学研合作创新大会在定州举行。"
    spec = [("第三届定州市产学研合作创新大会", E.EVENT), ("定州", E.PLACE)]
    assert triples(run(text, spec)) == {("第三届定州市产学研合作创新大会", "locatedIn", "定州")}


def test_relations_no_tie_between_nested_mentions_and_no_self_tie():
    text = "德州与德州合作。"
    assert run(text, [("德州", E.PLACE)]) == []


def test_relations_tie_sentence_offsets_are_the_sentence():
    text = "前言。2018年德州市与有研集团正式牵手，合作建设基地。后记"
    clean, mentions = article(text, [("德州市", E.PLACE), ("有研集团", E.ENTERPRISE)])
    (tie,) = extract_ties(clean, mentions)
    assert text[tie.sentence_start:tie.sentence_end] == "2018年德州市与有研集团正式牵手，合作建设基地。"


def test_relations_resources_are_data(tmp_path):
    res = load_relation_resources()
    assert "合作" in res.triggers and res.words("negation")
    # a broken trigger row names its file and line
    (tmp_path / "relations").mkdir()
    for name in ("modifiers.tsv", "titles.tsv", "patterns.tsv"):
        (tmp_path / "relations" / name).write_text((res_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "relations" / "triggers.tsv").write_text("trigger\trelation\tframe\tdirection\tconfidence\n合作\tnoSuchRelation\tsym\tforward\t0.9\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"triggers.tsv:2"):
        RelationExtractor(tmp_path)


def res_dir():
    from kg.nlp.relations import RESOURCE_DIR

    return RESOURCE_DIR / "relations"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲公司与乙公司签署了《收购协议》。", set()),  # a takeover, not a cooperation
        ("甲公司与乙公司签署了《股权转让协议》。", {("甲公司", "cooperatesWith", "乙公司")}),
        ("甲公司持有乙公司5%的股权。", {("甲公司", "investsIn", "乙公司")}),
        ("乙公司控股股东甲公司宣布增资。", {("乙公司", "subOrganizationOf", "甲公司")}),
        ("甲公司成为乙公司第一大股东。", {("甲公司", "investsIn", "乙公司")}),
        ("甲公司对乙公司增资。", {("甲公司", "investsIn", "乙公司")}),
        ("甲公司和乙公司双方达成合作意向。", {("甲公司", "cooperatesWith", "乙公司")}),
        ("甲公司、乙公司等十家银行推出了多项面向中小企业的资金合作业务。", set()),
    ],
)
def test_relations_finance_frames(text, expected):
    assert triples(run(text, [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])) == expected


def test_relations_stopped_cooperation_is_negated():
    (tie,) = run("罗氏不得已主动停止与江山制药的合作。", [("罗氏", E.ENTERPRISE), ("江山制药", E.ENTERPRISE)])
    assert tie.status is TieStatus.NEGATED


def test_relations_event_participation_from_zai_shang():
    text = "在日前举行的第三届产学研合作创新大会上，甲公司、乙公司等15家企业与相关院校签署协议。"
    spec = [("第三届产学研合作创新大会", E.EVENT), ("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)]
    assert triples(run(text, spec)) == {
        ("甲公司", "participatesIn", "第三届产学研合作创新大会"),
        ("乙公司", "participatesIn", "第三届产学研合作创新大会"),
    }


def test_relations_date_far_after_the_trigger_is_not_the_ties_date():
    text = "长治高新区党工委委员、管委会总工程师卫玉玺说道，2020年长治高新区在全国排名第121名。"
    ties = run(text, [("长治高新区", E.PARK), ("卫玉玺", E.PERSON)])
    assert [(t.relation.value, t.date) for t in ties] == [("holdsPosition", None)]
    ties = run("甲公司与乙公司签约，2019年建成投产。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    assert ties[0].date is None  # the date of a later clause is another event's
    ties = run("甲公司与乙公司合作的项目于2019年3月投产。", [("甲公司", E.ENTERPRISE), ("乙公司", E.ENTERPRISE)])
    assert ties[0].date == "2019-03"  # same clause, close after the trigger


def test_relations_place_mention_swallowing_the_trigger_is_trimmed():
    text = "山东有研半导体材料有限公司自2019年从北京西城区迁至德州天衢新区。"
    spec = [("山东有研半导体材料有限公司", E.ENTERPRISE), ("北京西城区迁至", E.PLACE), ("德州天衢新区", E.PARK)]
    ties = run(text, spec)
    assert triples(ties) == {("山东有研半导体材料有限公司", "relocatedTo", "德州天衢新区")}


def test_relations_tour_places_the_sites_visited_later():
    text = ("国务院总理李强5月22日至23日在河南调研。他强调，要推动农业创新发展。"
            "在三全食品公司，李强察看产品开发。李强来到国家生物育种产业创新中心了解情况。"
            "李强走进长治高新区，又来到河南省科学院。")
    spec = [("李强", E.PERSON), ("河南", E.PLACE), ("三全食品公司", E.ENTERPRISE), ("长治高新区", E.PARK),
            ("国家生物育种产业创新中心", E.INNOVATION_PLATFORM), ("河南省科学院", E.RESEARCH_INSTITUTE)]
    got = triples(run(text, spec))
    assert ("三全食品公司", "locatedIn", "河南") in got
    assert ("国家生物育种产业创新中心", "locatedIn", "河南") in got
    # a name holding its own place gets its region from the name, not from the tour
    assert not {t for t in got if t[0] in ("长治高新区", "河南省科学院")}


def test_relations_no_tour_without_one_place_in_the_lead():
    spec = [("李强", E.PERSON), ("河南", E.PLACE), ("湖北", E.PLACE), ("三全食品公司", E.ENTERPRISE)]
    for lead in ("李强在河南、湖北调研。", "李强主持召开国务院常务会议。"):
        assert not triples(run(lead + "在三全食品公司，李强察看产品开发。", spec))


def test_relations_setting_places_a_works_project_spanning_provinces_but_not_an_initiative():
    spec = [("河南", E.PLACE), ("引江济淮工程", E.PROJECT), ("一带一路", E.PROJECT)]
    got = triples(run("在河南，引江济淮工程的输水管线正在穿越大沙河，一带一路建设成果丰硕。", spec))
    assert ("引江济淮工程", "locatedIn", "河南") in got
    assert ("一带一路", "locatedIn", "河南") not in got


def test_relations_setting_may_close_with_a_natural_feature_of_the_place():
    spec = [("内蒙古", E.PLACE), ("光伏治沙项目", E.PROJECT)]
    got = triples(run("在内蒙古库布其沙漠，光伏治沙项目正在加紧建设。", spec))
    assert got == {("光伏治沙项目", "locatedIn", "内蒙古")}


def test_relations_here_and_local_refer_to_the_nearest_place_before_them():
    spec = [("乌兰察布", E.PLACE), ("数据中心绿电直连项目", E.PROJECT), ("榕江县", E.PLACE), ("上海市", E.PLACE),
            ("电商产业园", E.PARK), ("莎车县", E.PLACE)]
    got = triples(run("乌兰察布算力产业发展迅速。不久前，数据中心绿电直连项目在这里投产运营。", spec))
    assert ("数据中心绿电直连项目", "locatedIn", "这里") in got
    ties = run("乌兰察布算力产业发展迅速。不久前，数据中心绿电直连项目在这里投产运营。", spec)
    assert {t.object.canonical for t in ties} == {"乌兰察布"}
    # a place helping (在X的…下) is not where the clause happens; 当地时间 is a time
    ties = run("莎车县的巴旦木进入收获期，在上海市的对口援助下，这里建成了电商产业园。", spec)
    assert [(t.subject.canonical, t.relation, t.object.text) for t in ties] == [("莎车县", Relation.HOSTS, "电商产业园")]
    assert not run("当地时间5日，上海市发布消息。", spec)


def test_relations_a_project_is_part_of_a_project_not_of_an_organisation():
    spec = [("西部陆海新通道", E.PROJECT), ("平陆运河", E.PROJECT), ("中国电建", E.ENTERPRISE)]
    got = triples(run("西部陆海新通道的骨干工程——平陆运河进入旱季施工黄金期。", spec))
    assert got == {("平陆运河", "subOrganizationOf", "西部陆海新通道")}
    assert not any(t[1] == "subOrganizationOf" for t in triples(run("中国电建旗下平陆运河项目部开工。", spec)))


def test_relations_a_project_named_after_a_project_is_its_part_unless_only_a_phase_follows():
    spec = [("川藏铁路", E.PROJECT), ("川藏铁路色季拉山隧道", E.PROJECT), ("平陆运河", E.PROJECT),
            ("平陆运河主体工程", E.PROJECT)]
    got = triples(run("川藏铁路全线开工。川藏铁路色季拉山隧道贯通。", spec))
    assert got == {("川藏铁路色季拉山隧道", "subOrganizationOf", "川藏铁路")}
    assert not triples(run("平陆运河进展顺利，平陆运河主体工程预计年底建成。", spec))


def test_relations_an_event_held_in_a_venue_of_a_place_is_in_the_place():
    spec = [("第十三届中国艺术节", E.EVENT), ("北京", E.PLACE)]
    got = triples(run("第十三届中国艺术节9月1日晚在北京国家大剧院拉开帷幕。", spec))
    assert got == {("第十三届中国艺术节", "locatedIn", "北京")}
    # a longer gap that is no venue is no setting of the trigger
    assert not triples(run("第十三届中国艺术节在北京市民的期待之中拉开帷幕。", spec))


def test_relations_a_park_and_nei_alone_set_the_clause_after_it():
    spec = [("安徽芜湖航空产业园", E.PARK), ("航空发动机维修基地项目", E.PROJECT), ("北京市", E.PLACE)]
    got = triples(run("春节刚过，安徽芜湖航空产业园内，总投资20亿元的航空发动机维修基地项目正加快建设。", spec))
    assert got == {("航空发动机维修基地项目", "locatedIn", "安徽芜湖航空产业园")}
    # a place and 内 is no such setting, nor is a park followed by more words
    assert not triples(run("北京市内，航空发动机维修基地项目正加快建设。", spec))
    assert not triples(run("安徽芜湖航空产业园内外，航空发动机维修基地项目正加快建设。", spec))


def test_relations_a_parks_kind_of_works_before_a_dash_hosts_the_project_after_it():
    spec = [("海南自贸港", E.PARK), ("海口新海枢纽项目", E.PROJECT)]
    got = triples(run("眼下，海南自贸港重点项目——海口新海枢纽项目正在加紧推进。", spec))
    assert got == {("海口新海枢纽项目", "locatedIn", "海南自贸港")}


def test_relations_an_investing_company_is_not_placed_by_the_setting_of_its_project():
    spec = [("葫芦岛", E.PLACE), ("中国中化", E.ENTERPRISE), ("精细化工项目", E.PROJECT), ("江苏", E.PLACE),
            ("战略性新兴产业母基金", E.ORGANIZATION), ("专项基金", E.ORGANIZATION)]
    got = triples(run("在葫芦岛，中国中化投资100亿元的精细化工项目打下第一根地桩。", spec))
    assert got == {("中国中化", "investsIn", "精细化工项目"), ("精细化工项目", "locatedIn", "葫芦岛")}
    # a local fund investing is still where the setting says
    got = triples(run("在江苏，战略性新兴产业母基金出资组建专项基金。", spec))
    assert ("战略性新兴产业母基金", "locatedIn", "江苏") in got


def test_relations_total_investment_is_no_investment_verb():
    spec = [("安徽芜湖航空产业园", E.PARK), ("航空发动机维修基地项目", E.PROJECT)]
    got = triples(run("安徽芜湖航空产业园总投资20亿元的航空发动机维修基地项目正加快建设。", spec))
    assert not any(rel == "investsIn" for _s, rel, _o in got)


def test_relations_recipients_after_xiang_are_no_partners():
    spec = [("国家防总", E.GOVERNMENT_AGENCY), ("国家粮食和物资储备局", E.GOVERNMENT_AGENCY), ("河北", E.PLACE),
            ("天津", E.PLACE)]
    got = triples(run("国家防总会同国家粮食和物资储备局向河北、天津紧急调运防汛物资。", spec))
    assert got == {("国家防总", "cooperatesWith", "国家粮食和物资储备局")}


def test_relations_a_registry_body_is_no_unit_of_another_body_its_name_begins_with():
    spec = [("中国石油化工集团", E.ENTERPRISE), ("国务院新闻办公室", E.GOVERNMENT_AGENCY)]
    got = triples(run("中国石油化工集团党组把学习教育与编制发展规划结合起来。", spec))
    assert not any(rel == "subOrganizationOf" for _s, rel, _o in got)
    ties = run("国务院新闻办公室今天举行发布会。", spec)
    assert {(t.subject.text, t.relation.value, t.object.canonical) for t in ties} == {
        ("国务院新闻办公室", "subOrganizationOf", "国务院")}


def test_relations_a_place_between_two_places_is_in_neither():
    spec = [("资中", E.PLACE), ("成都", E.PLACE), ("重庆", E.PLACE), ("资中县", E.PLACE), ("四川省", E.PLACE)]
    assert not triples(run("资中地处成都和重庆两个大城市之间，近年来交通快速发展。", spec))
    assert triples(run("资中县位于四川省中部。", spec)) == {("资中县", "locatedIn", "四川省")}


def test_relations_its_directly_subordinate_unit_belongs_to_the_subject():
    spec = [("湖北省文化和旅游厅", E.GOVERNMENT_AGENCY), ("湖北艺术职业学院", E.UNIVERSITY),
            ("国家发展改革委", E.GOVERNMENT_AGENCY), ("中国宏观经济研究院", E.RESEARCH_INSTITUTE)]
    got = triples(run("湖北省文化和旅游厅使用财政资金，安排其直属事业单位湖北艺术职业学院定制推广歌曲。", spec))
    assert got == {("湖北艺术职业学院", "subOrganizationOf", "湖北省文化和旅游厅")}
    got = triples(run("国家发展改革委直属单位中国宏观经济研究院发布报告。", spec))
    assert got == {("中国宏观经济研究院", "subOrganizationOf", "国家发展改革委")}


def test_relations_bodies_named_together_as_the_subject_of_a_joint_act_cooperate():
    spec = [("财政部", E.GOVERNMENT_AGENCY), ("应急管理部", E.GOVERNMENT_AGENCY), ("北京", E.PLACE), ("天津", E.PLACE),
            ("中共中央", E.GOVERNMENT_AGENCY), ("国务院", E.GOVERNMENT_AGENCY)]
    got = triples(run("今天，财政部、应急管理部紧急预拨4000万元中央自然灾害救灾资金。", spec))
    assert got == {("财政部", "cooperatesWith", "应急管理部")}
    assert not triples(run("北京、天津紧急预拨资金。", spec))           # places: only an explicit joint verb
    assert not triples(run("中共中央、国务院印发《规划》。", spec))     # issuing a document is no cooperation


def test_relations_an_event_held_in_a_place_may_carry_its_session_number():
    spec = [("海南", E.PLACE), ("消博会", E.EVENT)]
    got = triples(run("正在海南举办的第三届消博会吸引了全球客商。", spec))
    assert got == {("消博会", "locatedIn", "海南")}


def test_relations_cohosts_written_before_de_take_part_in_the_event_after_it():
    spec = [("中央精神文明建设办公室", E.GOVERNMENT_AGENCY), ("中国文联", E.ORGANIZATION),
            ("“学雷锋·文明实践我行动”主题活动", E.EVENT), ("北京", E.PLACE)]
    got = triples(run("由中央精神文明建设办公室、中国文联等联合主办的“学雷锋·文明实践我行动”主题活动今天在北京启动。", spec))
    assert got == {("中央精神文明建设办公室", "cooperatesWith", "中国文联"),
                   ("中央精神文明建设办公室", "participatesIn", "“学雷锋·文明实践我行动”主题活动"),
                   ("中国文联", "participatesIn", "“学雷锋·文明实践我行动”主题活动"),
                   ("“学雷锋·文明实践我行动”主题活动", "locatedIn", "北京")}


def test_relations_tour_places_a_list_of_sites_that_sets_a_clause():
    text = "李希近日在江西调研。在江中药谷制造基地、江铜集团南昌高新产业园和三全食品公司，李希要求履行好监督专责。"
    spec = [("李希", E.PERSON), ("江西", E.PLACE), ("江中药谷制造基地", E.PROJECT),
            ("江铜集团南昌高新产业园", E.PARK), ("三全食品公司", E.ENTERPRISE)]
    got = triples(run(text, spec))
    assert {("江中药谷制造基地", "locatedIn", "江西"), ("三全食品公司", "locatedIn", "江西")} <= got
    # a list that does not close the clause is no setting of it
    got = triples(run("李希近日在江西调研。在江中药谷制造基地、三全食品公司等企业，李希要求履行好监督专责。", spec))
    assert not any(o == "江西" for _s, _r, o in got)


def test_relations_a_plant_or_project_named_after_its_company_is_its_investment():
    spec = [("江铃汽车集团有限公司", E.ENTERPRISE), ("江铃汽车集团有限公司富山工厂", E.PROJECT),
            ("鞍钢集团", E.ENTERPRISE), ("鞍钢集团新材料钢材项目", E.PROJECT)]
    got = triples(run("江铃汽车集团有限公司富山工厂投产。鞍钢集团新材料钢材项目开工。", spec))
    assert got == {("江铃汽车集团有限公司", "investsIn", "江铃汽车集团有限公司富山工厂"),
                   ("鞍钢集团", "investsIn", "鞍钢集团新材料钢材项目")}


def test_relations_a_registry_body_gets_no_owner_from_a_suffix_inside_its_name():
    spec = [("中国人民政治协商会议全国委员会", E.GOVERNMENT_AGENCY)]
    assert not triples(run("中国人民政治协商会议全国委员会召开会议。", spec))


def test_relations_an_actor_takes_part_in_a_platform():
    spec = [("清华大学", E.UNIVERSITY), ("京津冀国家技术创新中心", E.INNOVATION_PLATFORM)]
    got = triples(run("清华大学参与京津冀国家技术创新中心建设。", spec))
    assert got == {("清华大学", "participatesIn", "京津冀国家技术创新中心")}
