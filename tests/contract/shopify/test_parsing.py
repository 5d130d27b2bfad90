"""Reading Shopify's answers into the output models: the nulls the Admin schema allows read as
null or "nothing changed", and a body of the wrong shape is refused as a whole."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.untrusted import UNTRUSTED_KEY
from tests.contract.shopify.helpers import Upstream, call, fixture, make_module, respond
from tests.contract.shopify.test_tools import ALL_CASES
from tests.schemas import assert_matches_output_schema

SET_INVENTORY = {
    "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
    "location_id": 60000000001,
    "expected_quantity": 37,
    "quantity": 30,
}


def body(name: str, change: Callable[[dict[str, Any]], None]) -> httpx.Response:
    """A recorded fixture's body with one change made to its ``data``."""
    changed = copy.deepcopy(fixture(name)["body"])
    change(changed["data"])
    return httpx.Response(200, json=changed)


async def test_no_adjustment_group_means_the_quantity_was_already_set() -> None:
    def unchanged(data: dict[str, Any]) -> None:
        data["inventorySetQuantities"]["inventoryAdjustmentGroup"] = None

    upstream = Upstream([body("set_inventory.200.json", unchanged)])
    output = await call(make_module(upstream), "shopify_set_inventory", SET_INVENTORY)
    assert output.structured == {"reason": None, "changes": []}
    assert output.text == "Available quantity already 30; nothing changed"


async def test_change_without_location_or_item_reads_them_as_null() -> None:
    def anonymous(data: dict[str, Any]) -> None:
        for change in data["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"]:
            change["location"] = None
            change["item"] = None

    upstream = Upstream([body("set_inventory.200.json", anonymous)])
    output = await call(make_module(upstream), "shopify_set_inventory", SET_INVENTORY)
    first = output.structured["changes"][0]
    assert first == {
        "name": "available",
        "delta": -7,
        "quantity_after": None,
        "location_id": None,
        "location_name": None,
        "inventory_item_id": None,
        "sku": None,
    }
    assert output.text.startswith("None at None: available -7")


async def test_customer_without_address_or_orders_reads_them_as_null() -> None:
    def newcomer(data: dict[str, Any]) -> None:
        data["customer"]["defaultAddress"] = None
        data["customer"]["lastOrder"] = None
        data["customer"]["orders"]["nodes"] = []

    upstream = Upstream([body("get_customer.200.json", newcomer)])
    output = await call(
        make_module(upstream), "shopify_get_customer", {"customer_id": 7100000000001}
    )
    assert output.structured["city"] is None
    assert output.structured["country"] is None
    assert output.structured["last_order_name"] is None
    assert output.structured["recent_orders"] == []
    assert output.text.endswith("last order none")


async def test_product_without_a_variant_count_reads_it_as_null() -> None:
    def uncounted(data: dict[str, Any]) -> None:
        data["products"]["nodes"][0]["variantsCount"] = None

    upstream = Upstream([body("list_products.200.json", uncounted)])
    output = await call(make_module(upstream), "shopify_list_products", {})
    assert output.structured["products"][0]["variant_count"] is None


async def test_a_missing_quantity_name_reads_as_null() -> None:
    def no_incoming(data: dict[str, Any]) -> None:
        level = data["productVariants"]["nodes"][0]["inventoryItem"]["inventoryLevels"]
        quantities = level["nodes"][0]["quantities"]
        level["nodes"][0]["quantities"] = [q for q in quantities if q["name"] != "incoming"]

    upstream = Upstream([body("get_inventory.200.json", no_incoming)])
    output = await call(make_module(upstream), "shopify_get_inventory", {"sku": "TEE-BLK-M"})
    level = output.structured["variants"][0]["levels"][0]
    assert level["incoming"] is None
    assert level["available"] == 37


def _set(*path: str | int, to: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = to

    return change


_LEVEL = ("productVariants", "nodes", 0, "inventoryItem", "inventoryLevels", "nodes", 0)
_CHANGE = ("inventorySetQuantities", "inventoryAdjustmentGroup", "changes", 0)
WRONG_SHAPES = [
    pytest.param(
        "get_order.200.json",
        "shopify_get_order",
        _set("order", "lineItems", to=[]),
        id="a connection without nodes",
    ),
    pytest.param(
        "get_order.200.json",
        "shopify_get_order",
        _set("order", "refunds", to=None),
        id="a null list",
    ),
    pytest.param(
        "get_order.200.json",
        "shopify_get_order",
        _set("order", "totalShippingPriceSet", "shopMoney", to={"amount": "10.00"}),
        id="money without a currency",
    ),
    pytest.param(
        "get_order.200.json",
        "shopify_get_order",
        _set("order", "subtotalPriceSet", to="79.90"),
        id="money that is not an object",
    ),
    pytest.param(
        "get_order.200.json",
        "shopify_get_order",
        _set("order", to="gid://shopify/Order/1"),
        id="a node that is not an object",
    ),
    pytest.param(
        "list_orders.200.json",
        "shopify_list_orders",
        _set("orders", to=None),
        id="a null top-level connection",
    ),
    pytest.param(
        "list_orders.200.json",
        "shopify_list_orders",
        _set("orders", "nodes", 0, "closed", to="x"),
        id="a boolean that is text",
    ),
    pytest.param(
        "get_inventory.200.json",
        "shopify_get_inventory",
        _set(*_LEVEL, "quantities", to={"available": 1}),
        id="quantities that are not a list",
    ),
    pytest.param(
        "get_shop.200.json",
        "shopify_get_shop",
        _set("shop", "ianaTimezone", to=None),
        id="a required field that is null",
    ),
    pytest.param(
        "set_inventory.200.json",
        "shopify_set_inventory",
        _set(*_CHANGE, "delta", to="x"),
        id="a delta that is not a number",
    ),
]
ARGUMENTS: dict[str, dict[str, Any]] = {
    "shopify_get_order": {"order_id": 5500000000002},
    "shopify_list_orders": {},
    "shopify_get_inventory": {"sku": "TEE-BLK-M"},
    "shopify_get_shop": {},
    "shopify_set_inventory": SET_INVENTORY,
}


@pytest.mark.parametrize(("fixture_name", "tool", "change"), WRONG_SHAPES)
async def test_a_body_of_the_wrong_shape_is_invalid(
    fixture_name: str, tool: str, change: Callable[[dict[str, Any]], None]
) -> None:
    upstream = Upstream([body(fixture_name, change)])
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await call(make_module(upstream), tool, ARGUMENTS[tool])
    # The values that failed never reach the message.
    assert caught.value.message.endswith("the response did not have the documented shape")


async def test_null_mutation_result_is_not_found() -> None:
    upstream = Upstream([body("update_order.200.json", _set("orderUpdate", "order", to=None))])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_update_order", {"order_id": 1, "note": "x"})
    assert caught.value.status == 404
    assert caught.value.upstream_message == "no order with id gid://shopify/Order/1"


@pytest.mark.parametrize("spec", SHOPIFY.specs, ids=lambda s: s.name)
def test_output_schemas_promise_every_field_and_nothing_else(spec: ToolSpec) -> None:
    # Fields read through a nullable parent default to null while parsing; the output always
    # carries them, and the advertised schema must say so.
    schema = spec.output_schema()
    # A write's schema is its result or its first call's preview: both are held to this.
    branches = schema.get("anyOf", [schema])
    for model in [*branches, *schema.get("$defs", {}).values()]:
        assert model["additionalProperties"] is False, model["title"]
        # The gateway's ``_untrusted`` list is present only when the result carries
        # third-party text (shopmcp_domain.untrusted).
        promised = set(model["properties"]) - {UNTRUSTED_KEY}
        assert sorted(model["required"]) == sorted(promised), model["title"]
        assert all("default" not in field for field in model["properties"].values())


@pytest.mark.parametrize(
    ("tool", "arguments", "fixture_name"),
    [case[:3] for case in ALL_CASES],
    ids=[case[0] for case in ALL_CASES],
)
async def test_a_structured_output_matches_its_advertised_schema(
    tool: str, arguments: dict[str, Any], fixture_name: str
) -> None:
    output = await call(make_module(Upstream([respond(fixture_name)])), tool, arguments)
    spec = next(s for s in SHOPIFY.specs if s.name == tool)
    assert_matches_output_schema(spec, output.structured)
