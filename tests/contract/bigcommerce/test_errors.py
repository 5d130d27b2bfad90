"""BigCommerce's error shapes become clear tool errors: 401, 404 (v2 and v3), 422, 429 with and
without rate-limit headers, 5xx; plus what happens before any request (bad store hash, missing
token)."""

from __future__ import annotations

import logging

import pytest

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient, RateLimitStatus
from shopmcp_adapters.upstreams.bigcommerce.tools import STORE
from shopmcp_adapters.upstreams.http import HttpPolicy
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    CredentialUnavailable,
    InvalidArguments,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation
from tests.contract.bigcommerce.harness import (
    BASE,
    STORE_HASH,
    TOKEN,
    Upstream,
    assert_request,
    make_upstream,
    response,
    static_lease,
)
from tests.marked import marked


async def test_401_is_an_upstream_error_with_the_upstream_title(upstream: Upstream) -> None:
    upstream.serve("v3.401")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_list_products")
    assert type(caught.value) is UpstreamError
    assert caught.value.status == 401
    assert caught.value.message == "bigcommerce answered 401: " + marked(
        "bigcommerce", "Unauthorized: the access token is invalid or has been revoked"
    )
    assert TOKEN not in caught.value.message
    assert len(upstream.requests) == 1  # a 4xx is never retried


async def test_404_v2_array_body(upstream: Upstream) -> None:
    upstream.serve("v2.404")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_get_order", {"order_id": 999999})
    assert caught.value.status == 404
    assert caught.value.upstream_message == "The requested resource was not found."
    assert_request(upstream.only_request, "GET", "/v2/orders/999999")


async def test_404_v3_object_body(upstream: Upstream) -> None:
    upstream.serve("v3.404")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_get_product", {"product_id": 4040})
    assert caught.value.status == 404
    assert caught.value.upstream_message == "The requested product was not found."
    assert len(upstream.requests) == 1


async def test_422_lists_the_field_errors(upstream: Upstream) -> None:
    upstream.serve("v3.422")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_update_product", {"product_id": 112, "price": "1"})
    assert caught.value.status == 422
    assert caught.value.upstream_message == (
        "JSON data is missing or invalid (price: price must be a number greater than or equal to 0)"
    )
    assert len(upstream.requests) == 1


async def test_429_carries_the_reset_as_retry_after_and_is_not_retried(upstream: Upstream) -> None:
    upstream.serve("v3.429")
    with pytest.raises(UpstreamRateLimited) as caught:
        await upstream.call("bigcommerce_list_orders")
    error = caught.value
    assert error.status == 429
    assert error.retry_after == 7.25  # X-Rate-Limit-Time-Reset-Ms: 7250
    assert error.upstream_message == (
        "Too many requests: store quota of 150 requests per 30s used up"
    )
    assert error.message.endswith("</untrusted-text> (retry after 7.2s)")
    assert len(upstream.requests) == 1
    assert upstream.sleeps == []


async def test_429_without_headers_is_platform_load(upstream: Upstream) -> None:
    upstream.serve("v3.429.no-headers")
    with pytest.raises(UpstreamRateLimited) as caught:
        await upstream.call("bigcommerce_get_product", {"product_id": 1})
    assert caught.value.retry_after is None  # nothing invented
    assert caught.value.upstream_message == "Too many requests: BigCommerce is under load"
    assert len(upstream.requests) == 1


async def test_5xx_on_a_read_is_retried_a_bounded_number_of_times() -> None:
    upstream = make_upstream(HttpPolicy(max_read_retries=2, backoff_base=0.5, backoff_max=4))
    try:
        upstream.serve("v3.503")
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.call("bigcommerce_list_customers")
        assert caught.value.message == "bigcommerce is unavailable: HTTP 503"
        assert len(upstream.requests) == 3
        assert len(upstream.sleeps) == 2
        assert 0 <= upstream.sleeps[0] <= 0.5 and 0 <= upstream.sleeps[1] <= 1.0
    finally:
        await upstream.client.aclose()


async def test_5xx_then_success_on_a_read(upstream: Upstream) -> None:
    upstream.serve("v3.503", "list_customers.200")
    out = await upstream.call("bigcommerce_list_customers")
    assert len(upstream.requests) == 2
    assert upstream.requests[0].url == upstream.requests[1].url
    assert out.structured["customers"][0]["id"] == 57


async def test_5xx_on_the_write_is_not_retried(upstream: Upstream) -> None:
    upstream.serve("v3.503", "update_product.200")
    with pytest.raises(UpstreamUnavailable):
        await upstream.call("bigcommerce_update_product", {"product_id": 112, "is_visible": True})
    assert len(upstream.requests) == 1
    assert upstream.sleeps == []


async def test_rate_limit_headers_are_read_on_success(upstream: Upstream) -> None:
    client = BigCommerceClient(upstream.http, STORE_HASH, upstream.lease)
    upstream.serve("get_store.200")
    body = await client.call(STORE)
    assert body["id"] == "k7p2x9q4mz"
    assert client.last_rate_limit == RateLimitStatus(
        requests_left=142, requests_quota=150, window_ms=30000, reset_ms=21500
    )


@pytest.mark.parametrize(
    "store_hash",
    [
        "ab",
        "ABC123",
        "abc-123",
        "abc123/../../v2",
        "abc123?x=1",
        "abc123#x",
        "abc\u00e912",
        "a" * 33,
        "abc%2f1",
        "evil.example@abc123",
    ],
)
async def test_an_invalid_store_hash_sends_nothing(upstream: Upstream, store_hash: str) -> None:
    upstream.store_hash = store_hash
    upstream.serve("get_store.200")
    with pytest.raises(ConnectionUnavailable):
        await upstream.call("bigcommerce_get_store")
    assert upstream.requests == []


async def test_a_payload_without_access_token_sends_nothing(upstream: Upstream) -> None:
    upstream.lease = static_lease({"client_id": "abc"})
    upstream.serve("get_store.200")
    with pytest.raises(CredentialUnavailable):
        await upstream.call("bigcommerce_get_store")
    assert upstream.requests == []


async def test_a_body_of_the_wrong_shape_is_an_invalid_response(upstream: Upstream) -> None:
    upstream.serve("list_orders.200")  # a list where get_product expects {data: {...}}
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_get_product", {"product_id": 1})
    upstream.serve("list_customers.200")  # an object where list_orders expects a list
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_list_orders")


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("bigcommerce_get_order", {"order_id": 0}),
        ("bigcommerce_get_order", {"order_id": "1/../../store"}),
        ("bigcommerce_get_order", {"order_id": 2**31}),
        ("bigcommerce_list_orders", {"limit": 51}),
        ("bigcommerce_list_orders", {"page": 0}),
        ("bigcommerce_list_orders", {"status_id": -1}),
        (
            "bigcommerce_list_orders",
            {"created_from": "2026-02-01T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"},
        ),
        ("bigcommerce_list_orders", {"created_from": "2026-02-01T00:00:00"}),  # naive
        ("bigcommerce_list_orders", {"sort": "date_created:desc;drop"}),
        ("bigcommerce_list_orders", {"url": "https://evil.example/"}),
        ("bigcommerce_list_products", {"sku": "A,B"}),
        ("bigcommerce_list_products", {"keyword": "x" * 101}),
        ("bigcommerce_list_products", {"include": "variants,images"}),
        ("bigcommerce_get_inventory", {}),
        ("bigcommerce_get_inventory", {"skus": ["A"], "product_ids": [1]}),
        ("bigcommerce_get_inventory", {"skus": ["A B"]}),
        ("bigcommerce_get_inventory", {"variant_ids": list(range(1, 52))}),
        ("bigcommerce_list_customers", {"email": "not-an-email"}),
        ("bigcommerce_list_customers", {"email": "a@b.co,c@d.co"}),
        ("bigcommerce_get_store", {"path": "/v2/orders"}),
        ("bigcommerce_update_product", {"product_id": 112}),
        ("bigcommerce_update_product", {"product_id": 112, "price": "-1"}),
        ("bigcommerce_update_product", {"product_id": 112, "price": "1.00001"}),
        ("bigcommerce_update_product", {"product_id": 112, "name": ""}),
    ],
)
async def test_invalid_input_sends_nothing(
    upstream: Upstream, tool: str, arguments: dict[str, object]
) -> None:
    upstream.serve("get_store.200")
    with pytest.raises(InvalidArguments):
        await upstream.call(tool, arguments)
    assert upstream.requests == []


async def test_a_nearly_spent_quota_is_logged_without_the_store_or_token(
    upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> None:
    answer = response("get_store.200")
    answer.headers["X-Rate-Limit-Requests-Left"] = "3"
    upstream.queue = [answer]
    with caplog.at_level(logging.WARNING, logger="shopmcp_adapters.upstreams.bigcommerce"):
        await upstream.call("bigcommerce_get_store")
    assert [r.getMessage() for r in caplog.records] == [
        "bigcommerce store quota nearly used: 3 requests left"
    ]
    assert TOKEN not in caplog.text and STORE_HASH not in caplog.text


CART = UpstreamOperation(HttpMethod.GET, "/v3/carts/{cart_id}")
UUID = "0c9e7d2a-6b1f-4c3e-9a8d-2f4b6d8e0a1c"


@pytest.mark.parametrize(
    "value",
    [0, -1, True, "12", UUID.upper(), UUID + "/items", "../orders", "%2e%2e", "g" * 32, ""],
)
def test_only_positive_ints_and_the_token_shapes_fill_a_path(
    value: object, upstream: Upstream
) -> None:
    client = BigCommerceClient(upstream.http, STORE_HASH, static_lease({"access_token": TOKEN}))
    with pytest.raises(ValueError, match="path parameter cart_id"):
        client.url(CART, {"cart_id": value})  # type: ignore[dict-item]


def test_the_path_takes_a_cart_id_or_a_token(upstream: Upstream) -> None:
    client = BigCommerceClient(upstream.http, STORE_HASH, static_lease({"access_token": TOKEN}))
    assert client.url(CART, {"cart_id": UUID}) == f"{BASE}/v3/carts/{UUID}"
    token = "5f2b8c0d9e1a4b7c8d3e6f0a1b2c4d5e"
    assert client.url(CART, {"cart_id": token}) == f"{BASE}/v3/carts/{token}"


def test_a_base_url_replaces_only_the_origin(upstream: Upstream) -> None:
    client = BigCommerceClient(
        upstream.http,
        STORE_HASH,
        static_lease({"access_token": TOKEN}),
        base_url="https://127.0.0.1:8443/",
    )
    assert client.url(STORE, {}) == f"https://127.0.0.1:8443/stores/{STORE_HASH}/v2/store"
