"""Helpers for the reliability/security tests (no tests here): serving a store, hostile text, a real server process.

Servers only ever bind 127.0.0.1; every wait is bounded in time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.test_api_support import free_port, serve_in_thread

ROOT = Path(__file__).resolve().parent.parent

#: Article text full of payloads: HTML/JS injection, javascript: URLs, SPARQL-looking text, quotes and escapes.
HOSTILE_LINES = [
    '德州市<script>window.__xss=1</script>与有研集团合作建设集成电路生产基地。',
    '清华大学<img src=x onerror="window.__xss=1">与定州市签署产学研合作协议。',
    '天津大学"><svg onload=window.__xss=1>与河北金牛原大药业有限公司开展合作。',
    '北京理工大学<a href="javascript:window.__xss=1">点击</a>与德州天衢新区合作。',
    '山东有研半导体材料有限公司} ; DROP ALL ; { INSERT DATA { <a> <b> <c> } } #与有研集团合作。',
    "中科定洋农业集团有限公司'\"\\\t\\n\"\"\" \'\'\' @prefix x: <y> .与清华大学合作。",
    '=HYPERLINK("http://evil.example","x")+@SUM(1+1)河北旭阳能源有限公司与天津大学合作。',
]
HOSTILE_TITLE = '<script>window.__xss=1</script>德州<img src=x onerror="window.__xss=1">新闻'
HOSTILE_ENTITY = '<img src=x onerror="window.__xss=1">科技有限公司'


@contextlib.contextmanager
def asgi_client(store: Path | None, **settings) -> Iterator[httpx.Client]:
    """An httpx client for ``create_app(Settings(store=store, **settings))`` served in a thread."""
    from api.main import create_app
    from api.settings import Settings

    app = create_app(Settings(store=store, **settings))
    with serve_in_thread(app, timeout=30.0) as base, httpx.Client(base_url=base, timeout=60.0) as client:
        yield client


_SERVER_SCRIPT = """
import sys
from api.main import serve
store, port, timeout, workers = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
serve(store, port=port, host="127.0.0.1", query_timeout=timeout, query_workers=workers)
"""


@contextlib.contextmanager
def server_process(store: Path, *, query_timeout: float = 2.0, query_workers: int = 2,
                   start_timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Run ``api.main.serve`` in its own process on a free 127.0.0.1 port; yields ``(base_url, pid)``.

    The process is stopped by its PID (SIGTERM, then SIGKILL after 10 s), never by name.
    """
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", _SERVER_SCRIPT, str(store), str(port), str(query_timeout),
                             str(query_workers)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server on port {port} did not answer within {start_timeout} s")
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


def problem_where(problem) -> tuple[str, int | None]:
    """``(file name, line)`` of a Problem, also when the runner wrote the line into ``path`` as ``file:N``."""
    import re

    path, line = problem.path, problem.line
    match = re.search(r"^(.*):(\d+)$", path)
    if line is None and match:
        path, line = match.group(1), int(match.group(2))
    return Path(path).name, line
