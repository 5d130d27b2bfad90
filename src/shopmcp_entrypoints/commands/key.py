"""``shopmcp key``: MCP keys, the secret in a workspace's MCP URL::

shopmcp key issue --workspace <id> [--write] [--name laptop]   # prints the URL, once
shopmcp key list --workspace <id>
shopmcp key revoke --workspace <id> --prefix <prefix>          # the URL answers 401 at once
"""

from __future__ import annotations

import typer

from shopmcp_domain.errors import NotFound
from shopmcp_domain.keys import Access, McpKey
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    mcp_url,
    run_admin,
    workspace_id,
)
from shopmcp_entrypoints.settings import Settings

key_app = command_group("MCP keys: the secret in a workspace's MCP URL.")


@key_app.command("issue")
def key_issue(
    workspace: str = typer.Option(..., help="Workspace id."),
    write: bool = typer.Option(
        False,
        "--write",
        help="Let the key call write tools (only for platforms whose writes are enabled).",
    ),
    name: str = typer.Option("", help="A label for the key."),
) -> None:
    """Issue a key and print the workspace's MCP URL. The token is shown only this once."""
    ws = workspace_id(workspace)
    issued = run_admin(
        lambda a: onboarding.issue_workspace_key(a.tenants, a.clock, ws, write=write, name=name)
    )
    typer.echo(mcp_url(Settings(), issued.token))
    if write:
        typer.echo(
            "note: write tools appear only for platforms enabled with "
            "`shopmcp writes enable --workspace ... --platform ...`",
            err=True,
        )


def _describe(key: McpKey) -> str:
    access = "read+write" if Access.WRITE in key.scopes.access else "read"
    platforms = (
        ", ".join(sorted(p.value for p in key.scopes.platforms))
        if key.scopes.platforms
        else "all platforms"
    )
    state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
    label = f" {key.name!r}" if key.name else ""
    return (
        f"{key.prefix}{label}  {access}, {platforms}  created {key.created_at:%Y-%m-%d %H:%M}  "
        f"{state}"
    )


@key_app.command("list")
def key_list(workspace: str = typer.Option(..., help="Workspace id.")) -> None:
    """The workspace's keys, by prefix (the part of the URL after smcp_); never their secrets."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[McpKey]:
        async with a.tenants.unit_of_work(ws) as uow:
            if await uow.workspaces.get() is None:
                raise NotFound("workspace")
            return sorted(await uow.keys.list(), key=lambda k: k.created_at)

    keys = run_admin(work)
    if not keys:
        typer.echo("no keys")
    for key in keys:
        typer.echo(_describe(key))


@key_app.command("revoke")
def key_revoke(
    workspace: str = typer.Option(..., help="Workspace id."),
    prefix: str = typer.Option(..., help="The key's prefix, as `key list` shows it."),
) -> None:
    """Revoke a key: its URL is refused (401) from now on, on every replica."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> McpKey:
        async with a.tenants.unit_of_work(ws) as uow:
            matching = [k for k in await uow.keys.list() if k.prefix == prefix]
            if not matching:
                raise NotFound("key")
            key = matching[0]
            if not key.is_revoked:
                await uow.keys.revoke(key.id, a.clock.now())
            return key

    key = run_admin(work)
    typer.echo(f"revoked key {key.prefix}")
