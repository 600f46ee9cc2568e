"""Helpers for the API tests: a small hand-made graph (Extractions) and a server running an app in a thread.

Imported by the other ``test_api*``/``test_browser*`` modules; it holds no tests itself. The app is served
by a real uvicorn server on 127.0.0.1 (a thread, random free port) and called with httpx: this exercises
HTTP end to end and avoids Starlette's deprecated TestClient.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn

from kg.rdf import KGStore
from kg.rdf.iris import entity_iri
from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie, TieStatus

XSS_TITLE = '<script>window.__xss=1</script>德州新闻<img src=x onerror="window.__xss=1">'
XSS_NAME = '<img src=x onerror="window.__xss=1">科技有限公司'

YOUYAN = Entity("有研集团", "有研集团", EntityClass.ENTERPRISE, frozenset({"有研"}), "110102")
YOUYAN_SEMI = Entity("山东有研半导体材料有限公司", "山东有研半导体材料有限公司", EntityClass.ENTERPRISE,
                     frozenset({"有研半导体", "山东有研半导体"}), "371400")
TIANQU = Entity("德州天衢新区", "德州天衢新区", EntityClass.PARK, frozenset({"天衢新区"}), "371400")
TSINGHUA = Entity("清华大学", "清华大学", EntityClass.UNIVERSITY, frozenset(), "110108")
ZKDY = Entity("中科定洋农业集团有限公司", "中科定洋农业集团有限公司", EntityClass.ENTERPRISE, frozenset({"中科定洋"}), "130682")
JNY = Entity("河北金牛原大药业有限公司", "河北金牛原大药业有限公司", EntityClass.ENTERPRISE, frozenset(), "130682")
TJU = Entity("天津大学", "天津大学", EntityClass.UNIVERSITY, frozenset(), "120000")
EVIL = Entity("evil-co", XSS_NAME, EntityClass.ENTERPRISE, frozenset({"<script>window.__xss=1</script>"}), "130682")

ALL_ENTITIES = (YOUYAN, YOUYAN_SEMI, TIANQU, TSINGHUA, ZKDY, JNY, TJU, EVIL)


def _extraction(article_id: str, title: str, date: str, sentences: list[tuple], url: str | None = None) -> Extraction:
    """An Extraction whose text is the given sentences; each ``(subject, relation, object, sentence[, status])``."""
    text = ""
    ties = []
    entities = {}
    for subject, relation, obj, sentence, *rest in sentences:
        start = len(text)
        text += sentence
        evidence = Evidence(article_id=article_id, sentence=sentence, start=start, end=start + len(sentence),
                            date=date, confidence=0.9, extractor="test.v1", trigger="合作")
        ties.append(Tie(subject, relation, obj, evidence, status=rest[0] if rest else TieStatus.REPORTED))
        entities[subject.key] = subject
        entities[obj.key] = obj
        text += "\n"
    article = Article(id=article_id, text=text, title=title, date=date, source="测试网", url=url,
                      path=f"tests/{article_id}.txt")
    for tie in ties:
        assert article.text[tie.evidence.start:tie.evidence.end] == tie.evidence.sentence
    return Extraction(article=article, entities=tuple(entities.values()), ties=tuple(ties))


def sample_extractions() -> list[Extraction]:
    """Four articles: 有研 in 德州, a 北京→定州 chain, a 天津 tie, and one full of HTML/script payloads."""
    return [
        _extraction("a1", "以产业链布局创新链 打造京津冀科技成果转化承接基地", "2023-07-18", [
            (YOUYAN, Relation.TRANSFERS_TECHNOLOGY_TO, YOUYAN_SEMI, "2018年,德州市与有研集团正式牵手,有研集团将硅材料技术转移至山东有研半导体。"),
            (YOUYAN_SEMI, Relation.LOCATED_IN, TIANQU, "有研半导体选择德州天衢新区是正确的。"),
        ], url="https://example.org/a1"),
        _extraction("a2", "定州产学研合作让科技成果落地生金", "2023-03-02", [
            (TSINGHUA, Relation.COOPERATES_WITH, ZKDY, "中科定洋农业集团有限公司与清华大学签署产学研合作项目协议。"),
            (ZKDY, Relation.COOPERATES_WITH, JNY, "中科定洋与河北金牛原大药业有限公司合作建设示范基地。"),
            (JNY, Relation.COOPERATES_WITH, TJU, "河北金牛原大药业有限公司与天津大学开展合作。"),
        ]),
        _extraction("a3", "有研集团没有与天津大学合作", "2022-05-01", [
            (YOUYAN, Relation.COOPERATES_WITH, TJU, "有研集团没有与天津大学合作。", TieStatus.NEGATED),
        ]),
        _extraction("x1", XSS_TITLE, "2024-01-05", [
            (EVIL, Relation.COOPERATES_WITH, ZKDY,
             f'{XSS_NAME}与中科定洋合作<script>window.__xss=1</script><img src=x onerror="window.__xss=1">。'),
        ], url="javascript:window.__xss=1"),
    ]


def build_store(extractions: list[Extraction] | None = None) -> KGStore:
    """An in-memory KGStore holding ``extractions`` (default: :func:`sample_extractions`)."""
    store = KGStore()
    for extraction in extractions if extractions is not None else sample_extractions():
        store.replace_article(extraction)
    return store


def key_of(entity: Entity) -> str:
    """The API key of an entity (its Entity.key)."""
    assert entity_iri(entity)
    return entity.key


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_in_thread(app, timeout: float = 20.0) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


@contextlib.contextmanager
def api_client(app) -> Iterator[httpx.Client]:
    """An httpx client talking to ``app`` served in a thread."""
    with serve_in_thread(app) as base, httpx.Client(base_url=base, timeout=30.0) as client:
        yield client
