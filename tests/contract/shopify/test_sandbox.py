"""The module driven against the sandbox app through ``httpx.ASGITransport``: every read tool,
the three writes applied to the sandbox's state, its token check, and its answers held to
the pinned schema."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import graphql_sync

from shopmcp_adapters.memory import FakeLease
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import UpstreamError
from shopmcp_entrypoints.demo.sandboxes.shopify import DEFAULT_TOKEN, create_sandbox_app
from shopmcp_entrypoints.demo.sandboxes.shopify_store import SandboxShop
from tests.asgi import asgi_app
from tests.contract.shopify.helpers import FIXTURES, call, fixture, make_module
from tests.contract.shopify.schema_check import pinned_schema


def sandbox(token: str = DEFAULT_TOKEN) -> tuple[Any, SandboxShop]:
    shop = SandboxShop()
    app = create_sandbox_app(token, shop)
    module = make_module(transport=httpx.ASGITransport(app=asgi_app(app)))
    return module, shop


def lease(token: str = DEFAULT_TOKEN) -> FakeLease:
    return FakeLease(CredentialPayload({"access_token": token}), rotation_allowed=False)


async def run(module: Any, tool: str, arguments: dict[str, Any]) -> Any:
    return await call(module, tool, arguments, lease=lease())


async def test_shop() -> None:
    module, _ = sandbox()
    out = await run(module, "shopify_get_shop", {})
    assert out.structured["name"] == "Acme Outfitters (sandbox)"
    assert out.structured["currency"] == "AUD"


async def test_orders_filters_and_paging() -> None:
    module, _ = sandbox()
    everything = await run(module, "shopify_list_orders", {"first": 50})
    assert len(everything.structured["orders"]) == 10
    created = [o["created_at"] for o in everything.structured["orders"]]
    assert created == sorted(created, reverse=True)

    first = await run(module, "shopify_list_orders", {"first": 4})
    assert first.structured["page_info"]["has_next_page"] is True
    cursor = first.structured["page_info"]["end_cursor"]
    second = await run(module, "shopify_list_orders", {"first": 50, "after": cursor})
    names = [o["name"] for o in first.structured["orders"] + second.structured["orders"]]
    assert names == [o["name"] for o in everything.structured["orders"]]

    paid = await run(module, "shopify_list_orders", {"financial_status": "paid"})
    assert {o["financial_status"] for o in paid.structured["orders"]} == {"PAID"}
    jane = await run(module, "shopify_list_orders", {"customer_id": 7100000000001})
    assert {o["customer_name"] for o in jane.structured["orders"]} == {"Jane Citizen"}
    assert len(jane.structured["orders"]) == 3
    window = await run(
        module, "shopify_list_orders", {"created_from": "2026-09-04", "created_to": "2026-09-07"}
    )
    assert [o["name"] for o in window.structured["orders"]] == ["#1003", "#1002"]


async def test_order_with_lines_fulfilments_and_refunds() -> None:
    module, _ = sandbox()
    out = await run(module, "shopify_get_order", {"order_id": 5500000000002})
    order = out.structured
    assert order["name"] == "#1002"
    assert [li["title"] for li in order["line_items"]] == ["Black Tee", "Canvas Tote"]
    assert order["fulfillments"][0]["tracking"][0]["company"] == "Australia Post"
    assert order["refunds"][0]["total"] == {"amount": "29.00", "currency": "AUD"}


async def test_order_refunds() -> None:
    module, _ = sandbox()
    out = await run(module, "shopify_list_order_refunds", {"order_id": 5500000000002})
    assert out.structured["refunds"][0]["lines"][0]["title"] == "Canvas Tote"
    assert out.structured["total_refunded"]["amount"] == "29.00"


async def test_unknown_order_is_not_found() -> None:
    module, _ = sandbox()
    with pytest.raises(UpstreamError) as caught:
        await run(module, "shopify_get_order", {"order_id": 1})
    assert caught.value.status == 404


async def test_products_search_and_filters() -> None:
    module, _ = sandbox()
    everything = await run(module, "shopify_list_products", {"first": 50})
    assert len(everything.structured["products"]) == 8
    tees = await run(module, "shopify_list_products", {"search": "tee"})
    assert [p["title"] for p in tees.structured["products"]] == ["Black Tee", "White Tee"]
    wool = await run(module, "shopify_list_products", {"vendor": "Southern Wool", "tag": "winter"})
    assert [p["title"] for p in wool.structured["products"]] == ["Merino Beanie"]
    drafts = await run(module, "shopify_list_products", {"status": "draft"})
    assert [p["title"] for p in drafts.structured["products"]] == ["Linen Shirt"]


async def test_product_with_variants() -> None:
    module, _ = sandbox()
    out = await run(module, "shopify_get_product", {"product_id": 8000000000001})
    assert [v["sku"] for v in out.structured["variants"]] == ["BLA-TEE-S", "BLA-TEE-M", "BLA-TEE-L"]
    assert out.structured["total_inventory"] == sum(
        v["inventory_quantity"] for v in out.structured["variants"]
    )


async def test_inventory_by_sku_product_and_variant() -> None:
    module, _ = sandbox()
    by_sku = await run(module, "shopify_get_inventory", {"sku": "BLA-TEE-M"})
    (variant,) = by_sku.structured["variants"]
    assert [lv["location_name"] for lv in variant["levels"]] == [
        "Sydney Warehouse",
        "Melbourne Store",
    ]
    by_product = await run(module, "shopify_get_inventory", {"product_id": 8000000000001})
    assert len(by_product.structured["variants"]) == 3
    by_variant = await run(module, "shopify_get_inventory", {"variant_id": variant["variant_id"]})
    assert by_variant.structured == by_sku.structured


async def test_customers_and_history() -> None:
    module, _ = sandbox()
    everyone = await run(module, "shopify_list_customers", {})
    assert len(everyone.structured["customers"]) == 6
    found = await run(module, "shopify_list_customers", {"email": "jane@example.com"})
    (jane,) = found.structured["customers"]
    assert jane["number_of_orders"] == 3
    detail = await run(module, "shopify_get_customer", {"customer_id": jane["id"]})
    assert len(detail.structured["recent_orders"]) == 3
    assert detail.structured["last_order_name"] == "#1008"


async def test_writes_change_the_sandbox_state() -> None:
    module, _ = sandbox()
    await run(
        module,
        "shopify_update_product",
        {"product_id": 8000000000001, "title": "Black Tee v2", "tags": ["new"]},
    )
    product = await run(module, "shopify_get_product", {"product_id": 8000000000001})
    assert (product.structured["title"], product.structured["tags"]) == ("Black Tee v2", ["new"])

    level = (await run(module, "shopify_get_inventory", {"sku": "BLA-TEE-M"})).structured
    variant = level["variants"][0]
    location = variant["levels"][0]
    before = location["available"]
    out = await run(
        module,
        "shopify_set_inventory",
        {
            "inventory_item_id": variant["inventory_item_id"],
            "location_id": location["location_id"],
            "expected_quantity": before,
            "quantity": before + 5,
        },
    )
    assert out.structured["changes"][0]["delta"] == 5
    after = (await run(module, "shopify_get_inventory", {"sku": "BLA-TEE-M"})).structured
    assert after["variants"][0]["levels"][0]["available"] == before + 5

    await run(module, "shopify_update_order", {"order_id": 5500000000001, "note": "Gift wrap"})
    order = await run(module, "shopify_get_order", {"order_id": 5500000000001})
    assert order.structured["note"] == "Gift wrap"


async def test_blank_title_is_a_user_error() -> None:
    module, _ = sandbox()
    with pytest.raises(UpstreamError) as caught:
        await run(module, "shopify_update_product", {"product_id": 8000000000001, "title": " "})
    assert "Title can't be blank" in caught.value.message


async def test_wrong_token_is_refused() -> None:
    module, _ = sandbox(token="shpat_expected")
    with pytest.raises(UpstreamError) as caught:
        await call(module, "shopify_get_shop", {}, lease=lease("shpat_wrong"))
    assert caught.value.status == 401


async def test_other_documents_are_refused() -> None:
    app = create_sandbox_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app(app)), base_url="https://x.myshopify.com"
    ) as client:
        response = await client.post(
            docs.GRAPHQL_PATH,
            json={"query": "query { shop { name } }", "variables": {}},
            headers={"X-Shopify-Access-Token": DEFAULT_TOKEN},
        )
    assert response.status_code == 400


async def raw(method: str, path: str, content: str = "", token: str | None = DEFAULT_TOKEN) -> Any:
    headers = {"X-Shopify-Access-Token": token} if token is not None else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app(create_sandbox_app())),
        base_url="https://x.myshopify.com",
    ) as client:
        return await client.request(method, path, content=content, headers=headers)


@pytest.mark.parametrize("token", [None, "", "shpat_wrong"])
async def test_a_missing_or_wrong_token_gets_shopifys_401_before_the_body_is_read(
    token: str | None,
) -> None:
    response = await raw("POST", docs.GRAPHQL_PATH, "not even JSON", token=token)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


async def test_a_body_that_is_not_json_is_a_bad_request() -> None:
    response = await raw("POST", docs.GRAPHQL_PATH, "{not json")
    assert (response.status_code, response.json()) == (400, {"errors": "Bad Request"})


@pytest.mark.parametrize("body", ['{"query": "query GetShop {"}', "[1, 2]", '{"variables": {}}'])
async def test_a_request_without_one_of_our_documents_and_variables_is_refused(body: str) -> None:
    response = await raw("POST", docs.GRAPHQL_PATH, body)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "this sandbox answers only ShopMCP's fixed documents"}]
    }


async def test_an_answer_carries_data_and_the_query_cost() -> None:
    body = json.dumps({"query": docs.GET_SHOP, "variables": {}})
    response = await raw("POST", docs.GRAPHQL_PATH, body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["data"]["shop"]["myshopifyDomain"] == "acme-sandbox.myshopify.com"
    assert answer["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 2000.0


async def test_only_post_to_the_graphql_path_is_routed() -> None:
    wrong_method = await raw("GET", docs.GRAPHQL_PATH)
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["allow"]
    other_version = docs.GRAPHQL_PATH.replace(docs.API_VERSION, "2024-01")
    assert (await raw("POST", other_version, "{}")).status_code == 404


def test_each_app_has_its_own_store_unless_given_one() -> None:
    shop = SandboxShop()
    assert create_sandbox_app(shop=shop).state.shop is shop
    assert create_sandbox_app().state.shop is not create_sandbox_app().state.shop


READ_VARIABLES: dict[str, dict[str, Any]] = {
    docs.GET_SHOP: {},
    docs.LIST_ORDERS: {"first": 50, "after": None, "query": None},
    docs.GET_ORDER: {"id": "gid://shopify/Order/5500000000002"},
    docs.LIST_ORDER_REFUNDS: {"id": "gid://shopify/Order/5500000000006"},
    docs.LIST_PRODUCTS: {"first": 50, "after": None, "query": None},
    docs.GET_PRODUCT: {"id": "gid://shopify/Product/8000000000005"},
    docs.GET_INVENTORY: {"first": 50, "query": "product_id:8000000000001"},
    docs.LIST_CUSTOMERS: {"first": 50, "after": None, "query": None},
    docs.GET_CUSTOMER: {"id": "gid://shopify/Customer/7100000000001"},
}


@pytest.mark.parametrize("document", list(READ_VARIABLES), ids=docs.operation_name)
def test_sandbox_answers_in_the_pinned_schema_shape(document: str) -> None:
    data = SandboxShop().resolvers[document](READ_VARIABLES[document])
    variables = {"first": 1, **READ_VARIABLES[document]}
    result = graphql_sync(pinned_schema(), document, root_value=data, variable_values=variables)
    assert result.errors is None
    assert result.data == _selected(data, result.data)


# The recorded fixtures that say which request they answer: the sandbox answers each of those
# requests (a fresh store each, the writes included) in the pinned schema's shape.
RECORDED_REQUESTS = sorted(
    p.name for p in FIXTURES.glob("*.200.json") if "variables" in fixture(p.name)["_source"]
)


@pytest.mark.parametrize("name", RECORDED_REQUESTS)
def test_sandbox_answers_each_recorded_request_in_the_pinned_schema_shape(name: str) -> None:
    source = fixture(name)["_source"]
    document = next(d for d in docs.ALL_DOCUMENTS if docs.operation_name(d) == source["operation"])
    data = SandboxShop().resolvers[document](source["variables"])
    result = graphql_sync(
        pinned_schema(), document, root_value=data, variable_values=source["variables"]
    )
    assert result.errors is None
    assert result.data == _selected(data, result.data)


def test_recorded_requests_cover_every_new_document() -> None:
    recorded = {fixture(name)["_source"]["operation"] for name in RECORDED_REQUESTS}
    read_here = {docs.operation_name(d) for d in READ_VARIABLES}
    assert recorded | read_here == {docs.operation_name(d) for d in docs.ALL_DOCUMENTS} - {
        # the three writes of the first slice, driven through the tools above and in
        # test_compare_and_set.py
        "UpdateProduct",
        "SetInventory",
        "UpdateOrder",
    }


def _selected(full: Any, shape: Any) -> Any:
    """``full`` cut down to the keys present in ``shape`` (the sandbox may hold more)."""
    if isinstance(shape, dict):
        return {k: _selected(full[k], v) for k, v in shape.items()}
    if isinstance(shape, list):
        return [_selected(f, s) for f, s in zip(full, shape, strict=True)]
    return full
