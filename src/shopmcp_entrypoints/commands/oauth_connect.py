"""``shopmcp connection add xero|google --workspace ID [--store REF]``: an OAuth platform.

It stores a pending flow, prints the authorization URL to open in a browser, then waits for
the provider to send the browser back to ``<redirect base>/oauth/<platform>/callback``:

* when a gateway answers on the redirect base (``/health``), that gateway completes the flow and
  this command watches the flow's row until it records how it ended;
* when nothing answers and the redirect base is a loopback ``http`` address (trying it out
  locally, gateway stopped), this command serves the callback itself, once, on that address;
* either way, ``--redirect-url '<the address the browser was sent to>'`` completes a flow from
  another terminal (or later, within the flow's ten minutes): the state names the flow.

Then it prints the connection made, or why none was.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import AsyncIterator, Callable

import httpx
import typer

from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ShopMcpError
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.oauth import OAuthFlow
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.oauth_connect import OAuthConnector, StartedConnect, redirect_base_url
from shopmcp_entrypoints.settings import Settings

POLL_SECONDS = 0.5
# How long after the flow's expiry a callback that already started may still be finishing.
GRACE_SECONDS = 60.0

Echo = Callable[[str], None]


class ConnectFailed(Exception):
    """The flow ended without a connection; the message says why (merchant-safe)."""


def _is_loopback_http(base: str) -> tuple[str, int] | None:
    url = httpx.URL(base)
    if url.scheme != "http" or not url.host:
        return None
    host = url.host
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return (host, url.port or 80) if loopback else None


async def gateway_answers(base: str) -> bool:
    """Whether a ShopMCP gateway answers ``/health`` on the redirect base."""
    try:
        async with httpx.AsyncClient(timeout=2.0, follow_redirects=False) as http:
            response = await http.get(base + "/health")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


async def wait_for_outcome(
    connector: OAuthConnector, flow: OAuthFlow, poll_seconds: float = POLL_SECONDS
) -> OAuthFlow:
    """The flow once it records how it ended; ``ConnectFailed`` if it never does in time."""
    deadline = flow.expires_at.timestamp() + GRACE_SECONDS
    while True:
        current = await connector.flow(flow.workspace_id, flow.id)
        if current is not None and current.outcome is not None:
            return current
        if connector.clock.now().timestamp() > deadline:
            raise ConnectFailed("no callback arrived before the authorisation link expired")
        await asyncio.sleep(poll_seconds)


@contextlib.asynccontextmanager
async def one_shot_listener(connector: OAuthConnector, host: str, port: int) -> AsyncIterator[None]:
    """The gateway's callback route served on ``host:port`` while the block runs (the gateway
    itself is not running)."""
    import uvicorn
    from litestar import Litestar
    from litestar.di import Provide

    from shopmcp_entrypoints.http.oauth import oauth_callback

    async def provide() -> OAuthConnector:
        return connector

    async def no_shopify_installs() -> None:
        # This command connects Xero and Google; Shopify's install is the dashboard's.
        return None

    app = Litestar(
        route_handlers=[oauth_callback],
        dependencies={
            "oauth_connector": Provide(provide),
            "shopify_installs": Provide(no_shopify_installs),
        },
        openapi_config=None,
        logging_config=None,
    )
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                raise ConnectFailed(f"could not listen on {host}:{port}")
            await asyncio.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        with contextlib.suppress(BaseException):
            await task


async def connections_of(connector: OAuthConnector, flow: OAuthFlow) -> list[Connection]:
    """The connections a finished flow made; ``ConnectFailed`` with its reason if none."""
    outcome = flow.outcome
    if outcome is None or outcome.error is not None:
        raise ConnectFailed(outcome.error if outcome is not None else "the flow did not finish")
    async with connector.tenants.unit_of_work(flow.workspace_id) as uow:
        found = [await uow.connections.get(cid) for cid in outcome.connection_ids]
    return [c for c in found if c is not None]


async def connect_interactively(
    connector: OAuthConnector,
    settings: Settings,
    workspace: WorkspaceId,
    platform: Platform,
    store: str | None,
    echo: Echo,
) -> list[Connection]:
    started: StartedConnect = await connector.begin(workspace, platform, store)
    base = redirect_base_url(settings)
    echo(f"Open this address in a browser signed in to the {platform.value} account to connect:")
    echo("")
    echo(started.authorization_url)
    echo("")
    loopback = _is_loopback_http(base)
    answers = await gateway_answers(base)
    if answers or loopback is None:
        if not answers:
            echo(
                f"No gateway answers at {base} yet: start it, or finish from another terminal "
                "with --redirect-url '<the address the browser was sent to>'."
            )
        echo(f"Waiting for the gateway at {base} to receive the answer (Ctrl-C to stop).")
        finished = await wait_for_outcome(connector, started.flow)
    else:
        host, port = loopback
        echo(f"The gateway is not running: listening on {host}:{port} for the answer.")
        async with one_shot_listener(connector, host, port):
            finished = await wait_for_outcome(connector, started.flow)
    return await connections_of(connector, finished)


async def connect_from_redirect(
    connector: OAuthConnector, workspace: WorkspaceId, platform: Platform, redirect_url: str
) -> list[Connection]:
    """Complete a flow of ``workspace`` from the address the provider sent the browser to."""
    try:
        query = httpx.URL(redirect_url).params
    except httpx.InvalidURL:
        raise ConnectFailed("--redirect-url is not a URL") from None
    state = query.get("state")
    try:
        if state and connector.claims(platform, state).workspace_id != workspace:
            raise ConnectFailed("that authorisation was started for another workspace")
        completed = await connector.complete(
            platform, state=state, code=query.get("code"), error=query.get("error")
        )
    except ShopMcpError as error:
        raise ConnectFailed(error.message) from None
    return [completed.connection]


def describe(connection: Connection) -> str:
    return (
        f"connected {connection.platform.value} {connection.display_name} "
        f"(store {connection.store_ref}) as connection {connection.id}"
    )


def run_oauth_connect(
    settings: Settings,
    platform: Platform,
    workspace: WorkspaceId,
    store: str | None,
    redirect_url: str | None,
) -> None:
    """The command's body: the container's connector, then the chosen way of waiting."""

    async def main() -> list[Connection]:
        from shopmcp_entrypoints.container import (
            build_container,
            resolve,
        )

        container = build_container(settings)
        try:
            connector: OAuthConnector = await resolve(container.oauth_connector)
            if redirect_url is not None:
                return await connect_from_redirect(connector, workspace, platform, redirect_url)
            return await connect_interactively(
                connector, settings, workspace, platform, store, typer.echo
            )
        finally:
            await resolve(container.shutdown_resources)

    try:
        made = asyncio.run(main())
    except (ShopMcpError, ConnectFailed, ValueError) as error:
        typer.echo(f"error: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(code=1) from None
    for connection in made:
        typer.echo(describe(connection))
