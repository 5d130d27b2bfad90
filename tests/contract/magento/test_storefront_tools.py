"""Contract tests of the CMS and customer-group tools: the exact searches and how pages,
blocks and groups are read, a page's content bounded (fixtures in
tests/contract/fixtures/magento, admin-schema 2.4.9 shapes)."""

from __future__ import annotations

import httpx

from shopmcp_adapters.upstreams.magento.outputs.storefront import MAX_CONTENT
from tests.contract.magento.helpers import assert_get, body, criteria, harness, response

HOME = {
    "id": 2,
    "identifier": "home",
    "title": "Home Page",
    "active": True,
    "page_layout": "cms-full-width",
    "content_heading": "",
    "meta_title": "Home",
    "meta_description": "Outdoor gear for every season",
    "creation_time": "2025-11-20 10:00:00",
    "update_time": "2026-02-10 15:30:00",
}


async def test_list_cms_pages() -> None:
    h = harness([response("cms_pages_search.200.json")])
    out = await h.call("magento_list_cms_pages", {"title_contains": "o", "active_only": True})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/cmsPage/search",
        criteria(
            [[("title", "%o%", "like")], [("is_active", "1", "eq")]],
            page_size=20,
            sort=[("title", "ASC")],
        ),
    )
    pages = out.structured["pages"]
    assert pages[1] == HOME
    assert "content" not in pages[1]  # a list names pages; magento_get_cms_page reads one
    assert out.text == (
        "3 CMS page(s) match; page 1 shows 3: id 5 'About Us' (about-us), id 2 'Home Page' "
        "(home), id 6 'Summer Lookbook' (summer-lookbook, disabled)"
    )


async def test_get_cms_page_with_its_content() -> None:
    h = harness([response("cms_page_get.200.json")])
    out = await h.call("magento_get_cms_page", {"page_id": 2})
    assert_get(h.requests[0], "/rest/V1/cmsPage/2", [])
    assert out.structured == {
        "page": HOME,
        "content": "<p>Welcome to <strong>Luma</strong>.</p>",
        "content_length": 40,
    }
    assert out.text == "CMS page id 2 'Home Page' (home), 40 characters of content."


async def test_a_long_page_is_cut_and_its_whole_length_given() -> None:
    page = {**body("cms_page_get.200.json"), "content": "x" * (MAX_CONTENT + 500)}
    h = harness([httpx.Response(200, json=page)])
    out = await h.call("magento_get_cms_page", {"page_id": 2})
    assert len(out.structured["content"]) == MAX_CONTENT
    assert out.structured["content_length"] == MAX_CONTENT + 500


async def test_list_and_get_cms_blocks() -> None:
    h = harness([response("cms_blocks_search.200.json"), response("cms_block_get.200.json")])
    listed = await h.call("magento_list_cms_blocks", {"title_contains": "Promo"})
    got = await h.call("magento_get_cms_block", {"block_id": 2})
    assert_get(
        h.requests[0],
        "/rest/V1/cmsBlock/search",
        criteria([[("title", "%Promo%", "like")]], page_size=20, sort=[("title", "ASC")]),
    )
    assert_get(h.requests[1], "/rest/V1/cmsBlock/2", [])
    assert [b["id"] for b in listed.structured["blocks"]] == [2, 3]
    assert got.structured == {
        "block": {
            "id": 2,
            "identifier": "free-shipping-banner",
            "title": "Free Shipping Banner",
            "active": True,
            "creation_time": "2025-11-20 10:00:00",
            "update_time": "2026-02-10 15:30:00",
        },
        "content": "<p>Free shipping over $50</p>",
        "content_length": 29,
    }
    assert listed.text.endswith("id 3 'Holiday Promo' (holiday-promo, disabled)")


async def test_list_and_get_customer_groups() -> None:
    h = harness(
        [response("customer_groups_search.200.json"), response("customer_group_get.200.json")]
    )
    listed = await h.call("magento_list_customer_groups", {})
    got = await h.call("magento_get_customer_group", {"group_id": 4})
    assert_get(
        h.requests[0],
        "/rest/V1/customerGroups/search",
        criteria([], page_size=20, sort=[("id", "ASC")]),
    )
    assert_get(h.requests[1], "/rest/V1/customerGroups/4", [])
    assert listed.text == (
        "5 customer group(s) match; page 1 shows 5: id 0 NOT LOGGED IN, id 1 General, "
        "id 2 Wholesale, id 3 Retailer, id 4 VIP"
    )
    assert got.structured == {
        "id": 4,
        "code": "VIP",
        "tax_class_id": 3,
        "tax_class_name": "Retail Customer",
    }


async def test_group_zero_is_a_valid_group() -> None:
    h = harness([response("customer_group_get.200.json")])
    await h.call("magento_get_customer_group", {"group_id": 0})
    assert h.requests[0].url.raw_path == b"/rest/V1/customerGroups/0"
