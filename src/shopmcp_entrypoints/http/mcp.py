"""The MCP endpoint: ``/mcp/{token}`` (or ``/mcp`` with ``Authorization: Bearer``).

One low-level :class:`mcp.server.Server` serves every workspace; what a request may see is
decided per request from the :class:`RequestScope` and the request's :class:`Admission`, held
in a ``ContextVar`` for exactly that request. The Streamable HTTP transport runs stateless
with JSON responses, so any replica can serve any request.

In front of the SDK, this module checks, in order (cheapest and least revealing first):
the raw path, the query string (tokens never travel there), the HTTP method (POST only: a GET
would open an SSE stream that never ends in stateless mode), Host/Origin (DNS-rebinding
protection) and Content-Type, the declared body size, then the token (checked once, by the
domain's ``authenticate``); then it reads the body (bounded), admits the request against the
workspace's rate limit once, and hands it to the SDK with the rate-limit headers added to
whatever the SDK answers.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Mapping
from typing import Any, assert_never

import attrs
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from starlette.requests import Request as StarletteRequest
from starlette.types import Receive, Scope, Send

from shopmcp_adapters.observability import tag_workspace
from shopmcp_adapters.observability.context import bind_tool, bind_workspace
from shopmcp_domain.confirmations import CONFIRMATION_ARGUMENT
from shopmcp_domain.errors import (
    AuditUnavailable,
    AuthenticationFailed,
    InternalError,
    ShopMcpError,
    UnknownTool,
)
from shopmcp_domain.playbooks import PlaybookRenderError
from shopmcp_domain.services.admission import (
    Admission,
    Admitted,
    RefusedInactive,
    RefusedLimiterUnavailable,
    RefusedRateLimited,
    admit,
)
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.list_tools import list_tools
from shopmcp_domain.services.playbook_tools import (
    PLAYBOOK_TOOLS,
    call_playbook_tool,
    visible_playbook_tools,
)
from shopmcp_domain.services.prompts import list_playbooks, render_playbook
from shopmcp_domain.services.scope import RequestScope, authenticate
from shopmcp_domain.untrusted import text_view
from shopmcp_entrypoints.gateway import GatewayPorts
from shopmcp_entrypoints.http.fast_call import answer as answer_fast
from shopmcp_entrypoints.http.fast_call import fast_call
from shopmcp_entrypoints.http.jsonrpc_codes import (
    FORBIDDEN,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    RATE_LIMITED,
    UNAUTHENTICATED,
    UNAVAILABLE,
)
from shopmcp_entrypoints.http.mcp_asgi import (
    _BodyTooLarge,
    _internal_error,
    _peek,
    _rate_limited_message,
    _replay,
    _wire_gateway_tool,
    _with_headers,
)
from shopmcp_entrypoints.http.mcp_replies import (
    _APPROVE_FIELD,
    _FORM_KEY,
    _asks_by_form,
    _confirmation_form,
    error_message,
    is_write_preview,
    rate_limit_headers,
    send_jsonrpc_error,
    tool_error,
)
from shopmcp_entrypoints.http.transport_guard import TransportGuard
from shopmcp_entrypoints.http.wire import WireTools

logger = logging.getLogger("shopmcp.mcp")

SERVER_NAME = "shopmcp"
SERVER_VERSION = "0.1.0"


# ``/mcp`` or ``/mcp/`` (token in the Authorization header) or ``/mcp/<one segment>``.
_PATH_RE = re.compile(rb"^/mcp(?:/(?P<token>[^/]*))?$")


@attrs.frozen
class McpRequest:
    """One authenticated request as its handlers see it: who, and how it was admitted."""

    scope: RequestScope
    admission: Admission


_REQUEST: contextvars.ContextVar[McpRequest | None] = contextvars.ContextVar(
    "shopmcp_request", default=None
)


def current_request() -> McpRequest:
    """The request being served. Outside a request there is none."""
    request = _REQUEST.get()
    if request is None:
        raise MCPError(code=INTERNAL_ERROR, message="no request scope")
    return request


def current_scope() -> RequestScope:
    return current_request().scope


def active_scope() -> RequestScope | None:
    request = _REQUEST.get()
    return request.scope if request is not None else None


@attrs.frozen
class McpSettings:
    allowed_hosts: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    max_request_bytes: int
    # tools/call answered without the SDK's per-request session (see ``fast_call``); off
    # only for the tests that compare the two paths.
    fast_path: bool = True


# --------------------------------------------------------------------------- the MCP server


class McpGateway:
    """The ASGI app mounted at ``/mcp``. Built in the app factory; its ports are bound in the
    lifespan (nothing credential-bearing is held at module level)."""

    def __init__(self, settings: McpSettings) -> None:
        self.settings = settings
        self.fast_path = settings.fast_path
        self._ports: GatewayPorts | None = None
        self._wire_tools: WireTools | None = None
        self.security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(settings.allowed_hosts),
            allowed_origins=list(settings.allowed_origins),
        )
        # Checked here, exactly (the SDK's own check, which runs again inside the session
        # manager, compares prefixes of strings).
        self._transport_guard = TransportGuard.from_allowlists(
            settings.allowed_hosts, settings.allowed_origins
        )
        self.server: Server[Any] = Server(
            SERVER_NAME,
            version=SERVER_VERSION,
            instructions=(
                "Tools for this workspace's connected stores. Read tools are available by "
                "default; write tools appear only after the merchant enables them. A write's "
                "first call changes nothing: it returns a preview to show the user and a "
                "one-time confirmation code; call the same tool again with the same arguments "
                "and that code only after the user approves. In a workspace that approves "
                "writes on its dashboard the preview has no code: the user approves it there, "
                "then the same call with the same arguments runs it."
            ),
            get_tool_input_schema=self._tool_input_schema,
            on_list_tools=self._on_list_tools,
            on_call_tool=self._on_call_tool,
            on_list_prompts=self._on_list_prompts,
            on_get_prompt=self._on_get_prompt,
        )
        self.manager = StreamableHTTPSessionManager(
            app=self.server,
            stateless=True,
            json_response=True,
            security_settings=self.security,
            max_request_body_size=settings.max_request_bytes,
        )

    # ---- lifecycle

    def bind(self, ports: GatewayPorts) -> None:
        # Built once per process: the wire form of every registered tool.
        self._wire_tools = WireTools(ports.registry, ports.platform_names)
        self._ports = ports

    def unbind(self) -> None:
        self._ports = None

    @property
    def ports(self) -> GatewayPorts:
        if self._ports is None:
            raise RuntimeError("the MCP gateway is not running")
        return self._ports

    @property
    def wire_tools(self) -> WireTools:
        if self._wire_tools is None:
            raise RuntimeError("the MCP gateway is not running")
        return self._wire_tools

    # ---- handlers (run inside the request's context: the scope is set)

    def _tool_input_schema(self, name: str) -> Mapping[str, Any] | None:
        # The 2026-07-28 path asks this on tools/call (the SDK checks ``Mcp-Param-*`` headers
        # against it; it validates no argument itself): the same per-scope schema as tools/list.
        scope = active_scope()
        if scope is None:
            return None
        gateway = PLAYBOOK_TOOLS.get(name)
        if gateway is not None:
            return gateway.input_schema() if gateway in visible_playbook_tools(scope) else None
        if name not in scope.policy.names:
            return None
        return self.wire_tools.input_schema(scope, scope.policy.authorise(name))

    async def _on_list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        scope = current_scope()
        wire = self.wire_tools
        tools = [wire.for_scope(scope, s) for s in list_tools(scope)]
        tools += [_wire_gateway_tool(t) for t in visible_playbook_tools(scope)]
        return types.ListToolsResult(tools=tools)

    async def _on_call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        if not _asks_by_form(ctx):
            return await self._call_tool_result(params)
        if params.request_state is not None:
            return await self._confirmed_by_form(params)
        result = await self._call_tool_result(params)
        preview = result.structured_content
        if result.is_error or preview is None or not is_write_preview(preview):
            return result
        # The user approves in the client's own form; the code travels as the request state
        # (the client runtime echoes it; the model never needs to see it).
        return types.InputRequiredResult(
            input_requests={_FORM_KEY: _confirmation_form(preview)},
            request_state=str(preview["confirmation"]),
        )

    async def _confirmed_by_form(self, params: types.CallToolRequestParams) -> types.CallToolResult:
        """The retry of a write after the form: executed only when the user accepted; the
        code it carries is checked against the call like any confirmation argument."""
        answer = (params.input_responses or {}).get(_FORM_KEY)
        approved = (
            isinstance(answer, types.ElicitResult)
            and answer.action == "accept"
            and (answer.content or {}).get(_APPROVE_FIELD) is True
        )
        if not approved:
            changed = "changed" if params.name in PLAYBOOK_TOOLS else "sent to the store"
            return tool_error(f"the user did not approve this change; nothing was {changed}")
        arguments = {**(params.arguments or {}), CONFIRMATION_ARGUMENT: params.request_state}
        return await self._call_tool_result(
            params.model_copy(update={"arguments": arguments, "request_state": None})
        )

    async def _call_tool_result(self, params: types.CallToolRequestParams) -> types.CallToolResult:
        """The one tools/call handler, whether the SDK dispatched it or the fast path did."""
        request = current_request()
        scope = request.scope
        bind_tool(params.name)
        try:
            if params.name in PLAYBOOK_TOOLS:
                output = await call_playbook_tool(
                    self.ports.playbook_tools,
                    scope,
                    request.admission,
                    params.name,
                    params.arguments,
                )
            else:
                output = await call_tool(
                    self.ports.tool_call, scope, request.admission, params.name, params.arguments
                )
        except UnknownTool as error:
            # The MCP specification makes an unknown tool a protocol error, as it does an
            # unknown prompt (the call was audited all the same).
            raise MCPError(code=INVALID_PARAMS, message=error.message) from None
        except AuditUnavailable as error:
            # Not a tool result: the tool's answer (or its refusal) is withheld because the
            # call has no audit row, and an error result would read as the tool's own.
            logger.error(
                "tools/call not recorded: %s",
                type(error.__cause__ or error).__name__,
                extra={"workspace_id": str(scope.workspace.id), "tool": params.name[:100]},
            )
            raise MCPError(code=INTERNAL_ERROR, message=error.message) from None
        except Exception as error:
            if not isinstance(error, ShopMcpError) or isinstance(error, InternalError):
                # With the exception: error tracking gets its stack (never its frames'
                # variables) and the logs its redacted traceback.
                logger.error(
                    "tools/call failed: %s",
                    type(error.__cause__ or error).__name__,
                    extra={"workspace_id": str(scope.workspace.id), "tool": params.name[:100]},
                    exc_info=error.__cause__ or error,
                )
            return tool_error(error_message(error))
        structured = dict(output.structured)
        return types.CallToolResult(
            # The summary for people, then the structured result serialised, as the MCP
            # specification asks of tools with structured output (for clients that pass only
            # text content to the model).
            content=[
                types.TextContent(text=output.text),
                # Third-party text inside the delimiter here, as the structured content's
                # ``_untrusted`` list points at it.
                types.TextContent(text=json.dumps(text_view(structured), separators=(",", ":"))),
            ],
            structured_content=structured,
            is_error=False,
            meta=dict(output.meta) if output.meta else None,
        )

    async def _on_list_prompts(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        scope = current_scope()
        try:
            playbooks = await list_playbooks(scope)
        except Exception as error:
            raise _internal_error("prompts/list", scope, error) from None
        return types.ListPromptsResult(
            prompts=[
                types.Prompt(
                    name=p.name,
                    description=p.description or None,
                    arguments=[
                        types.PromptArgument(
                            name=a.name, description=a.description or None, required=a.required
                        )
                        for a in p.arguments
                    ],
                )
                for p in playbooks
            ]
        )

    async def _on_get_prompt(
        self, ctx: ServerRequestContext[Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        scope = current_scope()
        try:
            playbook, text = await render_playbook(scope, params.name, params.arguments)
        except PlaybookRenderError as error:
            raise MCPError(code=INVALID_PARAMS, message=str(error)) from None
        except ShopMcpError:
            raise MCPError(code=INVALID_PARAMS, message="unknown prompt") from None
        except Exception as error:
            # The SDK would send an uncaught exception's message to the client.
            raise _internal_error("prompts/get", scope, error) from None
        return types.GetPromptResult(
            description=playbook.description or None,
            messages=[
                types.PromptMessage(role="user", content=types.TextContent(text=text)),
            ],
        )

    # ---- HTTP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw_path = raw_path.split(b"?", 1)[0]
        match = _PATH_RE.fullmatch(raw_path)
        if match is None:
            await send_jsonrpc_error(send, 404, INVALID_REQUEST, "not found")
            return
        if scope.get("query_string"):
            # MCP URLs carry no query string; a token there would end up in logs and caches.
            await send_jsonrpc_error(
                send, 400, INVALID_REQUEST, "query parameters are not accepted on the MCP endpoint"
            )
            return
        if scope["method"] != "POST":
            # Stateless: no SSE stream to GET, no session to DELETE.
            await send_jsonrpc_error(
                send, 405, INVALID_REQUEST, "method not allowed", headers=[(b"allow", b"POST")]
            )
            return
        http_request = StarletteRequest(scope)
        refusal = self._transport_refusal(http_request)
        if refusal is not None:
            await send_jsonrpc_error(send, refusal[0], INVALID_REQUEST, refusal[1])
            return
        declared = http_request.headers.get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.settings.max_request_bytes
        ):
            await self._too_large(send)
            return
        if self._ports is None:
            await send_jsonrpc_error(send, 503, UNAVAILABLE, "the gateway is starting")
            return

        token = self._token(match.group("token"), http_request)
        ports = self.ports
        try:
            request_scope = await authenticate(
                token,
                ports.scopes,
                ports.tenants,
                ports.vault,
                ports.registry,
                writes_locked=ports.writes_locked,
            )
        except AuthenticationFailed as error:
            await send_jsonrpc_error(
                send,
                401,
                UNAUTHENTICATED,
                error.message,
                headers=[(b"www-authenticate", b'Bearer realm="shopmcp"')],
            )
            return
        except Exception as error:
            # The store could not answer (its retries spent): a JSON-RPC answer that says to
            # come back, not the server's bare 500.
            logger.error("request scope unavailable: %s", type(error).__name__)
            await send_jsonrpc_error(
                send,
                503,
                UNAVAILABLE,
                "the gateway could not load this workspace just now; try again shortly",
                headers=[(b"retry-after", b"1")],
            )
            return
        tag_workspace(request_scope.workspace.id)
        bind_workspace(request_scope.workspace.id)

        try:
            try:
                body = await self._read_body(receive)
            except _BodyTooLarge:
                await self._too_large(send)
                return
            peeked = _peek(body)
            method, request_id = peeked.method, peeked.request_id
            admission = await admit(request_scope.workspace, ports.limiter)
            if isinstance(admission, RefusedRateLimited):
                ports.observer.rate_limited("tools/call" if method == "tools/call" else "other")
            extra_headers = await self._admission_headers(admission, method, request_id, send)
            if extra_headers is None:
                return
            if not peeked.id_valid:
                # The SDK would take a message with an unusable id for a notification and
                # answer 202 with nothing: say what is wrong instead.
                await send_jsonrpc_error(
                    send,
                    400,
                    INVALID_REQUEST,
                    "invalid request: the id must be a string or an integer",
                    None,
                    extra_headers,
                )
                return
            call = fast_call(scope["headers"], peeked.message) if self.fast_path else None
            reset = _REQUEST.set(McpRequest(request_scope, admission))
            try:
                if call is not None:
                    await answer_fast(call, self._call_tool_result, send, extra_headers)
                else:
                    await self.manager.handle_request(
                        scope, _replay(body, receive), _with_headers(send, extra_headers)
                    )
            finally:
                _REQUEST.reset(reset)
        finally:
            request_scope.close()

    def _transport_refusal(self, request: StarletteRequest) -> tuple[int, str] | None:
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("application/json"):
            return 400, "content-type must be application/json"
        if not self._transport_guard.host_allowed(request.headers.get("host")):
            return 421, "host not allowed"
        if not self._transport_guard.origin_allowed(request.headers.get("origin")):
            return 403, "origin not allowed"
        return None

    @staticmethod
    def _token(path_token: bytes | None, request: StarletteRequest) -> str:
        if path_token:
            return path_token.decode("latin-1")
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""

    @staticmethod
    async def _admission_headers(
        admission: Admission, method: str | None, request_id: Any, send: Send
    ) -> list[tuple[bytes, bytes]] | None:
        """The rate-limit headers to add to the SDK's answer, or None when the request was
        refused and answered here. A refused tools/call still goes to the SDK: the use case
        raises the refusal inside its audit block, and the client gets a tool error (saying
        when to retry, if rate limited)."""
        is_call = method == "tools/call"
        match admission:
            case Admitted(decision):
                return rate_limit_headers(decision)
            case RefusedRateLimited(decision):
                headers = rate_limit_headers(decision)
                if not is_call:
                    message = _rate_limited_message(decision)
                    await send_jsonrpc_error(send, 429, RATE_LIMITED, message, request_id, headers)
                    return None
                return headers
            case RefusedInactive():
                if not is_call:
                    message = admission.error().message
                    await send_jsonrpc_error(send, 403, FORBIDDEN, message, request_id)
                    return None
                return []
            case RefusedLimiterUnavailable(cause):
                logger.error("rate limiter unavailable: %s", cause)
                if not is_call:
                    message = admission.error().message
                    await send_jsonrpc_error(send, 503, UNAVAILABLE, message, request_id)
                    return None
                return []
            case _:
                assert_never(admission)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks += message.get("body", b"")
            if len(chunks) > self.settings.max_request_bytes:
                raise _BodyTooLarge()
            if not message.get("more_body", False):
                break
        return bytes(chunks)

    async def _too_large(self, send: Send) -> None:
        await send_jsonrpc_error(
            send,
            413,
            INVALID_REQUEST,
            f"request body exceeds {self.settings.max_request_bytes} bytes",
        )
