"""Every notebook in notebooks/ runs top to bottom, offline, on the repo's kernel; and is stored without outputs."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
TIMEOUT = 300  # seconds per cell: the first build loads the language models on a busy machine


def test_notebooks_exist():
    assert [p.name for p in PATHS] == ["01_walkthrough.ipynb", "02_collaboration_hubs.ipynb",
                                       "03_transfer_paths_and_flows.ipynb", "04_your_own_articles.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs: strip them"


@pytest.fixture(scope="module")
def notebook_store(tmp_path_factory) -> Path:
    """One store root for the whole module: notebook 01 builds the seeds store, 02 and 03 reuse it."""
    return tmp_path_factory.mktemp("notebook-store")


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_run_top_to_bottom(path, notebook_store, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("KG_NOTEBOOK_STORE", str(notebook_store))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # Offline: a notebook that tried to reach the network through a proxy-aware client would fail fast.
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError (with the cell and traceback) when a cell fails
    seconds = time.perf_counter() - started
    print(f"{path.name}: {seconds:.1f} s")
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "data" in o and "text/html" in o.data]
    assert html, f"{path.name} displayed nothing"
    if path.stem != "04_your_own_articles":
        assert any("<iframe srcdoc=" in h for h in html), f"{path.name} shows no graph"
    if path.stem.startswith(("02", "03")):
        assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} drew no chart"
    # The store went where the test said (the kernel ran in notebooks/, so ../seeds was found).
    assert (notebook_store / ("own-articles" if path.stem.startswith("04") else "seeds")).is_dir()
