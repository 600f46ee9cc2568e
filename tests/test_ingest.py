"""kg.ingest.read_inputs: formats, encodings, bad inputs (each a Problem, never a crash), metadata, ids."""

from __future__ import annotations

import codecs
import json
import os
import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import clean, clean_file, read_inputs
from kg.ingest.readers import MAX_ARTICLE_CHARS, MAX_FILE_BYTES
from kg.types import Article, Problem

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAGE = ROOT / "tests" / "data" / "ingest" / "page.html"

SIMPLIFIED = "德州天衢新区作为山东省委、省政府设立的四个省级新区之一，承载着打造对接京津冀协同发展先行区的功能定位。\n有研集团在天衢新区实施新材料技术转化基地项目。\n"
TRADITIONAL = "長治高新區企業獲得國家知識產權局授權的有效專利共510項，企業研發水平快速提高。\n山西立訊行政課組長黃錦鵬介紹，這個車間生產的是他們自主知識產權的第二代連接器。\n"


def _png_bytes() -> bytes:
    """A real 1x1 PNG: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def _read(*paths, **kwargs) -> list[Article | Problem]:
    return list(read_inputs([*paths], **kwargs))


def _one(path, **kwargs):
    items = _read(path, **kwargs)
    assert len(items) == 1, items
    return items[0]


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "name, data, text, encoding",
    [
        ("gbk.txt", SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
        ("gb18030.txt", SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        ("big5.txt", TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        ("utf16.txt", SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf_16"),  # Python writes a BOM
        ("utf16be.txt", codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf_16"),
        ("bom.txt", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf_8_sig"),
        ("plain.txt", TRADITIONAL.encode("utf-8"), TRADITIONAL, "utf_8"),
    ],
)
def test_read_detects_encoding_and_decodes_chinese(tmp_path, name, data, text, encoding):
    path = tmp_path / name
    path.write_bytes(data)
    article = _one(path)
    assert isinstance(article, Article), article
    assert article.text == text
    assert article.encoding.replace("-", "_").lower() in (encoding, "cp950" if encoding == "big5" else encoding)
    assert article.id == path.stem and article.path == str(path)


def test_read_gbk_html_page_decodes(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(f"<html><body><p>{SIMPLIFIED}</p></body></html>".encode("gbk"))
    article = _one(path)
    assert isinstance(article, Article)
    assert "有研集团在天衢新区实施新材料技术转化基地项目。" in article.text


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty article"),
        ("blank.txt", b" \n\t\r\n\xe3\x80\x80\n", "empty article"),
        ("image.txt", _png_bytes(), "binary file (PNG image)"),
        ("nul.txt", b"abc\x00\x01\x02" * 50, "NUL bytes"),
        ("mojibake.txt", SIMPLIFIED.encode("utf-8").decode("latin-1").encode("utf-8"), "not plausible"),
        ("replacement.txt", ("\ufffd" * 200 + "ok").encode("utf-8"), "replacement characters"),
        ("bad-bom.txt", codecs.BOM_UTF8 + b"\xff\xfe\xfd abc", "invalid utf_8_sig after its byte-order mark"),
        ("empty.html", b"<html><head><title>x</title><script>var a = 1;</script></head><body> </body></html>", "empty article"),
        ("notes.md", SIMPLIFIED.encode(), "unsupported file type '.md'"),
    ],
)
def test_read_bad_file_is_a_problem(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    problem = _one(path)
    assert isinstance(problem, Problem), problem
    assert problem.path == str(path)
    assert reason in problem.reason
    assert str(path) in str(problem)


def test_read_missing_path_and_glob_without_match(tmp_path):
    missing, no_match = _read(tmp_path / "nope.txt", str(tmp_path / "*.jsonl"))
    assert isinstance(missing, Problem) and missing.reason == "no such file or directory"
    assert isinstance(no_match, Problem) and "no file matches" in no_match.reason


def test_read_glob_is_sorted_and_recursive(tmp_path):
    for name in ["b.txt", "a.txt", "sub/c.txt"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(SIMPLIFIED, encoding="utf-8")
    assert [a.id for a in _read(str(tmp_path / "**" / "*.txt"))] == ["a", "b", "c"]


def test_read_enormous_single_line_file_is_a_problem(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (MAX_ARTICLE_CHARS + 1))
    problem = _one(path)
    assert isinstance(problem, Problem) and problem.reason.startswith("too large")
    over = tmp_path / "over.html"
    with open(over, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse file: never read whole
    problem = _one(over)
    assert isinstance(problem, Problem) and "too large" in problem.reason


def test_read_enormous_jsonl_line_bounded_memory_and_other_lines_read(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as handle:
        handle.write(json.dumps({"id": "a", "text": SIMPLIFIED}, ensure_ascii=False).encode() + b"\n")
        handle.write(b'{"id": "huge", "text": "' + b"x" * (MAX_FILE_BYTES + 5_000_000) + b'"}\n')
        handle.write(json.dumps({"id": "c", "text": TRADITIONAL}, ensure_ascii=False).encode() + b"\n")
    tracemalloc.start()
    items = _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["Article", "Problem", "Article"]
    assert items[1].line == 2 and "too large" in items[1].reason
    assert [items[0].id, items[2].id] == ["a", "c"]
    assert peak < 2.5 * MAX_FILE_BYTES  # one bounded line buffer, not the 25 MB line plus copies


def test_read_jsonl_bad_lines_are_problems_with_line_numbers(tmp_path):
    good = {"id": "g1", "title": "标题", "date": "2023年7月18日", "source": "光明网", "url": "https://x.org/1",
            "text": SIMPLIFIED, "lang": "zh", "tags": ["a"]}
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"id": "t1", "text": "德州天衢新区作为山东省',  # truncated
        json.dumps({"id": "m1", "title": "no text"}),
        json.dumps({"id": "w1", "text": 12345}),
        json.dumps({"id": "w2", "text": SIMPLIFIED, "title": ["not", "a", "string"]}),
        json.dumps({"id": "e1", "text": "   "}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": 7, "text": TRADITIONAL}, ensure_ascii=False),
        json.dumps({"text": SIMPLIFIED}, ensure_ascii=False),
        json.dumps({"id": True, "text": SIMPLIFIED}, ensure_ascii=False),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _read(path)
    articles = [i for i in items if isinstance(i, Article)]
    problems = {p.line: p.reason for p in items if isinstance(p, Problem)}
    assert [a.id for a in articles] == ["g1", "7", articles[2].id]
    first = articles[0]
    assert (first.title, first.date, first.source, first.url) == ("标题", "2023-07-18", "光明网", "https://x.org/1")
    assert first.meta == {"lang": "zh", "tags": ["a"]} and first.path == f"{path}:1"
    assert articles[1].path == f"{path}:9"
    assert articles[2].id.startswith("batch-") and len(articles[2].id) == len("batch-") + 12
    assert articles[2].id == _read(path)[-2].id  # derived id is stable
    assert problems[2].startswith("broken JSON")
    assert problems[3] == "missing 'text' field"
    assert problems[4] == "'text' must be a string, got int"
    assert problems[5] == "'title' must be a string, got list"
    assert problems[6] == "empty article (no text)"
    assert problems[7] == "expected a JSON object, got list"
    assert "'id' must be a string or integer" in problems[11]
    assert len(articles) + len(problems) == len([line for line in lines if line])


def test_read_jsonl_not_utf8_line(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"id": "x", "text": SIMPLIFIED}, ensure_ascii=False).encode("gbk") + b"\n")
    problem = _one(path)
    assert isinstance(problem, Problem) and problem.line == 1 and "not UTF-8" in problem.reason


# ----------------------------------------------------------------------------- HTML


def test_read_html_visible_text_and_metadata():
    article = _one(PAGE)
    assert isinstance(article, Article)
    for hidden in ("SCRIPT_TEXT", "NAV_TEXT", "NOSCRIPT_TEXT", "FOOTER_TEXT", "font:", "tracker", "<p>", "&gt;"):
        assert hidden not in article.text
    assert article.title == "定州产学研合作让科技成果“落地生金”"
    assert article.date == "2022-10-19"
    assert article.source == "定州日报"
    assert article.url == "https://example.org/dz/2022-10/19/content_1.htm"
    lines = article.text.split("\n")
    assert "当前位置:首页 > 定州 > 正文" in lines  # entities decoded
    assert "今年以来，定州市实现技术合同交易额1.42亿元。" in lines  # paragraphs are lines
    assert "新的一行在同一段里。" in lines  # <br> breaks a line
    cleaned = clean(article)
    assert cleaned.text.split("\n")[0] == "定州产学研合作让科技成果“落地生金”"
    assert "当前位置" not in cleaned.text and "责任编辑" not in cleaned.text and "来源" not in cleaned.text
    assert "河北旭阳能源有限公司采用产学研结合的方式" in cleaned.text


def test_read_html_script_only_inline(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        "<p>正文第一段。</p><script>alert('隐藏脚本')</script><style>p{}</style><p>正文第二段。</p>", encoding="utf-8"
    )
    article = _one(path)
    assert article.text == "正文第一段。\n正文第二段。"


# ----------------------------------------------------------------------------- files and directories


def test_read_directory_mixing_everything(tmp_path):
    root = tmp_path / "mixed"
    (root / "sub" / "deeper").mkdir(parents=True)
    files = {
        "a_gbk.txt": SIMPLIFIED.encode("gbk"),
        "b_big5.txt": TRADITIONAL.encode("big5"),
        "c_utf16.txt": SIMPLIFIED.encode("utf-16"),
        "d_empty.txt": b"",
        "e_blank.txt": b"  \n \n",
        "f_image.txt": _png_bytes(),
        "g_page.html": b"<p>\xe6\xad\xa3\xe6\x96\x87\xe3\x80\x82</p><script>x()</script>",
        "sub/h_batch.jsonl": (json.dumps({"id": "j1", "text": SIMPLIFIED}, ensure_ascii=False) + "\n{broken\n"
                              + json.dumps({"id": "j3", "text": 5}) + "\n").encode(),
        "sub/deeper/i_huge.txt": b"b" * (MAX_ARTICLE_CHARS + 10),
        "sub/j_nul.htm": b"\x00\x00\x00",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    (root / "README.md").write_text("not an input", encoding="utf-8")  # skipped inside a directory
    (root / ".hidden.txt").write_text(SIMPLIFIED, encoding="utf-8")  # hidden: skipped
    items = _read(root)
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, Problem)]
    inputs = len(files) - 1 + 3  # the JSONL file holds three records
    assert len(articles) + len(problems) == inputs
    assert [a.id for a in articles] == ["a_gbk", "b_big5", "c_utf16", "g_page", "j1"]
    assert articles[0].text == SIMPLIFIED and articles[1].text == TRADITIONAL and articles[2].text == SIMPLIFIED
    assert len(problems) == 7
    # deterministic: entries in sorted name order, a directory read where its name sorts (sub/deeper first)
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("d_empty.txt", None), ("e_blank.txt", None), ("f_image.txt", None), ("i_huge.txt", None),
        ("h_batch.jsonl", 2), ("h_batch.jsonl", 3), ("j_nul.htm", None),
    ]
    assert items == _read(root)  # same order every time


def test_read_same_file_twice_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text(SIMPLIFIED, encoding="utf-8")
    assert len(_read(tmp_path, tmp_path / "a.txt", str(tmp_path / "*.txt"))) == 1


def test_read_symlink_loops_are_problems(tmp_path):
    root = tmp_path / "d"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(SIMPLIFIED, encoding="utf-8")
    os.symlink(root, root / "sub" / "back")  # directory loop
    os.symlink(root / "self.txt", root / "self.txt")  # file symlink to itself
    os.symlink(root / "gone.txt", root / "dangling.txt")
    items = _read(root)
    reasons = sorted(p.reason for p in items if isinstance(p, Problem))
    assert [a.id for a in items if isinstance(a, Article)] == ["a"]
    assert any("loop" in r for r in reasons) and len(reasons) == 3
    assert any("broken symbolic link" in r for r in reasons)
    assert isinstance(_one(root / "self.txt"), Problem)


def test_read_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    problem = _one(fifo)  # must not block
    assert isinstance(problem, Problem) and problem.reason == "not a regular file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_read_unreadable_file_and_directory(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(SIMPLIFIED, encoding="utf-8")
    locked.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0)
    try:
        problems = _read(locked, closed)
        assert [p.reason for p in problems] == ["permission denied", "cannot list directory: permission denied"]
    finally:
        locked.chmod(0o600)
        closed.chmod(0o700)


# ----------------------------------------------------------------------------- seeds


def test_read_seed_metadata():
    articles = {a.id[:3]: a for a in _read(SEEDS) if isinstance(a, Article)}
    assert sorted(articles) == ["000", "001", "002", "003", "004"]
    assert articles["000"].id == "000_f8f169bc42fa4364"
    assert articles["000"].path == str(SEEDS / "000_f8f169bc42fa4364.txt")
    expected = {
        "000": ("2023-07-18", "光明网", "以产业链布局创新链 打造京津冀科技成果转化承接基地"),
        "001": (None, None, "十大创新看德州创新赋能奏响科创强音高质量发展再造“通达之路”"),
        "002": ("2022-10-19", "定州日报", "定州产学研合作让科技成果“落地生金”"),
        "003": ("2024-10-21", "青島新聞網", "對標“頭部”園區 青島怎樣打造“科創高地”"),  # as written on the page
        "004": (None, None, "一業為主、多業并舉 長治高新區構建產業發展新格局"),  # ruby noise removed
    }
    for key, (date, source, title) in expected.items():
        article = articles[key]
        assert (article.date, article.source, article.title) == (date, source, title), key
        assert article.encoding == "utf_8"
        assert article.text == (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8")


def test_clean_file_helper(tmp_path):
    cleaned = clean_file(SEEDS / "004_4f9f2cb257c74665.txt")
    assert cleaned.text.startswith("一业为主、多业并举 长治高新区构建产业发展新格局\n")
    path = tmp_path / "x.jsonl"
    path.write_text("{bad\n" + json.dumps({"id": "k", "text": TRADITIONAL}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert clean_file(path).article.id == "k"
    with pytest.raises(ValueError, match="empty article"):
        (tmp_path / "e.txt").write_text("")
        clean_file(tmp_path / "e.txt")


def test_read_permission_errors_become_problems(tmp_path, monkeypatch):
    """Same as above but works as root too: the OS refusal is simulated."""
    import kg.ingest.readers as readers

    (tmp_path / "a.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "dir").mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "open", refuse, raising=False)
    monkeypatch.setattr(readers.os, "scandir", refuse)
    problems = _read(tmp_path / "a.txt", tmp_path / "dir")
    assert [(type(p).__name__, p.reason) for p in problems] == [
        ("Problem", "permission denied"),
        ("Problem", "cannot list directory: permission denied"),
    ]


def test_read_html_declared_charset_is_used(tmp_path):
    """A short GBK page that byte statistics alone could mistake for Big5: its <meta charset> decides."""
    path = tmp_path / "short.html"
    path.write_bytes('<html><head><meta charset="gb2312"></head><body><p>中文</p></body></html>'.encode("gbk"))
    article = _one(path)
    assert article.text == "中文" and article.encoding == "gb18030"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".jsonl"]))
def test_read_arbitrary_bytes_never_raise(tmp_path, data, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    items = _read(path)
    assert all(isinstance(i, (Article, Problem)) for i in items)
    if suffix != ".jsonl":
        assert len(items) == 1
    for item in items:
        if isinstance(item, Article):
            assert item.text.strip() and item.id == "any" or suffix == ".jsonl"
            clean(item)  # whatever was read can be cleaned


def test_count_inputs_counts_what_read_inputs_will_try(tmp_path):
    from kg.ingest import count_inputs

    (tmp_path / "a.txt").write_text("德州市与有研集团合作。", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>定州市</p>", encoding="utf-8")
    (tmp_path / "README.md").write_text("not an article", encoding="utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": "青岛高新区。"}, ensure_ascii=False) for i in range(3)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines[:2]) + "\n\n" + lines[2] + "\n{broken\n", encoding="utf-8")
    paths = [tmp_path, tmp_path / "a.txt", tmp_path / "missing.txt"]
    # 2 files + 4 non-blank JSONL lines (the broken one is read and reported); a.txt given twice counts once
    assert count_inputs(paths) == 6
    items = list(read_inputs(paths))
    assert sum(not isinstance(i, Problem) for i in items) == 5
    assert count_inputs([tmp_path / "missing.txt"]) == 0
