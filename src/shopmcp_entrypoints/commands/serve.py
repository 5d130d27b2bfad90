"""``shopmcp serve``: run the gateway."""

from __future__ import annotations

import typer

from shopmcp_entrypoints.settings import Settings


def serve(
    host: str | None = typer.Option(None, help="Bind address (default SHOPMCP_HOST)."),
    port: int | None = typer.Option(None, help="Port (default SHOPMCP_PORT)."),
) -> None:
    """Run the gateway on embedded defaults unless SHOPMCP_* settings say otherwise."""
    import uvicorn

    from shopmcp_adapters.observability import configure_logging, init_sentry
    from shopmcp_entrypoints.http.app import create_app

    settings = Settings()
    configure_logging()
    init_sentry(
        settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None,
        settings.environment,
    )
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        loop=settings.event_loop,
        http=settings.http_parser,
        access_log=False,  # the app logs requests itself, with the token redacted
        log_level="info",
        log_config=None,  # keep the redacting handler configure_logging installed
    )
