"""Magento error shapes: 400 validation, 401, 404, 429 and 5xx, from recorded bodies.
4xx is never retried; 5xx is retried (bounded) for reads only."""

from __future__ import annotations

import httpx
import pytest

from shopmcp_adapters.upstreams.http import HttpPolicy
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from tests.contract.magento.helpers import SPECS, harness, response
from tests.contract.magento.sandbox_calls import CALLS as SANDBOX_CALLS
from tests.marked import marked

READ_ATTEMPTS = HttpPolicy().max_read_retries + 1


async def test_400_validation_substitutes_positional_parameters_and_is_not_retried() -> None:
    h = harness([response("error.400.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("magento_update_product", {"sku": "24-MB01", "price": 10})
    assert type(caught.value) is UpstreamError
    assert caught.value.status == 400
    assert (
        caught.value.upstream_message == "Invalid product data: Invalid attribute set entity type"
    )
    assert str(caught.value) == "magento answered 400: " + marked(
        "magento", "Invalid product data: Invalid attribute set entity type"
    )
    assert len(h.requests) == 1


async def test_401_substitutes_named_parameters_and_is_not_retried() -> None:
    h = harness([response("error.401.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("magento_search_orders", {})
    assert caught.value.status == 401
    assert caught.value.upstream_message == (
        "The consumer isn't authorized to access Magento_Sales::actions_view."
    )
    assert len(h.requests) == 1


@pytest.mark.parametrize(
    ("tool", "arguments", "fixture", "message"),
    [
        (
            "magento_get_product",
            {"sku": "NOPE-1"},
            "error.404.product.json",
            "The product that was requested doesn't exist. Verify the product and try again.",
        ),
        (
            "magento_get_order",
            {"order_id": 999},
            "error.404.entity.json",
            "The entity that was requested doesn't exist. Verify the entity and try again.",
        ),
    ],
)
async def test_404_is_a_clear_error_and_nothing_else_is_sent(
    tool: str, arguments: dict[str, object], fixture: str, message: str
) -> None:
    h = harness([response(fixture)])
    with pytest.raises(UpstreamError) as caught:
        await h.call(tool, arguments)
    assert (caught.value.status, caught.value.upstream_message) == (404, message)
    assert len(h.requests) == 1


async def test_429_surfaces_retry_after_and_is_not_retried() -> None:
    h = harness([response("error.429.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.call("magento_search_products", {"name_contains": "bag"})
    assert caught.value.status == 429
    assert caught.value.retry_after == 30.0
    assert caught.value.upstream_message == "Too many requests. Please try again later."
    assert caught.value.message.endswith("</untrusted-text> (retry after 30.0s)")
    assert len(h.requests) == 1


async def test_5xx_on_a_read_is_retried_then_reported_without_the_trace() -> None:
    h = harness([response("error.503.json") for _ in range(READ_ATTEMPTS)])
    with pytest.raises(UpstreamUnavailable) as caught:
        await h.call("magento_search_products", {})
    assert type(caught.value) is UpstreamUnavailable
    assert str(caught.value) == "magento is unavailable: HTTP 503"
    assert "trace" not in str(caught.value) and "/var/www" not in str(caught.value)
    assert len(h.requests) == READ_ATTEMPTS
    # Every attempt is the same request.
    assert len({str(r.url) for r in h.requests}) == 1


async def test_5xx_then_success_on_a_read_returns_the_result() -> None:
    h = harness([response("error.503.json"), response("products_search.200.json")])
    out = await h.call("magento_search_products", {})
    assert out.structured["paging"]["total_count"] == 14
    assert len(h.requests) == 2


async def test_5xx_on_the_write_is_not_retried() -> None:
    h = harness([response("error.503.json") for _ in range(READ_ATTEMPTS)])
    with pytest.raises(UpstreamUnavailable):
        await h.call("magento_update_product", {"sku": "24-MB01", "price": 10})
    assert len(h.requests) == 1


async def test_a_non_json_error_body_falls_back_to_the_reason_phrase() -> None:
    h = harness([httpx.Response(403, text="<html>Forbidden by WAF</html>")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("magento_get_store", {})
    assert (caught.value.status, caught.value.upstream_message) == (403, "Forbidden")


async def test_a_2xx_that_is_not_json_is_an_invalid_response() -> None:
    h = harness([httpx.Response(200, text="<html>maintenance</html>")])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call("magento_get_store", {})


async def test_a_2xx_of_the_wrong_shape_is_an_invalid_response_without_the_body() -> None:
    h = harness([httpx.Response(200, json={"items": [{"sku": None, "secret": "s3cr3t"}]})])
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await h.call("magento_search_products", {})
    assert "s3cr3t" not in str(caught.value)


CALLS: dict[str, dict[str, object]] = {
    "magento_get_store": {},
    "magento_search_orders": {},
    "magento_get_order": {"order_id": 42},
    "magento_search_products": {},
    "magento_get_product": {"sku": "MH01"},
    "magento_list_product_children": {"sku": "MH01"},
    "magento_get_inventory": {"sku": "24-MB01"},
    "magento_search_customers": {},
    "magento_get_customer": {"customer_id": 7},
    "magento_get_customer_order_summary": {"customer_id": 7},
    "magento_list_credit_memos": {"order_id": 42},
    "magento_update_product": {"sku": "24-MB01", "price": 10},
}
# Every other tool, with the arguments it is called with against the sandbox.
CALLS |= {name: arguments for name, arguments in SANDBOX_CALLS.items() if name not in CALLS}
# Three tools answer a bare array; the document creations a bare id, the order actions a bare
# boolean, saving source items nothing (an empty array); every other one an object.
ARRAY_ANSWERS = {
    "magento_get_store",
    "magento_list_product_children",
    "magento_list_category_products",
}
ID_ANSWERS = {
    "magento_create_invoice",
    "magento_create_shipment",
    "magento_create_credit_memo",
    "magento_refund_invoice",
}


def test_the_calls_cover_every_tool() -> None:
    assert set(CALLS) == set(SPECS)


@pytest.mark.parametrize("tool", sorted(CALLS))
@pytest.mark.parametrize("kind", ["other container", "string", "number"])
async def test_a_2xx_body_of_another_json_type_is_an_invalid_response(tool: str, kind: str) -> None:
    wrong = {
        "other container": {"items": []} if tool in ARRAY_ANSWERS else [{"sku": "s3cr3t"}],
        "string": "s3cr3t maintenance",
        # A number is the right type for a creation's id; one that is no id is still wrong.
        "number": 4.5 if tool in ID_ANSWERS else 42,
    }[kind]
    h = harness([httpx.Response(200, json=wrong)])
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await h.call(tool, CALLS[tool])
    assert "s3cr3t" not in str(caught.value)
    assert len(h.requests) == 1
