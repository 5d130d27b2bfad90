"""The baseline: a bare MCP server with one tool, ``shopify_list_orders``, written the way the
SDK's own examples write a stateless server (a low-level ``Server`` with constructor handlers, a
``StreamableHTTPSessionManager(stateless=True, json_response=True)`` entered in the Starlette
lifespan, the route the SDK's ``streamable_http_app`` builds, uvicorn), with the DNS-rebinding
protection the SDK turns on for a loopback host.

Its tool makes the same upstream call as the gateway's (the same document and variables, the
same token header, one shared ``httpx.AsyncClient`` that verifies the stand-in against the local
CA) and returns the same result: it validates the arguments and parses the answer with the
gateway's own Shopify input and output models and writes the same text, so the two differ by
exactly what the gateway adds around a tool (authentication, the rate limit, the tenant's
scope, the vault, the audit and meter rows) and not by the tool's own work. The harness checks
that both return the same result before it measures anything.

Run as ``python -m benchmarks.hot_path.bare_server`` with ``BENCH_UPSTREAM_URL`` (the stand-in's
GraphQL URL) and ``BENCH_TLS_CA`` (the local CA); it prints ``{"port": N}`` on one line once
uvicorn serves, and stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import mcp_types as types
import uvicorn
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.routing import Route

from benchmarks.hot_path import exchange
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import TOKEN_HEADER
from shopmcp_adapters.upstreams.shopify.inputs import orders as inputs
from shopmcp_adapters.upstreams.shopify.outputs import orders as outputs
from shopmcp_adapters.upstreams.shopify.tools.orders import orders_query, orders_text


class Upstream:
    """The one shared client, opened in the lifespan."""

    def __init__(self, url: str, ca_bundle: str, token: str) -> None:
        self.url = url
        self.token = token
        self.tls = ssl.create_default_context(cafile=ca_bundle)
        self.client: httpx.AsyncClient | None = None

    async def list_orders(self, args: inputs.ListOrdersInput) -> outputs.ListOrdersOutput:
        assert self.client is not None, "used outside the lifespan"
        response = await self.client.post(
            self.url,
            json={
                "query": docs.LIST_ORDERS,
                "variables": {
                    "first": args.first,
                    "after": args.after,
                    "query": orders_query(args),
                },
            },
            headers={TOKEN_HEADER: self.token, "Accept": "application/json"},
        )
        response.raise_for_status()
        return outputs.ListOrdersOutput.model_validate(response.json()["data"])


def build_app(upstream: Upstream) -> Starlette:
    tool = types.Tool(
        name=exchange.TOOL,
        title="List orders",
        description="Recent orders, newest first.",
        input_schema=inputs.ListOrdersInput.model_json_schema(),
        output_schema=outputs.ListOrdersOutput.model_json_schema(mode="serialization"),
    )

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool])

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        if params.name != exchange.TOOL:
            return types.CallToolResult(
                content=[types.TextContent(text=f"unknown tool {params.name}")], is_error=True
            )
        page = await upstream.list_orders(
            inputs.ListOrdersInput.model_validate(params.arguments or {})
        )
        structured = page.model_dump(mode="json")
        return types.CallToolResult(
            # As the MCP specification asks of a tool with structured output (and as the
            # gateway answers): the summary, then the structured result serialised.
            content=[
                types.TextContent(text=orders_text(page)),
                types.TextContent(text=json.dumps(structured, separators=(",", ":"))),
            ],
            structured_content=structured,
        )

    server: Server[Any] = Server(
        "bare-shopify", version="0", on_list_tools=list_tools, on_call_tool=call_tool
    )
    manager = StreamableHTTPSessionManager(
        app=server,
        stateless=True,
        json_response=True,
        security_settings=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        ),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(verify=upstream.tls, timeout=30) as client:
            upstream.client = client
            async with manager.run():
                yield

    return Starlette(
        routes=[Route("/mcp", endpoint=StreamableHTTPASGIApp(manager))], lifespan=lifespan
    )


async def serve() -> None:
    upstream = Upstream(
        os.environ["BENCH_UPSTREAM_URL"],
        os.environ["BENCH_TLS_CA"],
        os.environ.get("BENCH_STORE_TOKEN", exchange.STORE_TOKEN),
    )
    # Port 0: uvicorn binds as ``uvicorn.run`` (and so ``shopmcp serve``) does, through
    # ``loop.create_server``, whose sockets get TCP_NODELAY; a socket made by hand without
    # ``IPPROTO_TCP`` would not, and Nagle's algorithm would hold each response body for the
    # client's delayed ACK (40 ms a call).
    config = uvicorn.Config(
        build_app(upstream),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped during start-up")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    await task


def main() -> None:
    # As `uvicorn.run` (how the SDK's examples serve) would: uvloop when it is installed, so the
    # bare server runs on the same event loop as the gateway.
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve())
    else:
        uvloop.run(serve())


if __name__ == "__main__":
    main()
