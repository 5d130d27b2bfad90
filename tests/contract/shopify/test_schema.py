"""Everything the Shopify module sends, against the pinned 2026-07 Admin schema.

The documents, the variables every tool builds (each input field, each enum value) and every
search filter the tools can put in a ``query`` string are checked with ``schema_check`` against
the official introspection pruned to what the documents use
(``tests/contract/fixtures/shopify/prune_schema.py``). Moving to another version is the
``API_VERSION`` constant, a regenerated pruned schema, and whatever these tests then report.
"""

from __future__ import annotations

import re
import typing
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import FieldNode, VariableNode, graphql_sync
from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_domain.tools.spec import ToolSpec
from tests.contract.shopify.helpers import (
    FIXTURES,
    GRAPHQL_URL,
    Upstream,
    call,
    fixture,
    make_module,
    respond,
)
from tests.contract.shopify.schema_check import (
    document_problems,
    filter_problems,
    operation_of,
    pinned_schema,
    searched_connection,
    variables_problems,
)

SPECS = SHOPIFY.specs
PINNED = "2026-07"

_BY_OPERATION = {docs.operation_name(d): d for d in docs.ALL_DOCUMENTS}


def test_the_module_speaks_the_pinned_version() -> None:
    assert docs.API_VERSION == PINNED
    assert GRAPHQL_URL.endswith(f"/admin/api/{PINNED}/graphql.json")
    assert [p.name for p in FIXTURES.glob("admin_*.pruned.graphql")] == [
        f"admin_{PINNED}.pruned.graphql"
    ]


@pytest.mark.parametrize("document", docs.ALL_DOCUMENTS, ids=docs.operation_name)
def test_document_is_valid_and_uses_nothing_deprecated(document: str) -> None:
    assert document_problems(pinned_schema(), document) == []


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
        assert spec.operation.path == f"/admin/api/{PINNED}/graphql.json"


# --------------------------------------------------------------------------- what the tools send

# A valid value for every input field of every tool (enum fields take each of their values).
# A new input field without a sample here fails test_the_cases_cover_every_field_and_value.
SAMPLES: dict[str, Any] = {
    "order_id": "5500000000001",
    "product_id": "8000000000001",
    "customer_id": "7100000000001",
    "variant_id": "45000000000001",
    "inventory_item_id": "47000000000001",
    "location_id": "60000000001",
    "search": "Black Tee",
    "vendor": "Acme",
    "product_type": "T-Shirts",
    "tag": "summer",
    "sku": "TEE-BLK-M",
    "email": "jane@example.com",
    "created_from": "2026-09-01",
    "created_to": "2026-09-30",
    "first": 5,
    "after": "eyJsYXN0X2lkIjo1NTAwMDAwMDAwMDAwfQ==",
    "title": "Black Tee (Organic)",
    "description": "<p>Now organic.</p>",
    "tags": ["organic", "summer"],
    "note": "Gift wrap",
    "quantity": 30,
    "expected_quantity": 37,
    "include_inactive": True,
    "fulfillment_order_id": "6600000000001",
    "fulfillment_id": "4400000000002",
    "items": [{"fulfillment_order_line_item_id": "16000000000001", "quantity": 1}],
    "tracking_company": "DHL Express",
    "tracking_number": "JD014600006281230134",
    "tracking_url": "https://dhl.example/track/JD014600006281230134",
    "notify_customer": True,
    "refund_id": "900000000002",
    "line_items": [{"line_item_id": "13000000000021", "quantity": 2}],
    "refund_shipping": True,
    "transactions": [
        {"parent_transaction_id": "8800000000021", "gateway": "shopify_payments", "amount": "45.00"}
    ],
    "restock": True,
    "refund_payment": True,
    "staff_note": "Customer changed their mind",
    "code": "VIP10",
    # Required choices (every other value is sent in its own case).
    "value_type": "percentage",
    "reason": "customer",
    "discount_id": "gid://shopify/DiscountCodeNode/1200000000002",
    "value": 10,
    "starts_at": "2026-10-01T00:00:00Z",
    "ends_at": "2026-12-31T13:00:00Z",
    "usage_limit": 100,
    "once_per_customer": True,
    "minimum_subtotal": "50.00",
    "customer_ids": ["7100000000001"],
    "collection_id": "1300000000001",
    "source_id": "1400000000001",
    "product_ids": ["8000000000003"],
    "draft_order_id": "1100000000001",
    "variants": [{"variant_id": "45000000000002", "quantity": 2}],
    "namespace": "custom",
    "max_pages": 2,
    "top": 3,
}


def _choices(annotation: Any) -> tuple[Any, ...] | None:
    """The values of a ``Literal`` (or optional ``Literal``) annotation, else None."""
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    for option in typing.get_args(annotation):
        if typing.get_origin(option) is typing.Literal:
            return typing.get_args(option)
    return None


def _valid(model: type[BaseModel], arguments: dict[str, Any]) -> bool:
    try:
        model.model_validate(arguments)
    except ValidationError:
        return False
    return True


def _argument_sets(model: type[BaseModel]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The required fields alone, each optional field (every value of an enum) added to them,
    and every field at once. A field that is not valid on its own (a page size needs an
    inventory target, an update something to change) joins the first valid single case."""
    fields = model.model_fields
    required = {name: SAMPLES[name] for name, f in fields.items() if f.is_required()}
    singles = [
        (f"{name}={value}", {**required, name: value})
        for name, field in fields.items()
        for value in _choices(field.annotation) or (SAMPLES.get(name),)
    ]
    anchor = next((a for _, a in singles if _valid(model, a)), required)
    yield "required", required
    for label, arguments in singles:
        yield label, arguments if _valid(model, arguments) else {**anchor, **arguments}
    yield "every field", {name: value for _, single in singles for name, value in single.items()}


def _cases() -> list[Any]:
    return [
        pytest.param(spec, arguments, id=f"{spec.name}[{label}]")
        for spec in SPECS
        for label, arguments in _argument_sets(spec.input_model)
        # invalid combinations: an update with nothing to change, two inventory targets
        if _valid(spec.input_model, arguments)
    ]


CASES = _cases()


def test_the_cases_cover_every_field_and_value() -> None:
    for spec in SPECS:
        sent = [
            arguments for case_spec, arguments in (c.values for c in CASES) if case_spec is spec
        ]
        for name, field in spec.input_model.model_fields.items():
            assert _choices(field.annotation) or name in SAMPLES, f"add a sample for {name}"
            for value in _choices(field.annotation) or (SAMPLES[name],):
                assert any(a.get(name) == value for a in sent), f"{spec.name}: {name}={value}"


@pytest.mark.parametrize(("spec", "arguments"), CASES)
async def test_every_request_a_tool_sends_fits_the_pinned_schema(
    spec: ToolSpec, arguments: dict[str, Any]
) -> None:
    fixture_name = spec.name.removeprefix("shopify_") + ".200.json"
    upstream = Upstream([respond(fixture_name)])
    await call(make_module(upstream), spec.name, arguments)
    [body] = upstream.bodies()
    document, variables = body["query"], body["variables"]
    assert docs.operation_name(document) == spec.operation.document
    assert document in docs.ALL_DOCUMENTS
    assert variables_problems(pinned_schema(), document, variables) == []
    if variables.get("query") is not None:
        assert filter_problems(pinned_schema(), document, variables["query"]) == []


def test_every_searching_document_is_searched_by_some_case() -> None:
    searching = {
        docs.operation_name(d)
        for d in docs.ALL_DOCUMENTS
        if searched_connection(pinned_schema(), d) is not None
    }
    assert searching == {
        "ListOrders",
        "ListProducts",
        "GetInventory",
        "ListCustomers",
        "ListLocations",
        "ListAbandonedCheckouts",
        "ListDiscounts",
        "ListCollections",
        "ListDraftOrders",
        "SalesOrders",
    }


# --------------------------------------------------------------------------- recorded fixtures

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
    # A fixture records the variables of the request it answers, or these do.
    variables = record["_source"].get("variables") or {
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
    }
    result = graphql_sync(pinned_schema(), document, root_value=data, variable_values=variables)
    assert result.errors is None
    assert result.data == data
    assert record["_source"]["api_version"] == PINNED


def test_every_fixture_records_the_pinned_version() -> None:
    for path in FIXTURES.glob("*.json"):
        assert fixture(path.name)["_source"]["api_version"] == PINNED, path.name


# --------------------------------------------------------------------------- idempotency keys


def _mutation_fields(document: str) -> list[FieldNode]:
    return [s for s in operation_of(document).selection_set.selections if isinstance(s, FieldNode)]


_MUTATIONS = [d for d in docs.ALL_DOCUMENTS if d.startswith("mutation")]


@pytest.mark.parametrize("document", _MUTATIONS, ids=docs.operation_name)
def test_a_mutation_that_takes_an_idempotency_key_is_sent_one(document: str) -> None:
    """Whatever 2026-07 says of a mutation's key (optional or required), a mutation whose
    description offers the ``@idempotent`` directive carries it, with a variable key."""
    mutation = pinned_schema().mutation_type
    assert mutation is not None
    for field in _mutation_fields(document):
        offers = "`@idempotent` directive" in (mutation.fields[field.name.value].description or "")
        directives = [d for d in field.directives or () if d.name.value == "idempotent"]
        assert bool(directives) == offers, field.name.value
        for directive in directives:
            [key] = directive.arguments or ()
            assert isinstance(key.value, VariableNode)


_KEYED = [spec for spec in SPECS if "@idempotent" in _BY_OPERATION[spec.operation.document or ""]]


def test_the_keyed_tools_are_the_stock_and_refund_writes() -> None:
    assert {spec.name for spec in _KEYED} == {"shopify_set_inventory", "shopify_create_refund"}


@pytest.mark.parametrize("spec", _KEYED, ids=lambda s: s.name)
async def test_each_call_of_a_keyed_tool_sends_a_fresh_key(spec: ToolSpec) -> None:
    # A fresh key per call: Shopify answers a repeated key with the first call's result, so a
    # key reused for a later, deliberate write would silently do nothing.
    arguments = next(a for s, a in (c.values for c in CASES) if s is spec)
    upstream = Upstream([respond(spec.name.removeprefix("shopify_") + ".200.json")])
    module = make_module(upstream)
    for _ in range(2):
        await call(module, spec.name, arguments)
    keys = [body["variables"]["idempotencyKey"] for body in upstream.bodies()]
    assert len(set(keys)) == 2
    assert all(uuid.UUID(key).version == 4 for key in keys)
