"""Xero's refusals as the merchant's chat sees them, and its rate limits respected: a 429 is a
refusal carrying ``Retry-After`` (never retried, and no request is sent to that organisation
until it has passed), a spent minute budget refuses locally, at most five calls per
organisation are in flight in one process, a 4xx is never retried, a 401 refreshes once, and a
validation error says what Xero objected to."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.xero.client import MAX_CONCURRENT_PER_TENANT, META_KEY
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from tests.contract.xero.helpers import (
    CALLS,
    NOW,
    credentials,
    fixture,
    fresh_tenant,
    response,
    scripted,
)


def _ok(remaining_minute: int = 58, remaining_day: int = 4990) -> httpx.Response:
    doc = fixture("getOrganisations.200.json")
    headers = {
        "X-MinLimit-Remaining": str(remaining_minute),
        "X-DayLimit-Remaining": str(remaining_day),
    }
    return httpx.Response(200, headers=headers, json=doc["body"])


async def test_a_429_is_a_refusal_with_retry_after_and_is_not_retried() -> None:
    harness = scripted([response("http.429.minute-limit.json")], tenant=fresh_tenant())
    with pytest.raises(UpstreamRateLimited) as caught:
        await harness.call("xero_get_organisation", {})
    assert caught.value.retry_after == 37
    assert "retry after 37.0s" in caught.value.message
    assert len(harness.requests) == 1


async def test_after_a_429_the_organisation_is_left_alone_until_retry_after() -> None:
    harness = scripted([response("http.429.minute-limit.json"), _ok()], tenant=fresh_tenant())
    with pytest.raises(UpstreamRateLimited):
        await harness.call("xero_get_organisation", {})
    harness.clock.advance(20)
    with pytest.raises(UpstreamRateLimited) as caught:
        await harness.call("xero_get_organisation", {})
    assert caught.value.retry_after == pytest.approx(17, abs=0.2)
    assert len(harness.requests) == 1  # refused here, Xero not asked
    harness.clock.advance(18)
    await harness.call("xero_get_organisation", {})
    assert len(harness.requests) == 2


async def test_a_spent_minute_budget_refuses_locally_for_the_rest_of_the_minute() -> None:
    tenant = fresh_tenant()
    harness = scripted([_ok(remaining_minute=0), _ok()], tenant=tenant)
    first = await harness.call("xero_get_organisation", {})
    assert first.meta == {META_KEY: {"minute_remaining": 0, "day_remaining": 4990}}
    harness.clock.advance(45)
    with pytest.raises(UpstreamRateLimited) as caught:
        await harness.call("xero_get_organisation", {})
    assert caught.value.retry_after == pytest.approx(15, abs=0.2)
    assert len(harness.requests) == 1
    harness.clock.advance(16)
    await harness.call("xero_get_organisation", {})
    assert len(harness.requests) == 2


async def test_a_spent_day_budget_refuses_locally_then_lets_one_call_find_out() -> None:
    harness = scripted(
        [_ok(remaining_day=0), response("http.429.minute-limit.json")], tenant=fresh_tenant()
    )
    await harness.call("xero_get_organisation", {})
    with pytest.raises(UpstreamRateLimited) as caught:
        await harness.call("xero_get_organisation", {})
    assert "daily limit" in caught.value.message
    assert len(harness.requests) == 1
    harness.clock.advance(61)
    with pytest.raises(UpstreamRateLimited) as again:
        await harness.call("xero_get_organisation", {})
    assert again.value.retry_after == 37  # Xero's own answer now
    assert len(harness.requests) == 2


async def test_one_organisation_s_spent_budget_does_not_stop_another() -> None:
    spent = scripted([_ok(remaining_minute=0)], tenant=fresh_tenant())
    await spent.call("xero_get_organisation", {})
    other = scripted([_ok()], tenant=fresh_tenant())
    await other.call("xero_get_organisation", {})
    assert len(other.requests) == 1


async def test_at_most_five_calls_per_organisation_are_in_flight() -> None:
    in_flight = 0
    most = 0
    release = asyncio.Event()
    body = fixture("getOrganisations.200.json")["body"]

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            await release.wait()
            in_flight -= 1
            return httpx.Response(200, json=body)

    from tests.contract.xero.helpers import harness as make

    tenant = fresh_tenant()
    harness = make(Slow(), tenant=tenant)
    other = make(Slow(), tenant=fresh_tenant())
    calls = [asyncio.create_task(harness.call("xero_get_organisation", {})) for _ in range(12)]
    for _ in range(50):
        await asyncio.sleep(0)
    assert most == MAX_CONCURRENT_PER_TENANT
    # Another organisation is not queued behind the first one's calls.
    elsewhere = asyncio.create_task(other.call("xero_get_organisation", {}))
    for _ in range(50):
        await asyncio.sleep(0)
    assert most == MAX_CONCURRENT_PER_TENANT + 1
    release.set()
    await asyncio.gather(*calls, elsewhere)
    assert len(harness.requests) == 12


async def test_a_validation_error_says_what_xero_objected_to_and_is_not_retried() -> None:
    doc = fixture("createContacts.400.example.json")
    harness = scripted([httpx.Response(400, json=doc["body"])])
    arguments, _ = CALLS["xero_update_contact"]
    with pytest.raises(UpstreamError) as caught:
        await harness.call("xero_update_contact", arguments)
    assert caught.value.status == 400
    assert "A validation exception occurred" in caught.value.message
    assert "(" in caught.value.message  # the elements' own messages follow
    assert len(harness.requests) == 1


async def test_a_403_on_a_write_says_write_access_is_missing() -> None:
    problem = {"Title": "Forbidden", "Status": 403, "Detail": "AuthorizationUnsuccessful"}
    harness = scripted([httpx.Response(403, json=problem)])
    arguments, _ = CALLS["xero_create_draft_invoice"]
    with pytest.raises(UpstreamError) as caught:
        await harness.call("xero_create_draft_invoice", arguments)
    assert "without write access" in caught.value.message
    assert len(harness.requests) == 1


async def test_a_server_error_on_a_read_is_retried_a_bounded_number_of_times() -> None:
    harness = scripted([httpx.Response(503), httpx.Response(503), _ok()])
    await harness.call("xero_get_organisation", {})
    assert len(harness.requests) == 3


async def test_a_server_error_on_a_write_is_never_retried() -> None:
    harness = scripted([httpx.Response(503)])
    arguments, _ = CALLS["xero_create_draft_invoice"]
    with pytest.raises(UpstreamUnavailable):
        await harness.call("xero_create_draft_invoice", arguments)
    assert len(harness.requests) == 1


def _token(token: str, refresh: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "access_token": token,
            "expires_in": 1800,
            "token_type": "Bearer",
            "refresh_token": refresh,
            "scope": "offline_access accounting.transactions.read",
        },
    )


async def test_a_401_refreshes_once_repeats_once_and_stores_the_rotated_refresh_token() -> None:
    doc = fixture("http.401.token-expired.json")
    harness = scripted(
        [
            httpx.Response(401, json=doc["body"]),
            _token("xero-new-access-0123456789", "xero-rotated-refresh-0123456789"),
            _ok(),
        ]
    )
    await harness.call("xero_get_organisation", {})
    assert [r.url.host for r in harness.requests] == [
        "api.xero.com",
        "identity.xero.com",
        "api.xero.com",
    ]
    assert harness.requests[2].headers["Authorization"] == "Bearer xero-new-access-0123456789"
    assert harness.lease.payload.get("refresh_token") == "xero-rotated-refresh-0123456789"
    assert harness.lease.refreshes == 1


async def test_an_expired_token_is_refreshed_before_the_call_and_then_reused() -> None:
    import datetime as dt

    expired: dict[str, Any] = credentials(expires_at=NOW - dt.timedelta(minutes=1))
    harness = scripted(
        [_token("xero-new-access-0123456789", "xero-rotated-refresh-0123456789"), _ok(), _ok()],
        expired,
    )
    await harness.call("xero_get_organisation", {})
    await harness.call("xero_get_organisation", {})
    assert len(harness.token_requests()) == 1
    assert len(harness.api_requests()) == 2
