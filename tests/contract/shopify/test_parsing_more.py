"""The new tools' answers of the wrong shape are refused as a whole, their nulls read as the
schema allows, and a mutation that answers no object is a not-found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from tests.contract.shopify.helpers import Upstream, call, make_module
from tests.contract.shopify.test_parsing import _set, body
from tests.contract.shopify.test_tools import ALL_CASES

ARGUMENTS = {case[0]: case[1] for case in ALL_CASES}
_FO = ("order", "fulfillmentOrders", "nodes", 0)
_DISCOUNT = ("discountNodes", "nodes", 0, "discount")

WRONG_SHAPES = [
    pytest.param(
        "shopify_list_fulfillment_orders",
        _set(*_FO, "supportedActions", to="CREATE_FULFILLMENT"),
        id="actions that are not a list",
    ),
    pytest.param(
        "shopify_list_fulfillment_orders",
        _set(*_FO, "lineItems", "nodes", 0, "remainingQuantity", to="one"),
        id="a quantity that is text",
    ),
    pytest.param(
        "shopify_list_discounts", _set(*_DISCOUNT, to=None), id="a discount node without one"
    ),
    pytest.param(
        "shopify_get_discount",
        _set("discountNode", "discount", "codes", "nodes", to=["SPRING5"]),
        id="codes that are not objects",
    ),
    pytest.param(
        "shopify_list_collections",
        _set("collections", "nodes", 0, "sources", 0, to={"id": "x"}),
        id="a source without its type",
    ),
    pytest.param(
        "shopify_create_refund",
        _set("refundCreate", "refund", "transactions", to=None),
        id="a refund without its transactions",
    ),
    pytest.param(
        "shopify_get_product_metafields",
        _set("product", "metafields", "nodes", 0, "value", to=7),
        id="a metafield value that is not text",
    ),
    pytest.param(
        "shopify_sales_summary",
        _set("orders", "nodes", 0, "lineItems", "pageInfo", to=None),
        id="an order's lines without their page info",
    ),
    pytest.param(
        "shopify_sales_summary",
        _set("orders", "nodes", 0, "currentTotalPriceSet", "shopMoney", "amount", to=None),
        id="an order total without an amount",
    ),
]


@pytest.mark.parametrize(
    ("tool", "field"),
    [
        ("shopify_create_fulfillment", ("fulfillmentCreate", "fulfillment")),
        ("shopify_create_refund", ("refundCreate", "refund")),
        ("shopify_create_draft_order", ("draftOrderCreate", "draftOrder")),
        ("shopify_create_discount_code", ("discountCodeBasicCreate", "codeDiscountNode")),
    ],
)
async def test_a_creation_without_errors_or_object_is_invalid(
    tool: str, field: tuple[str, str]
) -> None:
    fixture_name = tool.removeprefix("shopify_") + ".200.json"
    upstream = Upstream([body(fixture_name, _set(*field, to=None))])
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await call(make_module(upstream), tool, ARGUMENTS[tool])
    assert caught.value.message.endswith(f"no errors, but no {field[1]} was returned")


@pytest.mark.parametrize(("tool", "change"), WRONG_SHAPES)
async def test_a_body_of_the_wrong_shape_is_invalid(
    tool: str, change: Callable[[dict[str, Any]], None]
) -> None:
    fixture_name = tool.removeprefix("shopify_") + ".200.json"
    upstream = Upstream([body(fixture_name, change)])
    with pytest.raises(UpstreamResponseInvalid):
        await call(make_module(upstream), tool, ARGUMENTS[tool])


@pytest.mark.parametrize(
    ("tool", "change", "message"),
    [
        (
            "shopify_add_customer_tags",
            _set("tagsAdd", "node", to=None),
            "no node with id gid://shopify/Customer/",
        ),
        (
            "shopify_get_fulfillment_order",
            _set("fulfillmentOrder", to=None),
            "no fulfillmentOrder with id gid://shopify/FulfillmentOrder/",
        ),
        (
            "shopify_suggest_refund",
            _set("order", "suggestedRefund", to=None),
            "Shopify suggests no refund for gid://shopify/Order/",
        ),
    ],
)
async def test_no_object_is_a_refusal_that_says_so(
    tool: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    fixture_name = tool.removeprefix("shopify_") + ".200.json"
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(Upstream([body(fixture_name, change)])), tool, ARGUMENTS[tool])
    # Thirteen-digit ids look like card numbers to the error scrubber, so only the start of
    # the message is compared.
    assert caught.value.upstream_message is not None
    assert caught.value.upstream_message.startswith(message)


async def test_a_location_without_an_address_reads_it_as_null() -> None:
    upstream = Upstream([body("get_location.200.json", _set("location", "address", to=None))])
    out = await call(
        make_module(upstream), "shopify_get_location", ARGUMENTS["shopify_get_location"]
    )
    assert out.structured["city"] is None
    assert out.text == "Melbourne Store (no address), active, id gid://shopify/Location/60000000002"


async def test_a_long_metafield_value_is_cut_and_says_so() -> None:
    upstream = Upstream(
        [
            body(
                "get_product_metafields.200.json",
                _set("product", "metafields", "nodes", 0, "value", to="x" * 5000),
            )
        ]
    )
    out = await call(
        make_module(upstream),
        "shopify_get_product_metafields",
        ARGUMENTS["shopify_get_product_metafields"],
    )
    first = out.structured["metafields"][0]
    assert (len(first["value"]), first["value_truncated"]) == (2000, True)
    assert out.structured["metafields"][1]["value_truncated"] is False
