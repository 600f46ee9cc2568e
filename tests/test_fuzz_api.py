"""API fuzzing with schemathesis against the app's own OpenAPI schema, in process over ASGI (no network).

Every operation gets a bounded number of generated requests (valid and invalid parameters, odd
strings, huge numbers...) over a store holding ordinary and hostile data; no answer may be a 5xx. The one
exception is stated, not hidden: a SPARQL query the endpoint cuts off at its timeout answers 504, and a
query refused because every worker is busy answers 503 — both are the endpoint's documented protocol,
and they are counted and printed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("api.main")

from kg.rdf import KGStore  # noqa: E402
from tests.test_load import _extractions  # noqa: E402

MAX_EXAMPLES = 30
COUNTS: Counter = Counter()


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    """The OpenAPI schema of ``create_app`` over a small store (ordinary and hostile articles)."""
    from api.main import create_app
    from api.settings import Settings
    from tests.test_api_support import sample_extractions

    path: Path = tmp_path_factory.mktemp("fuzz-api") / "store"
    with KGStore(path) as store:
        store.replace_articles(_extractions(articles=40, entities=30) + sample_extractions())
    app = create_app(Settings(store=path, query_timeout=3.0, query_workers=2))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _fuzz_operation(operation) -> None:
    """Send ``MAX_EXAMPLES`` generated requests to one operation; fail on any 5xx (protocol 503/504 counted)."""

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call()
        COUNTS["requests"] += 1
        COUNTS[f"{case.method} {case.path}"] += 1
        status = response.status_code
        if case.path == "/sparql" and status in (503, 504):
            COUNTS[f"sparql {status}"] += 1
            return
        if status >= 500:
            COUNTS["errors"] += 1
        assert status < 500, f"{case.method} {case.formatted_path} {case.query} -> {status}: {response.text[:300]}"

    run()


def test_every_api_operation_never_answers_5xx(api_schema):
    """schemathesis-generated requests for every operation in the OpenAPI schema: no 5xx."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8, [op.label for op in operations]
    for operation in operations:
        _fuzz_operation(operation)
    print(f"\nAPI fuzzing: {len(operations)} operations, {COUNTS['requests']} generated requests, "
          f"5xx errors: {COUNTS['errors']}, SPARQL timeouts/busy (504/503): {COUNTS['sparql 504']}/{COUNTS['sparql 503']}")
    assert COUNTS["errors"] == 0
    assert COUNTS["requests"] >= len(operations) * 5
