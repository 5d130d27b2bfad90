"""How Neto's answers that are not plain successes end: ``Ack: Error`` (HTTP 200) is a tool
error with Neto's messages, ``Ack: Warning`` keeps the data and says the warning, 429 is a rate
limit with its retry-after and is not retried, a 5xx is retried for reads only, and a 2xx body
of the wrong shape is an invalid response whatever the tool."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from tests.contract.neto.helpers import API_KEY, answer, harness, response

# One valid call per tool, for the table-wide checks.
CALLS: dict[str, dict[str, Any]] = {
    "neto_list_orders": {},
    "neto_get_order": {"order_id": "N10234"},
    "neto_list_items": {},
    "neto_get_item": {"sku": "TENT-2P-GRN"},
    "neto_get_stock": {"skus": ["TENT-2P-GRN"]},
    "neto_list_categories": {},
    "neto_list_customers": {},
    "neto_get_customer": {"username": "mia.nguyen"},
    "neto_list_rmas": {},
    "neto_list_payments": {},
    "neto_list_warehouses": {},
    "neto_list_shipping_methods": {},
    "neto_list_vouchers": {"redeemed": False},
    "neto_update_item": {"sku": "TENT-2P-GRN", "default_price": 10},
}
# Where each tool's data sits in Neto's answer.
DATA_KEY = {
    "neto_list_orders": "Order",
    "neto_get_order": "Order",
    "neto_list_items": "Item",
    "neto_get_item": "Item",
    "neto_get_stock": "Item",
    "neto_list_categories": "Category",
    "neto_list_customers": "Customer",
    "neto_get_customer": "Customer",
    "neto_list_rmas": "Rma",
    "neto_list_payments": "Payment",
    "neto_list_warehouses": "Warehouse",
    "neto_list_shipping_methods": "ShippingMethods",
    "neto_list_vouchers": "Voucher",
    "neto_update_item": "Item",
}
TOOLS = sorted(CALLS)


def test_the_tables_cover_every_tool() -> None:
    assert set(CALLS) == set(DATA_KEY) == {spec.name for spec in NETO.specs}


# --------------------------------------------------------------------------- Ack


@pytest.mark.parametrize("tool", TOOLS)
async def test_ack_error_is_a_tool_error_with_netos_messages(tool: str) -> None:
    h = harness([response("getorder.error.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call(tool, CALLS[tool])
    assert type(caught.value) is UpstreamError
    assert caught.value.status == 200
    assert caught.value.upstream_message == (
        "Invalid filter value: DatePlacedFrom is not a valid date"
    )
    assert len(h.requests) == 1  # an answered error is not retried


async def test_ack_error_without_messages_still_fails() -> None:
    h = harness([answer({"Ack": "Error", "Order": []})])
    with pytest.raises(UpstreamError, match="refused"):
        await h.call("neto_list_orders", {})


async def test_several_error_messages_are_joined_and_bounded() -> None:
    errors = [{"Message": f"problem {i}", "SeverityCode": "Error"} for i in range(9)]
    errors.append({"Message": "x" * 5000})
    h = harness([answer({"Ack": "Error", "Messages": {"Error": errors}})])
    with pytest.raises(UpstreamError) as caught:
        await h.call("neto_list_orders", {})
    assert caught.value.upstream_message == "; ".join(f"problem {i}" for i in range(5))


async def test_an_echoed_api_key_never_reaches_the_message() -> None:
    message = {"Message": f"Invalid key {API_KEY} for user acme-api", "SeverityCode": "Error"}
    h = harness([answer({"Ack": "Error", "Messages": {"Error": message}})])
    with pytest.raises(UpstreamError) as caught:
        await h.call("neto_list_orders", {})
    assert API_KEY not in str(caught.value)
    assert caught.value.upstream_message == "Invalid key [redacted] for user acme-api"


async def test_ack_warning_returns_the_data_and_says_the_warning() -> None:
    h = harness([response("getorder.warning.200.json")])
    out = await h.call("neto_list_orders", {})
    assert [o["order_id"] for o in out.structured["orders"]] == ["N10234"]
    assert out.text == (
        "1 order(s) on page 0: N10234 Pick 189.90 (mia.nguyen). "
        "Neto warned: Output selector DateCompletedUTC is deprecated."
    )
    assert "warn" not in str(out.structured)


async def test_a_warning_given_as_one_object_is_read_too() -> None:
    body = {
        "Ack": "Warning",
        "Item": [{"SKU": "TENT-2P-GRN", "WarehouseQuantity": []}],
        "Messages": {"Warning": {"Message": "Partial data", "SeverityCode": "Warning"}},
    }
    out = await harness([answer(body)]).call("neto_get_stock", {"skus": ["TENT-2P-GRN"]})
    assert out.text.endswith("Neto warned: Partial data.")


# --------------------------------------------------------------------------- not found


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("neto_get_order", {"order_id": "N404"}, "no order N404"),
        ("neto_get_item", {"sku": "NOPE"}, "no product with SKU NOPE"),
        ("neto_get_customer", {"username": "ghost"}, "no customer with username ghost"),
        ("neto_get_customer", {"customer_id": 99}, "no customer with id 99"),
    ],
)
async def test_a_get_that_matches_nothing_is_a_404(
    tool: str, arguments: dict[str, Any], message: str
) -> None:
    h = harness(
        [
            response("getorder.empty.200.json")
            if tool == "neto_get_order"
            else answer({"Ack": "Success", "Item": "", "Customer": []})
        ]
    )
    with pytest.raises(UpstreamError) as caught:
        await h.call(tool, arguments)
    assert (caught.value.status, caught.value.upstream_message) == (404, message)


async def test_a_get_ignores_another_record_in_the_answer() -> None:
    # An upstream that ignored the OrderID filter must not pass another order off as this one.
    h = harness([response("getorder.detail.200.json")])
    with pytest.raises(UpstreamError, match="no order N999"):
        await h.call("neto_get_order", {"order_id": "N999"})


async def test_an_update_neto_does_not_confirm_is_an_error() -> None:
    h = harness([answer({"Ack": "Success", "Item": [{"SKU": "OTHER"}]})])
    with pytest.raises(UpstreamError, match="did not confirm the update of TENT-2P-GRN"):
        await h.call("neto_update_item", CALLS["neto_update_item"])


# --------------------------------------------------------------------------- HTTP statuses


async def test_429_is_rate_limited_with_retry_after_and_not_retried() -> None:
    h = harness([response("error.429.json"), response("getorder.list.200.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.call("neto_list_orders", {})
    assert caught.value.retry_after == 12.0
    assert caught.value.status == 429
    assert "API rate limit of 500 requests per minute exceeded" in caught.value.upstream_message
    assert len(h.requests) == 1


async def test_a_429_without_a_body_or_retry_after() -> None:
    h = harness([httpx.Response(429)])
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.call("neto_get_item", {"sku": "X1"})
    assert caught.value.retry_after is None
    assert len(h.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_other_4xx_are_upstream_errors_never_retried(status: int) -> None:
    h = harness([httpx.Response(status, text="nope"), response("getorder.list.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("neto_list_orders", {})
    assert type(caught.value) is UpstreamError
    assert caught.value.status == status
    assert len(h.requests) == 1


async def test_a_read_is_retried_after_a_5xx() -> None:
    h = harness([httpx.Response(503), response("getorder.list.200.json")])
    out = await h.call("neto_list_orders", {})
    assert len(out.structured["orders"]) == 2
    assert len(h.requests) == 2


async def test_the_write_is_never_retried() -> None:
    h = harness([httpx.Response(503), response("updateitem.200.json")])
    with pytest.raises(UpstreamUnavailable, match="HTTP 503"):
        await h.call("neto_update_item", CALLS["neto_update_item"])
    assert len(h.requests) == 1


# --------------------------------------------------------------------------- wrong shapes

WRONG_ENVELOPES = [
    [],  # not an object
    "Success",
    {"Order": [], "CurrentTime": "2026-03-10 04:12:09"},  # no Ack
    {"Ack": "OK"},  # not one of Neto's Ack values
    {"Ack": "Success", "Messages": "broken"},
]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("body", WRONG_ENVELOPES, ids=repr)
async def test_a_body_without_netos_envelope_is_invalid_for_every_tool(
    tool: str, body: Any
) -> None:
    h = harness([answer(body)])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call(tool, CALLS[tool])


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("data", ["garbage", 7, [1, 2], [["nested"]]], ids=repr)
async def test_data_of_the_wrong_type_is_invalid_for_every_tool(tool: str, data: Any) -> None:
    h = harness([answer({"Ack": "Success", DATA_KEY[tool]: data})])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call(tool, CALLS[tool])


@pytest.mark.parametrize(
    ("tool", "arguments", "row"),
    [
        ("neto_list_orders", {}, {"GrandTotal": "1.00"}),  # no OrderID
        ("neto_list_orders", {}, {"OrderID": "N1", "GrandTotal": "twelve"}),
        ("neto_list_orders", {}, {"OrderID": "N1", "DatePlaced": "yesterday"}),
        ("neto_list_orders", {}, {"OrderID": ""}),
        ("neto_list_items", {}, {"SKU": "A", "IsActive": "maybe"}),
        ("neto_get_stock", {"skus": ["A"]}, {"SKU": "A", "WarehouseQuantity": [{"Quantity": "1"}]}),
        ("neto_list_customers", {}, {"Username": "u"}),  # no ID
        ("neto_list_warehouses", {}, {"WarehouseName": "Nameless"}),
        ("neto_list_vouchers", {"redeemed": True}, {"VoucherID": "x"}),
    ],
)
async def test_a_record_of_the_wrong_shape_is_invalid(
    tool: str, arguments: dict[str, Any], row: dict[str, Any]
) -> None:
    h = harness([answer({"Ack": "Success", DATA_KEY[tool]: [row]})])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call(tool, arguments)


async def test_a_body_that_is_not_json_is_invalid() -> None:
    h = harness([httpx.Response(200, text="<GetOrderResponse><Ack>Success</Ack>")])
    with pytest.raises(UpstreamResponseInvalid, match="not JSON"):
        await h.call("neto_list_orders", {})


async def test_an_empty_data_element_is_no_results() -> None:
    empties: list[object] = ["", None, []]
    for empty in empties:
        h = harness([answer({"Ack": "Success", "Order": empty})])
        out = await h.call("neto_list_orders", {})
        assert out.structured["orders"] == []
        assert out.text == "0 order(s) on page 0."


async def test_a_credential_without_username_or_key_is_refused_before_any_request() -> None:
    for credentials in ({"api_key": API_KEY}, {"username": "acme-api"}, {"access_token": "t"}):
        h = harness([response("getorder.list.200.json")], credentials=credentials)
        with pytest.raises(ConnectionUnavailable, match="username or the API key"):
            await h.call("neto_list_orders", {})
        assert h.requests == []
