"""A Neto (Maropost Commerce Cloud) sandbox store: a Litestar app answering the one endpoint
``POST /do/WS/NetoAPI`` for every action the Neto module sends, from deterministic sample data
(``neto_data``), with the store logic in ``neto_store``.

- Every request needs ``NETOAPI_USERNAME`` and ``NETOAPI_KEY`` (checked in constant time before
  anything else) and names its action in ``NETOAPI_ACTION``.
- Without ``Accept: application/json`` Neto answers XML; so does the sandbox (a short XML error),
  which a JSON client cannot read.
- Refusals are Neto's: HTTP 200, ``Ack: Error`` and ``Messages.Error`` (a wrong username or key
  included; how Neto itself answers those is not documented). Another path or method is a plain
  404.

Each app has its own store; nothing is shared between apps or persisted.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from litestar import Litestar, Request, Response, post
from litestar.enums import MediaType
from litestar.exceptions import MethodNotAllowedException, NotFoundException

from shopmcp_adapters.upstreams.neto.client import (
    ACTION_HEADER,
    API_PATH,
    KEY_HEADER,
    USERNAME_HEADER,
)
from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app
from shopmcp_entrypoints.demo.sandboxes.neto_store import NetoRefusal, SandboxStore

SANDBOX_USERNAME = "sandbox-api"
MINIMUM_KEY_LENGTH = 16
_XML_ERROR = (
    '<?xml version="1.0" encoding="utf-8"?><Response><Ack>Error</Ack><Messages><Error>'
    "<Message>Send Accept: application/json for JSON</Message></Error></Messages></Response>"
)


def _refused(_: Request[Any, Any, Any], refusal: NetoRefusal) -> Response[Any]:
    return json_response(refusal.body())


def _not_routed(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return Response("Not Found", status_code=404, media_type=MediaType.TEXT)


def credentials_check(username: str, api_key: str) -> Any:
    """A ``before_request`` hook refusing any request without both credential headers."""
    expected = (username.encode(), api_key.encode())

    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        presented = (
            request.headers.get(USERNAME_HEADER, "").encode(),
            request.headers.get(KEY_HEADER, "").encode(),
        )
        # Both compared, always, so timing tells nothing about which one was wrong.
        user_ok = hmac.compare_digest(presented[0], expected[0])
        key_ok = hmac.compare_digest(presented[1], expected[1])
        if user_ok and key_ok:
            return None
        return _refused(request, NetoRefusal("Authentication failed", "invalid username or key"))

    return check


def create_sandbox_app(api_key: str, username: str = SANDBOX_USERNAME) -> Litestar:
    """An ASGI app serving one fresh sandbox store for ``username`` and ``api_key``."""
    if len(api_key) < MINIMUM_KEY_LENGTH:
        raise ValueError(f"use a sandbox API key of at least {MINIMUM_KEY_LENGTH} characters")
    store = SandboxStore()

    @post(API_PATH, status_code=200)
    async def neto_api(request: Request[Any, Any, Any]) -> Response[Any]:
        if "application/json" not in request.headers.get("Accept", ""):
            return Response(_XML_ERROR, status_code=200, media_type=MediaType.XML)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise NetoRefusal("Invalid request", "the request body is not JSON") from None
        return json_response(store.answer(request.headers.get(ACTION_HEADER, ""), body))

    return sandbox_app(
        [neto_api],
        authenticate=credentials_check(username, api_key),
        exception_handlers={
            NetoRefusal: _refused,
            NotFoundException: _not_routed,
            MethodNotAllowedException: _not_routed,
        },
    )
