"""The Magento module driven against the sandbox store over httpx.ASGITransport: every read
tool and the write, with the sandbox honouring the searchCriteria the client sends."""

from __future__ import annotations

import httpx
import pytest

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_domain.errors import UpstreamError
from shopmcp_entrypoints.demo.sandboxes.magento import create_sandbox_app
from tests.asgi import asgi_app
from tests.contract.magento.helpers import Harness, Upstream, make_http
from tests.platforms import module_of

SANDBOX_TOKEN = "sandbox-token-0123456789abcdef"
HOST = "magento-sandbox.test"


def sandbox(token: str = SANDBOX_TOKEN, store_ref: str = f"https://{HOST}") -> Harness:
    from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO

    app = create_sandbox_app(SANDBOX_TOKEN)
    http = make_http(
        httpx.ASGITransport(app=asgi_app(app)), guard=HostGuard(allowed_hosts=frozenset({HOST}))
    )
    return Harness(
        upstream=Upstream([]),
        module=module_of(MAGENTO, http),
        credentials={"access_token": token},
        store_ref=store_ref,
    )


async def test_get_store() -> None:
    out = await sandbox().call("magento_get_store", {})
    assert [s["code"] for s in out.structured["stores"]] == ["default", "fr"]


async def test_search_orders_honours_status_dates_and_paging() -> None:
    h = sandbox()
    out = await h.call("magento_search_orders", {"status": "processing"})
    assert [o["entity_id"] for o in out.structured["orders"]] == [10, 6, 4]  # newest first
    assert out.structured["paging"]["total_count"] == 3

    out = await h.call(
        "magento_search_orders", {"created_from": "2026-02-01", "created_to": "2026-02-28"}
    )
    assert sorted(o["entity_id"] for o in out.structured["orders"]) == [4, 5, 6, 7]

    out = await h.call("magento_search_orders", {"page": 2, "page_size": 4})
    assert [o["entity_id"] for o in out.structured["orders"]] == [6, 5, 4, 3]
    assert out.structured["paging"] == {"total_count": 10, "page": 2, "page_size": 4}

    out = await h.call("magento_search_orders", {"customer_email": "roni_cost@example.com"})
    assert [o["entity_id"] for o in out.structured["orders"]] == [7, 3, 1]


async def test_get_order() -> None:
    out = await sandbox().call("magento_get_order", {"order_id": 7})
    s = out.structured
    assert s["order"]["increment_id"] == "000000007"
    assert s["fulfilment_status"] == "shipped"
    assert [i["sku"] for i in s["items"] if i["parent_item_id"] is None] == [
        "MH01-M-Black",
        "24-MB04",
    ]
    assert s["shipping"]["address"]["city"] == "Calder"


async def test_search_products_and_get_product_with_children() -> None:
    h = sandbox()
    out = await h.call("magento_search_products", {"name_contains": "duffle"})
    assert [p["sku"] for p in out.structured["products"]] == ["24-MB01", "24-WB04"]
    out = await h.call("magento_search_products", {"status": "disabled"})
    assert [p["sku"] for p in out.structured["products"]] == ["24-MG03"]
    out = await h.call("magento_search_products", {"type": "configurable"})
    assert [p["sku"] for p in out.structured["products"]] == ["MH01"]

    out = await h.call("magento_get_product", {"sku": "MH01"})
    assert out.structured["child_product_ids"] == [54, 55, 56]
    assert [o["label"] for o in out.structured["configurable_options"]] == ["Color", "Size"]

    out = await h.call("magento_list_product_children", {"sku": "MH01"})
    assert [(c["product"]["sku"], c["attributes"]) for c in out.structured["children"]] == [
        ("MH01-M-Black", {"color": "49", "size": "167"}),
        ("MH01-L-Black", {"color": "49", "size": "168"}),
        ("MH01-M-Gray", {"color": "52", "size": "167"}),
    ]


async def test_get_inventory_at_two_sources() -> None:
    out = await sandbox().call("magento_get_inventory", {"sku": "MH01-L-Black"})
    assert out.structured["sources"] == [
        {"source_code": "default", "quantity": 6.0, "in_stock": True},
        {"source_code": "warehouse_east", "quantity": 5.0, "in_stock": True},
    ]
    assert out.structured["total_quantity"] == 11.0


async def test_customers() -> None:
    h = sandbox()
    out = await h.call("magento_search_customers", {"name_contains": "ok"})  # Okafor
    assert [c["id"] for c in out.structured["customers"]] == [6]
    out = await h.call("magento_search_customers", {"email": "john.smith@example.com"})
    assert [c["id"] for c in out.structured["customers"]] == [2]

    out = await h.call("magento_get_customer", {"customer_id": 1})
    assert out.structured["addresses"][0]["city"] == "Calder"

    out = await h.call("magento_get_customer_order_summary", {"customer_id": 1})
    summary = out.structured
    assert summary["order_count"] == 3
    assert [o["entity_id"] for o in summary["recent_orders"]] == [7, 3, 1]  # not the guest's
    assert summary["recent_by_status"] == [
        {"status": "complete", "count": 2},
        {"status": "closed", "count": 1},
    ]
    assert summary["history_complete"] is True


async def test_credit_memos() -> None:
    out = await sandbox().call("magento_list_credit_memos", {"order_id": 3})
    [memo] = out.structured["credit_memos"]
    assert (memo["order_id"], memo["grand_total"]) == (3, 50.0)
    out = await sandbox().call("magento_list_credit_memos", {"order_id": 4})
    assert out.structured["credit_memos"] == []


async def test_update_product_is_applied_and_read_back() -> None:
    h = sandbox()
    out = await h.call(
        "magento_update_product",
        {
            "sku": "24-MB01",
            "name": "Joust Duffle Bag (2026)",
            "price": 36.5,
            "special_price": 29.99,
            "description": "<p>Now with a shoe pocket.</p>",
            "qty": 40,
            "is_in_stock": True,
            "status": "disabled",
        },
    )
    assert out.structured["product"]["name"] == "Joust Duffle Bag (2026)"
    product = (await h.call("magento_get_product", {"sku": "24-MB01"})).structured
    assert product["product"]["price"] == 36.5
    assert product["product"]["status"] == "disabled"
    assert product["special_price"] == 29.99
    assert product["description"] == "<p>Now with a shoe pocket.</p>"
    assert product["qty"] == 40.0
    inventory = (await h.call("magento_get_inventory", {"sku": "24-MB01"})).structured
    assert inventory["sources"][0] == {"source_code": "default", "quantity": 40.0, "in_stock": True}


async def test_store_code_routes() -> None:
    out = await sandbox(store_ref=f"https://{HOST}/rest/default").call(
        "magento_get_product", {"sku": "24-UG06"}
    )
    assert out.structured["product"]["name"] == "Affirm Water Bottle"


async def test_the_sandbox_refuses_a_wrong_token() -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox(token="not-the-sandbox-token").call("magento_get_store", {})
    assert caught.value.status == 401
    assert "Magento_Backend::admin" in caught.value.upstream_message


async def test_unknown_entities_are_magento_404s() -> None:
    h = sandbox()
    with pytest.raises(UpstreamError, match="product that was requested doesn't exist"):
        await h.call("magento_get_product", {"sku": "NOPE"})
    with pytest.raises(UpstreamError, match="No such entity with customerId = 99"):
        await h.call("magento_get_customer", {"customer_id": 99})


def test_each_app_has_its_own_data_and_needs_a_real_token() -> None:
    with pytest.raises(ValueError, match="16 characters"):
        create_sandbox_app("short")


async def raw(method: str, path: str, content: bytes = b"") -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app(create_sandbox_app(SANDBOX_TOKEN))),
        base_url=f"https://{HOST}",
    ) as client:
        return await client.request(
            method, path, content=content, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        )


async def test_a_write_whose_body_is_not_json_is_magentos_400() -> None:
    response = await raw("PUT", "/rest/all/V1/products/24-MB01", b"{not json")
    assert response.status_code == 400
    assert response.json() == {
        "message": "Decoding error: %1",
        "parameters": ["the request body is not JSON"],
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/rest/V1/nothing"), ("POST", "/rest/V1/orders"), ("DELETE", "/rest/V1/products/X")],
)
async def test_an_unknown_route_or_method_is_magentos_no_route_404(method: str, path: str) -> None:
    response = await raw(method, path)
    assert response.status_code == 404
    assert response.json() == {"message": "Request does not match any route."}
