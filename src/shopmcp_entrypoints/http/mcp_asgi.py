"""The MCP endpoint's ASGI plumbing: peeking at a request body before the SDK reads it, replaying
it, adding headers to the answer, and the shapes of the gateway's own tools and errors."""

from __future__ import annotations

import logging
from typing import Any

import attrs
import mcp_types as types
import pydantic_core
from mcp.shared.exceptions import MCPError
from starlette.types import Message, Receive, Send

from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.services.playbook_tools import (
    GatewayTool,
)
from shopmcp_domain.services.scope import RequestScope
from shopmcp_entrypoints.http.jsonrpc_codes import (
    INTERNAL_ERROR,
)

# The endpoint's logger (the same name as http.mcp's).
logger = logging.getLogger("shopmcp.mcp")


class _BodyTooLarge(Exception):
    pass


def _wire_gateway_tool(tool: GatewayTool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.input_schema(),
        annotations=types.ToolAnnotations(
            title=tool.title,
            read_only_hint=not tool.write,
            # A delete, and create_playbook's replace (the current version stops being the
            # one that runs; history keeps it): MCP's destructiveHint false means "only
            # additive updates", like the platform tools that overwrite fields.
            destructive_hint=tool.name in ("create_playbook", "delete_playbook"),
            idempotent_hint=tool.name == "list_playbooks",
            # run_playbook reaches upstream stores; the others touch only the gateway.
            open_world_hint=tool.name == "run_playbook",
        ),
    )


def _internal_error(method: str, scope: RequestScope, error: Exception) -> MCPError:
    """A handler failure as a JSON-RPC error without its text (only its class is logged)."""
    logger.error(
        "%s failed: %s",
        method,
        type(error).__name__,
        extra={"workspace_id": str(scope.workspace.id)},
    )
    return MCPError(code=INTERNAL_ERROR, message="internal error")


def _rate_limited_message(decision: RateLimitDecision) -> str:
    return (
        f"rate limit of {decision.limit} requests reached; "
        f"retry after {max(decision.retry_after, 0.0):.1f}s"
    )


@attrs.frozen
class _Peeked:
    method: str | None = None
    request_id: Any = None
    # The decoded body (a single message), for the fast path to validate further.
    message: object = None
    # False when the message carries an "id" that MCP does not allow (null, a fraction, NaN,
    # an object, a boolean): only strings and integers identify a request.
    id_valid: bool = True


def _peek(body: bytes) -> _Peeked:
    """The JSON-RPC method and id, if the body is a single message. Anything else is left to
    the SDK, which answers parse and validation errors as the spec says."""
    try:
        # The SDK's own JSON parser, so what passes here is what it would accept.
        decoded = pydantic_core.from_json(body)
    except (ValueError, RecursionError):
        return _Peeked()
    if not isinstance(decoded, dict):
        return _Peeked()
    method = decoded.get("method")
    request_id = _json_id(decoded.get("id"))
    return _Peeked(
        method=method if isinstance(method, str) else None,
        request_id=request_id,
        id_valid="id" not in decoded or request_id is not None,
        message=decoded,
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    if not headers:
        return send

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return send_with_headers


def _json_id(value: Any) -> Any:
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None
