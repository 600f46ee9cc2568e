"""kg.ingest.clean on synthetic pages and arbitrary text: generic cues, rules file, offsets invariants."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest.clean import clean, explain, load_boilerplate_rules
from kg.types import Article

T2S = opencc.OpenCC("t2s")

BODY = [
    "近日，青岛市科技局与西安高新区签署合作协议，双方将共建科技成果转化平台。",
    "据介绍，该平台将服务区内300余家高新技术企业，推动产学研深度融合。",
    "下一步，双方还将在人才培养、技术攻关等方面开展更多合作。",
]


def _invariants(article: Article, cleaned) -> None:
    offsets = cleaned.offsets
    assert len(offsets) == len(cleaned.text) + 1
    assert offsets[-1] == len(article.text)
    assert all(0 <= o <= len(article.text) for o in offsets)
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))
    assert all(o < len(article.text) for o in offsets[:-1])


def test_clean_drops_more_news_list_by_generic_cues_only():
    """No rule word anywhere: the list is recognised by headline + teaser '...' / [详细] + source-date lines."""
    tail = [
        "山东大学推出校友终身学习平台",
        "10月19日，山东大学召开首届全球校友大会，来自不同年级的海内外校友齐聚母校...[详细]",
        "齐鲁晚报 2024-10-21",
        "企业故事：海信竞逐世界一流",
        "近日，位于香港东路88号的海信集团新全球总部迎来了一批特殊的客人...",
        "青岛新闻网 2024-10-21",
    ]
    text = "\n".join(["园区合作再上新台阶", *BODY, "", *tail])
    cleaned = clean(Article(id="t", text=text))
    assert cleaned.text.split("\n") == ["园区合作再上新台阶", *BODY]
    _invariants(Article(id="t", text=text), cleaned)


def test_clean_drops_repeated_headline_teasers():
    tail = [
        "太阳能德州小镇科技园区处处体现新元素",
        "太阳能德州小镇科技园区处处体现新元素",
        "7月9日上午，随着一声鸣笛，2018中国国际太阳能十项全能竞赛搭建开工仪式举行，来自全球9个国家的...",
        "济南起步区联姻德州临邑推动一体化发展",
        "济南起步区联姻德州临邑推动一体化发展",
        "3月7日上午，临邑县委副书记、县长崔磊带队到济南起步区对接沟通相关工作...",
    ]
    cleaned = clean(Article(id="t", text="\n".join([*BODY, *tail])))
    assert cleaned.text.split("\n") == BODY


def test_clean_keeps_a_short_last_line_without_teaser_cues():
    """Conservative: a short closing line is kept unless a teaser list follows."""
    text = "\n".join([*BODY, "(完)"])
    assert clean(Article(id="t", text=text)).text.endswith("(完)")
    text = "\n".join([*BODY, "天衢新区项目巡礼", "德州人才创新园"])
    assert clean(Article(id="t", text=text)).text.endswith("德州人才创新园")


def test_clean_tail_rule_needs_body_above_it():
    """A 'related articles' header before any body sentence drops only its own line."""
    text = "\n".join(["相关文章", *BODY])
    assert clean(Article(id="t", text=text)).text.split("\n") == BODY
    text = "\n".join([*BODY, "相关文章", "另一篇文章的标题", "第二篇文章的标题"])
    assert clean(Article(id="t", text=text)).text.split("\n") == BODY


def test_clean_header_junk_kept_when_it_reads_like_body():
    """Lines above the title are dropped only when none of them is a body sentence."""
    text = "\n".join([BODY[0], "园区合作再上新台阶", "2023-07-18 光明网", BODY[1]])
    cleaned = clean(Article(id="t", text=text, title="园区合作再上新台阶"))
    assert BODY[0] in cleaned.text and BODY[1] in cleaned.text
    assert "光明网" not in cleaned.text


def test_clean_normalises_width_punctuation_entities_and_markup():
    text = "德州市ＡＩ产业园２０２３年产值增长１２％&nbsp;，企业<b>超过</b>50家,合作&amp;共赢。\u3000\u200b下一步?/p>"
    cleaned = clean(Article(id="t", text=text))
    assert cleaned.text == "德州市AI产业园2023年产值增长12% ，企业超过50家，合作&共赢。 下一步"
    # full-width Chinese punctuation is kept; ASCII between Han becomes full-width; digits keep ASCII
    assert clean(Article(id="t", text="时间16:29，共1,000家！好吗？")).text == "时间16:29，共1,000家！好吗？"
    _invariants(Article(id="t", text=text), cleaned)
    i = cleaned.text.index("&")
    assert text[cleaned.offsets[i]:cleaned.offsets[i] + 5] == "&amp;"


def test_clean_strips_ruby_and_converts_to_simplified():
    text = "長(zhǎng)治高新區(qū)企業(yè)獲得國(guó)家知識產(chǎn)權局授權的有效專利。"
    cleaned = clean(Article(id="t", text=text))
    assert cleaned.text == "长治高新区企业获得国家知识产权局授权的有效专利。"
    for i, ch in enumerate(cleaned.text):
        assert T2S.convert(text[cleaned.offsets[i]]) == ch
    # a lone parenthesised word after Han is not ruby
    assert clean(Article(id="t", text="公司推出应用(app)和小程序。")).text == "公司推出应用(app)和小程序。"


def test_clean_line_breaks_of_all_kinds():
    text = "第一段。\r\n第二段。\r第三段。\u2028第四段。"
    assert clean(Article(id="t", text=text)).text == "第一段。\n第二段。\n第三段。\n第四段。"


def test_clean_empty_and_all_boilerplate():
    for text in ["", "   \n\n", "责任编辑：张三\n版权所有 © 某网"]:
        article = Article(id="t", text=text)
        cleaned = clean(article)
        assert cleaned.text == ""
        assert cleaned.offsets == (len(text),)


def test_explain_names_the_rule_reason():
    article = Article(id="t", text="\n".join([*BODY, "粤ICP备05102027号"]))
    assert explain(article) == [("粤ICP备05102027号", "ICP / licence numbers")]


def test_t2s_extra_table_and_its_errors(tmp_path):
    from kg.ingest.clean import load_t2s_extra

    assert load_t2s_extra()[ord("陜")] == "陕"
    bad = tmp_path / "extra.tsv"
    bad.write_text("from\tto\tnote\n著\t着了\tno\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"extra\.tsv:2: expected one character"):
        load_t2s_extra(bad)


def test_rules_file_is_loaded_once_and_bad_rules_name_file_and_line(tmp_path):
    assert load_boilerplate_rules() is load_boilerplate_rules()
    assert {r.scope for r in load_boilerplate_rules()} == {"span", "line", "head", "tail"}
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\nscope\tpattern\treason\nline\t(unclosed\tbroken\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:3: invalid regular expression"):
        load_boilerplate_rules(bad)
    bad.write_text("middle\tx\ty\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:1: unknown scope 'middle'"):
        load_boilerplate_rules(bad)
    custom = tmp_path / "custom.tsv"
    custom.write_text("line\t^广告\tadvert\n", encoding="utf-8")
    text = "\n".join([BODY[0], "广告：招商热线", BODY[1]])
    assert clean(Article(id="t", text=text), rules_path=custom).text == "\n".join(BODY[:2])


_NOISY = st.sampled_from(
    list("德州長治區园。，、“”《》？！：；（）ＡＢ１２　 \t\n\r\u2028\ufeff\u200b\x00\ufffd?/<>&;#")
    + ["(zhǎng)", "(yè)", "&nbsp;", "&amp;", "&#20013;", "<p>", "</p>", "?/p>", "責任編輯:", "相关文章\n",
       "...[詳細]\n", "首頁>科技\n", "2024-10-21 09:59:10\n", "來源:青島新聞網\n", "\ud800", "𠀋"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_clean_never_raises_on_arbitrary_unicode(text):
    article = Article(id="h", text=text)
    _invariants(article, clean(article))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NOISY, max_size=60).map("".join), st.one_of(st.none(), st.text(max_size=20)))
def test_clean_offsets_monotone_on_page_like_noise(text, title):
    article = Article(id="h", text=text, title=title)
    cleaned = clean(article)
    _invariants(article, cleaned)
    for i, ch in enumerate(cleaned.text):
        original = text[cleaned.offsets[i]]
        if ch == "\n":
            assert original in "\n\r\u2028"
        elif original != "&":  # entities map to their '&'
            assert ch == " " or T2S.convert(original) in (ch, original) or ord(original) >= 0xFF00 or original in ",;:!?"


def test_clean_body_line_starting_with_a_date_is_not_header():
    lines = ["德州加快建设创新型城市", "营商环境", "2022年1月1日，《德州市优化营商环境条例》正式实施，成为全省第二个就优化营商环境专门立法的城市。"]
    assert clean(Article(id="t", text="\n".join(lines))).text.split("\n") == lines
