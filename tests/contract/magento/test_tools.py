"""One contract test per Magento tool: the exact request built and how the recorded response
is parsed (fixtures in tests/contract/fixtures/magento, admin-schema 2.4.9 shapes)."""

from __future__ import annotations

import json

import httpx

from tests.contract.magento.helpers import (
    TOKEN,
    assert_get,
    body,
    criteria,
    harness,
    query,
    response,
)

ORDER_42 = {
    "entity_id": 42,
    "increment_id": "000000042",
    "status": "processing",
    "state": "processing",
    "created_at": "2026-03-02 14:05:11",
    "customer_id": 7,
    "customer_email": "roni_cost@example.com",
    "customer_name": "Veronica Costello",
    "grand_total": 153.0,
    "total_refunded": 57.0,
    "currency": "USD",
    "item_count": 2,
}
ADDRESS = {
    "name": "Veronica Costello",
    "street": ["6146 Honey Bluff Parkway"],
    "city": "Calder",
    "region": "Michigan",
    "postcode": "49628-7978",
    "country_id": "US",
    "telephone": "(555) 229-3326",
}


async def test_get_store() -> None:
    h = harness([response("store_configs.200.json")])
    out = await h.call("magento_get_store", {})
    [request] = h.requests
    assert_get(request, "/rest/V1/store/storeConfigs", [])
    assert out.structured["stores"][0] == {
        "id": 1,
        "code": "default",
        "website_id": 1,
        "locale": "en_US",
        "base_currency_code": "USD",
        "default_display_currency_code": "USD",
        "timezone": "America/Chicago",
        "weight_unit": "lbs",
        "base_url": "http://shop.example.com/",
        "secure_base_url": "https://shop.example.com/",
    }
    assert [s["code"] for s in out.structured["stores"]] == ["default", "fr"]
    assert out.text.startswith("2 store view(s). default: en_US, USD, America/Chicago")


async def test_store_code_in_the_store_url_is_used_for_reads() -> None:
    h = harness([response("store_configs.200.json")], store_ref="https://shop.example.com/rest/fr")
    await h.call("magento_get_store", {})
    assert h.requests[0].url.raw_path == b"/rest/fr/V1/store/storeConfigs"


async def test_search_orders() -> None:
    h = harness([response("orders_search.200.json")])
    out = await h.call(
        "magento_search_orders",
        {
            "status": "processing",
            "created_from": "2026-03-01",
            "created_to": "2026-03-31",
            "page_size": 2,
        },
    )
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/orders",
        criteria(
            [
                [("status", "processing", "eq")],
                [("created_at", "2026-03-01 00:00:00", "gteq")],
                [("created_at", "2026-03-31 23:59:59", "lteq")],
            ],
            page_size=2,
            sort=[("created_at", "DESC")],
        ),
    )
    assert out.structured["paging"] == {"total_count": 5, "page": 1, "page_size": 2}
    assert out.structured["orders"] == [
        {
            "entity_id": 43,
            "increment_id": "000000043",
            "status": "pending",
            "state": "new",
            "created_at": "2026-03-05 08:30:00",
            "customer_id": None,
            "customer_email": "guest.buyer@example.com",
            "customer_name": "Sam Guest",
            "grand_total": 50.0,
            "total_refunded": None,
            "currency": "USD",
            "item_count": 1,
        },
        ORDER_42,
    ]
    # Each order's id is printed beside its number: the other order tools take the id.
    assert out.text == (
        "5 order(s) match; page 1 shows 2: #000000043 (id 43) pending 50.00 USD, "
        "#000000042 (id 42) processing 153.00 USD"
    )


async def test_search_orders_by_customer_and_number() -> None:
    h = harness([response("orders_search.customer.200.json")])
    await h.call(
        "magento_search_orders",
        {
            "increment_id": "000000042",
            "customer_email": "roni_cost@example.com",
            "customer_id": 7,
            "page": 3,
        },
    )
    assert query(h.requests[0]) == criteria(
        [
            [("increment_id", "000000042", "eq")],
            [("customer_email", "roni_cost@example.com", "eq")],
            [("customer_id", "7", "eq")],
        ],
        page_size=20,
        page=3,
        sort=[("created_at", "DESC")],
    )


async def test_get_order_with_items_and_fulfilment_in_one_request() -> None:
    h = harness([response("order_get.200.json")])
    out = await h.call("magento_get_order", {"order_id": 42})
    [order_request] = h.requests
    assert_get(order_request, "/rest/V1/orders/42", [])
    s = out.structured
    assert s["order"] == ORDER_42
    assert (s["subtotal"], s["shipping_amount"], s["tax_amount"], s["total_paid"]) == (
        138.0,
        15.0,
        0.0,
        153.0,
    )
    assert s["items"][0] == {
        "item_id": 101,
        "parent_item_id": None,
        "sku": "MH01-M-Black",
        "name": "Chaz Kangeroo Hoodie",
        "product_type": "configurable",
        "qty_ordered": 2.0,
        "qty_shipped": 2.0,
        "qty_refunded": 1.0,
        "price": 52.0,
        "row_total": 104.0,
    }
    assert [(i["item_id"], i["parent_item_id"]) for i in s["items"]] == [
        (101, None),
        (102, 101),
        (103, None),
    ]
    assert s["shipping"] == {
        "method": "flatrate_flatrate",
        "description": "Flat Rate - Fixed",
        "address": ADDRESS,
    }
    # Hoodies shipped, duffle bag not yet: the child line (102) does not count on its own.
    assert s["fulfilment_status"] == "partially_shipped"
    assert "credit_memo_count" not in s
    assert out.text == "Order #000000042 (processing), 153.00 USD, 2 line(s), partially shipped."


async def test_search_products() -> None:
    h = harness([response("products_search.200.json")])
    out = await h.call(
        "magento_search_products",
        {"name_contains": "bag", "type": "simple", "page": 2, "page_size": 2},
    )
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/products",
        criteria(
            [[("name", "%bag%", "like")], [("type_id", "simple", "eq")]],
            page_size=2,
            page=2,
            sort=[("sku", "ASC")],
        ),
    )
    # The like wildcards travel percent-encoded.
    assert b"%25bag%25" in request.url.query
    assert out.structured == {
        "products": [
            {
                "id": 1,
                "sku": "24-MB01",
                "name": "Joust Duffle Bag",
                "type_id": "simple",
                "status": "enabled",
                "visibility": "catalog_search",
                "price": 34.0,
                "updated_at": "2026-02-28 16:42:03",
            },
            {
                "id": 2,
                "sku": "24-MB04",
                "name": "Strive Shoulder Pack",
                "type_id": "simple",
                "status": "disabled",
                "visibility": "catalog_search",
                "price": 32.0,
                "updated_at": "2026-02-28 16:42:03",
            },
        ],
        "paging": {"total_count": 14, "page": 2, "page_size": 2},
    }


async def test_search_products_by_sku_and_status() -> None:
    h = harness([response("products_search.200.json")])
    await h.call("magento_search_products", {"sku_contains": "MB", "status": "disabled"})
    assert query(h.requests[0]) == criteria(
        [[("sku", "%MB%", "like")], [("status", "2", "eq")]],
        page_size=20,
        sort=[("sku", "ASC")],
    )


async def test_get_product_configurable() -> None:
    h = harness([response("product_get.configurable.200.json")])
    out = await h.call("magento_get_product", {"sku": "MH01"})
    [request] = h.requests
    assert_get(request, "/rest/V1/products/MH01", [])
    assert out.structured == {
        "product": {
            "id": 67,
            "sku": "MH01",
            "name": "Chaz Kangeroo Hoodie",
            "type_id": "configurable",
            "status": "enabled",
            "visibility": "catalog_search",
            "price": 52.0,
            "updated_at": "2026-02-28 16:42:03",
        },
        "special_price": 45.0,
        "weight": None,
        "description": "<p>Ideal for cold-weather training or work outdoors.</p>",
        "short_description": "Warm fleece hoodie",
        "url_key": "chaz-kangeroo-hoodie",
        "qty": None,
        "is_in_stock": None,
        "website_ids": [1],
        "configurable_options": [
            {"attribute_id": "93", "label": "Color", "value_indexes": [49, 52]},
            {"attribute_id": "144", "label": "Size", "value_indexes": [167, 168]},
        ],
        "child_product_ids": [54, 55, 56],
    }
    assert out.text == (
        "MH01: Chaz Kangeroo Hoodie (configurable, enabled), price 52.0, 3 variant(s)."
    )


async def test_get_product_percent_encodes_the_sku_as_one_segment() -> None:
    h = harness([response("product_get.configurable.200.json")])
    await h.call("magento_get_product", {"sku": "MH 01+X.v2"})
    assert h.requests[0].url.raw_path == b"/rest/V1/products/MH%2001%2BX.v2"


async def test_list_product_children() -> None:
    h = harness([response("configurable_children.200.json")])
    out = await h.call("magento_list_product_children", {"sku": "MH01"})
    [request] = h.requests
    assert_get(request, "/rest/V1/configurable-products/MH01/children", [])
    children = out.structured["children"]
    assert out.structured["parent_sku"] == "MH01"
    assert [c["product"]["sku"] for c in children] == [
        "MH01-M-Black",
        "MH01-L-Black",
        "MH01-M-Gray",
    ]
    # Short attributes only: url_key and description are left out.
    assert children[0]["attributes"] == {"color": "49", "size": "167"}
    assert children[2]["product"]["status"] == "disabled"
    assert children[0]["product"]["visibility"] == "not_visible_individually"
    assert out.text == ("MH01 has 3 child product(s): MH01-M-Black, MH01-L-Black, MH01-M-Gray.")


async def test_get_inventory() -> None:
    h = harness([response("source_items_search.200.json")])
    out = await h.call("magento_get_inventory", {"sku": "24-MB01"})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/inventory/source-items",
        criteria([[("sku", "24-MB01", "eq")]], page_size=100),
    )
    assert out.structured == {
        "sku": "24-MB01",
        "sources": [
            {"source_code": "default", "quantity": 100.0, "in_stock": True},
            {"source_code": "warehouse_east", "quantity": 0.0, "in_stock": False},
        ],
        "total_quantity": 100.0,
        "in_stock_anywhere": True,
    }
    assert out.text == "24-MB01: 100 units across 2 source(s) (default 100, warehouse_east 0)."


async def test_search_customers_by_name_matches_first_or_last_name() -> None:
    h = harness([response("customers_search.200.json")])
    out = await h.call("magento_search_customers", {"name_contains": "ver"})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/customers/search",
        criteria(
            [[("firstname", "%ver%", "like"), ("lastname", "%ver%", "like")]],
            page_size=20,
            sort=[("entity_id", "ASC")],
        ),
    )
    assert out.structured["customers"][0] == {
        "id": 7,
        "email": "roni_cost@example.com",
        "firstname": "Veronica",
        "lastname": "Costello",
        "created_at": "2025-12-05 09:50:11",
        "website_id": 1,
        "store_id": 1,
    }
    assert [c["id"] for c in out.structured["customers"]] == [7, 9]
    assert out.structured["paging"] == {"total_count": 2, "page": 1, "page_size": 20}


async def test_search_customers_by_email_and_date() -> None:
    h = harness([response("customers_search.200.json")])
    await h.call(
        "magento_search_customers",
        {"email": "roni_cost@example.com", "created_from": "2025-12-01", "page_size": 5},
    )
    assert query(h.requests[0]) == criteria(
        [
            [("email", "roni_cost@example.com", "eq")],
            [("created_at", "2025-12-01 00:00:00", "gteq")],
        ],
        page_size=5,
        sort=[("entity_id", "ASC")],
    )


async def test_get_customer_in_one_request() -> None:
    h = harness([response("customer_get.200.json")])
    out = await h.call("magento_get_customer", {"customer_id": 7})
    [request] = h.requests
    assert_get(request, "/rest/V1/customers/7", [])
    assert out.structured == {
        "customer": {
            "id": 7,
            "email": "roni_cost@example.com",
            "firstname": "Veronica",
            "lastname": "Costello",
            "created_at": "2025-12-05 09:50:11",
            "website_id": 1,
            "store_id": 1,
        },
        "dob": "1973-12-15",
        "addresses": [ADDRESS],
    }
    assert out.text == "Customer 7 Veronica Costello <roni_cost@example.com>, 1 address(es)."


RECENT_42 = {
    "entity_id": 42,
    "increment_id": "000000042",
    "status": "processing",
    "created_at": "2026-03-02 14:05:11",
    "grand_total": 153.0,
    "currency": "USD",
}


async def test_get_customer_order_summary_is_one_fixed_orders_search() -> None:
    h = harness([response("orders_search.customer.200.json")])
    out = await h.call("magento_get_customer_order_summary", {"customer_id": 7})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/orders",
        criteria([[("customer_id", "7", "eq")]], page_size=10, sort=[("created_at", "DESC")]),
    )
    assert out.structured == {
        "customer_id": 7,
        "order_count": 1,
        "recent_orders": [RECENT_42],
        "recent_by_status": [{"status": "processing", "count": 1}],
        "history_complete": True,
    }
    assert out.text == (
        "Customer 7 has 1 order(s); latest #000000042 on 2026-03-02 14:05:11 (153.00 USD); "
        "by status: 1 processing."
    )


async def test_order_summary_says_when_status_counts_cover_only_the_newest_page() -> None:
    doc = body("orders_search.customer.200.json")
    order = doc["items"][0]
    items = [
        {**order, "entity_id": 50 - n, "status": "complete" if n % 3 else "canceled"}
        for n in range(12)  # an upstream that ignores pageSize is cut to the page
    ]
    h = harness([httpx.Response(200, json={**doc, "items": items, "total_count": 37})])
    out = await h.call("magento_get_customer_order_summary", {"customer_id": 7})
    s = out.structured
    assert s["order_count"] == 37
    assert [o["entity_id"] for o in s["recent_orders"]] == list(range(50, 40, -1))
    assert s["recent_by_status"] == [
        {"status": "canceled", "count": 4},
        {"status": "complete", "count": 6},
    ]
    assert s["history_complete"] is False
    assert "by status of the 10 newest: 4 canceled, 6 complete." in out.text


async def test_order_summary_of_a_customer_without_orders() -> None:
    doc = body("orders_search.customer.200.json")
    h = harness([httpx.Response(200, json={**doc, "items": [], "total_count": 0})])
    out = await h.call("magento_get_customer_order_summary", {"customer_id": 7})
    assert out.structured["recent_orders"] == []
    assert out.structured["history_complete"] is True
    assert out.text == "Customer 7 has 0 order(s)."


async def test_list_credit_memos() -> None:
    h = harness([response("creditmemos_search.200.json")])
    out = await h.call("magento_list_credit_memos", {"order_id": 42})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/creditmemos",
        criteria([[("order_id", "42", "eq")]], page_size=20, sort=[("created_at", "ASC")]),
    )
    assert out.structured == {
        "order_id": 42,
        "credit_memos": [
            {
                "entity_id": 5,
                "increment_id": "000000005",
                "order_id": 42,
                "invoice_id": 11,
                "created_at": "2026-03-04 10:00:00",
                "state": 2,
                "grand_total": 57.0,
                "subtotal": 52.0,
                "shipping_amount": 5.0,
                "adjustment": 0.0,
                "currency": "USD",
                # The zero-quantity child line of the configurable item is left out.
                "items": [
                    {
                        "sku": "MH01-M-Black",
                        "name": "Chaz Kangeroo Hoodie",
                        "qty": 1.0,
                        "row_total": 52.0,
                    }
                ],
            }
        ],
        "paging": {"total_count": 1, "page": 1, "page_size": 20},
    }
    assert out.text == "Order 42 has 1 credit memo(s): id 5 #000000005 57.00 USD."


async def test_update_product_sends_exactly_the_whitelisted_fields() -> None:
    h = harness([response("product_update.200.json")])
    out = await h.call(
        "magento_update_product",
        {
            "sku": "24-MB01",
            "name": "Joust Duffle Bag (2026)",
            "price": 36.5,
            "special_price": 29.99,
            "status": "enabled",
            "visibility": "catalog_search",
            "description": "<p>Now with a shoe pocket.</p>",
            "short_description": "Roomy duffle",
            "weight": 2.5,
            "qty": 40,
            "is_in_stock": True,
        },
    )
    [request] = h.requests
    assert request.method == "PUT"
    # Writes go to the "all" scope so they change global values, not a store-view override.
    assert str(request.url) == "https://shop.example.com/rest/all/V1/products/24-MB01"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "product": {
            "name": "Joust Duffle Bag (2026)",
            "price": 36.5,
            "status": 1,
            "visibility": 4,
            "weight": 2.5,
            "custom_attributes": [
                {"attribute_code": "description", "value": "<p>Now with a shoe pocket.</p>"},
                {"attribute_code": "short_description", "value": "Roomy duffle"},
                {"attribute_code": "special_price", "value": "29.9900"},
            ],
            "extension_attributes": {"stock_item": {"qty": 40.0, "is_in_stock": True}},
        }
    }
    assert out.structured["product"]["name"] == "Joust Duffle Bag (2026)"
    assert (out.structured["special_price"], out.structured["qty"]) == (29.99, 40.0)
    assert out.text == (
        "Updated 24-MB01: Joust Duffle Bag (2026) (simple, enabled), price 36.5, qty 40."
    )


async def test_update_product_with_one_field_sends_only_that_field() -> None:
    h = harness([response("product_update.200.json")])
    await h.call("magento_update_product", {"sku": "24-MB01", "status": "disabled"})
    assert json.loads(h.requests[0].content) == {"product": {"status": 2}}
