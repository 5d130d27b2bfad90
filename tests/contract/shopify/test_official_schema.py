"""The pinned schema, the documents and the recorded fixtures against Shopify's official
2026-07 introspection itself (the full one, in the shared fixtures, which a fresh clone does
not have: then these tests skip and say why).

The other contract tests use the pruned copy committed next to the fixtures; here the pruned
copy is shown to be exactly the official schema pruned by ``prune_schema.py``, and every
document and fixture is checked against the full schema too.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, build_client_schema, graphql_sync, print_schema

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import FIXTURES, fixture
from tests.contract.shopify.schema_check import document_problems

INTROSPECTION = Path("shared/fixtures/shopify/admin_2026-07.introspection.json.gz")


def _official() -> Path | None:
    """The official introspection in a ``shared/`` beside some parent of this checkout."""
    for parent in Path(__file__).resolve().parents:
        if (parent / INTROSPECTION).is_file():
            return parent / INTROSPECTION
    return None


OFFICIAL = _official()
pytestmark = pytest.mark.skipif(
    OFFICIAL is None, reason=f"the official introspection ({INTROSPECTION}) is not present"
)


def _load() -> GraphQLSchema:
    assert OFFICIAL is not None
    with gzip.open(OFFICIAL) as raw:
        return build_client_schema(json.load(raw)["data"], assume_valid=True)


@functools.cache
def official_schema() -> GraphQLSchema:
    return _load()


def _prune() -> Callable[[GraphQLSchema], GraphQLSchema]:
    # The script lives with the fixtures, outside any package: loaded from its path.
    spec = importlib.util.spec_from_file_location("prune_schema", FIXTURES / "prune_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prune: Callable[[GraphQLSchema], GraphQLSchema] = module.prune
    return prune


def test_the_pinned_schema_is_the_official_one_pruned() -> None:
    committed = (FIXTURES / f"admin_{docs.API_VERSION}.pruned.graphql").read_text()
    body = "\n".join(line for line in committed.splitlines() if not line.startswith("#"))
    # Pruning changes the schema it is given: it gets a fresh copy.
    assert body.strip() == print_schema(_prune()(_load())).strip()


@pytest.mark.parametrize("document", docs.ALL_DOCUMENTS, ids=docs.operation_name)
def test_document_is_valid_against_the_official_schema(document: str) -> None:
    assert document_problems(official_schema(), document) == []


_RECORDED = sorted(
    p.name
    for p in FIXTURES.glob("*.200.json")
    if isinstance(fixture(p.name)["body"].get("data"), dict)
    and "variables" in fixture(p.name)["_source"]
)


@pytest.mark.parametrize("name", _RECORDED)
def test_fixture_answers_its_request_in_the_official_schema(name: str) -> None:
    record = fixture(name)
    document = next(
        d for d in docs.ALL_DOCUMENTS if docs.operation_name(d) == record["_source"]["operation"]
    )
    data: Any = record["body"]["data"]
    result = graphql_sync(
        official_schema(),
        document,
        root_value=data,
        variable_values=record["_source"]["variables"],
    )
    assert result.errors is None
    assert result.data == data
