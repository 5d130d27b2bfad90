"""``shopmcp serve``: run the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import typer

from shopmcp_entrypoints.settings import Settings

# What uvicorn's own runner exits with when the application did not start.
STARTUP_FAILURE = 3


def loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop ``SHOPMCP_EVENT_LOOP`` asks for (uvicorn's names). The gateway runs its
    own loop (to own its signals), so uvicorn's ``loop`` setting alone would not apply it."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise
        return None
    return uvloop.new_event_loop


def serve(
    host: str | None = typer.Option(None, help="Bind address (default SHOPMCP_HOST)."),
    port: int | None = typer.Option(None, help="Port (default SHOPMCP_PORT)."),
) -> None:
    """Run the gateway on embedded defaults unless SHOPMCP_* settings say otherwise.

    Stops gracefully on Ctrl-C, SIGTERM or SIGHUP (a closed terminal), taking the embedded
    PostgreSQL down with it unless another shopmcp process still uses it."""
    import uvicorn

    from shopmcp_adapters.observability import configure_logging, init_sentry
    from shopmcp_entrypoints.http.app import create_app
    from shopmcp_entrypoints.lifecycle import ManagedServer, serve_until_stopped

    settings = Settings()
    configure_logging(json_lines=settings.log_format == "json")
    init_sentry(
        settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None,
        settings.environment,
    )
    config = uvicorn.Config(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        loop=settings.event_loop,
        http=settings.http_parser,
        access_log=False,  # the app logs requests itself, with the token redacted
        log_level="info",
        log_config=None,  # keep the redacting handler configure_logging installed
    )
    server = ManagedServer(config)
    with asyncio.Runner(loop_factory=loop_factory(settings.event_loop)) as runner:
        runner.run(serve_until_stopped(server))
    if not server.started:
        raise typer.Exit(code=STARTUP_FAILURE)
