"""kg.ingest.clean on the five seed articles: boilerplate gone, body kept, simplified, offsets exact."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import opencc
import pytest

from kg.ingest import clean, explain, read_inputs
from kg.ingest.clean import load_t2s_extra
from kg.types import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_OPENCC = opencc.OpenCC("t2s")


class T2S:
    """OpenCC t2s plus the documented 1:1 extras (陜 -> 陕)."""

    @staticmethod
    def convert(text: str) -> str:
        return _OPENCC.convert(text).translate(load_t2s_extra())

# Strings that are on the page but are not the article (simplified, as clean text is).
ABSENT = {
    "000": [
        "免责声明", "更多>同类资讯", "推荐图文", "点击排行", "网站首页", "粤ICP备05102027号", "粤公网安备",
        "核心提示", "氢能科技 沙蓬绿色种养产业模式", "科技是第一生产力、人才是第一资源", "2023-07-18", "光明网",
    ],
    "001": [
        "当前位置", "首页 >", "admin8个月前", "勋章级别", "原标题", "摄影：刘琳", "校对", "返回搜狐", "临沂综合频道视频号",
        "葛毅明", "400 0123 021", "13391219793", "版权声明", "分享给朋友", "相关文章", "东方关爱公益基金会",
        "上海轨交15号线", "山东声澎湃", "济南起步区",
    ],
    "002": [
        "扫码阅读手机版", "2022-10-19 16:29:34", "来源", "责任编辑", "史艳泽", "电子报", "凡注有", "河北新闻网",
        "河北日报报业集团",
    ],
    "003": [
        "国产网友自拍", "日韩精品", "全部\n", "作者", "2024-10-21", "原标题", "来源：青岛日报社", "想爆料", "阳光连线",
        "[详细]", "大小新闻客户端", "建设银行烟台分行", "浮山全民健身中心", "艾梅乙", "版权所有", "All Rights Reserved",
        "鲁ICP备09062847号", "通讯地址", "技术支持", "對標", "園區",
    ],
    "004": [
        "首页>科技>资讯", "(yè)", "(zhǎng)", "(qū)", "?qǐng)", "/p>", "长(", "長治", "編輯", "编辑：鲁雅静", "关键词",
        "科技>资讯",
    ],
}

# Body sentences (or long parts of them) that must survive, as they read after cleaning.
PRESENT = {
    "000": [
        "以产业链布局创新链 打造京津冀科技成果转化承接基地\n",
        "德州天衢新区作为山东省委、省政府设立的四个省级新区之一",
        "德州市与有研集团正式牵手，合作建设集成电路生产基地。",
        "协同发展的根本是人心所向",
        "在天衢新区实施新材料技术转化基地项目",
        "挂牌共建京津冀国家技术创新中心德州产业创新中心",
        "“大力度融入京津冀”成为德州人民关注的“热词”。",
    ],
    "001": [
        "十大创新看德州创新赋能奏响科创强音高质量发展再造“通达之路”\n",
        "德州素有“九达天衢、神京门户”的美誉",
        "山东有研半导体材料有限公司8英寸半导体硅片项目的生产车间",
        "山东有研半导体材料有限公司自2019年从北京西城区迁至德州天衢新区后",
        "山东福洋生物科技股份有限公司是德州一家专注玉米精深加工的企业",
        "创新已成为德州蝶变的蕞强引擎。",
    ],
    "002": [
        "定州产学研合作让科技成果“落地生金”\n",
        "中科定洋农业集团有限公司、河北金牛原大药业有限公司、河北宝塔医疗器械有限公司等15家企业与相关院校签署产学研合作项目协议",
        "积极推进企业与中科院、清华大学、北京大学、天津大学、燕山大学等高等院校、科研院所深度合作",
        "依托北京旭阳科技有限公司、邢台河北省煤化工工程技术研究中心的资源优势",
        "今年以来，定州市实现技术合同交易额1.42亿元。",
    ],
    "003": [
        "对标“头部”园区 青岛怎样打造“科创高地”\n",
        "这是记者日前跟随青岛市科技局一行前往西安高新区调研时看到的场景。",
        "重庆高新区市场监督管理局与四川天府新区市场监督管理局签署合作协议",
        "位于西安高新区集贤产业园的天津鹏翎集团股份有限公司西安基地内",
        "(青岛日报/观海新闻记者 耿婷婷)",
        "总投资260亿元的甬江实验室正在打造世界级新材料创新策源地",
    ],
    "004": [
        "一业为主、多业并举 长治高新区构建产业发展新格局\n",
        "长治高新区企业获得国家知识产权局授权的有效专利共510项",
        "走进山西立讯精密工业有限公司(以下简称山西立讯)一层的车间",
        "中科潞安紫外光电科技有限公司(以下简称中科潞安)",
        "引进了武汉资环工研院的中极氢能产业生态基地",
        "全程负责，一跟到底。",
    ],
}

ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[Article, object]]:
    articles = [a for a in read_inputs([SEEDS]) if isinstance(a, Article)]
    assert len(articles) == 5
    return {a.id[:3]: (a, clean(a)) for a in articles}


def test_pins_cover_every_seed():
    assert sum(map(len, ABSENT.values())) >= 10 and sum(map(len, PRESENT.values())) >= 10
    assert all(len(ABSENT[k]) >= 5 and len(PRESENT[k]) >= 5 for k in ABSENT)


@pytest.mark.parametrize("seed", sorted(ABSENT))
def test_clean_seed_boilerplate_absent(seeds, seed):
    article, cleaned = seeds[seed]
    leftovers = [s for s in ABSENT[seed] if s in cleaned.text]
    assert not leftovers, f"{article.id}: boilerplate left in clean text: {leftovers}"


@pytest.mark.parametrize("seed", sorted(PRESENT))
def test_clean_seed_body_present(seeds, seed):
    article, cleaned = seeds[seed]
    missing = [s for s in PRESENT[seed] if s not in cleaned.text]
    assert not missing, f"{article.id}: body text lost: {missing}"


@pytest.mark.parametrize("seed", sorted(PRESENT))
def test_clean_seed_title_is_first_line_and_paragraphs_are_lines(seeds, seed):
    article, cleaned = seeds[seed]
    lines = cleaned.text.split("\n")
    assert lines[0] == PRESENT[seed][0].rstrip("\n")
    assert all(line and line == line.strip() for line in lines)  # no blank or padded lines
    assert "  " not in cleaned.text


@pytest.mark.parametrize("seed", ["003", "004"])
def test_clean_traditional_seeds_come_out_simplified(seeds, seed):
    article, cleaned = seeds[seed]
    text = cleaned.text
    assert T2S.convert(text) == text  # nothing left to convert
    assert "青岛" in text if seed == "003" else "长治高新区" in text
    if seed == "003":
        assert "陕西省的产业高地" in text and "陜" not in text
    for traditional in ("長治", "園區", "對標", "發展", "產業", "區"):
        assert traditional not in text
    assert "(zh" not in text and "ǎ" not in text and "è" not in text


def _matches(original_char: str, clean_char: str) -> bool:
    """The documented per-character transformations, and nothing else."""
    converted = T2S.convert(original_char)
    if clean_char in (converted, original_char):
        return True
    if unicodedata.normalize("NFKC", original_char) == clean_char:  # full-width -> half-width
        return True
    if ASCII_TO_CJK.get(original_char) == clean_char:
        return True
    return clean_char in " \n" and original_char.isspace()


@pytest.mark.parametrize("seed", sorted(PRESENT))
def test_clean_seed_offsets_map_every_char_back(seeds, seed):
    article, cleaned = seeds[seed]
    offsets = cleaned.offsets
    assert len(offsets) == len(cleaned.text) + 1
    assert offsets[-1] == len(article.text)
    assert all(a < b for a, b in zip(offsets, offsets[1:]))  # strictly increasing: no char invented
    bad = [
        (i, article.text[offsets[i]], ch)
        for i, ch in enumerate(cleaned.text)
        if not _matches(article.text[offsets[i]], ch)
    ]
    assert not bad, bad[:10]


@pytest.mark.parametrize("seed", sorted(PRESENT))
def test_clean_seed_random_spans_map_to_original_spans(seeds, seed):
    article, cleaned = seeds[seed]
    rng = random.Random(20240601 + int(seed))
    n = len(cleaned.text)
    for _ in range(300):
        start = rng.randrange(n)
        end = min(n, start + rng.randint(1, 40))
        o_start, o_end = cleaned.to_original(start, end)
        original = article.text[o_start:o_end]
        piece = cleaned.text[start:end]
        # the span's own characters, in order, are what the original span holds (plus removed noise)
        assert original.startswith(article.text[cleaned.offsets[start]])
        assert _matches(original[0], piece[0]) and _matches(original[-1], piece[-1])
        it = iter(original)
        assert all(any(_matches(o, c) for o in it) for c in piece), (piece, original)
        if "\n" not in piece and "(" not in original and "?" not in original:
            # no line joins or ruby inside: the original span converts to exactly the clean span
            assert T2S.convert(original).translate(_ASCII_TABLE) == piece.translate(_ASCII_TABLE)


_ASCII_TABLE = str.maketrans({v: k for k, v in ASCII_TO_CJK.items()})


def test_clean_seed_evidence_round_trip(seeds):
    """What the resolver does: a clean sentence span -> original offsets -> the original sentence."""
    article, cleaned = seeds["004"]
    sentence = "长治高新区企业获得国家知识产权局授权的有效专利共510项"
    start = cleaned.text.index(sentence)
    o_start, o_end = cleaned.to_original(start, start + len(sentence))
    original = article.text[o_start:o_end]
    assert original.startswith("長(zhǎng)治高新區(qū)企業")
    assert original.endswith("共510項(xiàng)") is False and original.endswith("共510項")


def test_explain_gives_a_reason_for_each_dropped_line(seeds):
    article, _ = seeds["003"]
    dropped = dict(explain(article))
    assert dropped["国产网友自拍".join(["成全免费高清完整版，", "，欧美日韩无砖专区一中文字，日韩精品 有码 无码 国产"])]
    assert any("更多" in reason or "after end of article" in reason for reason in dropped.values())


def test_clean_tail_rule_cannot_swallow_a_following_article(seeds):
    """All five pages glued into one text: each page's footer trigger (免责声明, 责任编辑…) must not
    drop the next page's body, because dropping stops at two consecutive plain body paragraphs."""
    glued = Article(id="glued", text="\n".join(seeds[k][0].text for k in sorted(seeds)))
    text = clean(glued).text
    for key in sorted(PRESENT):
        missing = [s for s in PRESENT[key][2:] if s not in text]
        assert not missing, (key, missing)
