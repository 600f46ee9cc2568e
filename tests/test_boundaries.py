"""The stage boundaries of docs/ARCHITECTURE.md hold: checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module imported anywhere in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


RULES = [
    ("kg/nlp", ("rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "fastapi")),
    ("kg/ingest", ("rdflib", "pyoxigraph", "spacy", "fastapi")),
    ("kg/rdf", ("spacy", "jieba", "rjieba", "fastapi")),
    ("kg", ("fastapi", "starlette", "uvicorn")),
]


@pytest.mark.parametrize(("folder", "forbidden"), RULES)
def test_boundaries_no_forbidden_imports(folder, forbidden):
    offenders = []
    for path in modules_under(folder):
        for name in imported_modules(path):
            if name.split(".")[0] in forbidden:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_boundaries_api_uses_only_public_kg_names():
    """api/ may import kg and its documented subpackages, never private modules (names starting with _)."""
    offenders = []
    for path in modules_under("api"):
        for name in imported_modules(path):
            if name.startswith("kg") and any(part.startswith("_") for part in name.split(".")):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_boundaries_checker_sees_imports(tmp_path):
    """The checker itself works: it finds a plain and a from-import."""
    sample = tmp_path / "m.py"
    sample.write_text("import rdflib\nfrom spacy.tokens import Doc\n", encoding="utf-8")
    assert imported_modules(sample) == {"rdflib", "spacy.tokens"}
