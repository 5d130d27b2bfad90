"""The checker behind test_schema.py fails on what it must catch: each bad document, variable
or search filter here is refused, next to a good one that passes. The bad ones include what
the gateway sent on 2025-01, which 2026-07 no longer accepts."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from graphql import GraphQLSchema, extend_schema, parse

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.schema_check import (
    document_problems,
    documented_filters,
    filter_problems,
    pinned_schema,
    searched_connection,
    terms,
    variables_problems,
)

# What the gateway sent on 2025-01 (abridged to the parts that changed).
OLD_GET_SHOP = """query GetShop {
  shop {
    id name
    plan { displayName }
    billingAddress { country }
  }
}"""
OLD_SET_INVENTORY = """mutation SetInventory($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { code field message }
  }
}"""
OLD_SET_INVENTORY_INPUT = {
    "name": "available",
    "reason": "correction",
    "ignoreCompareQuantity": True,
    "quantities": [
        {
            "inventoryItemId": "gid://shopify/InventoryItem/47000000000001",
            "locationId": "gid://shopify/Location/60000000001",
            "quantity": 30,
        }
    ],
}
SET_INVENTORY_VARIABLES: dict[str, Any] = {
    "input": {
        "name": "available",
        "reason": "correction",
        "quantities": [
            {
                "inventoryItemId": "gid://shopify/InventoryItem/47000000000001",
                "locationId": "gid://shopify/Location/60000000001",
                "quantity": 30,
                "changeFromQuantity": 37,
            }
        ],
    },
    "idempotencyKey": "f0c1b7e6-3d7a-4d0e-9a51-1c2b3d4e5f60",
}


def _with_deprecated_customer_email() -> GraphQLSchema:
    # The pruned schema keeps only fields in use, so a deprecated field shows up in it when a
    # document uses it and the schema is regenerated: modelled here by adding 2026-07's own
    # deprecation of Customer.email.
    return extend_schema(
        pinned_schema(),
        parse(
            "extend type Customer { email: String "
            '@deprecated(reason: "Use `defaultEmailAddress.emailAddress` instead.") }'
        ),
    )


# --------------------------------------------------------------------------- documents


def test_a_field_the_version_removed_or_never_had_is_refused() -> None:
    problems = document_problems(pinned_schema(), OLD_GET_SHOP)
    assert any("'billingAddress'" in p for p in problems), problems
    assert any("'displayName'" in p for p in problems), problems
    assert document_problems(pinned_schema(), docs.GET_SHOP) == []


def test_a_deprecated_field_is_refused() -> None:
    schema = _with_deprecated_customer_email()
    document = "query GetCustomer($id: ID!) { customer(id: $id) { id email } }"
    assert document_problems(schema, document) == [
        "The field Customer.email is deprecated. Use `defaultEmailAddress.emailAddress` instead."
    ]
    assert document_problems(schema, docs.GET_CUSTOMER) == []


def test_a_mutation_without_its_required_idempotency_key_is_refused() -> None:
    assert document_problems(pinned_schema(), OLD_SET_INVENTORY) == [
        "Mutation.inventorySetQuantities requires @idempotent(key: ...) as of 2026-04"
    ]
    # Before the version that made it required, the same document passes.
    assert document_problems(pinned_schema(), OLD_SET_INVENTORY, api_version="2026-01") == []
    assert document_problems(pinned_schema(), docs.SET_INVENTORY) == []


# --------------------------------------------------------------------------- variables


def test_an_input_field_the_version_removed_is_refused() -> None:
    variables = {**SET_INVENTORY_VARIABLES, "input": OLD_SET_INVENTORY_INPUT}
    [problem] = variables_problems(pinned_schema(), docs.SET_INVENTORY, variables)
    assert "not to include unknown field 'ignoreCompareQuantity'" in problem
    assert variables_problems(pinned_schema(), docs.SET_INVENTORY, SET_INVENTORY_VARIABLES) == []


def test_a_mandatory_nullable_input_field_left_out_is_refused() -> None:
    variables = copy.deepcopy(SET_INVENTORY_VARIABLES)
    del variables["input"]["quantities"][0]["changeFromQuantity"]
    assert variables_problems(pinned_schema(), docs.SET_INVENTORY, variables) == [
        "$input.quantities[0].changeFromQuantity is missing; the schema says it must be sent"
    ]
    # Sent as null it is there (Shopify's documented opt-out of the comparison).
    variables["input"]["quantities"][0]["changeFromQuantity"] = None
    assert variables_problems(pinned_schema(), docs.SET_INVENTORY, variables) == []


def test_a_deprecated_input_field_is_refused() -> None:
    variables = {"input": {"id": "gid://shopify/Order/1", "localizationExtensions": []}}
    [problem] = variables_problems(pinned_schema(), docs.UPDATE_ORDER, variables)
    assert problem.startswith("$input.localizationExtensions is deprecated")


def test_a_variable_of_the_wrong_type_is_refused() -> None:
    variables = {"first": "five", "after": None, "query": None}
    [problem] = variables_problems(pinned_schema(), docs.LIST_ORDERS, variables)
    assert "$first" in problem


# --------------------------------------------------------------------------- search filters


def test_the_filter_tables_are_read_from_the_schema() -> None:
    connection = searched_connection(pinned_schema(), docs.LIST_ORDERS)
    assert connection is not None and connection.where == "QueryRoot.orders"
    filters = documented_filters(connection.argument)
    assert {"default", "status", "financial_status", "created_at", "customer_id"} <= set(filters)
    assert filters["status"].values == frozenset({"open", "closed", "cancelled", "not_closed"})
    assert filters["created_at"].values is None
    assert searched_connection(pinned_schema(), docs.GET_ORDER) is None


@pytest.mark.parametrize(
    ("document", "query", "problem"),
    [
        (docs.LIST_PRODUCTS, 'colour:"red"', "'colour' is not a documented search filter"),
        (docs.LIST_ORDERS, "customer:12", "'customer' is not a documented search filter"),
        # documented for products, not for the customers connection
        (docs.LIST_CUSTOMERS, 'vendor:"Acme"', "'vendor' is not a documented search filter"),
        (docs.LIST_ORDERS, "status:shipped", "'shipped' is not a documented value of 'status'"),
        (docs.LIST_PRODUCTS, "status:ACTIVE,gone", "is not a documented value of 'status'"),
        (docs.LIST_PRODUCTS, 'vendor:"Acme', "a search term runs into"),
    ],
)
def test_an_unknown_filter_or_value_is_refused(document: str, query: str, problem: str) -> None:
    problems = filter_problems(pinned_schema(), document, query)
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    ("document", "query"),
    [
        (docs.LIST_ORDERS, "status:open created_at:>='2026-09-01T00:00:00Z' customer_id:12"),
        (docs.LIST_PRODUCTS, '"Black Tee" status:ACTIVE vendor:"Acme" OR tag:"summer"'),
        (docs.GET_INVENTORY, "id:45000000000001"),
        (docs.LIST_CUSTOMERS, '"Jane" email:"jane@example.com"'),
        (docs.LIST_ORDERS, "metafields.custom.on_sale:true"),
    ],
)
def test_documented_filters_pass(document: str, query: str) -> None:
    assert filter_problems(pinned_schema(), document, query) == []


def test_a_document_that_searches_nothing_has_no_filters() -> None:
    assert filter_problems(pinned_schema(), docs.GET_SHOP, "status:open") == [
        "the document takes no search query"
    ]


def test_search_terms_are_read_as_shopify_writes_them() -> None:
    read = terms('"a \\"b\\"" created_at:<\'2026-10-01T00:00:00Z\' AND id:>=5')
    assert [(t.field, t.comparator, t.value) for t in read] == [
        (None, "", '"a \\"b\\""'),
        ("created_at", "<", "'2026-10-01T00:00:00Z'"),
        ("id", ">=", "5"),
    ]
