"""``tools/call`` answered in the request's own task, without the SDK's per-request session.

In stateless mode the SDK serves every POST by building a transport, memory streams, a task
group, a dispatcher and a connection, running the server loop in a second task, and tearing it
all down again: about a tenth of a tools/call's CPU, for a request that needs none of it (one
JSON-RPC request in, one JSON response out, no server-to-client messages). This module answers
the common case directly and leaves everything else to the SDK.

It answers exactly what the SDK would, using the SDK's own pieces for each step: a single
JSON-RPC ``tools/call`` request on a protocol revision the legacy transport serves (the
``MCP-Protocol-Version`` header absent or a handshake version), an ``Accept`` header that takes
JSON, params that pass the SDK's per-version surface validation and ``CallToolRequestParams``;
the result is shaped by the SDK's ``serialize_server_result`` for that revision and framed as a
``JSONRPCResponse`` dumped as the SDK's transport dumps it. Any request that misses a condition
goes to the SDK unchanged, so every error path (parse errors, invalid params, unknown methods,
the 2026-07-28 single-exchange path) is the SDK's. Tests run the same requests both ways and
compare the bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import attrs
import mcp_types as types
from mcp.shared.exceptions import MCPError
from mcp_types import DEFAULT_NEGOTIATED_VERSION
from mcp_types import methods as _methods
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import ValidationError
from starlette.types import Send

TOOLS_CALL = "tools/call"
_VERSION_HEADER = b"mcp-protocol-version"
_ACCEPT_HEADER = b"accept"
_JSON_TYPES = frozenset({"application/json", "application/*", "*/*"})


@attrs.frozen
class FastCall:
    request_id: str | int
    version: str
    params: types.CallToolRequestParams


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def _accepts_json(accept: str | None) -> bool:
    # The SDK's rule (check_accept_headers): any listed media type, parameters dropped.
    if accept is None:
        return False
    return any(part.split(";")[0].strip().lower() in _JSON_TYPES for part in accept.split(","))


def fast_call(headers: Sequence[tuple[bytes, bytes]], message: object) -> FastCall | None:
    """The request, if the fast path answers it exactly as the SDK would; else None."""
    if not isinstance(message, dict) or message.get("method") != TOOLS_CALL:
        return None
    version_header = _header(headers, _VERSION_HEADER)
    if version_header is not None and version_header not in HANDSHAKE_PROTOCOL_VERSIONS:
        return None  # the 2026-07-28 single-exchange path, or an unknown revision: the SDK's
    if not _accepts_json(_header(headers, _ACCEPT_HEADER)):
        return None
    version = version_header or DEFAULT_NEGOTIATED_VERSION
    try:
        request = types.JSONRPCRequest.model_validate(message, by_name=False)
        _methods.validate_client_request(TOOLS_CALL, version, request.params)
        params = types.CallToolRequestParams.model_validate(request.params or {}, by_name=False)
    except (ValidationError, KeyError, ValueError):
        return None
    if set(message) - {"jsonrpc", "id", "method", "params"}:
        return None  # anything unusual in the envelope: the SDK decides what it means
    return FastCall(request_id=request.id, version=version, params=params)


def response_body(call: FastCall, result: types.CallToolResult) -> bytes:
    """The SDK's wire form of ``result``: dumped, shaped by the revision's result surface, and
    framed as its transport frames a JSON response."""
    dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    shaped = _methods.serialize_server_result(TOOLS_CALL, call.version, dumped)
    response = types.JSONRPCResponse(jsonrpc="2.0", id=call.request_id, result=shaped)
    return response.model_dump_json(by_alias=True, exclude_unset=True).encode()


def error_body(call: FastCall, error: types.ErrorData) -> bytes:
    response = types.JSONRPCError(jsonrpc="2.0", id=call.request_id, error=error)
    return response.model_dump_json(by_alias=True, exclude_unset=True).encode()


Handler = Callable[[types.CallToolRequestParams], Awaitable[types.CallToolResult]]


async def answer(
    call: FastCall,
    handler: Handler,
    send: Send,
    extra_headers: Sequence[tuple[bytes, bytes]],
) -> None:
    try:
        body = response_body(call, await handler(call.params))
    except MCPError as error:
        # What the SDK's dispatcher writes for a handler's protocol error.
        body = error_body(call, error.error)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                (b"content-type", b"application/json"),
                *extra_headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
