"""``shopify_set_inventory`` is compare-and-set: it replaces the available quantity only while
it is still the one the merchant saw (``expected_quantity``, sent as Shopify's
``changeFromQuantity``), and a stale write is refused with a clear error and no change —
against the recorded fixtures and against the sandbox."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest
from graphql import graphql_sync

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_domain.errors import (
    InvalidArguments,
    UpstreamError,
)
from shopmcp_entrypoints.demo.sandboxes.shopify_store import SandboxShop
from tests.contract.shopify.helpers import Upstream, call, fixture, make_module, respond
from tests.contract.shopify.schema_check import pinned_schema
from tests.contract.shopify.test_sandbox import run, sandbox

ITEM = "gid://shopify/InventoryItem/47000000000001"
LOCATION = "gid://shopify/Location/60000000001"
ARGUMENTS = {"inventory_item_id": ITEM, "location_id": LOCATION, "expected_quantity": 37}


def _sent_quantity(upstream: Upstream) -> dict[str, Any]:
    [body] = upstream.bodies()
    [quantity] = body["variables"]["input"]["quantities"]
    return dict(quantity)


# --------------------------------------------------------------------------- recorded fixtures


async def test_a_stale_write_is_refused_with_the_way_to_fix_it() -> None:
    upstream = Upstream([respond("set_inventory_stale.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_set_inventory", {**ARGUMENTS, "quantity": 30})
    assert _sent_quantity(upstream)["changeFromQuantity"] == 37
    assert len(upstream.requests) == 1  # a refused write is never retried
    assert caught.value.status == 200
    assert caught.value.upstream_message == (
        "The changeFromQuantity value does not match persisted value."
    )
    assert caught.value.message.startswith(
        f"stock not changed: the available quantity of {ITEM} at {LOCATION} is no longer 37. "
        "Read it again with shopify_get_inventory and pass the number it shows now as "
        "expected_quantity (shopify answered 200: <untrusted-text"
    )


async def test_shopifys_words_reach_the_merchant_so_a_current_quantity_it_names_does() -> None:
    answer = copy.deepcopy(fixture("set_inventory_stale.200.json")["body"])
    [error] = answer["data"]["inventorySetQuantities"]["userErrors"]
    error["message"] = "The quantity is 12, not 37."
    upstream = Upstream([httpx.Response(200, json=answer)])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_set_inventory", {**ARGUMENTS, "quantity": 30})
    assert ">The quantity is 12, not 37.</untrusted-text>" in caught.value.message


async def test_other_user_errors_keep_shopifys_own_report() -> None:
    answer = copy.deepcopy(fixture("set_inventory_stale.200.json")["body"])
    answer["data"]["inventorySetQuantities"]["userErrors"] = [
        {
            "code": "ITEM_NOT_STOCKED_AT_LOCATION",
            "field": ["input", "quantities", "0", "locationId"],
            "message": "The specified inventory item is not stocked at the location.",
        }
    ]
    upstream = Upstream([httpx.Response(200, json=answer)])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_set_inventory", {**ARGUMENTS, "quantity": 30})
    assert caught.value.upstream_message == (
        "rejected the change: input.quantities.0.locationId: "
        "The specified inventory item is not stocked at the location."
    )


async def test_each_write_carries_its_own_idempotency_key() -> None:
    upstream = Upstream([respond("set_inventory.200.json")])
    module = make_module(upstream)
    for _ in range(2):
        await call(module, "shopify_set_inventory", {**ARGUMENTS, "quantity": 30})
    keys = [body["variables"]["idempotencyKey"] for body in upstream.bodies()]
    assert len(set(keys)) == 2
    assert all(uuid.UUID(key).version == 4 for key in keys)


@pytest.mark.parametrize("expected", [None, "37 or so", 1_000_000_001])
async def test_the_expected_quantity_is_required_and_bounded(expected: Any) -> None:
    spec = next(s for s in SHOPIFY.specs if s.name == "shopify_set_inventory")
    arguments: dict[str, Any] = {**ARGUMENTS, "quantity": 30}
    if expected is None:
        del arguments["expected_quantity"]
    else:
        arguments["expected_quantity"] = expected
    assert "expected_quantity" in spec.input_schema()["required"]
    upstream = Upstream([])
    with pytest.raises((InvalidArguments, ValueError)):
        await call(make_module(upstream), "shopify_set_inventory", arguments)
    assert upstream.requests == []


async def test_oversold_stock_can_be_the_expected_quantity() -> None:
    upstream = Upstream([respond("set_inventory.200.json")])
    arguments = {**ARGUMENTS, "expected_quantity": -3, "quantity": 0}
    await call(make_module(upstream), "shopify_set_inventory", arguments)
    assert _sent_quantity(upstream)["changeFromQuantity"] == -3


# --------------------------------------------------------------------------- the sandbox


async def _available(module: Any, sku: str = "BLA-TEE-M") -> tuple[str, str, int]:
    inventory = await run(module, "shopify_get_inventory", {"sku": sku})
    [variant] = inventory.structured["variants"]
    level = variant["levels"][0]
    return variant["inventory_item_id"], level["location_id"], level["available"]


async def test_sandbox_refuses_a_stale_write_and_keeps_the_stock() -> None:
    module, _ = sandbox()
    item, location, before = await _available(module)
    stale = {"inventory_item_id": item, "location_id": location, "expected_quantity": before + 1}
    with pytest.raises(UpstreamError) as caught:
        await run(module, "shopify_set_inventory", {**stale, "quantity": 0})
    assert f"is no longer {before + 1}" in caught.value.message
    assert "shopify_get_inventory" in caught.value.message
    assert (await _available(module))[2] == before


async def test_sandbox_applies_a_current_write_once() -> None:
    module, _ = sandbox()
    item, location, before = await _available(module)
    current = {"inventory_item_id": item, "location_id": location, "expected_quantity": before}
    out = await run(module, "shopify_set_inventory", {**current, "quantity": before + 4})
    assert [c["delta"] for c in out.structured["changes"]] == [4, 4]
    assert (await _available(module))[2] == before + 4
    # The same call again is now stale: nothing is added twice.
    with pytest.raises(UpstreamError):
        await run(module, "shopify_set_inventory", {**current, "quantity": before + 4})
    assert (await _available(module))[2] == before + 4


async def test_sandbox_sets_the_same_number_without_an_adjustment() -> None:
    module, _ = sandbox()
    item, location, before = await _available(module)
    current = {"inventory_item_id": item, "location_id": location, "expected_quantity": before}
    out = await run(module, "shopify_set_inventory", {**current, "quantity": before})
    assert out.structured == {"reason": None, "changes": []}


@pytest.mark.parametrize("offset", [0, 1], ids=["current", "stale"])
def test_sandbox_answers_set_inventory_in_the_pinned_schema_shape(offset: int) -> None:
    shop = SandboxShop()
    item, location = (
        "gid://shopify/InventoryItem/47000000000002",
        "gid://shopify/Location/60000000001",
    )
    current = shop.data["levels"][(item, location)]["available"]
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "quantities": [
                {
                    "inventoryItemId": item,
                    "locationId": location,
                    "quantity": current + 2,
                    "changeFromQuantity": current + offset,
                }
            ],
        },
        "idempotencyKey": str(uuid.uuid4()),
    }
    data = shop.resolvers[docs.SET_INVENTORY](variables)
    result = graphql_sync(
        pinned_schema(), docs.SET_INVENTORY, root_value=data, variable_values=variables
    )
    assert result.errors is None
    assert result.data == data
    [*errors] = data["inventorySetQuantities"]["userErrors"]
    assert [e["code"] for e in errors] == ([] if offset == 0 else ["CHANGE_FROM_QUANTITY_STALE"])
