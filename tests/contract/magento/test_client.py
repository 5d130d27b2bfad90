"""The Magento client's own promises: the store URL is SSRF input, auth follows the credential's
fields (bearer, or OAuth 1.0a HMAC-SHA256 verified here with oauthlib's server side), and error
bodies are rendered with their placeholders filled."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.magento.client import (
    BearerAuth,
    InvalidStoreAddress,
    OAuth1Auth,
    StoreAddress,
    render_message,
)
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    UpstreamUnavailable,
)
from tests.contract.magento.helpers import OAUTH, harness, response

# --------------------------------------------------------------------------- the store URL


@pytest.mark.parametrize(
    ("store_ref", "origin", "prefix", "code"),
    [
        ("https://shop.example.com", "https://shop.example.com", "", None),
        ("https://shop.example.com/", "https://shop.example.com", "", None),
        (
            "https://Shop.Example.com:8443/magento/",
            "https://shop.example.com:8443",
            "/magento",
            None,
        ),
        ("https://shop.example.com/rest/default", "https://shop.example.com", "", "default"),
        ("https://shop.example.com/m2/rest/fr_ca/", "https://shop.example.com", "/m2", "fr_ca"),
    ],
)
def test_store_address_accepts_plain_https_urls(
    store_ref: str, origin: str, prefix: str, code: str | None
) -> None:
    assert StoreAddress.parse(store_ref) == StoreAddress(origin, prefix, code)


@pytest.mark.parametrize(
    "store_ref",
    [
        "http://shop.example.com",
        "ftp://shop.example.com",
        "https://admin:pw@shop.example.com",
        "https://shop.example.com@evil.example",
        "https://shop.example.com/?x=1",
        "https://shop.example.com/#frag",
        "https://shop.example.com/a/../../internal",
        "https://shop.example.com/%2e%2e/admin",
        "https://shop.example.com/rest/V1",
        "https://shop.example.com/rest/Default",
        "https://shop.example.com/rest/x/y",
        "https://shop.example.com/a\\b",
        "//shop.example.com",
        "shop.example.com",
        "https://",
    ],
)
def test_store_address_refuses_anything_else(store_ref: str) -> None:
    with pytest.raises(InvalidStoreAddress):
        StoreAddress.parse(store_ref)


def test_urls_are_built_under_rest_with_the_store_code_or_the_write_scope() -> None:
    address = StoreAddress.parse("https://shop.example.com/m2/rest/fr")
    assert address.url("/V1/orders") == "https://shop.example.com/m2/rest/fr/V1/orders"
    assert address.url("/V1/x", scope="all") == "https://shop.example.com/m2/rest/all/V1/x"
    assert StoreAddress.parse("https://s.example").url("/V1/x") == "https://s.example/rest/V1/x"


async def test_a_bad_store_url_refuses_the_call_before_any_request() -> None:
    h = harness([response("store_configs.200.json")], store_ref="http://shop.example.com")
    with pytest.raises(ConnectionUnavailable, match="https"):
        await h.call("magento_get_store", {})
    assert h.requests == []


@pytest.mark.parametrize(
    "store_ref",
    [
        "https://127.0.0.1",
        "https://10.0.0.8/rest/default",
        "https://169.254.169.254",
        "https://[::1]",
    ],
)
async def test_the_host_guard_refuses_non_public_addresses_before_any_request(
    store_ref: str,
) -> None:
    h = harness([response("store_configs.200.json")], store_ref=store_ref, guard=HostGuard())
    with pytest.raises(UpstreamUnavailable, match="not a public internet address"):
        await h.call("magento_get_store", {})
    assert h.requests == []


async def test_the_host_guard_allow_list_admits_a_named_sandbox_host() -> None:
    guard = HostGuard(allowed_hosts=frozenset({"localhost"}))
    h = harness(
        [response("store_configs.200.json")], store_ref="https://localhost:8443", guard=guard
    )
    await h.call("magento_get_store", {})
    assert h.requests[0].url.host == "localhost"


# --------------------------------------------------------------------------- auth


async def test_a_lone_access_token_is_sent_as_a_bearer_token() -> None:
    h = harness([response("store_configs.200.json")], credentials={"access_token": "tok"})
    await h.call("magento_get_store", {})
    assert h.requests[0].headers["Authorization"] == "Bearer tok"


async def test_a_credential_without_usable_fields_is_refused_before_any_request() -> None:
    h = harness([response("store_configs.200.json")], credentials={"consumer_key": "ck"})
    with pytest.raises(ConnectionUnavailable, match="neither an access token"):
        await h.call("magento_get_store", {})
    assert h.requests == []


class _Validator(RequestValidator):  # type: ignore[misc]
    """oauthlib's server side, as a Magento store would check: known client and token, secrets,
    and a nonce that has never been seen."""

    def __init__(self) -> None:
        super().__init__()
        self.nonces: list[str] = []

    @property
    def allowed_signature_methods(self) -> tuple[str, ...]:
        return ("HMAC-SHA256",)

    def check_client_key(self, client_key: str) -> bool:
        return True

    def check_access_token(self, token: str) -> bool:
        return True

    def check_nonce(self, nonce: str) -> bool:
        return True

    @property
    def dummy_client(self) -> str:
        return "dummy"

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == OAUTH["consumer_key"]

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return OAUTH["consumer_secret"] if client_key == OAUTH["consumer_key"] else "x"

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        assert token == OAUTH["access_token"]
        return OAUTH["access_token_secret"]

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: Any = None,
        access_token: Any = None,
    ) -> bool:
        if nonce in self.nonces:
            return False
        self.nonces.append(nonce)
        return True


def _verify(validator: _Validator, request: httpx.Request) -> bool:
    endpoint = SignatureOnlyEndpoint(validator)
    valid, _ = endpoint.validate_request(
        str(request.url), request.method, None, {"Authorization": request.headers["Authorization"]}
    )
    return bool(valid)


async def test_oauth1_signs_every_request_with_hmac_sha256_and_a_fresh_nonce() -> None:
    h = harness(
        [
            response("customer_get.200.json"),
            response("orders_search.customer.200.json"),
            response("orders_search.200.json"),
        ],
        credentials=OAUTH,
    )
    await h.call("magento_get_customer", {"customer_id": 7})
    await h.call("magento_get_customer_order_summary", {"customer_id": 7})
    await h.call("magento_search_orders", {"status": "processing", "created_from": "2026-03-01"})
    validator = _Validator()
    for request in h.requests:
        header = request.headers["Authorization"]
        assert header.startswith("OAuth ")
        assert 'oauth_signature_method="HMAC-SHA256"' in header
        assert f'oauth_consumer_key="{OAUTH["consumer_key"]}"' in header
        assert f'oauth_token="{OAUTH["access_token"]}"' in header
        assert OAUTH["consumer_secret"] not in header
        assert OAUTH["access_token_secret"] not in header
        assert _verify(validator, request)
    assert len(validator.nonces) == len(h.requests) == 3
    # Replaying a request (same nonce) is refused by the server side.
    assert not _verify(validator, h.requests[0])


async def test_oauth1_signature_covers_the_query_parameters() -> None:
    h = harness([response("orders_search.200.json")], credentials=OAUTH)
    await h.call("magento_search_orders", {"status": "processing"})
    [request] = h.requests
    forged = httpx.Request(
        "GET",
        request.url.copy_set_param("searchCriteria[pageSize]", "100"),
        headers={"Authorization": request.headers["Authorization"]},
    )
    assert not _verify(_Validator(), forged)
    assert _verify(_Validator(), request)


async def test_oauth1_signs_the_write_and_each_retry_afresh() -> None:
    h = harness(
        [
            response("error.503.json"),
            response("error.503.json"),
            response("products_search.200.json"),
        ],
        credentials=OAUTH,
    )
    await h.call("magento_search_products", {})
    validator = _Validator()
    assert all(_verify(validator, r) for r in h.requests)
    assert len(set(validator.nonces)) == 3

    w = harness([response("product_update.200.json")], credentials=OAUTH)
    await w.call("magento_update_product", {"sku": "24-MB01", "price": 36.5})
    assert w.requests[0].method == "PUT"
    assert _verify(_Validator(), w.requests[0])


def test_auth_objects_never_show_their_secrets() -> None:
    values = list(OAUTH.values())
    assert all(v not in repr(OAuth1Auth(*values)) for v in values)
    assert "tok-secret" not in repr(BearerAuth("tok-secret"))


# --------------------------------------------------------------------------- error text


@pytest.mark.parametrize(
    ("message", "parameters", "expected"),
    [
        ("Invalid product data: %1", ["bad set"], "Invalid product data: bad set"),
        ("%1 and %2", ["a", "b"], "a and b"),
        (
            "Access to %resources.",
            {"resources": "Magento_Sales::sales"},
            "Access to Magento_Sales::sales.",
        ),
        ("Missing %3", ["a"], "Missing %3"),
        ("No params %1", None, "No params %1"),
        # One pass: a parameter that itself looks like a placeholder is not expanded again.
        ("%1 %2", ["%2", "x"], "%2 x"),
    ],
)
def test_render_message(message: str, parameters: Any, expected: str) -> None:
    assert render_message(message, parameters) == expected


async def test_nested_errors_are_appended_to_the_message() -> None:
    body = {
        "message": "Validation failed",
        "errors": [
            {"message": 'The "%fieldName" value is wrong.', "parameters": {"fieldName": "price"}}
        ],
    }
    h = harness([httpx.Response(400, json=body)])
    with pytest.raises(Exception, match=r'Validation failed \(The "price" value is wrong.\)'):
        await h.call("magento_get_store", {})
