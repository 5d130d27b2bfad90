"""The ``shopmcp`` command line: verbs for the processes (``serve``, ``worker``, ``demo``,
``migrate``) and the operator's jobs (``sweep``, ``export``), and one noun per resource
(``workspace``, ``connection``, ``key``, ``writes``, ``playbook``, ``usage``, ``account``,
``mail``, ``vault``)."""

from __future__ import annotations

import sys

import typer

from shopmcp_entrypoints.commands._errors import report
from shopmcp_entrypoints.commands.account import account_app
from shopmcp_entrypoints.commands.audit import audit_app
from shopmcp_entrypoints.commands.billing import billing_app
from shopmcp_entrypoints.commands.connection import connection_add, connection_app
from shopmcp_entrypoints.commands.db import migrate
from shopmcp_entrypoints.commands.demo import demo
from shopmcp_entrypoints.commands.export import export
from shopmcp_entrypoints.commands.key import key_app
from shopmcp_entrypoints.commands.mail import mail_app
from shopmcp_entrypoints.commands.playbook import playbook_app
from shopmcp_entrypoints.commands.serve import serve
from shopmcp_entrypoints.commands.sweep import sweep
from shopmcp_entrypoints.commands.usage import usage_app
from shopmcp_entrypoints.commands.vault import legacy_keys_app, vault_app
from shopmcp_entrypoints.commands.worker import worker
from shopmcp_entrypoints.commands.workspace import workspace_app, writes_app
from shopmcp_entrypoints.lifecycle import exit_cleanly_on_signals

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="ShopMCP gateway: one MCP URL for a merchant's whole ecommerce stack.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("shopmcp")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"shopmcp {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """ShopMCP: one MCP URL for a merchant's whole ecommerce stack."""


app.command()(serve)
app.command()(worker)
app.command()(demo)
app.command()(migrate)
app.command()(sweep)
app.command()(export)
app.add_typer(workspace_app, name="workspace")
app.add_typer(connection_app, name="connection")
app.add_typer(key_app, name="key")
app.add_typer(writes_app, name="writes")
app.add_typer(playbook_app, name="playbook")
app.add_typer(usage_app, name="usage")
app.add_typer(billing_app, name="billing")
app.add_typer(audit_app, name="audit")
app.add_typer(account_app, name="account")
app.add_typer(mail_app, name="mail")
app.add_typer(vault_app, name="vault")
# Former spellings, kept for one release: `connect` is `connection add`, `keys` is `vault`.
app.command("connect", hidden=True)(connection_add)
app.add_typer(legacy_keys_app, name="keys", hidden=True)


def main() -> None:
    exit_cleanly_on_signals()
    try:
        app()
    except Exception as error:  # the boundary: one line, never a traceback for a mistake
        typer.echo(report(error), err=True)
        sys.exit(1)
