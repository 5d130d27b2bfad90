"""``shopmcp export``: a workspace's data export, for the operator answering an access or
portability request::

    shopmcp export --workspace <id> --output acme.json    # a progress bar on stderr
    shopmcp export --workspace <id> > acme.json
    shopmcp export --workspace <id> --without-emails      # members' addresses replaced

The document is the one ``GET /api/v1/workspaces/{id}/export`` streams (see
``shopmcp_domain.services.export``); the operator's export includes addresses unless told not
to, as an owner's does. A file is written beside its final name, readable by its owner only, and
renamed into place when complete: an interrupted export never leaves half a document.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

import typer

from shopmcp_domain.audit import Actor
from shopmcp_domain.services.export import export_size, export_workspace
from shopmcp_entrypoints.commands._admin import Admin, run_admin, workspace_id

# Below this many usage events an export takes a moment: no bar.
PROGRESS_FROM = 1_000


def export(
    workspace: str = typer.Option(..., help="Workspace id."),
    output: Path | None = typer.Option(  # noqa: B008
        None, "--output", "-o", help="Write here (default: standard output).", dir_okay=False
    ),
    without_emails: bool = typer.Option(
        False, "--without-emails", help="Replace email addresses (members, audit actors)."
    ),
) -> None:
    """Export everything held for a workspace as one JSON document (the access and
    portability rights): never a credential, a ciphertext or a key's hash."""
    ws = workspace_id(workspace)
    partial = None if output is None else output.with_name(f".{output.name}.partial")

    async def work(a: Admin) -> int:
        total = await export_size(a.tenants, ws)
        show = total >= PROGRESS_FROM
        with typer.progressbar(
            length=total, label="usage events", file=sys.stderr, hidden=not show
        ) as bar:
            last = 0

            def progress(section: str, done: int) -> None:
                nonlocal last
                if section == "usage_events":
                    bar.update(done - last)
                    last = done

            sink: IO[str]
            if partial is None:
                sink = sys.stdout
            else:
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                sink = os.fdopen(descriptor, "w", encoding="utf-8")
            try:
                async for piece in export_workspace(
                    a.tenants,
                    ws,
                    Actor.cli(),
                    a.clock.now(),
                    include_emails=not without_emails,
                    progress=progress,
                    approvals=await a.write_approvals(),
                ):
                    sink.write(piece)
                sink.write("\n")
            finally:
                if sink is not sys.stdout:
                    sink.close()
        return last

    try:
        exported = run_admin(work)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    if output is not None and partial is not None:
        partial.replace(output)
        typer.echo(f"exported workspace {ws} ({exported} usage events) to {output}", err=True)
