"""Error shapes: each becomes the right domain error with a clear message, reads are retried
only on 5xx (bounded), and mutations and 4xx are never retried."""

from __future__ import annotations

import httpx
import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from tests.contract.shopify.helpers import (
    Upstream,
    assert_graphql_request,
    call,
    connection,
    make_module,
    respond,
)
from tests.marked import marked

READ = ("shopify_list_orders", {"status": "open"})
WRITE = ("shopify_update_order", {"order_id": 1, "note": "hi"})


async def test_401_is_an_upstream_error_and_not_retried() -> None:
    upstream = Upstream([respond("unauthorized.401.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), *READ)
    assert type(caught.value) is UpstreamError
    assert caught.value.status == 401
    assert "Invalid API key or access token" in caught.value.message
    assert len(upstream.requests) == 1


async def test_http_404_is_an_upstream_error() -> None:
    upstream = Upstream([respond("not_found.404.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), *READ)
    assert caught.value.status == 404
    assert caught.value.message == "shopify answered 404: " + marked("shopify", "Not Found")
    assert len(upstream.requests) == 1


async def test_null_node_is_not_found() -> None:
    upstream = Upstream([respond("order_not_found.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_get_order", {"order_id": 42})
    assert caught.value.status == 404
    assert caught.value.message == "shopify answered 404: " + marked(
        "shopify", "no order with id gid://shopify/Order/42"
    )
    assert_graphql_request(upstream.requests[0], docs.GET_ORDER, {"id": "gid://shopify/Order/42"})


async def test_graphql_validation_error_at_200_is_an_error() -> None:
    upstream = Upstream([respond("graphql_validation.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_get_order", {"order_id": 1})
    assert type(caught.value) is UpstreamError
    assert caught.value.upstream_message == (
        "GraphQL undefinedField: Field 'nonexistent' doesn't exist on type 'Order'"
    )
    assert len(upstream.requests) == 1


async def test_access_denied_names_the_missing_scope() -> None:
    upstream = Upstream([respond("access_denied.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), *READ)
    assert "ACCESS_DENIED" in caught.value.message
    assert "`read_orders` access scope" in caught.value.message
    assert len(upstream.requests) == 1


async def test_user_errors_refuse_the_write_without_retry() -> None:
    upstream = Upstream([respond("user_errors.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), "shopify_update_product", {"product_id": 1, "title": "x"})
    assert caught.value.upstream_message == (
        "rejected the change: product.title: Title can't be blank"
    )
    assert len(upstream.requests) == 1


async def test_throttled_at_200_is_rate_limited_with_computed_retry_after() -> None:
    upstream = Upstream([respond("throttled.200.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await call(make_module(upstream), *READ)
    # (752 requested - 666 available) / 50 per second = 1.72 s, rounded up to 0.1 s
    assert caught.value.retry_after == pytest.approx(1.8)
    message = caught.value.message
    assert "THROTTLED: Throttled" in message
    assert "666 of 1000 points available" in message
    assert "restoring 50 points/s" in message
    assert len(upstream.requests) == 1


async def test_429_uses_retry_after_header_and_is_not_retried() -> None:
    upstream = Upstream([respond("throttled.429.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await call(make_module(upstream), *READ)
    assert caught.value.status == 429
    assert caught.value.retry_after == 2.0
    assert "666 of 1000 points available" in caught.value.message
    assert len(upstream.requests) == 1


async def test_429_without_header_computes_retry_after_from_throttle_status() -> None:
    upstream = Upstream([respond("throttled_no_header.429.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await call(make_module(upstream), *READ)
    assert caught.value.retry_after == pytest.approx(1.8)
    assert len(upstream.requests) == 1


async def test_read_is_retried_on_5xx_then_succeeds() -> None:
    upstream = Upstream([respond("server_error.503.json"), respond("list_orders.200.json")])
    output = await call(make_module(upstream), *READ)
    assert len(upstream.requests) == 2
    assert upstream.bodies()[0] == upstream.bodies()[1]
    assert len(output.structured["orders"]) == 2


async def test_read_retries_are_bounded() -> None:
    upstream = Upstream([respond("server_error.503.json")])
    with pytest.raises(UpstreamUnavailable) as caught:
        await call(make_module(upstream), *READ)
    assert len(upstream.requests) == 3  # one try + HttpPolicy.max_read_retries (2)
    assert "HTTP 503" in caught.value.message


async def test_mutation_is_never_retried_on_5xx() -> None:
    upstream = Upstream([respond("server_error.503.json"), respond("update_order.200.json")])
    with pytest.raises(UpstreamUnavailable):
        await call(make_module(upstream), *WRITE)
    assert len(upstream.requests) == 1


async def test_mutation_is_never_retried_on_connection_error() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("boom", request=request)

    upstream = Upstream([fail])
    with pytest.raises(UpstreamUnavailable):
        await call(make_module(upstream), *WRITE)
    assert len(upstream.requests) == 1


async def test_non_json_success_is_invalid() -> None:
    upstream = Upstream([httpx.Response(200, text="<html>maintenance</html>")])
    with pytest.raises(UpstreamResponseInvalid):
        await call(make_module(upstream), *READ)


async def test_response_not_matching_output_schema_is_invalid() -> None:
    upstream = Upstream([httpx.Response(200, json={"data": {"shop": {"id": 5}}})])
    with pytest.raises(UpstreamResponseInvalid):
        await call(make_module(upstream), "shopify_get_shop", {})


@pytest.mark.parametrize(
    "store_ref",
    [
        "evil.example.com",
        "acme.myshopify.com.evil.example",
        "ACME.myshopify.com",
        "-acme.myshopify.com",
        "acme.myshopify.com:8443",
        "acme@evil.myshopify.com",
        "127.0.0.1",
    ],
)
async def test_shop_domain_is_validated_before_any_request(store_ref: str) -> None:
    upstream = Upstream([respond("get_shop.200.json")])
    with pytest.raises(ConnectionUnavailable):
        await call(make_module(upstream), "shopify_get_shop", {}, conn=connection(store_ref))
    assert upstream.requests == []
