"""The Neto module driven against the sandbox store over httpx.ASGITransport: every read tool
and the write, with the sandbox honouring the action header, the Filter, the OutputSelectors,
paging and the username/key check."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_entrypoints.demo.sandboxes.neto import SANDBOX_USERNAME, create_sandbox_app
from tests.asgi import asgi_app
from tests.contract.neto.helpers import Harness, Upstream, make_http
from tests.platforms import module_of

SANDBOX_KEY = "sandbox-key-0123456789abcdef"
HOST = "neto-sandbox.test"


def sandbox(key: str = SANDBOX_KEY, username: str = SANDBOX_USERNAME) -> Harness:
    app = create_sandbox_app(SANDBOX_KEY)
    http = make_http(
        httpx.ASGITransport(app=asgi_app(app)), guard=HostGuard(allowed_hosts=frozenset({HOST}))
    )
    return Harness(
        upstream=Upstream([]),
        module=module_of(NETO, http),
        credentials={"username": username, "api_key": key},
        store_ref=f"https://{HOST}",
    )


def ids(out: Any, key: str, field: str) -> list[Any]:
    return [row[field] for row in out.structured[key]]


async def test_list_orders_honours_filters_and_paging() -> None:
    h = sandbox()
    out = await h.call("neto_list_orders", {})
    assert ids(out, "orders", "order_id") == [
        "N10198", "N10201", "N10215", "N10223", "N10231", "N10234", "N10240", "N10242",
    ]  # fmt: skip
    out = await h.call("neto_list_orders", {"statuses": ["Dispatched", "Pick"]})
    assert ids(out, "orders", "order_id") == ["N10198", "N10201", "N10231", "N10234"]
    out = await h.call("neto_list_orders", {"username": "ava.wright"})
    assert ids(out, "orders", "order_id") == ["N10215", "N10223"]
    out = await h.call("neto_list_orders", {"payment_status": "Pending"})
    assert ids(out, "orders", "order_id") == ["N10215", "N10223"]
    out = await h.call("neto_list_orders", {"sku": "MUG-TI-450"})
    assert ids(out, "orders", "order_id") == ["N10198", "N10231", "N10234"]
    out = await h.call("neto_list_orders", {"placed_from": "2026-03-02", "placed_to": "2026-03-04"})
    assert ids(out, "orders", "order_id") == ["N10234", "N10240"]
    out = await h.call("neto_list_orders", {"page": 1, "limit": 3})
    assert ids(out, "orders", "order_id") == ["N10223", "N10231", "N10234"]
    assert out.structured["paging"] == {"page": 1, "limit": 3, "count": 3, "may_have_more": True}
    out = await h.call("neto_list_orders", {"page": 2, "limit": 3})
    assert out.structured["paging"]["may_have_more"] is False


async def test_list_orders_returns_only_what_was_selected() -> None:
    out = await sandbox().call("neto_list_orders", {"statuses": ["Pick"]})
    [order] = out.structured["orders"]
    assert order == {
        "order_id": "N10234",
        "status": "Pick",
        "order_type": "sales",
        "complete_status": "Approved",
        "username": "mia.nguyen",
        "email": "mia.nguyen@example.com",
        "grand_total": 189.9,
        "sales_channel": "Website",
        "shipping_option": "Express Post",
        "placed_at": "2026-03-02T09:14:55",
        "updated_at": "2026-03-02T09:14:55",
        "paid_at": "2026-03-02T09:15:02",
    }


async def test_get_order() -> None:
    out = await sandbox().call("neto_get_order", {"order_id": "N10234"})
    s = out.structured
    assert s["order"]["grand_total"] == 189.9
    assert [(line["sku"], line["tracking_number"]) for line in s["lines"]] == [
        ("TENT-2P-GRN", None),
        ("MUG-TI-450", "AP123456789AU"),
    ]
    assert s["payments"] == [
        {"payment_id": "5534", "amount": 189.9, "payment_type": "PayPal",
         "paid_at": "2026-03-02T09:15:02"},
    ]  # fmt: skip
    assert s["ship_to"]["city"] == "FITZROY"
    assert s["bill_to"]["company"] == "Nguyen Design"
    assert out.text.startswith("Order N10234 (Pick), total 189.90, 2 line(s)")
    with pytest.raises(UpstreamError, match="no order N1"):
        await sandbox().call("neto_get_order", {"order_id": "N1"})


async def test_items_stock_and_categories() -> None:
    h = sandbox()
    out = await h.call("neto_list_items", {"category_id": 13})
    assert ids(out, "items", "sku") == ["TENT-2P", "TENT-2P-GRN", "TENT-2P-ORG"]  # by name
    out = await h.call("neto_list_items", {"is_active": False})
    assert ids(out, "items", "sku") == ["STOVE-LEGACY"]
    out = await h.call("neto_list_items", {"order_by": "ID", "direction": "DESC", "limit": 2})
    assert ids(out, "items", "sku") == ["STOVE-LEGACY", "STOVE-CAN-1"]
    out = await h.call("neto_list_items", {"brand": "summit gear", "updated_from": "2026-03-01"})
    assert ids(out, "items", "sku") == ["STOVE-CAN-1", "TENT-2P", "TENT-2P-GRN"]

    out = await h.call("neto_get_item", {"sku": "TENT-2P-GRN"})
    assert out.structured["warehouse_stock"] == [
        {"warehouse_id": 1, "quantity": 3},
        {"warehouse_id": 2, "quantity": 2},
    ]
    assert [c["name"] for c in out.structured["categories"]] == [
        "Camping", "Tents", "Autumn Sale",
    ]  # fmt: skip
    assert out.structured["item"]["updated_at"] == "2026-02-28T23:00:00Z"

    out = await h.call("neto_get_stock", {"skus": ["TENT-2P-ORG", "STOVE-CAN-1", "NOPE"]})
    assert [(i["sku"], i["on_hand_total"]) for i in out.structured["items"]] == [
        ("TENT-2P-ORG", 5),
        ("STOVE-CAN-1", 0),
    ]
    assert out.structured["missing_skus"] == ["NOPE"]

    out = await h.call("neto_list_categories", {"parent_category_id": 10})
    assert ids(out, "categories", "name") == ["Tents", "Sleeping Bags"]
    out = await h.call("neto_list_categories", {"active": False})
    assert ids(out, "categories", "category_id") == [21]


async def test_customers() -> None:
    h = sandbox()
    out = await h.call("neto_list_customers", {"type": "Customer", "active": True})
    assert ids(out, "customers", "username") == [
        "mia.nguyen", "liam.oconnor", "ava.wright", "noah.kaur",
    ]  # fmt: skip
    out = await h.call("neto_list_customers", {"email": "ZOE.SMITH@example.com"})
    assert ids(out, "customers", "customer_id") == [45]
    out = await h.call("neto_list_customers", {"added_from": "2026-01-01"})
    assert ids(out, "customers", "username") == ["ava.wright", "noah.kaur", "zoe.smith"]

    out = await h.call("neto_get_customer", {"customer_id": 43})
    assert out.structured["customer"]["username"] == "ava.wright"
    assert (out.structured["account_balance"], out.structured["credit_limit"]) == (1250.0, 5000.0)
    out = await h.call("neto_get_customer", {"username": "mia.nguyen"})
    assert out.structured["billing_address"]["phone"] == "0441 000 000"
    with pytest.raises(UpstreamError, match="no customer with username ghost"):
        await h.call("neto_get_customer", {"username": "ghost"})


async def test_returns_payments_warehouses_shipping_and_vouchers() -> None:
    h = sandbox()
    out = await h.call("neto_list_rmas", {"status": "Open"})
    [rma] = out.structured["rmas"]
    assert (rma["rma_id"], rma["order_id"], rma["refunds"]) == (8, "N10201", [])
    assert rma["lines"][0]["return_reason"] == "Too small"
    out = await h.call("neto_list_rmas", {"order_id": "N10198"})
    assert out.structured["rmas"][0]["refunds"][0]["amount"] == 24.95

    out = await h.call("neto_list_payments", {"order_ids": ["N10234", "N10201"]})
    assert [(p["order_id"], p["amount"], p["method"]) for p in out.structured["payments"]] == [
        ("N10201", 364.0, "Credit Card"),
        ("N10234", 189.9, "PayPal"),
    ]
    out = await h.call("neto_list_payments", {"paid_from": "2026-03-04"})
    assert ids(out, "payments", "order_id") == ["N10240", "N10242"]
    assert out.structured["payments"][0]["paid_at"] == "2026-03-03T20:31:10Z"

    out = await h.call("neto_list_warehouses", {})
    assert ids(out, "warehouses", "name") == ["Melbourne", "Sydney", "Brisbane"]
    out = await h.call("neto_list_shipping_methods", {})
    assert ids(out, "shipping_methods", "method_id") == [1, 4, 7]

    out = await h.call("neto_list_vouchers", {"redeemed": False})
    assert ids(out, "vouchers", "code") == ["GV-7KQ2-PL9M", "RW-41-0001"]
    out = await h.call("neto_list_vouchers", {"owner": "liam.oconnor"})
    assert [(v["voucher_id"], v["redeemed"]) for v in out.structured["vouchers"]] == [(302, True)]


async def test_update_item_is_applied_and_read_back() -> None:
    h = sandbox()
    out = await h.call(
        "neto_update_item",
        {"sku": "STOVE-CAN-1", "default_price": "74.95", "warehouse_id": 3, "quantity": 12},
    )
    assert out.structured == {"sku": "STOVE-CAN-1", "updated_fields": ["default_price", "quantity"]}
    item = (await h.call("neto_get_item", {"sku": "STOVE-CAN-1"})).structured
    assert item["item"]["default_price"] == 74.95
    assert item["warehouse_stock"] == [
        {"warehouse_id": 1, "quantity": 0},
        {"warehouse_id": 2, "quantity": 0},
        {"warehouse_id": 3, "quantity": 12},
    ]
    assert item["item"]["available_quantity"] == 12
    with pytest.raises(UpstreamError, match="no item with SKU 'NOPE'"):
        await h.call("neto_update_item", {"sku": "NOPE", "rrp": 1})
    with pytest.raises(UpstreamError, match="no warehouse '9'"):
        await h.call("neto_update_item", {"sku": "STOVE-CAN-1", "warehouse_id": 9, "quantity": 1})


async def test_a_wrong_key_or_username_is_refused() -> None:
    for h in (sandbox(key="not-the-sandbox-key-000"), sandbox(username="someone-else")):
        with pytest.raises(UpstreamError) as caught:
            await h.call("neto_list_warehouses", {})
        assert (caught.value.status, caught.value.upstream_message) == (
            200,
            "Authentication failed: invalid username or key",
        )


def test_each_app_needs_a_real_key() -> None:
    with pytest.raises(ValueError, match="16 characters"):
        create_sandbox_app("short")


async def raw(
    body: Any, action: str = "GetItem", accept: str = "application/json", path: str = ""
) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app(create_sandbox_app(SANDBOX_KEY))),
        base_url=f"https://{HOST}",
    ) as client:
        return await client.post(
            path or "/do/WS/NetoAPI",
            content=body if isinstance(body, bytes) else json.dumps(body).encode(),
            headers={
                "NETOAPI_ACTION": action,
                "NETOAPI_USERNAME": SANDBOX_USERNAME,
                "NETOAPI_KEY": SANDBOX_KEY,
                "Accept": accept,
            },
        )


@pytest.mark.parametrize(
    ("body", "action", "message"),
    [
        (b"{not json", "GetItem", "Invalid request"),
        ({"Filter": {"SKU": ["A"]}}, "GetItem", "at least one OutputSelector"),
        ({"Filter": {"Colour": "red", "OutputSelector": ["Name"]}}, "GetItem", "Invalid filter"),
        ({"Filter": {"Limit": "ten", "OutputSelector": ["Name"]}}, "GetItem", "Invalid filter"),
        ({"Filter": {"DateUpdatedFrom": "soon", "OutputSelector": ["Name"]}}, "GetItem", "Invalid"),
        ({}, "GetItem", "Filter is required"),
        ({"Filter": {}}, "DeleteItem", "Unknown API action"),
        ({"Item": [{"SKU": "MUG-TI-450", "Name": "Renamed"}]}, "UpdateItem", "Invalid field"),
    ],
)
async def test_malformed_requests_are_neto_ack_errors(body: Any, action: str, message: str) -> None:
    response = await raw(body, action)
    assert response.status_code == 200
    assert response.json()["Ack"] == "Error"
    assert message in response.json()["Messages"]["Error"][0]["Message"]


async def test_an_unknown_selector_is_a_warning_with_the_data() -> None:
    response = await raw({"Filter": {"SKU": ["MUG-TI-450"], "OutputSelector": ["Name", "Foo"]}})
    assert response.json() == {
        "Item": [{"SKU": "MUG-TI-450", "Name": "Titanium Mug 450ml"}],
        "Messages": {
            "Warning": [{"Message": "Unknown OutputSelector: Foo", "SeverityCode": "Warning"}]
        },
        "CurrentTime": "2026-03-10 04:12:09",
        "Ack": "Warning",
    }


async def test_no_selector_no_secret() -> None:
    # The sandbox holds a voucher's secret key, but only a request that selects it gets it.
    response = await raw({"Filter": {"VoucherID": ["301"], "OutputSelector": ["VoucherCode"]}},
                         "GetVoucher")  # fmt: skip
    assert response.json()["Voucher"] == [{"VoucherID": "301", "VoucherCode": "GV-7KQ2-PL9M"}]


async def test_without_accept_json_the_answer_is_xml_which_the_client_cannot_read() -> None:
    response = await raw({"Filter": {"OutputSelector": ["Name"]}}, accept="application/xml")
    assert response.headers["content-type"].startswith("application/xml")
    with pytest.raises(ValueError):
        response.json()


@pytest.mark.parametrize("path", ["/do/WS/Other", "/admin", "/do/WS/NetoAPI/x"])
async def test_other_paths_are_404(path: str) -> None:
    response = await raw({}, path=path)
    assert response.status_code == 404


async def test_the_module_reads_an_xml_answer_as_invalid() -> None:
    # A sandbox that answered XML (as Neto does without Accept: application/json) is an
    # invalid response to the module, never a success.
    async def xml(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<GetItemResponse><Ack>Success</Ack></GetItemResponse>")

    http = make_http(httpx.MockTransport(xml))
    h = Harness(Upstream([]), module_of(NETO, http), {"username": "u", "api_key": "k" * 20},
                "https://shop.example.com.au")  # fmt: skip
    with pytest.raises(UpstreamResponseInvalid):
        await h.call("neto_list_warehouses", {})
