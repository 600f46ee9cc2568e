"""Catalogue of bad inputs (issue #10): each kind through ``kg.pipeline.build``, the ``kg build`` CLI and the API.

Every kind writes its fixture into ``tmp_path`` and states exactly what must happen: how many
articles are built / fail, and which problems (file, JSONL line, words of the reason) are reported.
Shared invariants checked for every kind:

* the build never raises, and ``read == built + unchanged + failed`` (``report.accounted``);
* nothing is silently dropped: every input file ends as an article (built or failed with a
  problem naming it) or as a problem naming it;
* the store opens afterwards and holds exactly the built articles.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.pipeline import build
from kg.rdf import KGStore
from kg.types import Problem
from tests.test_reliability_support import problem_where

S = "德州天衢新区与有研集团合作建设集成电路生产基地，推动科技成果转化。\n清华大学与定州市签署产学研合作协议。\n"
T = "長治高新區企業獲得國家知識產權局授權的有效專利共510項。\n山西立訊精密工業有限公司與長治高新區合作建設生產線。\n"
JA = "東京大学とトヨタ自動車は共同研究を開始した。日本の技術革新について報告する。\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _gzip() -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
        handle.write(S.encode("utf-8"))
    return buffer.getvalue()


def _elf() -> bytes:
    # a 64-bit little-endian ELF header followed by zero padding (as in any executable)
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 62, 1) + b"\x00" * 200


def _jsonl(*records) -> bytes:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- the catalogue


@dataclass
class Kind:
    """One kind of bad input: files to write, and what the build must do with them."""

    name: str
    files: Callable[[Path], None]
    built: int
    problems: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file name, line, regex on reason)
    failed: int = 0
    check: Callable[[KGStore, object], None] | None = None
    extra_paths: Callable[[Path], list] | None = None  # paths passed besides the folder


def _write(**named: bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        for name, data in named.items():
            (folder / name).write_bytes(data)

    return make


def _labels(store: KGStore) -> set[str]:
    return {r["l"] for r in store.select("SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}


def _expect_labels(*names: str):
    def check(store: KGStore, report) -> None:
        labels = _labels(store)
        assert any(n in labels for n in names), (names, sorted(labels))

    return check


def _check_dates(store: KGStore, report) -> None:
    rows = store.select(
        "SELECT ?a ?d WHERE { ?a a <https://w3id.org/kg-innovation/ontology#Article> . "
        "OPTIONAL { ?a <http://purl.org/dc/terms/date> ?d } }")
    dates = {r["a"].rsplit("/", 1)[-1]: r["d"] for r in rows}
    assert str(dates["cn"]) == "2023-07-18" and str(dates["slash"]) == "2023-07-18"
    for odd in ("dmy", "han", "feb30", "y5"):  # not understood: stored without a date, never a bad literal
        assert dates[odd] is None, (odd, dates[odd])


def _check_long_name(store: KGStore, report) -> None:
    lengths = [len(label) for label in _labels(store)]
    assert lengths and max(lengths) <= 100_000 + 10


def _check_invisible(store: KGStore, report) -> None:
    for label in _labels(store):
        assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00-\x08]", label), ascii(label)


def _check_hostile_ids(store: KGStore, report) -> None:
    assert sorted(store.article_ids()) == sorted(['a b/../<x>"{}|^`\\', "中文 编号#1?q=2", "%2e%2e%2Fetc"])


def _unreadable(folder: Path) -> None:
    (folder / "ok.txt").write_text(S, encoding="utf-8")
    (folder / "locked.txt").write_text(S, encoding="utf-8")
    (folder / "locked.txt").chmod(0)
    (folder / "closed").mkdir()
    (folder / "closed" / "inside.txt").write_text(S, encoding="utf-8")
    (folder / "closed").chmod(0)


def _symlink_loops(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "a.txt").write_text(S, encoding="utf-8")
    os.symlink(folder, folder / "sub" / "back")
    os.symlink(folder / "self.txt", folder / "self.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")


def _dir_named_txt(folder: Path) -> None:
    (folder / "looks-like-a-file.txt").mkdir()
    (folder / "looks-like-a-file.txt" / "inner.txt").write_text(S, encoding="utf-8")
    (folder / "empty-dir.txt").mkdir()


def _fifo(folder: Path) -> None:
    (folder / "ok.txt").write_text(S, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")


def _huge(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as handle:  # 50 MB on one line, written in 1 MB chunks
        block = ("德州" * ((1 << 20) // 6)).encode("utf-8")
        for _ in range(50):
            handle.write(block)
    (folder / "ok.txt").write_text(S, encoding="utf-8")


# about 100k characters of name-like text before 有限公司, made of characters that are not names themselves:
# a long run of names (光谷, 有研...) is quadratic in the relation and NER stages (tests/test_reliability_complexity.py)
LONG_NAME = "山东" + "的一是了我不人在" * 12_500 + "有限公司"

KINDS: list[Kind] = [
    Kind("gbk", _write(**{"gbk.txt": S.encode("gbk")}), 1, check=_expect_labels("清华大学")),
    Kind("gb18030_4byte", _write(**{"gb18030.txt": ("𠀀𪚥" + S).encode("gb18030")}), 1),
    Kind("big5", _write(**{"big5.txt": T.encode("big5")}), 1, check=_expect_labels("长治高新区", "山西立讯精密工业有限公司")),
    Kind("shift_jis", _write(**{"sjis.txt": JA.encode("shift_jis")}), 0, [("sjis.txt", None, "undecodable")]),
    Kind("latin1_plain", _write(**{"latin1.txt": "Le café de la société était très animé, déjà.".encode("latin-1")}),
         0, [("latin1.txt", None, "undecodable")]),
    Kind("latin1_mislabelled_html", _write(**{
        "utf8-says-latin1.html": f'<meta charset="iso-8859-1"><p>{S}</p>'.encode("utf-8"),
        "gbk-says-latin1.html": f'<meta charset="iso-8859-1"><p>{S}</p>'.encode("gbk")}), 2,
         check=_expect_labels("清华大学")),
    Kind("mixed_encodings", _write(**{"utf8-then-gbk.txt": S.encode("utf-8") + S.encode("gbk"),
                                     "gbk-then-utf8.txt": S.encode("gbk") + S.encode("utf-8")}), 0,
         [("gbk-then-utf8.txt", None, "undecodable"), ("utf8-then-gbk.txt", None, "undecodable")]),
    Kind("mojibake", _write(**{"mojibake.txt": S.encode("utf-8").decode("latin-1").encode("utf-8")}), 0,
         [("mojibake.txt", None, "not plausible")]),
    Kind("replacement_chars", _write(**{"fffd.txt": ("\ufffd" * 300 + "德州").encode("utf-8")}), 0,
         [("fffd.txt", None, "replacement characters")]),
    Kind("bom_utf8", _write(**{"bom8.txt": codecs.BOM_UTF8 + S.encode("utf-8")}), 1),
    Kind("bom_utf16le", _write(**{"le.txt": codecs.BOM_UTF16_LE + S.encode("utf-16-le")}), 1),
    Kind("bom_utf16be", _write(**{"be.txt": codecs.BOM_UTF16_BE + T.encode("utf-16-be")}), 1),
    Kind("utf16_without_bom", _write(**{"nobom.txt": S.encode("utf-16-le")}), 0, [("nobom.txt", None, "NUL bytes")]),
    Kind("bom_then_garbage", _write(**{"badbom.txt": codecs.BOM_UTF8 + b"\xff\xfe\xfd abc"}), 0,
         [("badbom.txt", None, "after its byte-order mark")]),
    Kind("png", _write(**{"image.txt": _png()}), 0, [("image.txt", None, "PNG")]),
    Kind("pdf", _write(**{"paper.txt": _pdf()}), 0, [("paper.txt", None, "PDF")]),
    Kind("gzip", _write(**{"archive.txt": _gzip()}), 0, [("archive.txt", None, "gzip")]),
    Kind("elf", _write(**{"program.html": _elf()}), 0, [("program.html", None, "ELF")]),
    Kind("nul_bytes", _write(**{"nul.txt": S.encode() + b"\x00" + S.encode()}), 0, [("nul.txt", None, "NUL bytes")]),
    Kind("zero_byte", _write(**{"empty.txt": b"", "empty.html": b"", "empty.jsonl": b""}), 0,
         [("empty.html", None, "empty article"), ("empty.txt", None, "empty article")]),
    # an empty JSONL file holds no record: nothing to report, nothing dropped
    Kind("whitespace_only", _write(**{"blank.txt": " \n\t\r\n\u3000\u00a0\n".encode("utf-8"),
                                      "blank.html": b"<html><body> <p> </p><script>x()</script></body></html>"}), 0,
         [("blank.html", None, "empty article"), ("blank.txt", None, "empty article")]),
    Kind("huge_single_line_50MB", _huge, 1, [("huge.txt", None, "too large")]),
    Kind("deep_html_10k", _write(**{"deep.html": ("<div>" * 10_000 + f"<p>{S}</p>" + "</div>" * 10_000).encode()}), 1,
         check=_expect_labels("清华大学")),
    Kind("broken_html", _write(**{"broken.html": f"<p>{S}<div><span>未闭合<table><tr><td>有研集团</b></i>".encode()}), 1),
    Kind("jsonl_broken_line", _write(**{"b.jsonl": _jsonl({"id": "ok1", "text": S}, '{"id": "t", "text": "德州', "{",
                                                           {"id": "ok2", "text": T})}), 2,
         [("b.jsonl", 2, "broken JSON"), ("b.jsonl", 3, "broken JSON")]),
    Kind("jsonl_missing_fields", _write(**{"m.jsonl": _jsonl({"id": "no-text"}, {"id": "null-text", "text": None},
                                                             {"text": S})}), 1,
         [("m.jsonl", 1, "missing 'text'"), ("m.jsonl", 2, "missing 'text'")]),
    Kind("jsonl_extra_fields", _write(**{"x.jsonl": _jsonl({"id": "x1", "text": S, "lang": "zh", "tags": ["a"],
                                                            "nested": {"k": [1, 2]}})}), 1),
    Kind("jsonl_wrong_types", _write(**{"w.jsonl": _jsonl(
        {"id": "w1", "text": 12345}, {"id": "w2", "text": S, "title": ["a"]}, {"id": True, "text": S},
        {"id": {"x": 1}, "text": S}, {"id": "w5", "text": S, "date": 20230718}, ["not", "an", "object"], "42",
        {"id": "", "text": S}, {"id": 7, "text": S})}), 1,
         [("w.jsonl", 1, "'text' must be a string, got int"), ("w.jsonl", 2, "'title' must be a string"),
          ("w.jsonl", 3, "'id' must be a string or integer"), ("w.jsonl", 4, "'id' must be a string or integer"),
          ("w.jsonl", 5, "'date' must be a string"), ("w.jsonl", 6, "expected a JSON object, got list"),
          ("w.jsonl", 7, "expected a JSON object, got int"), ("w.jsonl", 8, "empty 'id'")]),
    Kind("jsonl_deeply_nested", _write(**{"n.jsonl": _jsonl(
        '{"id": "deep", "text": "德州", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", {"id": "fine", "text": S})}), 1,
         [("n.jsonl", 1, "nested too deeply")]),
    Kind("jsonl_lone_surrogates", _write(**{"s.jsonl": (
        json.dumps({"id": "s1", "text": S + "\ud800"}) + "\n" + json.dumps({"id": "\udfff", "text": S}) + "\n"
        + json.dumps({"id": "s3", "text": S, "title": "标题\udc00"}) + "\n"
        + json.dumps({"id": "s4", "text": S, "meta": ["\ud83d"]}) + "\n"
        + json.dumps({"id": "s5", "text": S + "\ud83d\ude00"}) + "\n").encode("ascii")}), 1,
         [("s.jsonl", 1, "lone surrogate U\\+D800"), ("s.jsonl", 2, "'id' holds a lone surrogate"),
          ("s.jsonl", 3, "'title' holds a lone surrogate"), ("s.jsonl", 4, "lone surrogate")]),
    Kind("jsonl_not_utf8", _write(**{"g.jsonl": json.dumps({"id": "g", "text": S}, ensure_ascii=False).encode("gbk")
                                    + b"\n" + json.dumps({"id": "u", "text": S}).encode() + b"\n"}), 1,
         [("g.jsonl", 1, "not UTF-8")]),
    Kind("duplicate_ids_different_text", _write(**{"d.jsonl": _jsonl({"id": "same", "text": S}, {"id": "same", "text": T},
                                                                     {"id": "same", "text": S})}), 1,
         [("d.jsonl", 2, "duplicate id 'same' \\(different text\\)"), ("d.jsonl", 3, "duplicate id 'same' \\(same text\\)")],
         failed=2),
    Kind("duplicate_stems_two_files", lambda f: ((f / "a").mkdir(), (f / "b").mkdir(),
                                                 (f / "a" / "x.txt").write_text(S, encoding="utf-8"),
                                                 (f / "b" / "x.txt").write_text(T, encoding="utf-8")), 1,
         [("x.txt", None, "duplicate id 'x' \\(different text\\)")], failed=1),
    Kind("odd_dates", _write(**{"dates.jsonl": _jsonl(
        {"id": "cn", "text": S, "date": "2023年7月18日"}, {"id": "slash", "text": S, "date": "2023/7/18"},
        {"id": "dmy", "text": S, "date": "18-07-2023"}, {"id": "han", "text": S, "date": "二〇二三年"},
        {"id": "feb30", "text": S, "date": "2023-02-30"}, {"id": "y5", "text": S, "date": "99999-01-01"})}), 6,
         check=_check_dates),
    Kind("emoji_control_zero_width_bidi", _write(**{"bidi.txt": (
        "\u202e德州\u202c市\u200b与有研\ufeff集团\u2066合作\u2069🚀😀\x07\x1b[31m" + S + "\u200d\u2067清华\u200c大学\u2069").encode()}), 1,
         check=_check_invisible),
    Kind("long_entity_name_100k", _write(**{"long.txt": f"{LONG_NAME}与清华大学签署合作协议。\n{S}".encode()}), 1,
         check=_check_long_name),
    Kind("traditional_simplified_mixture", _write(**{"mix.txt": (T + S).encode()}), 1,
         check=_expect_labels("清华大学")),
    Kind("crlf_and_cr_line_ends", _write(**{"crlf.txt": S.replace("\n", "\r\n").encode(), "cr.txt": T.replace("\n", "\r").encode()}), 2),
    Kind("unreadable_permissions", _unreadable, 1,
         [("closed", None, "cannot list directory: permission denied"), ("locked.txt", None, "permission denied")]),
    Kind("symlink_loops", _symlink_loops, 1,
         [("back", None, "loop"), ("dangling.txt", None, "broken symbolic link"), ("self.txt", None, "loop")]),
    Kind("directory_named_txt", _dir_named_txt, 1),
    Kind("fifo_named_txt", _fifo, 1, [("pipe.txt", None, "not a regular file")]),
    Kind("missing_and_unmatched_paths", _write(**{"ok.txt": S.encode()}), 1,
         [("missing.txt", None, "no such file"), ("*.nomatch.jsonl", None, "no file matches")],
         extra_paths=lambda f: [f.parent / "missing.txt", str(f.parent / "*.nomatch.jsonl")]),
    Kind("unsupported_extension_named", _write(**{"notes.md": S.encode()}), 0, [("notes.md", None, "unsupported file type")],
         extra_paths=lambda f: [f / "notes.md"]),
    Kind("hostile_ids", _write(**{"ids.jsonl": _jsonl({"id": 'a b/../<x>"{}|^`\\', "text": S},
                                                      {"id": "中文 编号#1?q=2", "text": T}, {"id": "%2e%2e%2Fetc", "text": S})}), 3,
         check=_check_hostile_ids),
]


def _apply_permission_refusals(monkeypatch, folder: Path) -> None:
    """As root, chmod 0 does not stop reads: refuse the same files the way the OS would (as tests/test_ingest.py does)."""
    import kg.ingest.readers as readers

    locked = {str(folder / "locked.txt")}
    closed = {str(folder / "closed")}
    real_open, real_scandir = open, os.scandir

    def guarded_open(path, *args, **kwargs):
        if os.fspath(path) in locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def guarded_scandir(path="."):
        if os.fspath(path) in closed:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(readers, "open", guarded_open, raising=False)
    monkeypatch.setattr(readers.os, "scandir", guarded_scandir)


def _input_files(folder: Path) -> set[str]:
    """Every regular file (or symlink) the user put under ``folder``: each must come out as an article or a problem."""
    found = set()
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            found.add(os.path.join(root, name))
    return found


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """A fresh store with only the shared graphs, made once: each kind builds into a copy (opening a new store
    loads the ontology and regions, which costs seconds)."""
    path = tmp_path_factory.mktemp("template") / "store"
    with KGStore(path):
        pass
    return path


def _run_kind(kind: Kind, tmp_path: Path, monkeypatch, template: Path) -> tuple:
    shutil.copytree(template, tmp_path / "store")
    folder = tmp_path / "in"
    folder.mkdir()
    kind.files(folder)
    if kind.name == "unreadable_permissions":
        _apply_permission_refusals(monkeypatch, folder)
    paths = [folder] + (kind.extra_paths(folder) if kind.extra_paths else [])
    outcomes: dict[str, list[str]] = {}
    report = build(paths, tmp_path / "store", validate=False,
                   on_article=lambda a, outcome: outcomes.setdefault(a.path or a.id, []).append(outcome))
    return folder, report, outcomes


def _assert_kind(kind: Kind, folder: Path, report, outcomes: dict) -> None:
    problems = report.skipped
    shown = [str(p) for p in problems]
    assert report.accounted, (report.read, report.built, report.unchanged, report.failed)
    assert report.built == kind.built, shown
    assert report.failed == kind.failed, shown
    assert report.unchanged == 0
    # every expected problem is reported, with its file, line and reason; no unexpected ones
    assert len(problems) == len(kind.problems), shown
    for name, line, reason in kind.problems:
        hits = [p for p in problems if problem_where(p) == (name, line) and re.search(reason, p.reason)]
        assert hits, f"expected problem {name}:{line} /{reason}/ not in {shown}"
        assert name in str(hits[0]) and (line is None or f":{line}" in str(hits[0]))
    # nothing silently dropped: each input file is an article (built/failed) or named by a problem
    named = {p.path for p in problems} | {path.rsplit(":", 1)[0] if re.search(r":\d+$", path) else path for path in outcomes}
    for path in _input_files(folder):
        if os.path.isdir(path) and not os.path.islink(path):
            continue
        covered = path in named or any(path.startswith(n + os.sep) for n in named)
        if not covered and os.path.getsize(path) == 0 and path.endswith(".jsonl"):
            covered = True  # an empty JSONL file holds no record
        if not covered and Path(path).suffix not in (".txt", ".html", ".htm", ".jsonl"):
            covered = True  # other files inside a directory are not inputs (README.md, images)
        assert covered, f"{path} silently dropped; problems: {shown}"
    # outcomes reported through the callback add up too
    counted = sum(len(v) for v in outcomes.values())
    assert counted == report.built + report.unchanged + report.failed


SLOW_KINDS = {"long_entity_name_100k"}  # a 100k-character article takes about a minute of NLP on a shared 2-core runner


@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name, marks=[pytest.mark.slow] if k.name in SLOW_KINDS else [])
                                  for k in KINDS])
def test_bad_input_kind_through_pipeline_build(kind, tmp_path, monkeypatch, empty_store):
    folder, report, outcomes = _run_kind(kind, tmp_path, monkeypatch, empty_store)
    try:
        _assert_kind(kind, folder, report, outcomes)
        with KGStore(tmp_path / "store") as store:  # the store opens and holds exactly the built articles
            assert len(store.article_ids()) == kind.built
            if kind.check:
                kind.check(store, report)
    finally:
        for p in folder.rglob("*"):  # let tmp_path cleanup remove chmod-0 fixtures
            if not p.is_symlink():
                p.chmod(0o700)


def test_bad_input_catalogue_size():
    """The catalogue covers at least 30 kinds; prints the count for the reliability figures."""
    print(f"\nbad-input kinds tried: {len(KINDS)}")
    assert len(KINDS) >= 30
    assert len({k.name for k in KINDS}) == len(KINDS)


def test_files_vanishing_mid_build(tmp_path):
    """Files deleted after the directory was listed, before they are read: reported, the build goes on."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"a{i}.txt").write_text(S + f"编号{i}", encoding="utf-8")
    victims = [folder / "a2.txt", folder / "a4.txt"]

    def remove_after_first(article, outcome):
        for victim in victims:
            if victim.exists():
                victim.unlink()

    report = build([folder], tmp_path / "store", validate=False, on_article=remove_after_first)
    assert report.accounted and report.built == 4, [str(p) for p in report.skipped]
    gone = sorted(Path(p.path).name for p in report.skipped)
    assert gone == ["a2.txt", "a4.txt"]
    assert all("no such file" in p.reason for p in report.skipped)


def _catalogue_folder(root: Path, monkeypatch) -> tuple[Path, list[Kind]]:
    """All kinds side by side in one folder (one sub-folder per kind); extra-path and slow kinds left out."""
    left_out = ("duplicate_stems_two_files", "huge_single_line_50MB", "long_entity_name_100k")
    kinds = [k for k in KINDS if not k.extra_paths and k.name not in left_out]
    for kind in kinds:
        sub = root / kind.name
        sub.mkdir(parents=True)
        kind.files(sub)
        if kind.name == "unreadable_permissions":
            _apply_permission_refusals(monkeypatch, sub)
    return root, kinds


@pytest.fixture(scope="module")
def catalogue_cli(tmp_path_factory):
    """``kg build`` (CLI, in process, SHACL on) over every kind at once; yields (result, store, kinds)."""
    import kg.cli as cli

    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("catalogue")
    folder, kinds = _catalogue_folder(root / "all", monkeypatch)
    monkeypatch.setattr(cli.console, "width", 2000)  # long tmp paths must not wrap in the tables
    monkeypatch.setattr(cli.err, "width", 2000)
    try:
        result = CliRunner().invoke(cli.app, ["build", str(folder), "--store", str(root / "store")])
    finally:
        monkeypatch.undo()
        for p in folder.rglob("*"):
            if not p.is_symlink():
                p.chmod(0o700)
    yield result, root / "store", kinds


def test_cli_build_catalogue_reports_every_problem_with_file_and_line(catalogue_cli):
    """``kg build`` over every kind at once: exit 0, counts add up, each problem file (and JSONL line) printed."""
    result, store, kinds = catalogue_cli
    assert result.exit_code == 0, result.output
    out = result.output
    counts = {k: int(v) for k, v in re.findall(r"│ (articles read|built|unchanged|failed|problems reported)\s*│ (\d+)", out)}
    expected_built = sum(k.built for k in kinds)
    # ids collide across kinds (e.g. several "ok.txt"): those count as failed duplicates, not as lost articles
    assert counts["articles read"] == counts["built"] + counts["unchanged"] + counts["failed"], counts
    assert counts["built"] + counts["failed"] >= expected_built, counts
    expected_problems = sum(len(k.problems) for k in kinds)
    assert counts["problems reported"] >= expected_problems, counts
    for kind in kinds:
        for name, line, _ in kind.problems:
            # the line shows in the "line" column, or as file:line when the runner put it into the path
            pattern = re.escape(name) + (rf"(:{line}\s*│|\s*│ {line}\s*│)" if line is not None else "")
            assert re.search(pattern, out), f"{kind.name}: {name}:{line} not printed"
    assert "SHACL validation: conforms" in out


def test_api_serves_catalogue_store_without_errors(catalogue_cli):
    """The store built from the whole catalogue is served: every article page, search and graph answer 200."""
    pytest.importorskip("api.main")
    from urllib.parse import quote

    from tests.test_reliability_support import asgi_client

    result, store, kinds = catalogue_cli
    assert result.exit_code == 0
    with KGStore(store) as kgstore:
        ids = kgstore.article_ids()
    assert len(ids) >= 20
    served = 0
    with asgi_client(store) as client:
        listing = client.get("/api/articles", params={"limit": 500})
        assert listing.status_code == 200, listing.text
        for article_id in ids:
            response = client.get("/api/articles/" + quote(article_id, safe=""))
            assert response.status_code == 200, (article_id, response.status_code, response.text[:300])
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["id"] == article_id
            served += 1
        for path, params in (("/api/entities", {"q": "有"}), ("/api/graph", {}), ("/api/analysis/hubs", {})):
            response = client.get(path, params=params)
            assert response.status_code == 200, (path, response.text[:300])
            served += 1
    print(f"\nAPI requests over the catalogue store: {served}, errors: 0")


# --------------------------------------------------------------------------- bad requests to the API

SPARQL_JSON = {"Accept": "application/sparql-results+json"}
API_BAD_REQUESTS = [
    # (name, method, path, request kwargs, allowed statuses)
    ("sparql_syntax_error", "GET", "/sparql", {"params": {"query": "SELEC ?x WHERE {"}}, {400}),
    ("sparql_empty", "GET", "/sparql", {"params": {"query": "   "}}, {400}),
    ("sparql_too_long", "POST", "/sparql", {"content": ("ASK {}" + " " * 200_000).encode(),
                                             "headers": {"Content-Type": "application/sparql-query"}}, {413}),
    ("sparql_two_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D", {}, {400}),
    ("sparql_nul_byte", "GET", "/sparql", {"params": {"query": "ASK { ?s ?p \"\x00\" }"}}, {200, 400}),
    ("sparql_lone_surrogate_percent", "GET", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%ED%A0%80%22%20%7D", {}, {200, 400}),
    ("sparql_body_gbk", "POST", "/sparql", {"content": "ASK { ?s ?p \"德州\" }".encode("gbk"),
                                             "headers": {"Content-Type": "application/sparql-query"}}, {200, 400, 415}),
    ("sparql_body_declared_gbk", "POST", "/sparql", {"content": "ASK { ?s ?p \"德州\" }".encode("gbk"),
                                                      "headers": {"Content-Type": "application/sparql-query; charset=gbk"}}, {200, 400, 415}),
    ("sparql_body_binary", "POST", "/sparql", {"content": b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
                                                "headers": {"Content-Type": "application/sparql-query"}}, {400, 415}),
    ("sparql_unknown_content_type", "POST", "/sparql", {"content": b"ASK {}", "headers": {"Content-Type": "image/png"}}, {415, 400}),
    ("sparql_form_without_query", "POST", "/sparql", {"data": {"nothing": "here"}}, {400}),
    ("sparql_unacceptable_accept", "GET", "/sparql", {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, {406, 200}),
    ("sparql_bad_default_graph", "GET", "/sparql", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri <>"}}, {400}),
    ("articles_negative_limit", "GET", "/api/articles", {"params": {"limit": -5}}, {422}),
    ("articles_huge_offset", "GET", "/api/articles", {"params": {"offset": 10**30}}, {422, 200}),
    ("article_unknown_id", "GET", "/api/articles/%00%ff%fe", {}, {404, 400}),
    ("article_id_surrogate", "GET", "/api/articles/%ED%A0%80", {}, {404, 400}),
    ("entity_unknown_key", "GET", "/api/entities/" + "有" * 5000, {}, {404, 414, 400}),
    ("entities_empty_query", "GET", "/api/entities", {"params": {"q": ""}}, {422}),
    ("entities_query_too_long", "GET", "/api/entities", {"params": {"q": "有" * 1000}}, {422}),
    ("graph_bad_dates", "GET", "/api/graph", {"params": {"start": "二〇二三年", "end": "2023-13-45"}}, {200, 422, 400}),
    ("paths_unknown_endpoints", "GET", "/api/analysis/paths", {"params": {"source": "\u202e不存在", "target": "\x00"}}, {404, 422, 400}),
    ("hubs_bad_by", "GET", "/api/analysis/hubs", {"params": {"by": "'; DROP ALL; --"}}, {422}),
]


@pytest.fixture(scope="module")
def api_for_bad_requests(tmp_path_factory):
    """A served store (the API engineer's sample data) for the bad-request catalogue."""
    pytest.importorskip("api.main")
    from tests.test_api_support import sample_extractions
    from tests.test_reliability_support import asgi_client

    path = tmp_path_factory.mktemp("api-bad") / "store"
    with KGStore(path) as store:
        store.replace_articles(sample_extractions())
    with asgi_client(path, query_timeout=5.0) as client:
        yield client


@pytest.mark.parametrize("name, method, path, kwargs, allowed", API_BAD_REQUESTS, ids=[r[0] for r in API_BAD_REQUESTS])
def test_bad_request_to_api_gets_a_clear_4xx(api_for_bad_requests, name, method, path, kwargs, allowed):
    """Each bad request is answered (never 5xx) with a status the protocol expects and a message saying why."""
    response = api_for_bad_requests.request(method, path, **kwargs)
    assert response.status_code in allowed, (name, response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.text.strip(), f"{name}: empty error body"
        assert not response.headers.get("content-type", "").startswith("text/html"), name


def test_api_bad_request_catalogue_size():
    print(f"\nbad API request kinds tried: {len(API_BAD_REQUESTS)}")
    assert len(API_BAD_REQUESTS) >= 20
