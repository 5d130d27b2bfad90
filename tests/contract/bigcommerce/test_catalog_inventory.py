"""Categories, brands, product filters, inventory locations, one location's stock and the two
stock adjustments: the exact request each builds, and the parsed answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopmcp_domain.errors import (
    InvalidArguments,
    UpstreamError,
    UpstreamResponseInvalid,
    WriteFieldRejected,
)
from tests.contract.bigcommerce.harness import Upstream, assert_request


async def test_list_products_by_category_and_brand(upstream: Upstream) -> None:
    upstream.serve("list_products.200")
    await upstream.call("bigcommerce_list_products", {"category_id": 23, "brand_id": 4})
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/catalog/products",
        {"categories:in": "23", "brand_id": "4", "page": "1", "limit": "20"},
    )


async def test_list_categories(upstream: Upstream) -> None:
    upstream.serve("list_categories.200")
    out = await upstream.call(
        "bigcommerce_list_categories",
        {"parent_id": 0, "tree_id": 1, "name": "Tea", "is_visible": True, "limit": 10},
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/catalog/trees/categories",
        {
            "parent_id:in": "0",
            "tree_id:in": "1",
            "name:like": "Tea",
            "is_visible": "true",
            "page": "1",
            "limit": "10",
        },
    )
    categories = out.structured["categories"]
    assert categories[4] == {
        "category_id": 31,
        "parent_id": 30,
        "tree_id": 1,
        "name": "Clearance",
        "is_visible": False,
        "sort_order": 9,
        "url": "/clearance/",
    }
    assert out.structured["pagination"] == {"total": 5, "current_page": 1, "total_pages": 1}
    assert out.text == (
        "5 categories: #20 Tea (top level); #23 Green Tea (in #20); #24 Black Tea (in #20); "
        "#30 Teaware (top level); #31 Clearance (in #30), hidden"
    )


async def test_a_list_text_says_when_more_pages_exist(upstream: Upstream) -> None:
    body = {
        "data": [{"category_id": 20, "parent_id": 0, "name": "Tea"}],
        "meta": {"pagination": {"total": 51, "current_page": 1, "total_pages": 2}},
    }
    upstream.queue = [httpx.Response(200, json=body)]
    out = await upstream.call("bigcommerce_list_categories", {"limit": 1})
    assert out.text == "1 category: #20 Tea (top level). More exist: ask for page 2 of 2."


async def test_get_category_reads_the_tree_collection_filtered_to_one_id(
    upstream: Upstream,
) -> None:
    upstream.serve("get_category.200")
    out = await upstream.call("bigcommerce_get_category", {"category_id": 23})
    assert_request(
        upstream.only_request, "GET", "/v3/catalog/trees/categories", {"category_id:in": "23"}
    )
    assert out.structured["category"] == {
        "category_id": 23,
        "parent_id": 20,
        "tree_id": 1,
        "name": "Green Tea",
        "is_visible": True,
        "sort_order": 1,
        "url": "/green-tea/",
        "description": None,
        "description_truncated": False,
        "page_title": "Green Tea",
        "views": 143,
        "default_product_sort": "use_store_settings",
    }
    assert out.text == "Category #23 Green Tea, in #20, /green-tea/."


async def test_get_category_with_no_match_is_a_clear_404(upstream: Upstream) -> None:
    upstream.serve("get_category.200.empty")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_get_category", {"category_id": 99})
    assert not isinstance(caught.value, UpstreamResponseInvalid)
    assert (caught.value.status, caught.value.upstream_message) == (404, "no category with id 99")


async def test_get_category_refuses_another_category(upstream: Upstream) -> None:
    other = {"category_id": 24, "parent_id": 20, "name": "Black Tea"}
    upstream.queue = [httpx.Response(200, json={"data": [other], "meta": {}})]
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_get_category", {"category_id": 23})


async def test_a_long_category_description_is_capped(upstream: Upstream) -> None:
    long = {"category_id": 23, "parent_id": 20, "name": "Green Tea", "description": "x" * 5000}
    upstream.queue = [httpx.Response(200, json={"data": [long], "meta": {}})]
    out = await upstream.call("bigcommerce_get_category", {"category_id": 23})
    category = out.structured["category"]
    assert (len(category["description"]), category["description_truncated"]) == (4000, True)


async def test_list_brands(upstream: Upstream) -> None:
    upstream.serve("list_brands.200")
    out = await upstream.call("bigcommerce_list_brands", {"name": "Kiln", "page": 2, "limit": 5})
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/catalog/brands",
        {"name:like": "Kiln", "page": "2", "limit": "5"},
    )
    assert [b["id"] for b in out.structured["brands"]] == [4, 5, 6]
    assert out.text == "3 brands: #4 Harbour; #5 Kiln & Co; #6 Leaf Line"


async def test_get_brand(upstream: Upstream) -> None:
    upstream.serve("get_brand.200")
    out = await upstream.call("bigcommerce_get_brand", {"brand_id": 5})
    assert_request(upstream.only_request, "GET", "/v3/catalog/brands/5")
    assert out.structured == {
        "brand": {
            "id": 5,
            "name": "Kiln & Co",
            "page_title": "Kiln & Co",
            "search_keywords": "kiln & co",
            "image_url": None,
            "url": "/brands/Kiln-&-Co.html",
        }
    }
    assert out.text == "Brand #5 Kiln & Co, /brands/Kiln-&-Co.html."


async def test_list_locations(upstream: Upstream) -> None:
    upstream.serve("list_locations.200")
    out = await upstream.call("bigcommerce_list_locations", {"is_active": True})
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/inventory/locations",
        {"is_active": "true", "page": "1", "limit": "50"},
    )
    assert out.structured["locations"][0] == {
        "id": 1,
        "code": "HOBART",
        "label": "Hobart warehouse",
        "type_id": "PHYSICAL",
        "enabled": True,
        "storefront_visibility": True,
        "time_zone": "Australia/Hobart",
        "city": "Hobart",
        "country_code": "AU",
        "updated_at": "2026-06-01T00:00:00Z",
    }
    assert out.text == "2 locations: #1 Hobart warehouse (HOBART); #2 Sydney shop (SYD-SHOP)"


async def test_get_location_inventory(upstream: Upstream) -> None:
    upstream.serve("get_location_inventory.200")
    out = await upstream.call(
        "bigcommerce_get_location_inventory", {"location_id": 1, "variant_ids": [240, 241]}
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/inventory/locations/1/items",
        {"variant_id:in": "240,241", "page": "1", "limit": "50"},
    )
    assert out.structured["location_id"] == 1
    assert out.structured["items"][1] == {
        "sku": "TEA-SEN-100-REFILL",
        "variant_id": 241,
        "product_id": 112,
        "available_to_sell": 38,
        "total_inventory_onhand": 40,
        "safety_stock": 2,
        "warning_level": 5,
        "is_in_stock": True,
    }
    assert out.text == (
        "Location #1: 2 items: TEA-SEN-100-TIN (variant #240, product #112): 84 available, "
        "90 on hand; TEA-SEN-100-REFILL (variant #241, product #112): 38 available, 40 on hand"
    )


async def test_location_inventory_takes_at_most_one_selector(upstream: Upstream) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(
            "bigcommerce_get_location_inventory",
            {"location_id": 1, "skus": ["A"], "product_ids": [1]},
        )
    assert upstream.requests == []


async def test_set_inventory_sends_absolute_levels(upstream: Upstream) -> None:
    upstream.serve("set_inventory.200")
    items = [
        {"location_id": 1, "variant_id": 240, "quantity": 12},
        {"location_id": 2, "variant_id": 240, "quantity": 0},
    ]
    out = await upstream.call(
        "bigcommerce_set_inventory", {"items": items, "reason": "Stocktake 2026-11"}
    )
    assert_request(
        upstream.only_request,
        "PUT",
        "/v3/inventory/adjustments/absolute",
        body={"items": items, "reason": "Stocktake 2026-11"},
    )
    assert out.structured == {
        "transaction_id": "b1f6e0c4-7a2d-4d1e-9c55-3f0a8e2d7c11",
        "mode": "absolute",
        "items": items,
    }
    assert out.text == (
        "Stock adjusted (transaction b1f6e0c4-7a2d-4d1e-9c55-3f0a8e2d7c11), 2 items: "
        "variant #240 at location #1 set to 12; variant #240 at location #2 set to 0"
    )


async def test_adjust_inventory_sends_relative_changes(upstream: Upstream) -> None:
    upstream.serve("adjust_inventory.200")
    items = [
        {"location_id": 1, "variant_id": 240, "quantity": -2},
        {"location_id": 1, "variant_id": 241, "quantity": 24},
    ]
    out = await upstream.call("bigcommerce_adjust_inventory", {"items": items})
    assert_request(
        upstream.only_request, "POST", "/v3/inventory/adjustments/relative", body={"items": items}
    )
    assert out.structured["mode"] == "relative"
    assert out.text.endswith(
        "2 items: variant #240 at location #1 -2; variant #241 at location #1 +24"
    )


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("bigcommerce_set_inventory", {"items": []}),
        ("bigcommerce_set_inventory", {"items": [{"location_id": 1, "variant_id": 2}]}),
        (
            "bigcommerce_set_inventory",
            {"items": [{"location_id": 1, "variant_id": 2, "quantity": -1}]},
        ),
        (
            "bigcommerce_set_inventory",
            {"items": [{"location_id": 1, "variant_id": 2, "quantity": 1}] * 2},
        ),
        (
            "bigcommerce_adjust_inventory",
            {"items": [{"location_id": 1, "variant_id": 2, "quantity": 0}]},
        ),
        (
            "bigcommerce_adjust_inventory",
            {"items": [{"location_id": 1, "variant_id": 2, "quantity": 1_000_001}]},
        ),
        (
            "bigcommerce_adjust_inventory",
            {"items": [{"location_id": 1, "variant_id": 2, "quantity": 1}], "reason": "a\nb"},
        ),
    ],
)
async def test_stock_adjustments_are_validated(
    upstream: Upstream, tool: str, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(tool, arguments)
    assert upstream.requests == []


async def test_a_stock_adjustment_cannot_name_a_sku(upstream: Upstream) -> None:
    # The documented body takes a SKU per item; here a nested sku is a forbidden write field.
    item = {"location_id": 1, "sku": "TEA-SEN-100-TIN", "quantity": 5}
    with pytest.raises(WriteFieldRejected):
        await upstream.call("bigcommerce_set_inventory", {"items": [item]})
    assert upstream.requests == []
