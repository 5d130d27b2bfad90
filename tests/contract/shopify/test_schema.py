"""The documents and the recorded fixtures against the pinned 2026-07 Admin schema.

The schema is the official introspection pruned to the fields our documents use (see
``tests/contract/fixtures/shopify/prune_schema.py``), so a document that selects anything else
fails here until the schema is regenerated from the official source.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, graphql_sync, parse, validate
from graphql.validation import NoDeprecatedCustomRule

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import FIXTURES, fixture

SPECS = SHOPIFY.specs

_BY_OPERATION = {docs.operation_name(d): d for d in docs.ALL_DOCUMENTS}


@functools.cache
def schema() -> GraphQLSchema:
    return build_schema((FIXTURES / "admin_2026-07.pruned.graphql").read_text(), assume_valid=True)


@pytest.mark.parametrize("document", docs.ALL_DOCUMENTS, ids=docs.operation_name)
def test_document_is_valid_for_the_pinned_version(document: str) -> None:
    assert validate(schema(), parse(document)) == []
    assert validate(schema(), parse(document), [NoDeprecatedCustomRule]) == []


def test_documents_take_everything_as_variables() -> None:
    for document in docs.ALL_DOCUMENTS:
        # No string literal argument other than the fixed quantity names.
        literals = re.findall(r'"[^"]*"', document)
        assert set(literals) <= {'"available"', '"on_hand"', '"committed"', '"incoming"'}


def test_each_tool_names_its_own_document() -> None:
    names = [spec.operation.document for spec in SPECS]
    assert len(names) == len(set(names))
    assert set(names) == set(_BY_OPERATION)
    for spec in SPECS:
        assert spec.operation.method == "POST"
        assert spec.operation.path == "/admin/api/2026-07/graphql.json"


_SUCCESS = sorted(
    p.name
    for p in FIXTURES.glob("*.200.json")
    if isinstance(fixture(p.name)["body"].get("data"), dict)
)


@pytest.mark.parametrize("name", _SUCCESS)
def test_fixture_matches_the_schema(name: str) -> None:
    """Executing the document with the fixture's data as root value reproduces it exactly:
    every field exists, enums are valid values, non-null fields are present."""
    record = fixture(name)
    document = _BY_OPERATION[record["_source"]["operation"]]
    data: Any = record["body"]["data"]
    result = graphql_sync(
        schema(),
        document,
        root_value=data,
        variable_values={
            "first": 1,
            "id": "gid://shopify/X/1",
            "query": "x",
            "product": {"id": "gid://shopify/Product/1"},
            "idempotencyKey": "f0c1b7e6-3d7a-4d0e-9a51-1c2b3d4e5f60",
            "input": {"id": "gid://shopify/Order/1"}
            if "orderUpdate" in data
            else {
                "name": "available",
                "reason": "correction",
                "quantities": [],
            },
        },
    )
    assert result.errors is None
    assert result.data == data
    assert record["_source"]["api_version"] == "2026-07"
