"""``shopmcp workspace`` (the tenant) and ``shopmcp writes`` (its per-platform write
opt-in)::

    shopmcp workspace create --name "Acme" --plan solo         # prints the workspace id
    shopmcp workspace list                                      # every workspace (operator)
    shopmcp workspace show --workspace <id>
    shopmcp workspace delete --workspace <id>                   # erasure: asks first
    shopmcp writes enable --workspace <id> --platform shopify   # keys still need --write
    shopmcp writes confirm off --workspace <id> --platform neto  # owner's opt-out, audited
    shopmcp writes approval dashboard --workspace <id>          # approve writes on the dashboard
"""

from __future__ import annotations

import typer

from shopmcp_adapters.upstreams.platforms import PACKAGES, package_for
from shopmcp_domain.audit import Actor
from shopmcp_domain.errors import (
    NotFound,
    ShopMcpError,
    WritesLocked,
)
from shopmcp_domain.plans import DEFAULT_PLAN, PlanTier
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.erasure import request_erasure
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    fail,
    run_admin,
    workspace_id,
)

workspace_app = command_group("Workspaces (tenants): create, list, show, delete.")
writes_app = command_group(
    "A workspace's write opt-in, per platform (write tools also need a key issued with --write)."
)

PLATFORM_NAMES = ", ".join(p.platform.value for p in PACKAGES)
LOCKED_NAMES = ", ".join(p.platform.value for p in PACKAGES if p.writes_operator_locked)
PLANS = ", ".join(
    f"{tier.value} ({tier.plan.monthly_calls} calls/month, {tier.plan.requests_per_minute}/min)"
    for tier in PlanTier
)


_APPROVAL_PLACES = {
    WriteApprovalMode.IN_CHAT: "in the chat (in_chat: the preview's one-time code)",
    WriteApprovalMode.DASHBOARD: "on the dashboard (dashboard: by an owner or admin)",
}


@workspace_app.command("create")
def workspace_create(
    name: str = typer.Option(..., help="Display name."),
    plan: PlanTier = typer.Option(DEFAULT_PLAN, help=f"Plan: {PLANS}."),  # noqa: B008
) -> None:
    """Create a workspace and print its id."""
    workspace = run_admin(lambda a: onboarding.create_workspace(a.tenants, a.clock, name, plan))
    typer.echo(str(workspace.id))


@workspace_app.command("list")
def workspace_list(
    limit: int = typer.Option(200, min=1, max=10_000, help="At most this many, oldest first."),
) -> None:
    """Every workspace on this gateway (the operator's view: id, status, plan, name)."""

    async def work(a: Admin) -> list[Workspace]:
        return list(await (await a.directory()).workspaces(None, limit))

    found = run_admin(work)
    if not found:
        typer.echo("no workspaces")
    for ws in found:
        typer.echo(f"{ws.id}  {ws.status.value:<16} {ws.plan.value:<8} {ws.name}")


@workspace_app.command("delete")
def workspace_delete(
    workspace: str = typer.Option(..., help="Workspace id."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Erase a workspace: it stops serving now, its keys are revoked and its credentials
    crypto-shredded; the rest is removed by the erasure sweep within 30 days."""
    ws = workspace_id(workspace)
    if not yes:
        typer.confirm(f"erase workspace {ws}? its keys stop working at once", abort=True)

    async def work(a: Admin) -> str:
        request = await request_erasure(a.tenants, a.vault, a.clock, ws, Actor.cli())
        return f"{request.requested_at:%Y-%m-%d %H:%M}"

    since = run_admin(work)
    typer.echo(f"workspace {ws} is pending deletion (requested {since}); keys revoked")


@workspace_app.command("show")
def workspace_show(workspace: str = typer.Option(..., help="Workspace id.")) -> None:
    """Show a workspace: plan, write opt-ins and connected stores."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[str]:
        async with a.tenants.unit_of_work(ws) as uow:
            found = await uow.workspaces.get()
            if found is None:
                raise NotFound("workspace")
            connections = await uow.connections.list()
        writes = ", ".join(sorted(p.value for p in found.write_enabled)) or "none"
        unconfirmed = ", ".join(sorted(p.value for p in found.confirmation_off)) or "none"
        lines = [
            f"{found.id}  {found.name}",
            f"  plan: {found.plan.value} ({found.plan.plan.monthly_calls} calls/month, "
            f"{found.plan.rate_limit.limit} requests/min, "
            f"{found.plan.plan.stores_per_platform} store(s) per platform)",
            f"  status: {found.status.value}",
            f"  write tools enabled for: {writes}",
            f"  writes run without confirmation for: {unconfirmed}",
            f"  writes are approved: {_APPROVAL_PLACES[found.write_approval]}",
            f"  stores: {len(connections)}",
        ]
        lines += [f"    {c.platform.value} {c.label} ({c.id})" for c in connections]
        return lines

    for line in run_admin(work):
        typer.echo(line)


def _set_writes(workspace: str, platform_name: str, enabled: bool) -> None:
    try:
        platform = package_for(platform_name).platform
    except ShopMcpError as error:
        raise typer.BadParameter(error.message, param_hint="--platform") from None
    ws = workspace_id(workspace)

    async def work(a: Admin) -> tuple[Workspace, bool]:
        try:
            changed = await onboarding.set_writes(
                a.tenants, ws, platform, enabled, writes_locked=a.writes_locked
            )
        except WritesLocked as error:
            # Nothing was recorded: say so, and what the operator has to do first.
            fail(
                f"{error.message}. Nothing was changed. To unlock: set "
                f"SHOPMCP_WRITES_UNLOCKED_PLATFORMS='[\"{platform.value}\"]' (a JSON list) for "
                "the gateway and for this command, then run it again."
            )
        async with a.tenants.unit_of_work(ws) as uow:
            connected = any(c.platform is platform for c in await uow.connections.list())
        return changed, connected

    changed, connected = run_admin(work)
    enabled_now = ", ".join(sorted(p.value for p in changed.write_enabled)) or "none"
    typer.echo(f"write tools enabled for: {enabled_now}")
    if enabled and not connected:
        typer.echo(
            f"note: no {platform.value} store is connected yet; its write tools appear once one "
            f"is (shopmcp connection add {platform.value} ...)"
        )
    if enabled:
        typer.echo(
            "note: only keys issued with --write see write tools (shopmcp key issue --write)"
        )


@writes_app.command(
    "enable",
    help=(
        "Enable a platform's write tools for the workspace. Keys still need --write. The "
        f"operator locks some platforms' writes ({LOCKED_NAMES}): those refuse until the gateway "
        "and this command run with SHOPMCP_WRITES_UNLOCKED_PLATFORMS naming them (a JSON list)."
    ),
)
def writes_enable(
    workspace: str = typer.Option(..., help="Workspace id."),
    platform: str = typer.Option(
        ..., help=f"Platform whose write tools to enable: {PLATFORM_NAMES}."
    ),
) -> None:
    _set_writes(workspace, platform, True)


@writes_app.command("disable")
def writes_disable(
    workspace: str = typer.Option(..., help="Workspace id."),
    platform: str = typer.Option(
        ..., help=f"Platform whose write tools to disable: {PLATFORM_NAMES}."
    ),
) -> None:
    """Disable a platform's write tools for the workspace."""
    _set_writes(workspace, platform, False)


@writes_app.command(
    "confirm",
    help=(
        "Turn write confirmation on (the default) or off for one platform of a workspace. "
        "Off, that platform's write tools run on their first call, without a preview and a "
        "confirmation code: for an owner who accepts that risk. Audited (actor: cli); pending "
        "confirmations of the workspace stop working."
    ),
)
def writes_confirm(
    state: str = typer.Argument(..., help="on or off."),
    workspace: str = typer.Option(..., help="Workspace id."),
    platform: str = typer.Option(..., help=f"Platform: {PLATFORM_NAMES}."),
) -> None:
    if state not in ("on", "off"):
        raise typer.BadParameter("on or off", param_hint="STATE")
    try:
        target = package_for(platform).platform
    except ShopMcpError as error:
        raise typer.BadParameter(error.message, param_hint="--platform") from None
    ws = workspace_id(workspace)
    changed = run_admin(
        lambda a: onboarding.set_confirmation(
            a.tenants, a.clock, ws, target, state == "on", actor=Actor.cli()
        )
    )
    off = ", ".join(sorted(p.value for p in changed.confirmation_off)) or "none"
    typer.echo(f"writes run without confirmation for: {off}")
    if state == "off":
        typer.echo(
            f"warning: {target.value} writes now run on their first call; a prompt-injected "
            "model needs no user approval for them"
        )


@writes_app.command(
    "approval",
    help=(
        "Where a workspace's writes are approved: in_chat (the default: the user confirms the "
        "preview's one-time code in the chat) or dashboard (the chat gets no code; an owner or "
        "admin approves each write on the dashboard's Writes page, and the model's next call "
        "with the same arguments runs it once). dashboard closes the gap of in_chat, where a "
        "model obeying text injected into store data can send its own code back. Audited "
        "(actor: cli); pending confirmations and approvals of the workspace stop working."
    ),
)
def writes_approval(
    mode: str = typer.Argument(..., help="in_chat or dashboard."),
    workspace: str = typer.Option(..., help="Workspace id."),
) -> None:
    try:
        target = WriteApprovalMode(mode)
    except ValueError:
        raise typer.BadParameter("in_chat or dashboard", param_hint="MODE") from None
    ws = workspace_id(workspace)
    changed = run_admin(
        lambda a: onboarding.set_write_approval(a.tenants, a.clock, ws, target, actor=Actor.cli())
    )
    typer.echo(f"writes are approved: {_APPROVAL_PLACES[changed.write_approval]}")
    if changed.write_approval is WriteApprovalMode.DASHBOARD:
        typer.echo(
            f"pending writes are listed at /workspaces/{ws}/settings/writes/approvals "
            "(owners and admins approve or reject them)"
        )
