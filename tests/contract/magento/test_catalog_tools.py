"""Contract tests of the category tools: the category tree (flattened, bounded), one category,
and a category's products (fixtures in tests/contract/fixtures/magento, admin-schema 2.4.9)."""

from __future__ import annotations

from typing import Any

import httpx

from shopmcp_adapters.upstreams.magento.outputs.catalog import (
    MAX_CATEGORIES,
    MAX_CATEGORY_PRODUCTS,
)
from tests.contract.magento.helpers import assert_get, harness, response


async def test_list_categories_flattens_the_tree_parents_first() -> None:
    h = harness([response("categories_tree.200.json")])
    out = await h.call("magento_list_categories", {"root_category_id": 2, "depth": 2})
    [request] = h.requests
    assert_get(request, "/rest/V1/categories", [("rootCategoryId", "2"), ("depth", "2")])
    s = out.structured
    assert s["root_category_id"] == 2
    assert [(c["id"], c["parent_id"], c["level"]) for c in s["categories"]] == [
        (2, 1, 1),
        (3, 2, 2),
        (4, 3, 3),
        (6, 3, 3),
        (7, 2, 2),
        (8, 7, 3),
    ]
    assert s["categories"][3] == {
        "id": 6,
        "parent_id": 3,
        "name": "Watches",
        "level": 3,
        "position": 3,
        "is_active": False,
        "product_count": 9,
    }
    assert s["truncated"] is False
    assert out.text == (
        "6 categories: id 2 Default Category, 0 products; -id 3 Gear, 46 products; "
        "--id 4 Bags, 14 products; --id 6 Watches, 9 products, inactive; -id 7 Men, 208 "
        "products; --id 8 Hoodies & Sweatshirts, 13 products."
    )


async def test_list_categories_from_the_root_sends_only_the_depth() -> None:
    h = harness([response("categories_tree.200.json")])
    await h.call("magento_list_categories", {})
    assert_get(h.requests[0], "/rest/V1/categories", [("depth", "3")])


def _wide_tree(children: int) -> dict[str, Any]:
    def node(cid: int, parent: int, kids: list[Any]) -> dict[str, Any]:
        return {
            "id": cid,
            "parent_id": parent,
            "name": f"Category {cid}",
            "is_active": True,
            "position": cid,
            "level": 1 if cid == 2 else 2,
            "product_count": 0,
            "children_data": kids,
        }

    return node(2, 1, [node(100 + n, 2, []) for n in range(children)])


async def test_a_tree_larger_than_the_bound_is_cut_and_says_so() -> None:
    h = harness([httpx.Response(200, json=_wide_tree(MAX_CATEGORIES + 20))])
    out = await h.call("magento_list_categories", {})
    assert len(out.structured["categories"]) == MAX_CATEGORIES
    assert out.structured["truncated"] is True
    assert f"{MAX_CATEGORIES} categories (more left out)" in out.text


async def test_get_category() -> None:
    h = harness([response("category_get.200.json")])
    out = await h.call("magento_get_category", {"category_id": 4})
    [request] = h.requests
    assert_get(request, "/rest/V1/categories/4", [])
    assert out.structured == {
        "category": {
            "id": 4,
            "parent_id": 3,
            "name": "Bags",
            "level": 3,
            "position": 1,
            "is_active": True,
            "product_count": None,
        },
        "path": "1/2/3/4",
        "include_in_menu": True,
        "children_ids": [],
        "url_key": "bags",
        "description": "<p>Bags for every trip.</p>",
        "created_at": "2025-11-20 10:00:00",
        "updated_at": "2026-02-01 09:00:00",
    }
    assert out.text == "Category id 4 Bags (parent 3), child category ids: none."


async def test_a_category_lists_its_children_from_magentos_comma_separated_string() -> None:
    doc = response("category_get.200.json").json()
    h = harness([httpx.Response(200, json={**doc, "id": 3, "children": "4,5,6"})])
    out = await h.call("magento_get_category", {"category_id": 3})
    assert out.structured["children_ids"] == [4, 5, 6]


async def test_list_category_products() -> None:
    h = harness([response("category_products.200.json")])
    out = await h.call("magento_list_category_products", {"category_id": 4})
    [request] = h.requests
    assert_get(request, "/rest/V1/categories/4/products", [])
    assert out.structured == {
        "category_id": 4,
        "products": [
            {"sku": "24-MB01", "position": 1},
            {"sku": "24-MB04", "position": 2},
            {"sku": "24-WB04", "position": 3},
        ],
        "total_count": 3,
        "truncated": False,
    }
    assert out.text == "Category 4 has 3 product(s): 24-MB01, 24-MB04, 24-WB04."


async def test_a_category_with_more_products_than_the_bound_is_cut() -> None:
    links = [{"sku": f"SKU-{n}", "position": n, "category_id": "4"} for n in range(600)]
    h = harness([httpx.Response(200, json=links)])
    out = await h.call("magento_list_category_products", {"category_id": 4})
    s = out.structured
    assert (len(s["products"]), s["total_count"], s["truncated"]) == (
        MAX_CATEGORY_PRODUCTS,
        600,
        True,
    )
    assert out.text.endswith("SKU-49 (more left out).")
