"""``shopmcp connection``: a workspace's stores::

    shopmcp connection add shopify --workspace <id> --store acme.myshopify.com   # token prompted
    shopmcp connection add xero --workspace <id>        # OAuth: prints the address, then waits
    shopmcp connection add neto --workspace <id> --store https://www.acme.com.au \\
        --field username=api-user                                               # key prompted
    shopmcp connection list --workspace <id>
    shopmcp connection remove --workspace <id> --id <connection id>

Each platform package declares its credential fields; exactly those are asked for. Secrets
are prompted for (hidden) or read from ``SHOPMCP_CONNECT_<NAME>``, never taken from the
command line, where shell history and process listings would keep them.
"""

from __future__ import annotations

import os
import re
import uuid

import typer

from shopmcp_adapters.upstreams.oauth_providers import oauth_provider_for, oauth_providers
from shopmcp_adapters.upstreams.package import (
    AnyPackage,
    CredentialField,
    InvalidCredentialFields,
    InvalidStoreReference,
)
from shopmcp_adapters.upstreams.platforms import PACKAGES, package_for
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import NotFound, ShopMcpError
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    run_admin,
    workspace_id,
)
from shopmcp_entrypoints.commands.oauth_connect import run_oauth_connect
from shopmcp_entrypoints.settings import Settings

connection_app = command_group("A workspace's connected stores: add, list, remove.")

_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Names that must never carry a value on the command line, declared by a package or not.
_SECRET_FIELD_PARTS = ("secret", "token", "password")
PLATFORM_NAMES = ", ".join(p.platform.value for p in PACKAGES)
# Platforms connected through OAuth 2.0 that have no token package (Xero, Google).
OAUTH_NAMES = ", ".join(
    p.value for p in oauth_providers() if p not in {k.platform for k in PACKAGES}
)
STORE_HELP = "; ".join(f"{p.platform.value}: {p.store_ref_hint}" for p in PACKAGES)
OAUTH_HELP = "; ".join(f"{p.platform.value}: {p.store_hint}" for p in oauth_providers().values())


def _field_help(field: CredentialField) -> str:
    kind = "secret" if field.secret else "name=value"
    return f"{field.name} ({kind}{'' if field.required else ', optional'})"


FIELDS_HELP = "; ".join(
    f"{p.platform.value}: {', '.join(_field_help(f) for f in p.credential_fields)}"
    for p in PACKAGES
)


def env_name(field: str) -> str:
    return f"SHOPMCP_CONNECT_{field.upper()}"


def is_secret_field(name: str, package: AnyPackage | None = None) -> bool:
    """Credential fields whose values must not be given on the command line: the package's
    secret fields, and anything that looks like one."""
    declared = {f.name: f.secret for f in package.credential_fields} if package else {}
    return declared.get(name, False) or any(part in name for part in _SECRET_FIELD_PARTS)


def _parse_fields(items: list[str], package: AnyPackage) -> dict[str, str | None]:
    """``--field`` items as name -> value (None: a secret named to be prompted for)."""
    declared = {f.name: f for f in package.credential_fields}
    given: dict[str, str | None] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not _FIELD_NAME_RE.fullmatch(name):
            raise typer.BadParameter("--field takes name=value or a name", param_hint="--field")
        if is_secret_field(name, package) and sep:
            # The value would stay in shell history and process listings.
            raise typer.BadParameter(
                f"{name} is a secret: pass --field {name} alone and type it at the prompt "
                f"(or set {env_name(name)})",
                param_hint="--field",
            )
        if name not in declared:
            raise typer.BadParameter(
                f"{package.platform.value} has no credential field {name} (it takes "
                f"{', '.join(_field_help(f) for f in package.credential_fields)})",
                param_hint="--field",
            )
        if not declared[name].secret and not sep:
            raise typer.BadParameter(f"--field {name} needs =value", param_hint="--field")
        given[name] = value if sep else None
    return given


def ask_credentials(package: AnyPackage, items: list[str]) -> dict[str, str]:
    """Exactly the fields the package declares: every required one, and the optional ones the
    merchant named. Secrets come from ``SHOPMCP_CONNECT_<NAME>`` or a hidden prompt."""
    given = _parse_fields(items, package)
    values: dict[str, str] = {}
    for field in package.credential_fields:
        if not field.required and field.name not in given:
            continue
        value = given.get(field.name)
        if value is None:
            value = os.environ.get(env_name(field.name)) or typer.prompt(
                f"{field.name} ({field.description})", hide_input=field.secret
            )
        values[field.name] = value
    try:
        package.check_credential_fields(frozenset(values))
    except InvalidCredentialFields as error:
        raise typer.BadParameter(str(error), param_hint="--field") from None
    return values


def _package(name: str) -> AnyPackage:
    try:
        return package_for(name)
    except ShopMcpError as error:
        raise typer.BadParameter(error.message, param_hint="PLATFORM") from None


@connection_app.command("add")
def connection_add(
    platform: str = typer.Argument(
        ..., help=f"One of {PLATFORM_NAMES}; through OAuth: {OAUTH_NAMES}."
    ),
    workspace: str = typer.Option(..., help="Workspace id."),
    store: str | None = typer.Option(
        None,
        help=f"The store. {STORE_HELP}. Through OAuth ({OAUTH_NAMES}): optional, {OAUTH_HELP}.",
    ),
    field: list[str] = typer.Option(  # noqa: B008
        [],
        help=(
            "A credential field: name=value for public ones, the name alone for a secret "
            f"(read from SHOPMCP_CONNECT_<NAME> or prompted, hidden). Required fields not "
            f"given are asked for. Fields per platform: {FIELDS_HELP}."
        ),
    ),
    display_name: str = typer.Option(
        "",
        help=(
            "The store's name in tools' `store` argument (default: the store reference); "
            "unique among the workspace's stores of this platform."
        ),
    ),
    redirect_url: str | None = typer.Option(
        None,
        help=(
            f"OAuth ({OAUTH_NAMES}) only: finish a started connection with the address the "
            "browser was sent back to."
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
    package = _package(platform)
    if redirect_url is not None:
        raise typer.BadParameter(
            f"{package.platform.value} does not connect through OAuth", param_hint="--redirect-url"
        )
    if store is None:
        raise typer.BadParameter(f"{package.platform.value} needs --store", param_hint="--store")
    try:
        store_ref = package.check_store_ref(store)
    except InvalidStoreReference as error:
        raise typer.BadParameter(str(error), param_hint="--store") from None
    ws = workspace_id(workspace)
    payload = CredentialPayload(ask_credentials(package, field))
    connection = run_admin(
        lambda a: onboarding.connect_store(
            a.tenants, a.vault, a.clock, ws, package.platform, store_ref, payload, display_name
        )
    )
    typer.echo(f"connected {package.platform.value} store {connection.store_ref} ({connection.id})")


@connection_app.command("list")
def connection_list(workspace: str = typer.Option(..., help="Workspace id.")) -> None:
    """The workspace's stores: platform, label (the tools' `store` argument) and id."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[Connection]:
        async with a.tenants.unit_of_work(ws) as uow:
            if await uow.workspaces.get() is None:
                raise NotFound("workspace")
            return list(await uow.connections.list())

    connections = run_admin(work)
    if not connections:
        typer.echo("no stores connected")
    for connection in connections:
        where = f"  ({connection.store_ref})" if connection.store_ref != connection.label else ""
        typer.echo(f"{connection.id}  {connection.platform.value}  {connection.label}{where}")


@connection_app.command("remove")
def connection_remove(
    workspace: str = typer.Option(..., help="Workspace id."),
    connection_id: str = typer.Option(..., "--id", help="Connection id, as `list` shows it."),
) -> None:
    """Disconnect a store; its sealed credential is deleted with it."""
    ws = workspace_id(workspace)
    try:
        target = ConnectionId(uuid.UUID(connection_id))
    except ValueError:
        raise typer.BadParameter("not a connection id (a UUID)", param_hint="--id") from None

    async def work(a: Admin) -> bool:
        return await onboarding.disconnect_store(a.tenants, a.vault, ws, target)

    if not run_admin(work):
        raise typer.BadParameter("no such connection in this workspace", param_hint="--id")
    typer.echo(f"removed connection {target}")
