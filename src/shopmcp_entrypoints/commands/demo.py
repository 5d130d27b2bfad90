"""``shopmcp demo``: sandbox Shopify, Magento and Neto stores on loopback HTTPS, the gateway on
embedded defaults, a demo workspace connected to them, and its MCP URL (the same one every run)."""

from __future__ import annotations

import asyncio
import contextlib

import typer

from shopmcp_entrypoints.settings import Settings


def demo(
    port: int | None = typer.Option(None, help="Gateway port (default SHOPMCP_PORT)."),
) -> None:
    """Start sandbox stores and a gateway connected to them; print the MCP URL (the same every
    run) and a snippet for each MCP client. Stops on Ctrl-C, SIGTERM or SIGHUP."""
    from shopmcp_adapters.observability import configure_logging
    from shopmcp_entrypoints.demo.runner import run_demo

    configure_logging()
    base = Settings()
    settings = base.model_copy(
        update={
            "data_dir": base.data_dir / "demo",
            "port": port or base.port,
            "host": "127.0.0.1",
        }
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(settings, typer.echo))
