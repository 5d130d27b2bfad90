"""Google's refusals as the merchant's chat sees them, and the access token kept fresh:
``{"error": {code, message, status, details}}`` read into the message, a 429's retry delay,
a scope the grant lacks, no retry of a 4xx, a 401 refreshed once, an expired token refreshed
before the request, a revoked grant, and bodies of the wrong shape."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs

import httpx
import pytest

from shopmcp_domain.errors import (
    ReauthorizationRequired,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from tests.contract.google.helpers import (
    ACCESS_TOKEN,
    NOW,
    REFRESH_TOKEN,
    answer,
    credentials,
    fixture,
    response,
    scripted,
)

REPORT = {"property_id": 412345678, "metrics": ["sessions"]}


def _token_answer(token: str = "ya29.refreshed-0123456789") -> httpx.Response:
    return answer({"access_token": token, "expires_in": 3599, "token_type": "Bearer", "scope": "x"})


async def test_a_quota_refusal_says_when_to_retry_and_is_not_retried() -> None:
    h = scripted([response("error.429.resource_exhausted.json")])
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.call("google_analytics_report", REPORT)
    assert caught.value.retry_after == 1800.0  # from the RetryInfo detail
    assert "RESOURCE_EXHAUSTED: Exhausted property tokens per hour" in caught.value.message
    assert len(h.requests) == 1


async def test_retry_after_header_wins_over_retry_info() -> None:
    body = fixture("error.429.resource_exhausted.json")["body"]
    h = scripted([answer(body, 429, headers={"Retry-After": "12"})])
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.call("google_analytics_report", REPORT)
    assert caught.value.retry_after == 12.0


async def test_permission_denied_names_the_status_and_google_s_words() -> None:
    h = scripted([response("error.403.permission_denied.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("google_analytics_report", REPORT)
    assert caught.value.status == 403
    assert "PERMISSION_DENIED: User does not have sufficient permissions for this property" in (
        caught.value.message
    )
    assert "connect Google again" not in caught.value.message
    assert len(h.requests) == 1


async def test_a_missing_scope_tells_the_merchant_to_connect_again() -> None:
    h = scripted([response("error.403.scope_insufficient.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call(
            "google_search_console_analytics",
            {
                "site_url": "sc-domain:acme-outdoors.example",
                "start_date": "2026-10-01",
                "end_date": "2026-10-02",
            },
        )
    assert "insufficient authentication scopes" in caught.value.message
    assert "connect Google again" in caught.value.message


async def test_a_bad_request_lists_its_field_violations() -> None:
    h = scripted([response("error.400.invalid_argument.json")])
    with pytest.raises(UpstreamError) as caught:
        await h.call("google_analytics_report", REPORT)
    assert "INVALID_ARGUMENT: Please remove itemName" in caught.value.message
    assert "dimensions: itemName is incompatible with sessions" in caught.value.message


async def test_a_server_error_on_a_report_is_retried_as_a_read() -> None:
    h = scripted([answer({}, 503), answer({}, 503), response("analyticsdata.runReport.200.json")])
    out = await h.call("google_analytics_report", REPORT)
    assert out.structured["row_count"] == 8
    assert len(h.requests) == 3


async def test_server_errors_end_after_the_bounded_retries() -> None:
    h = scripted([answer({}, 500)] * 3)
    with pytest.raises(UpstreamUnavailable):
        await h.call("google_list_search_console_sites", {})
    assert len(h.requests) == 3


async def test_an_expired_token_is_refreshed_once_before_the_request() -> None:
    stale = credentials(expires_at=NOW - dt.timedelta(minutes=1))
    h = scripted([_token_answer(), response("analyticsdata.runReport.200.json")], stale)
    await h.call("google_analytics_report", REPORT)
    token, report = h.requests
    assert str(token.url) == "https://oauth2.googleapis.com/token"
    form = parse_qs(token.content.decode())
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == [REFRESH_TOKEN]
    assert report.headers["Authorization"] == "Bearer ya29.refreshed-0123456789"
    # Google keeps the refresh token on refresh: the stored one stays.
    assert h.lease.payload["refresh_token"] == REFRESH_TOKEN
    assert h.lease.payload["access_token"] == "ya29.refreshed-0123456789"


async def test_a_401_refreshes_once_and_repeats_the_request_once() -> None:
    h = scripted(
        [
            response("error.401.unauthenticated.json"),
            _token_answer(),
            response("analyticsdata.runReport.200.json"),
        ]
    )
    out = await h.call("google_analytics_report", REPORT)
    assert out.structured["row_count"] == 8
    first, token, second = h.requests
    assert first.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert token.url.path == "/token"
    assert second.headers["Authorization"] == "Bearer ya29.refreshed-0123456789"
    assert json.loads(first.content) == json.loads(second.content)


async def test_a_second_401_is_the_answer() -> None:
    h = scripted(
        [
            response("error.401.unauthenticated.json"),
            _token_answer(),
            response("error.401.unauthenticated.json"),
        ]
    )
    with pytest.raises(UpstreamError) as caught:
        await h.call("google_list_merchant_accounts", {})
    assert caught.value.status == 401
    assert len(h.requests) == 3


async def test_a_revoked_grant_needs_the_merchant_to_connect_again() -> None:
    stale = credentials(expires_at=NOW - dt.timedelta(minutes=1))
    refused = fixture("../oauth/google_token_refresh.400.invalid_grant.json")
    h = scripted([answer(refused["body"], 400)], stale)
    with pytest.raises(ReauthorizationRequired):
        await h.call("google_list_merchant_accounts", {})
    assert [r.url.path for r in h.requests] == ["/token"]  # no API request without a token


@pytest.mark.parametrize(
    ("tool", "arguments", "body"),
    [
        # A row with fewer values than headers.
        (
            "google_analytics_report",
            REPORT,
            {
                "dimensionHeaders": [{"name": "date"}],
                "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}],
                "rows": [{"dimensionValues": [], "metricValues": [{"value": "1"}]}],
            },
        ),
        # A metric value that is not a number.
        (
            "google_analytics_report",
            REPORT,
            {
                "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}],
                "rows": [{"metricValues": [{"value": "many"}]}],
            },
        ),
        ("google_merchant_product_statuses", {"account_id": 1}, {"results": [{"x": {}}]}),
        ("google_get_merchant_product", {"account_id": 1, "product_id": "en~AU~A"}, {"x": 1}),
        (
            "google_list_merchant_account_issues",
            {"account_id": 1},
            {"accountIssues": [{"title": "no name"}]},
        ),
        ("google_list_analytics_properties", {}, {"accountSummaries": [{"account": "users/1"}]}),
        (
            "google_search_console_analytics",
            {"site_url": "sc-domain:a.example", "start_date": "2026-01-01",
             "end_date": "2026-01-02", "dimensions": ["query"]},
            {"rows": [{"keys": ["a", "b"], "clicks": 1, "impressions": 2, "ctr": 0.5,
                       "position": 1}]},
        ),
        ("google_list_merchant_accounts", {}, []),
    ],
)  # fmt: skip
async def test_a_body_of_the_wrong_shape_is_an_invalid_response(
    tool: str, arguments: dict[str, object], body: object
) -> None:
    h = scripted([answer(body)])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call(tool, arguments)
