"""A Google sandbox: one Litestar app answering every Google API method the Google module
sends, plus the OAuth token endpoint its refreshes use, from deterministic sample data
(``google_data``; the engines ``google_reports``, ``google_merchant``, ``google_search``).

Google's APIs live on several hosts; the sandbox serves each under a path prefix of its
name, which is how the Google client maps ``UpstreamEnv.base_url`` onto them:

| real origin | sandbox path |
|---|---|
| ``https://analyticsadmin.googleapis.com/v1beta/...`` | ``/analyticsadmin/v1beta/...`` |
| ``https://analyticsdata.googleapis.com/v1beta/...`` | ``/analyticsdata/v1beta/...`` |
| ``https://merchantapi.googleapis.com/...`` | ``/merchantapi/...`` |
| ``https://searchconsole.googleapis.com/webmasters/...`` | ``/searchconsole/webmasters/...`` |
| ``https://oauth2.googleapis.com/token`` | ``/token`` |

- Every API request needs ``Authorization: Bearer <token>``: the sandbox's own token or one
  its token endpoint issued (checked in constant time before anything else); otherwise a 401
  in Google's envelope, ``UNAUTHENTICATED``.
- ``POST /token`` refreshes (``grant_type=refresh_token``) for the sandbox's OAuth client
  (``google_data.CLIENT_ID``/``CLIENT_SECRET``, sent in the form as Google documents) and the
  refresh token :func:`refresh_token_for` derives from the sandbox's token; anything else is
  ``invalid_client`` or ``invalid_grant``.
- Errors are Google's ``{"error": {code, message, status}}``; paths are matched on the raw
  (still percent-encoded) path, so a Search Console site is one encoded segment as Google
  requires.

Each app has its own issued tokens and quota meter; nothing is persisted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import attrs
from litestar import Litestar, Request, Response, post, route
from litestar.enums import HttpMethod
from litestar.exceptions import HTTPException

from shopmcp_entrypoints.demo.sandboxes import google_data as data
from shopmcp_entrypoints.demo.sandboxes import google_merchant as merchant
from shopmcp_entrypoints.demo.sandboxes import google_reports as reports
from shopmcp_entrypoints.demo.sandboxes import google_search as search
from shopmcp_entrypoints.demo.sandboxes.google_common import GoogleApiError, invalid
from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app

MINIMUM_TOKEN_LENGTH = 16
TOKEN_PATH = "/token"  # noqa: S105 - a path
ACCESS_TOKEN_SECONDS = 3599
_NUMBER = r"(\d{1,19})"


def refresh_token_for(token: str) -> str:
    """The refresh token the sandbox accepts for the sandbox whose access token is ``token``."""
    return "1//sandbox-" + hashlib.sha256(f"refresh:{token}".encode()).hexdigest()[:40]


@attrs.define
class SandboxState:
    token: str = attrs.field(repr=False)
    today: Callable[[], dt.date]
    issued: set[str] = attrs.Factory(set)
    quota: reports.QuotaMeter = attrs.Factory(reports.QuotaMeter)

    def accepts(self, presented: str) -> bool:
        known = [self.token, *self.issued]
        # Every known token is compared, so timing tells nothing about which one was close.
        matches = [hmac.compare_digest(presented.encode(), k.encode()) for k in known]
        return any(matches)


# A route: (method, pattern over the raw path, action(state, groups, query, body)).
Action = Callable[[SandboxState, tuple[str, ...], dict[str, str], Any], Any]


def _int(query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        raise invalid(f"Invalid value for {name}: {query[name]}") from None


ROUTES: tuple[tuple[str, re.Pattern[str], Action], ...] = (
    (
        "GET",
        re.compile(r"/analyticsadmin/v1beta/accountSummaries"),
        lambda s, g, q, b: _summaries(q),
    ),
    (
        "POST",
        re.compile(rf"/analyticsdata/v1beta/properties/{_NUMBER}:runReport"),
        lambda s, g, q, b: reports.run_report(g[0], b, s.today(), s.quota),
    ),
    (
        "POST",
        re.compile(rf"/analyticsdata/v1beta/properties/{_NUMBER}:runRealtimeReport"),
        lambda s, g, q, b: reports.run_realtime(g[0], b, s.quota),
    ),
    (
        "GET",
        re.compile(r"/merchantapi/accounts/v1/accounts"),
        lambda s, g, q, b: merchant.accounts(_int(q, "pageSize", 250), q.get("pageToken")),
    ),
    (
        "GET",
        re.compile(rf"/merchantapi/accounts/v1/accounts/{_NUMBER}/issues"),
        lambda s, g, q, b: merchant.account_issues(
            g[0], _int(q, "pageSize", 50), q.get("pageToken")
        ),
    ),
    (
        "POST",
        re.compile(rf"/merchantapi/reports/v1/accounts/{_NUMBER}/reports:search"),
        lambda s, g, q, b: merchant.search(g[0], b),
    ),
    (
        "GET",
        re.compile(rf"/merchantapi/products/v1/accounts/{_NUMBER}/products/([^/]+)"),
        lambda s, g, q, b: merchant.product(g[0], unquote(g[1])),
    ),
    (
        "GET",
        re.compile(r"/searchconsole/webmasters/v3/sites"),
        lambda s, g, q, b: search.sites(),
    ),
    (
        "POST",
        re.compile(r"/searchconsole/webmasters/v3/sites/([^/]+)/searchAnalytics/query"),
        lambda s, g, q, b: search.query(unquote(g[0]), b, s.today()),
    ),
)


def _summaries(query: dict[str, str]) -> dict[str, Any]:
    size = min(max(_int(query, "pageSize", 50), 1), 200)
    offset = merchant.page_offset(query.get("pageToken"))
    page, following = reports.account_summaries(size, offset)
    out: dict[str, Any] = {"accountSummaries": page}
    if following is not None:
        out["nextPageToken"] = merchant.page_token(following)
    return out


def _google_error(_: Request[Any, Any, Any], error: GoogleApiError) -> Response[Any]:
    return json_response(error.body(), error.code)


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if error.status_code == 404:
        return _google_error(request, GoogleApiError(404, "Requested entity was not found."))
    return _google_error(request, GoogleApiError(error.status_code, str(error.detail)))


def _authenticate(state: SandboxState) -> Callable[[Request[Any, Any, Any]], Any]:
    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        if request.url.path == TOKEN_PATH:
            return None  # the token endpoint authenticates the client itself
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        if scheme == "Bearer" and presented and state.accepts(presented):
            return None
        return _google_error(
            request,
            GoogleApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
            ),
        )

    return check


def _token_endpoint(state: SandboxState) -> Any:
    expected_refresh = refresh_token_for(state.token)

    @post(TOKEN_PATH, status_code=200)
    async def token(request: Request[Any, Any, Any]) -> Response[Any]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        client_ok = hmac.compare_digest(
            form.get("client_id", "").encode(), data.CLIENT_ID.encode()
        ) & hmac.compare_digest(form.get("client_secret", "").encode(), data.CLIENT_SECRET.encode())
        if not client_ok:
            return json_response(
                {"error": "invalid_client", "error_description": "Unauthorized"}, 401
            )
        if form.get("grant_type") != "refresh_token":
            return json_response({"error": "unsupported_grant_type"}, 400)
        if not hmac.compare_digest(
            form.get("refresh_token", "").encode(), expected_refresh.encode()
        ):
            return json_response(
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
                400,
            )
        issued = "ya29.sandbox-" + secrets.token_urlsafe(24)
        state.issued.add(issued)
        return json_response(
            {
                "access_token": issued,
                "expires_in": ACCESS_TOKEN_SECONDS,
                "scope": data.SCOPES,
                "token_type": "Bearer",
            }
        )

    return token


def _api(state: SandboxState) -> Any:
    @route("/{api:str}/{rest:path}", http_method=[HttpMethod.GET, HttpMethod.POST])
    async def api(request: Request[Any, Any, Any]) -> Response[Any]:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        path = raw.decode("ascii").split("?", 1)[0]
        for method, pattern, action in ROUTES:
            matched = pattern.fullmatch(path)
            if matched is None:
                continue
            if request.method != method:
                raise GoogleApiError(405, f"{request.method} is not allowed here.")
            body = None
            if method == "POST":
                try:
                    body = json.loads(await request.body() or b"null")
                except ValueError:
                    raise invalid("Invalid JSON payload received.") from None
            query = {k: str(v) for k, v in request.query_params.items()}
            return json_response(action(state, matched.groups(), query, body))
        raise GoogleApiError(404, "Requested entity was not found.")

    return api


def create_sandbox_app(token: str, today: Callable[[], dt.date] | None = None) -> Litestar:
    """An ASGI app serving the sandbox Google account to ``Authorization: Bearer <token>``
    (and to the tokens its token endpoint issues). ``today`` fixes the day relative dates and
    the freshest data are counted from (default: today in UTC)."""
    if len(token) < MINIMUM_TOKEN_LENGTH:
        raise ValueError(f"use a sandbox token of at least {MINIMUM_TOKEN_LENGTH} characters")
    state = SandboxState(token, today or (lambda: dt.datetime.now(dt.UTC).date()))
    return sandbox_app(
        [_token_endpoint(state), _api(state)],
        authenticate=_authenticate(state),
        exception_handlers={GoogleApiError: _google_error, HTTPException: _http_error},
        state={"google": state},
    )
