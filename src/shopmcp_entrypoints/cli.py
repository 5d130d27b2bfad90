"""The ``shopmcp`` command line."""

from __future__ import annotations

import typer

from shopmcp_entrypoints.commands.db import migrate
from shopmcp_entrypoints.commands.demo import demo
from shopmcp_entrypoints.commands.keys import keys_app
from shopmcp_entrypoints.commands.serve import serve
from shopmcp_entrypoints.commands.setup import (
    connect,
    key_app,
    playbook_app,
    workspace_app,
    writes_app,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ShopMCP gateway.")


@app.callback()
def _root() -> None:
    """ShopMCP: one MCP URL for a merchant's whole ecommerce stack."""


app.command()(serve)
app.command()(connect)
app.command()(demo)
app.add_typer(workspace_app, name="workspace")
app.add_typer(key_app, name="key")
app.add_typer(writes_app, name="writes")
app.add_typer(playbook_app, name="playbook")
app.command()(migrate)
app.add_typer(keys_app, name="keys")


def main() -> None:
    app()
