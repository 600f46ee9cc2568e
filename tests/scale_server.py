"""Start and stop a real Oxigraph SPARQL server (PyPI ``oxigraph``) for the remote-loading tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def oxigraph_binary() -> str | None:
    """Path of the ``oxigraph`` CLI in this virtualenv or on PATH, or None."""
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT --union-default-graph``, stopped by its PID."""

    def __init__(self, location: Path, port: int | None = None):
        self.location = location
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"

    def start(self, timeout: float = 30.0) -> "OxigraphServer":
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server CLI is not installed (pip install oxigraph)")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                if httpx.get(f"{self.query_url}?query=ASK%7B%7D", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.base} within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def quads(self) -> set[str]:
        """Every quad on the server, as canonical N-Quads lines."""
        import pyoxigraph as ox

        response = httpx.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=30)
        response.raise_for_status()
        return {str(q) for q in ox.parse(response.content, format=ox.RdfFormat.N_QUADS)}
