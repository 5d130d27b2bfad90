"""``shopmcp mail tail``: the embedded default's outgoing mail (sign-in codes), written to a
local outbox under the data dir instead of being delivered (set ``SHOPMCP_EMAIL_API_URL`` to
send through a provider instead). ``shopmcp demo`` keeps its own data dir (``<data dir>/demo``):
its mail is shown too."""

from __future__ import annotations

import typer

from shopmcp_adapters.email import read_outbox
from shopmcp_entrypoints.commands._admin import command_group
from shopmcp_entrypoints.settings import Settings

mail_app = command_group("The local outbox of the embedded default's mail (sign-in codes).")


@mail_app.command("tail")
def mail_tail(last: int = typer.Option(5, min=1, max=200, help="How many of the latest.")) -> None:
    """Print the latest messages written to the local outbox."""
    settings = Settings()
    if settings.email_api_url:
        typer.echo(f"mail is sent through {settings.email_api_url}; there is no local outbox")
        return
    messages = sorted(
        read_outbox(settings.data_dir, last) + read_outbox(settings.data_dir / "demo", last),
        key=lambda m: m["at"],
    )[-last:]
    if not messages:
        typer.echo("no mail yet")
    for message in messages:
        typer.echo(f"--- {message['at']}  to {message['to']}")
        typer.echo(f"Subject: {message['subject']}")
        typer.echo(message["text"].rstrip())
