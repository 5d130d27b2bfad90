"""Contract tests of the Multi-Source Inventory tools: sources, one source's stock, and setting a
SKU's quantity at a source (fixtures in tests/contract/fixtures/magento, admin-schema 2.4.9)."""

from __future__ import annotations

import json

import httpx
import pytest

from shopmcp_domain.errors import UpstreamResponseInvalid
from tests.contract.magento.helpers import assert_get, criteria, harness, response

EAST = {
    "source_code": "warehouse_east",
    "name": "East Coast Warehouse",
    "enabled": True,
    "description": "East Coast Warehouse.",
    "country_id": "US",
    "region": "New Jersey",
    "city": "Newark",
    "postcode": "07102",
}


async def test_list_sources_leaves_contact_details_out() -> None:
    h = harness([response("sources_search.200.json")])
    out = await h.call("magento_list_sources", {"enabled_only": True})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/inventory/sources",
        criteria([[("enabled", "1", "eq")]], page_size=20, sort=[("source_code", "ASC")]),
    )
    assert out.structured["sources"][1] == EAST
    assert "email" not in json.dumps(out.structured) and "phone" not in json.dumps(out.structured)
    assert out.text == (
        "2 source(s) match; page 1 shows 2: default (Default Source, enabled, Austin, US), "
        "warehouse_east (East Coast Warehouse, enabled, Newark, US)"
    )


async def test_get_source() -> None:
    h = harness([response("source_get.200.json")])
    out = await h.call("magento_get_source", {"source_code": "warehouse_east"})
    assert_get(h.requests[0], "/rest/V1/inventory/sources/warehouse_east", [])
    assert out.structured == EAST


async def test_list_source_items_at_one_source() -> None:
    h = harness([response("source_items_search.by_source.200.json")])
    out = await h.call(
        "magento_list_source_items",
        {"source_code": "warehouse_east", "sku_contains": "MB", "in_stock": False},
    )
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/inventory/source-items",
        criteria(
            [
                [("source_code", "warehouse_east", "eq")],
                [("sku", "%MB%", "like")],
                [("status", "0", "eq")],
            ],
            page_size=20,
            sort=[("sku", "ASC")],
        ),
    )
    assert out.structured["items"] == [
        {"sku": "24-MB01", "source_code": "warehouse_east", "quantity": 5.0, "in_stock": True},
        {"sku": "24-MB04", "source_code": "warehouse_east", "quantity": 0.0, "in_stock": False},
    ]
    assert out.text == (
        "At warehouse_east: 2 stock row(s) match; page 1 shows 2: 24-MB01 5, "
        "24-MB04 0 (out of stock)"
    )


@pytest.mark.parametrize("answer", ["source_items_save.200.json", None])
async def test_set_source_item_saves_one_row(answer: str | None) -> None:
    answered = response(answer) if answer else httpx.Response(200)  # [] or nothing at all
    h = harness([answered])
    out = await h.call(
        "magento_set_source_item",
        {"sku": "24-MB01", "source_code": "warehouse_east", "quantity": 12, "in_stock": True},
    )
    [request] = h.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://shop.example.com/rest/all/V1/inventory/source-items",
    )
    assert json.loads(request.content) == {
        "sourceItems": [
            {"sku": "24-MB01", "source_code": "warehouse_east", "quantity": 12.0, "status": 1}
        ]
    }
    assert out.structured == {
        "sku": "24-MB01",
        "source_code": "warehouse_east",
        "quantity": 12.0,
        "in_stock": True,
    }
    assert out.text == "Set 24-MB01 12 at warehouse_east."


@pytest.mark.parametrize("answer", [[{"sku": "24-MB01"}], {"saved": True}, "ok", True])
async def test_a_save_that_answers_something_else_is_invalid(answer: object) -> None:
    h = harness([httpx.Response(200, json=answer)])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call(
            "magento_set_source_item",
            {"sku": "24-MB01", "source_code": "default", "quantity": 1, "in_stock": True},
        )
