"""What the MCP endpoint answers with besides a tool's result: tool errors, JSON-RPC errors and
rate-limit headers, and the form that asks a user to confirm a write."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from starlette.types import Send

from shopmcp_domain.errors import (
    InternalError,
    ShopMcpError,
)
from shopmcp_domain.limit_ports import RateLimitDecision

# --------------------------------------------------------------------------- wire shapes


def tool_error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def error_message(error: Exception) -> str:
    """The text a client sees for a failed call. Domain refusals carry merchant-safe messages;
    anything else (including the domain's own InternalError and its kinds) is reported
    without detail."""
    if (
        isinstance(error, ShopMcpError)
        and type(error) is not ShopMcpError
        and not isinstance(error, InternalError)
    ):
        return error.message
    return "internal error: the call failed inside the gateway and was recorded"


def rate_limit_headers(decision: RateLimitDecision) -> list[tuple[bytes, bytes]]:
    # With nothing left, the window "resets" for this client when it may send again: the
    # same moment Retry-After names (a sliding window never resets all at once).
    exhausted = not decision.allowed or decision.remaining <= 0
    seconds = max(decision.retry_after, 1.0) if exhausted else max(decision.reset_after, 0.0)
    reset = str(math.ceil(seconds)).encode()
    limit = str(decision.limit).encode()
    remaining = str(max(decision.remaining, 0)).encode()
    headers = [
        (b"ratelimit-limit", limit),
        (b"ratelimit-remaining", remaining),
        (b"ratelimit-reset", reset),
        (b"x-ratelimit-limit", limit),
        (b"x-ratelimit-remaining", remaining),
        (b"x-ratelimit-reset", reset),
    ]
    if not decision.allowed:
        headers.append((b"retry-after", reset))
    return headers


async def send_jsonrpc_error(
    send: Send,
    status: int,
    code: int,
    message: str,
    request_id: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}},
        separators=(",", ":"),
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- write confirmation

# A write's first call answers with a preview and a one-time code (``confirmed_write``). On the
# 2026-07-28 revision, a client that declares form elicitation is asked instead: the preview
# becomes an input-required result with a yes/no form, and the SDK's client driver retries the
# call with the user's answer and the echoed request state (the code). Clients on 2025-era
# revisions in stateless JSON mode cannot receive a server request, and some declare no
# elicitation: for them the code in the preview is the mechanism.
#
# A workspace that approves writes on its dashboard (migration 0017) is never asked by form:
# its preview's status is "approval_required", not CONFIRMATION_REQUIRED, so it is returned as
# it is. The choice is deliberate: a form answer comes from the client, which the gateway
# cannot tell apart from the model's own doing, so it cannot stand in for the approval of a
# person signed in to the dashboard. A form retry still carrying a code (its request state) is
# refused there like any confirmation argument.
CONFIRMATION_REQUIRED = "confirmation_required"
_FORM_KEY = "confirm_write"
_APPROVE_FIELD = "approve"
_FORM_CHANGES_CHARS = 2000


def _asks_by_form(ctx: ServerRequestContext[Any]) -> bool:
    if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return False
    capabilities = ctx.session.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    if elicitation is None:
        return False
    # A client that declares elicitation without a mode supports forms (the spec's default).
    return elicitation.form is not None or elicitation.url is None


def is_write_preview(structured: Mapping[str, Any] | None) -> bool:
    """Whether a tool's structured result is a write's preview with its one-time code: a
    platform write's (``WritePreview``) or a playbook's (``PlaybookPreview``). A playbook
    run stopped at a write step also says ``confirmation_required``, but lists its steps'
    codes instead: it is answered as a result."""
    return (
        structured is not None
        and structured.get("status") == CONFIRMATION_REQUIRED
        and isinstance(structured.get("confirmation"), str)
    )


def _confirmation_form(preview: Mapping[str, Any]) -> types.ElicitRequest:
    # A playbook's preview says what confirming does in its "summary" and shows the playbook;
    # a platform write's names its store and shows its changes.
    summary = preview.get("summary")
    gateway = isinstance(summary, str)
    details = preview.get("playbook") if gateway else preview.get("changes")
    changes = json.dumps(details or {}, indent=1, sort_keys=True)
    if len(changes) > _FORM_CHANGES_CHARS:
        changes = changes[:_FORM_CHANGES_CHARS] + " ..."
    question = (
        f"{summary}?"
        if gateway
        else f"Apply this change to {preview.get('store')} with {preview.get('tool')}?"
    )
    message = f"{question} Nothing has been changed yet.\n{changes}"
    return types.ElicitRequest(
        params=types.ElicitRequestFormParams(
            message=message,
            requested_schema={
                "type": "object",
                "properties": {
                    _APPROVE_FIELD: {
                        "type": "boolean",
                        "title": "Apply this change",
                        "description": "Yes to apply it now."
                        if gateway
                        else "Yes to send it to the store now.",
                    }
                },
                "required": [_APPROVE_FIELD],
            },
        )
    )
