"""Shared fixtures: the repository root, the seeds, and one seeds store built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Tests never touch the user's store or jieba's global cache dir.
os.environ.setdefault("KG_STORE", str(ROOT / ".kg" / "test-store-unused"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    """The five seed articles, sorted."""
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory) -> Path:
    """Directory of a store built once from seeds/ with the public pipeline (open it with KGStore(path))."""
    from kg.pipeline import build

    path = tmp_path_factory.mktemp("seeds") / "store"
    report = build([SEEDS], path)
    assert report.built == 5, report.skipped
    return path
