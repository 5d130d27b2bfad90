"""Setting a workspace up from the command line, before the dashboard API exists:

    shopmcp workspace create --name "Acme" --plan starter
    shopmcp key issue --workspace <id> [--write]          # prints the MCP URL, once
    shopmcp writes enable --workspace <id> --platform shopify
    shopmcp connect shopify --workspace <id> --store acme.myshopify.com   # token prompted
    shopmcp playbook add --workspace <id> --name weekly --template "..." --argument since

Secrets are prompted for (hidden) or read from an environment variable, never required on the
command line where shell history and process listings would keep them.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.markup import escape

from shopmcp_adapters.upstreams.oauth_providers import oauth_provider_for, oauth_providers
from shopmcp_adapters.upstreams.package import (
    AnyPackage,
    InvalidCredentialFields,
    InvalidStoreReference,
)
from shopmcp_adapters.upstreams.platforms import AVAILABLE, PACKAGES, package_for
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import ShopMcpError, WritesLocked
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.playbooks import PlaybookArgument
from shopmcp_domain.services import onboarding
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.commands._admin import Admin, admin, mcp_url, workspace_id
from shopmcp_entrypoints.commands.oauth_connect import run_oauth_connect
from shopmcp_entrypoints.settings import Settings

T = TypeVar("T")

_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SECRET_FIELD_PARTS = ("secret", "token", "password")
PLATFORM_NAMES = ", ".join(p.value for p in AVAILABLE)
# Help texts are rich markup: a hint such as "https://host[/path]" must not read as a tag.
STORE_HELP = escape("; ".join(f"{p.platform.value}: {p.store_ref_hint}" for p in PACKAGES))
OAUTH_NAMES = ", ".join(p.value for p in oauth_providers() if p not in AVAILABLE)
OAUTH_HELP = "; ".join(f"{p.platform.value}: {p.store_hint}" for p in oauth_providers().values())


def is_secret_field(name: str, package: AnyPackage | None = None) -> bool:
    """Credential fields whose values must not be given on the command line: the package's
    secret fields, and anything that looks like one."""
    declared = {f.name: f.secret for f in package.credential_fields} if package else {}
    return declared.get(name, False) or any(part in name for part in _SECRET_FIELD_PARTS)


def platform_package(name: str, param_hint: str = "PLATFORM") -> AnyPackage:
    try:
        return package_for(name)
    except ShopMcpError as error:
        raise typer.BadParameter(error.message, param_hint=param_hint) from None


workspace_app = typer.Typer(no_args_is_help=True, help="Workspaces (tenants).")
key_app = typer.Typer(no_args_is_help=True, help="MCP keys (the secret in the MCP URL).")
writes_app = typer.Typer(no_args_is_help=True, help="Per-platform write opt-in.")
playbook_app = typer.Typer(no_args_is_help=True, help="Playbooks, served as MCP prompts.")


def _run(work: Callable[[Admin], Awaitable[T]]) -> T:
    async def main() -> T:
        async with admin(Settings()) as ports:
            return await work(ports)

    try:
        return asyncio.run(main())
    except (ShopMcpError, ValueError) as error:
        typer.echo(f"error: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(code=1) from None


@workspace_app.command("create")
def workspace_create(
    name: str = typer.Option(..., help="Display name."),
    plan: PlanTier = typer.Option(PlanTier.FREE, help="Plan tier (sets the rate limit)."),  # noqa: B008
) -> None:
    """Create a workspace and print its id."""
    workspace = _run(lambda a: onboarding.create_workspace(a.tenants, a.clock, name, plan))
    typer.echo(str(workspace.id))


@key_app.command("issue")
def key_issue(
    workspace: str = typer.Option(..., help="Workspace id."),
    write: bool = typer.Option(False, "--write", help="Allow write tools (still per opt-in)."),
    name: str = typer.Option("", help="A label for the key."),
) -> None:
    """Issue a key and print the workspace's MCP URL. The token is shown only this once."""
    ws = workspace_id(workspace)
    issued = _run(
        lambda a: onboarding.issue_workspace_key(a.tenants, a.clock, ws, write=write, name=name)
    )
    typer.echo(mcp_url(Settings(), issued.token))


def _set_writes(workspace: str, platform_name: str, enabled: bool) -> None:
    platform = platform_package(platform_name, "--platform").platform
    ws = workspace_id(workspace)

    async def work(a: Admin) -> Workspace:
        try:
            return await onboarding.set_writes(
                a.tenants, ws, platform, enabled, writes_locked=a.writes_locked
            )
        except WritesLocked as error:
            # Nothing was recorded: say so, and what the operator has to do first.
            typer.echo(
                f"error: {error.message}. Nothing was changed. To unlock: set "
                f"SHOPMCP_WRITES_UNLOCKED_PLATFORMS='[\"{platform.value}\"]' (a JSON list) for "
                "the gateway and for this command, then run it again.",
                err=True,
            )
            raise typer.Exit(code=1) from None

    changed = _run(work)
    enabled_now = ", ".join(sorted(p.value for p in changed.write_enabled)) or "none"
    typer.echo(f"write tools enabled for: {enabled_now}")


@writes_app.command("enable")
def writes_enable(
    workspace: str = typer.Option(..., help="Workspace id."),
    platform: str = typer.Option(
        ..., help=f"Platform whose write tools to enable: {PLATFORM_NAMES}."
    ),
) -> None:
    """Enable a platform's write tools for the workspace (keys still need --write). A platform
    whose writes the operator locked (Magento, by default) must be unlocked first, with
    SHOPMCP_WRITES_UNLOCKED_PLATFORMS."""
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


def connect(
    platform: str = typer.Argument(..., help=f"One of {PLATFORM_NAMES}, {OAUTH_NAMES}."),
    workspace: str = typer.Option(..., help="Workspace id."),
    store: str | None = typer.Option(
        None,
        help=f"The store. {STORE_HELP}. Through OAuth ({OAUTH_NAMES}): optional, {OAUTH_HELP}.",
    ),
    access_token: str | None = typer.Option(
        None,
        envvar="SHOPMCP_CONNECT_ACCESS_TOKEN",
        show_default=False,
        help="The store's API access token (prompted when not in SHOPMCP_CONNECT_ACCESS_TOKEN).",
    ),
    redirect_url: str | None = typer.Option(
        None,
        help=(
            f"OAuth ({OAUTH_NAMES}) only: finish a started connection with the address the "
            "browser was sent back to."
        ),
    ),
    field: list[str] = typer.Option(  # noqa: B008
        [],
        help=(
            "Extra credential fields: name=value for public ones (consumer_key), just the name "
            "for secrets (consumer_secret, access_token_secret): read from "
            "SHOPMCP_CONNECT_<NAME> or prompted, hidden."
        ),
    ),
    display_name: str = typer.Option(
        "",
        help=(
            "The store's name in tools' `store` argument (default: the store reference); "
            "unique among the workspace's stores of this platform."
        ),
    ),
) -> None:
    """Connect a store: its credential is sealed by the vault and stored with the connection.
    Xero and Google connect through OAuth: this prints the address to authorise at and waits."""
    provider = oauth_provider_for(platform)
    if provider is not None:
        if field or display_name:
            raise typer.BadParameter(
                f"{provider.platform.value} connects through OAuth: no credential fields or "
                "label to give",
                param_hint="--field/--display-name",
            )
        run_oauth_connect(
            Settings(), provider.platform, workspace_id(workspace), store, redirect_url
        )
        return
    package = platform_package(platform)
    if redirect_url is not None:
        raise typer.BadParameter(
            f"{package.platform.value} does not connect through OAuth", param_hint="--redirect-url"
        )
    if store is None:
        raise typer.BadParameter(f"{package.platform.value} needs --store", param_hint="--store")
    if access_token is None:
        access_token = typer.prompt("Access token", hide_input=True)
    values = {"access_token": access_token}
    for item in field:
        key, sep, value = item.partition("=")
        if not _FIELD_NAME_RE.fullmatch(key):
            raise typer.BadParameter("--field takes name=value or a name", param_hint="--field")
        if is_secret_field(key, package):
            if sep:
                # The value would stay in shell history and process listings.
                raise typer.BadParameter(
                    f"{key} is a secret: pass --field {key} alone and type it at the prompt "
                    f"(or set SHOPMCP_CONNECT_{key.upper()})",
                    param_hint="--field",
                )
            value = os.environ.get(f"SHOPMCP_CONNECT_{key.upper()}") or typer.prompt(
                key, hide_input=True
            )
        elif not sep:
            raise typer.BadParameter(f"--field {key} needs =value", param_hint="--field")
        values[key] = value
    try:
        package.check_credential_fields(frozenset(values))
    except InvalidCredentialFields as error:
        raise typer.BadParameter(str(error), param_hint="--field") from None
    try:
        store = package.check_store_ref(store)
    except InvalidStoreReference as error:
        raise typer.BadParameter(str(error), param_hint="--store") from None
    ws = workspace_id(workspace)
    payload = CredentialPayload(values)
    connection = _run(
        lambda a: onboarding.connect_store(
            a.tenants, a.vault, a.clock, ws, package.platform, store, payload, display_name
        )
    )
    typer.echo(f"connected {package.platform.value} store {connection.store_ref} ({connection.id})")


@playbook_app.command("add")
def playbook_add(
    workspace: str = typer.Option(..., help="Workspace id."),
    name: str = typer.Option(..., help="Prompt name: lowercase [a-z0-9_-]."),
    template: str = typer.Option(..., help="Text with {argument} placeholders."),
    description: str = typer.Option("", help="What the prompt is for."),
    argument: list[str] = typer.Option(  # noqa: B008
        [], help="An argument: name, name:description, or name?:description when optional."
    ),
) -> None:
    """Save a playbook; MCP clients list it as a prompt."""
    arguments = []
    for spec in argument:
        arg_name, _, arg_description = spec.partition(":")
        optional = arg_name.endswith("?")
        arguments.append(
            PlaybookArgument(
                arg_name.rstrip("?"), description=arg_description, required=not optional
            )
        )
    ws = workspace_id(workspace)
    playbook = _run(
        lambda a: onboarding.add_playbook(
            a.tenants, a.clock, ws, name, description, template, arguments
        )
    )
    typer.echo(f"saved playbook {playbook.name}")
