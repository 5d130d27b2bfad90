"""The ``shopmcp`` command line."""

from __future__ import annotations

import typer

from shopmcp_entrypoints.commands.db import migrate
from shopmcp_entrypoints.commands.serve import serve

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ShopMCP gateway.")


@app.callback()
def _root() -> None:
    """ShopMCP: one MCP URL for a merchant's whole ecommerce stack."""


app.command()(serve)
app.command()(migrate)


def main() -> None:
    app()
