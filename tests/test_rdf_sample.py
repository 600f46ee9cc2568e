"""Hand-built Extractions used by the RDF tests (no NLP involved), and checks that they are self-consistent."""

from __future__ import annotations

from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie, TieStatus

E = EntityClass
YOUYAN = Entity("有研集团", "有研集团", E.ENTERPRISE, frozenset({"有研科技集团"}), "110102")
YOUYAN_SEMI = Entity("山东有研半导体材料有限公司", "山东有研半导体材料有限公司", E.ENTERPRISE,
                     frozenset({"有研半导体"}), "371400")
TIANQU = Entity("德州天衢新区", "德州天衢新区", E.PARK, frozenset({"天衢新区"}), "371400")
TSINGHUA = Entity("清华大学", "清华大学", E.UNIVERSITY, frozenset(), "110108")
XIONGAN = Entity("雄安新区管委会", "雄安新区管理委员会", E.GOVERNMENT_AGENCY, frozenset({"雄安新区管委会"}), "133100")
XIAN = Entity("西安", "西安", E.PLACE, frozenset(), "610100")
ZHANG = Entity("张三", "张三", E.PERSON)
SMEE = Entity("上海微电子装备有限公司", "上海微电子装备有限公司", E.ENTERPRISE, frozenset({"上海微电子"}), "310115")
ALLIANCE = Entity("半导体产业联盟", "半导体产业联盟", E.ORGANIZATION)  # no region: a SHACL warning, not a violation

EXTRACTOR = "kg.relations.trigger.v1"


def _tie(article: Article, sentence: str, subject: Entity, relation: Relation, obj: Entity, *,
         status: TieStatus = TieStatus.REPORTED, confidence: float = 0.9, trigger: str | None = None,
         date: str | None = None, attrs: dict | None = None) -> Tie:
    start = article.text.index(sentence)
    evidence = Evidence(article.id, sentence, start, start + len(sentence), date or article.date, confidence,
                        EXTRACTOR, trigger)
    return Tie(subject, relation, obj, evidence, status, attrs or {})


def article_one(text_suffix: str = "") -> Extraction:
    """a1: 天衢新区 cooperates with 有研集团; 有研半导体 located in 天衢新区; 有研集团 transfers technology to 有研半导体."""
    text = ("德州天衢新区与有研集团签署战略合作协议。山东有研半导体材料有限公司落户德州天衢新区。"
            "有研集团将半导体技术转移给山东有研半导体材料有限公司。" + text_suffix)
    article = Article("a1", text, title="有研半导体落户德州", date="2023-07-18", source="光明网",
                      url="https://example.org/news/a1.html", path="seeds/a1.txt", encoding="utf-8")
    ties = (
        _tie(article, "德州天衢新区与有研集团签署战略合作协议。", TIANQU, Relation.COOPERATES_WITH, YOUYAN, trigger="合作"),
        _tie(article, "山东有研半导体材料有限公司落户德州天衢新区。", YOUYAN_SEMI, Relation.LOCATED_IN, TIANQU,
             trigger="落户", confidence=0.8),
        _tie(article, "有研集团将半导体技术转移给山东有研半导体材料有限公司。", YOUYAN,
             Relation.TRANSFERS_TECHNOLOGY_TO, YOUYAN_SEMI, trigger="转移", date="2018-01-01"),
    )
    return Extraction(article, (YOUYAN, YOUYAN_SEMI, TIANQU), ties)


def article_two() -> Extraction:
    """a2: planned cooperation 清华-雄安, a negated relocation to 西安, a position held by 张三, an alliance."""
    text = "清华大学将与雄安新区管理委员会合作共建研究院。有研集团并未迁往西安。张三担任有研集团总工程师。半导体产业联盟成立。"
    article = Article("a2", text, title="雄安动态", date="2024-03-01", source="新华网")
    ties = (
        _tie(article, "清华大学将与雄安新区管理委员会合作共建研究院。", TSINGHUA, Relation.COOPERATES_WITH, XIONGAN,
             status=TieStatus.PLANNED, trigger="合作", confidence=0.7),
        _tie(article, "有研集团并未迁往西安。", YOUYAN, Relation.RELOCATED_TO, XIAN, status=TieStatus.NEGATED,
             trigger="迁往"),
        _tie(article, "张三担任有研集团总工程师。", ZHANG, Relation.HOLDS_POSITION, YOUYAN, trigger="担任",
             attrs={"position": "总工程师"}),
    )
    return Extraction(article, (TSINGHUA, XIONGAN, XIAN, ZHANG, YOUYAN, ALLIANCE), ties)


def article_three() -> Extraction:
    """a3 (no date, no title): 有研集团 transfers technology to 上海微电子 (京津冀 -> 长三角) and cooperates with 天衢新区 again."""
    text = "有研集团向上海微电子装备有限公司转让光刻材料技术。有研集团与天衢新区深化合作。"
    article = Article("a3", text)
    ties = (
        _tie(article, "有研集团向上海微电子装备有限公司转让光刻材料技术。", YOUYAN, Relation.TRANSFERS_TECHNOLOGY_TO,
             SMEE, trigger="转让"),
        _tie(article, "有研集团与天衢新区深化合作。", YOUYAN, Relation.COOPERATES_WITH, TIANQU, trigger="合作"),
    )
    return Extraction(article, (YOUYAN, SMEE, TIANQU), ties)


def sample_extractions() -> list[Extraction]:
    """The three sample articles."""
    return [article_one(), article_two(), article_three()]


def test_rdf_sample_evidence_offsets_index_the_original_text():
    for extraction in sample_extractions():
        for tie in extraction.ties:
            ev = tie.evidence
            assert extraction.article.text[ev.start:ev.end] == ev.sentence
            assert ev.article_id == extraction.article.id
