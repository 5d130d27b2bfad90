"""Error reports carry no secret and no personal data: ``before_send`` on hand-built events
shaped like the SDK's, and the real SDK end to end with a transport that keeps the envelopes
in memory (no sockets)."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport

from shopmcp_adapters.observability import before_breadcrumb, before_send, init_sentry
from tests.unit.observability.secrets_ import BEARER, EMAIL, PREFIX, SECRET, TOKEN, leaks


def sdk_like_event() -> dict[str, Any]:
    return {
        "message": f"lookup failed for {EMAIL}",
        "logentry": {
            "message": "key %s for %s",
            "params": [TOKEN, EMAIL],
            "formatted": f"key {TOKEN} for {EMAIL}",
        },
        "transaction": f"/mcp/{TOKEN}",
        "user": {"id": "u1", "email": EMAIL, "ip_address": "203.0.113.9"},
        "request": {
            "url": f"https://gw.example/mcp/{TOKEN}?email={EMAIL}",
            "method": "POST",
            "query_string": f"email={EMAIL}",
            "cookies": {"session": "s3cr3t-session"},
            "data": {"jsonrpc": "2.0", "params": {"arguments": {"email": EMAIL}}},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "authorization": f"Bearer {TOKEN}",
                "AUTHORIZATION": f"Bearer {BEARER}",
                "Proxy-Authorization": "Basic cHJveHk6cHc=",
                "Cookie": "session=s3cr3t-session",
                "X-Forwarded-For": "203.0.113.9",
                "X-Shopify-Access-Token": "shpat_abcdef0123456789abcdef0123456789",
                "Referer": f"https://client.example/?u={EMAIL}",
                "Accept": "application/json",
            },
        },
        "exception": {
            "values": [
                {
                    "type": "UpstreamError",
                    "value": f"shopify answered 404 for customer {EMAIL} via {TOKEN}",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "call",
                                "vars": {"token": TOKEN, "payload": {"access_token": "at-1"}},
                                "context_line": f"    raise UpstreamError({EMAIL!r})",
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {
            "values": [
                {
                    "category": "httplib",
                    "type": "http",
                    "data": {
                        "url": f"https://gw.example/mcp/{TOKEN}",
                        "http.query": f"e={EMAIL}",
                        "method": "GET",
                    },
                },
                {"category": "log", "message": f"Bearer {BEARER} rejected for {EMAIL}"},
            ]
        },
        "extra": {"ctx": {"deep": [{"Authorization": "Basic Zm9vOmJhcg=="}, f"to {EMAIL}"]}},
        "tags": {"workspace": "ws-1", "who": EMAIL},
        "contexts": {"request_ctx": {"token": TOKEN}},
    }


def test_before_send_leaves_nothing_to_leak() -> None:
    event = sdk_like_event()
    original = copy.deepcopy(event)
    out = before_send(event, {})
    text = repr(out)
    assert leaks(text) == [], text
    for value in (
        "s3cr3t-session",
        "203.0.113.9",
        "cHJveHk6cHc=",
        "Zm9vOmJhcg==",
        "at-1",
        "shpat_abcdef",
    ):
        assert value not in text, value
    assert "user" not in out
    request = out["request"]
    assert request["url"] == "https://gw.example/mcp/[redacted]?[redacted]"
    assert {"data", "cookies", "query_string", "env"}.isdisjoint(request)
    assert request["headers"]["Accept"] == "application/json"
    assert "Cookie" not in request["headers"] and "X-Forwarded-For" not in request["headers"]
    assert out["transaction"] == "/mcp/[redacted]"
    assert "vars" not in out["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert out["exception"]["values"][0]["type"] == "UpstreamError"
    assert f"smcp_{PREFIX}_[redacted]" in out["exception"]["values"][0]["value"]
    assert out["tags"]["workspace"] == "ws-1"
    assert event == original  # the SDK's event is not mutated in place


def test_headers_as_a_list_of_pairs_in_any_case() -> None:
    event = {
        "request": {
            "headers": [
                ["AuthoriZation", f"Bearer {BEARER}"],
                ["cookie", "c=1"],
                ["accept", "json"],
            ]
        }
    }
    out = before_send(event, {})
    assert out["request"]["headers"] == [["AuthoriZation", "[redacted]"], ["accept", "json"]]


def test_before_breadcrumb_scrubs_each_crumb_as_it_is_recorded() -> None:
    crumb = {
        "message": f"GET /mcp/{TOKEN}",
        "data": {"url": f"/mcp/{TOKEN}?q={EMAIL}", "http.query": f"q={EMAIL}"},
    }
    out = before_breadcrumb(crumb, {})
    assert leaks(repr(out)) == []
    assert out["data"] == {"url": "/mcp/[redacted]?[redacted]"}


class MemoryTransport(Transport):
    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[bytes] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope.serialize())


@pytest.fixture
def sentry() -> Iterator[MemoryTransport]:
    transport = MemoryTransport()
    assert init_sentry(
        "https://public@o0.ingest.example.invalid/1",
        "test",
        transport=transport,
        default_integrations=False,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
    )
    yield transport
    sentry_sdk.get_client().close(timeout=0)
    sentry_sdk.get_global_scope().set_client(None)  # back to a non-recording client


def test_without_a_dsn_sentry_is_not_started() -> None:
    assert init_sentry(None, "test") is False
    assert init_sentry("", "test") is False


def test_the_real_sdk_sends_nothing_secret(sentry: MemoryTransport) -> None:
    with sentry_sdk.isolation_scope():
        logger = logging.getLogger("tests.observability.sentry")
        logger.info("calling for %s with %s", EMAIL, TOKEN)  # becomes a breadcrumb
        sentry_sdk.set_user({"email": EMAIL, "id": "u1"})
        sentry_sdk.set_extra("ctx", {"Authorization": f"Bearer {BEARER}", "who": EMAIL})
        sentry_sdk.set_tag("path", f"/mcp/{TOKEN}")

        def handler(token: str, customer_email: str) -> None:
            api_key = token  # a local variable the SDK could have captured
            raise RuntimeError(f"upstream refused {customer_email} ({api_key})")

        try:
            handler(TOKEN, EMAIL)
        except RuntimeError:
            sentry_sdk.capture_exception()
        logger.error("error log with %s and %s", TOKEN, EMAIL)
        sentry_sdk.capture_message(f"message with {TOKEN} and {EMAIL}")
    sentry_sdk.flush()
    assert len(sentry.envelopes) == 3
    text = b"\n".join(sentry.envelopes).decode()
    assert "RuntimeError" in text and "upstream refused" in text
    assert leaks(text) == [], text
    assert SECRET not in text and EMAIL not in text
