"""Tests of the validity check (kg.nlp.components.validity): spans that name no actor are no mentions.

Each junk sentence is paired with a sentence of the same shape whose span is a true name, so a check that
rejected everything (or nothing) fails one side.
"""

from __future__ import annotations

import pytest

from kg.nlp.ner import find_mentions, load_nlp
from kg.types import Article, CleanArticle


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def mention_texts(nlp, text: str) -> set[str]:
    article = CleanArticle(Article(id="t", text=text), text, tuple(range(len(text) + 1)))
    return {m.text for m in find_mentions(nlp, article)}


@pytest.mark.parametrize("text, junk", [
    ("近年来，我国不断完善重点实验室体系，强化基础研究。", "不断完善重点实验室"),     # opens with an adverb
    ("推动人才评价从看帽子、数论文、比项目，转向看能力。", "比项目"),                  # opens with a preposition
    ("要建设法治政府、廉洁政府、服务型政府。", "服务型政府"),                         # a 型 kind
    ("新年布新局，各地发挥企业创新主体作用。", "新年布新局"),                         # adjective + one-character head
    ("全国50万人口以上城市通达高铁，交通更加便利。", "50万人口以上城市通达高铁"),       # an amount
    ("全省新开工50个城市更新项目。", "城市更新项目"),                                 # quantified kind
    ("德州项目建设加快推进。", "德州项目"),                                             # a place + a descriptive head
    ("今年企业投资项目加快落地。", "企业投资项目"),                                      # a verb of the sentence
    ("近年来，东部省份6500多所医院、学校结对帮扶。", "6500多所医院"),                  # an approximate count
    ("湖南如何落实会议精神，在高质量发展上闯出新路子。", "落实会议"),                   # a verb before the head
    ("群众转移到临时安置点、县人民医院。", "县人民医院"),                               # a bare level word
    ("协调住建局、人社局、民政局等部门，打通堵点。", "民政局"),                          # one common word
    ("目前，吉林省已建成8处方舱医院。", "处方舱医院"),                                  # a count's classifier
    ("大会同期举行高层论坛和主题分论坛。", "主题分论坛"),                        # a kind of event
    ("以创新破局、实干筑基。", "创新破局"),                                               # verb + one-character head
    ("推动优化空间布局，加快数字中国布局。", "优化空间布局"),                              # 布局 is no bureau
    ("要正确处理政府和市场的关系。", "正确处理政府"),                                     # a rare compound verb
    ("建设全国一体化算力网络的关键枢纽。", "关键枢纽"),                                   # a kind word
    ("加快建设一批国家数据中心。", "数据中心"),
    ("北京各大市属公园联动推出游园活动。", "市属公园"),                                   # 各大: many parks
    ("城市人均公园绿地面积达到15.65平方米。", "人均公园"),                                 # a statistic
    ("秧盘正通过全自动高速播种流水线。", "全自动高速"),                                     # no expressway
    ("李强等人出席大会。", "人出席大会"),                                                   # a character, then a verb
    ("会议在京举行，赵乐际主持会议。", "主持会议"),                                         # a verb and its object
    ("34家中央企业与国家自然科学基金委设立企业联合基金超过120亿元。", "设立企业联合基金"),   # a known name, a verb
    ("应急管理部会同中国气象局联合会商。", "会同中国气象局联合会"),
    ("预计4月份一期生产线试运行。", "4月份一期生产线"),                                   # a month opens the span
    ("建设智慧工厂和草莓工厂。", "智慧工厂"),                                               # a plant of no company
    ("全国政协有关专门委员会负责人出席。", "有关专门委员会"),                               # 有关: a kind
    ("夫人彭丽媛邀请出席2025年上海合作组织峰会的外方领导人夫人参观。", "邀请出席2025年上海合作组织峰会"),
])
def test_validity_rejects_spans_that_name_no_actor(nlp, text, junk):
    found = mention_texts(nlp, text)
    assert not any(junk in m or m in junk and len(m) > 2 and not m.isascii() and m.endswith(junk[-2:])
                   for m in found), found


@pytest.mark.parametrize("text, name", [
    ("这里是西安交通大学的西迁博物馆，见证了交大西迁的历史。", "西迁博物馆"),          # 西 opens a name
    ("中哈（西安）商贸物流有限责任公司在西安国际港务区成立。", "中哈（西安）商贸物流有限责任公司"),
    ("鄂尔多斯建设的100万千瓦光伏治沙项目并网发电。", "100万千瓦光伏治沙项目"),         # a capacity is no count
    ("清华大学与比亚迪股份有限公司签署合作协议。", "比亚迪股份有限公司"),              # 比 opens a brand
    ("合肥市经济和信息化局发布通知。", "合肥市经济和信息化局"),
    ("中国电科38所与北京市民政局签署协议。", "中国电科38所"),                           # a number in a name
    ("中国电科38所与北京市民政局签署协议。", "北京市民政局"),                           # a body of a named place
    ("上海博物馆举办展览。", "上海博物馆"),
    ("流动服务，正是共同富裕示范区建设以来的新举措。", "共同富裕示范区"),                  # an adverb, then a name
    ("平陆运河青年枢纽一期工程开工。", "平陆运河青年枢纽一期工程"),                        # a phase before the head
    ("湖北省博物馆三期扩建工程完工。", "湖北省博物馆三期扩建工程"),
    ("米林水电站投产发电。", "米林水电站"),                                                 # a place + a works head
    ("内蒙古引绰济辽水利工程完工。", "内蒙古引绰济辽水利工程"),                           # one-character verb in a name
    ("永定河三家店引水枢纽完工。", "永定河三家店引水枢纽"),                               # a verb after its object
    ("福州市闽江干流防洪提升工程开工。", "福州市闽江干流防洪提升工程"),
    ("在当涂县，包子山提水工程正在抓紧进行。", "包子山提水工程"),                         # a hill, then a verb
    ("它将在合肥的骆岗公园里开展观光。", "骆岗公园"),
    ("京港澳高速车流平稳。", "京港澳高速"),
    ("近日，首班西部陆海新通道新能源车专列发往欧洲。", "西部陆海新通道"),                  # not 首班 + the name
    ("这里是西安交通大学的西迁博物馆。", "西迁博物馆"),                                     # 西 + a one-character verb
    ("北京启动生态文化周，普及生态文化。", "生态文化周"),                                   # a festival's plain name
    ("福建省重点工程——厦金大桥（厦门段）开始水上施工。", "厦金大桥（厦门段）"),             # a section in brackets
    ("在位于三亚的中国科学院深海所，宣讲人进行了宣讲。", "中国科学院深海所"),               # a registry short form
    ("总书记来到位于南宁的中国—东盟信息港股份有限公司。", "中国—东盟信息港股份有限公司"),   # two places, one dash
    ("进一步提升中国—东盟产业合作区承接产业转移能力。", "中国—东盟产业合作区"),
    ("雄安新区公共服务局组织招聘企业。", "雄安新区公共服务局"),                             # a park's bureau
    ("中央气象台发布暴雨预警。", "中央气象台"),                                             # a registry body
    ("由中央精神文明建设办公室主办的活动启动。", "中央精神文明建设办公室"),                   # level + function
    ("当地的“雷锋家乡学雷锋”志愿服务活动温暖人心。", "“雷锋家乡学雷锋”志愿服务活动"),       # a quoted name
    ("在江铃汽车集团有限公司富山工厂，工人忙碌。", "江铃汽车集团有限公司富山工厂"),         # a company's plant
    ("2022年全球投资促进大会在上海举行。", "2022年全球投资促进大会"),                       # 投资 in a name
])
def test_validity_keeps_names_of_the_same_shape(nlp, text, name):
    assert name in mention_texts(nlp, text)
