"""``shopmcp connection``: a workspace's stores::

    shopmcp connection add shopify --workspace <id> --store acme.myshopify.com   # token prompted
    shopmcp connection add xero --workspace <id>        # OAuth: prints the address, then waits
    shopmcp connection add neto --workspace <id> --store https://www.acme.com.au \\
        --field username=api-user                                               # key prompted
    shopmcp connection list --workspace <id> [--json]
    shopmcp connection replace --workspace <id> --id <connection id>            # token prompted
    shopmcp connection disconnect --workspace <id> --id <connection id>

Each platform package declares its credential fields; exactly those are asked for. Secrets
are prompted for (hidden) or read from ``SHOPMCP_CONNECT_<NAME>``, never taken from the
command line, where shell history and process listings would keep them.
"""

from __future__ import annotations

import json
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
from shopmcp_domain.audit import Actor
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    NotFound,
    ShopMcpError,
)
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.dashboard import replace_credential
from shopmcp_entrypoints.commands._admin import (
    Admin,
    command_group,
    run_admin,
    workspace_id,
)
from shopmcp_entrypoints.commands.oauth_connect import run_oauth_connect
from shopmcp_entrypoints.settings import Settings

connection_app = command_group(
    "A workspace's connected stores: add, list, replace a credential, disconnect."
)

_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Names that must never carry a value on the command line, declared by a package or not.
_SECRET_FIELD_PARTS = ("secret", "token", "password")
# Platforms connected with credentials the merchant gives; the OAuth 2.0 ones (Xero, Google,
# with a tool package or not yet) are connected through their provider's consent screen.
TOKEN_PACKAGES = tuple(p for p in PACKAGES if p.oauth is None)
PLATFORM_NAMES = ", ".join(p.platform.value for p in TOKEN_PACKAGES)
OAUTH_NAMES = ", ".join(p.value for p in oauth_providers())
STORE_HELP = "; ".join(f"{p.platform.value}: {p.store_ref_hint}" for p in TOKEN_PACKAGES)
OAUTH_HELP = "; ".join(f"{p.platform.value}: {p.store_hint}" for p in oauth_providers().values())


def _field_help(field: CredentialField) -> str:
    kind = "secret" if field.secret else "name=value"
    return f"{field.name} ({kind}{'' if field.required else ', optional'})"


FIELDS_HELP = "; ".join(
    f"{p.platform.value}: {', '.join(_field_help(f) for f in p.credential_fields)}"
    for p in TOKEN_PACKAGES
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

    async def work(a: Admin) -> Connection:
        await a.store_check.check(package.platform, store_ref)
        return await onboarding.connect_store(
            a.tenants, a.vault, a.clock, ws, package.platform, store_ref, payload, display_name
        )

    connection = run_admin(work)
    typer.echo(f"connected {package.platform.value} store {connection.store_ref} ({connection.id})")


@connection_app.command("list")
def connection_list(
    workspace: str = typer.Option(..., help="Workspace id."),
    as_json: bool = typer.Option(False, "--json", help="JSON (metadata only) instead of lines."),
) -> None:
    """The workspace's stores: platform, label (the tools' `store` argument) and id."""
    ws = workspace_id(workspace)

    async def work(a: Admin) -> list[Connection]:
        async with a.tenants.unit_of_work(ws) as uow:
            if await uow.workspaces.get() is None:
                raise NotFound("workspace")
            return list(await uow.connections.list())

    connections = run_admin(work)
    if as_json:
        typer.echo(json.dumps([_connection_json(c) for c in connections], indent=2))
        return
    if not connections:
        typer.echo("no stores connected")
    for connection in connections:
        where = f"  ({connection.store_ref})" if connection.store_ref != connection.label else ""
        typer.echo(f"{connection.id}  {connection.platform.value}  {connection.label}{where}")


def _connection_json(connection: Connection) -> dict[str, object]:
    return {
        "id": str(connection.id),
        "platform": connection.platform.value,
        "store": connection.store_ref,
        "label": connection.label,
        "status": connection.status.value,
        "scopes": sorted(connection.scopes),
        "credential_generation": connection.credential_generation,
        "created_at": connection.created_at.isoformat(),
    }


def _connection_id(value: str) -> ConnectionId:
    try:
        return ConnectionId(uuid.UUID(value))
    except ValueError:
        raise typer.BadParameter("not a connection id (a UUID)", param_hint="--id") from None


@connection_app.command("replace")
def connection_replace(
    workspace: str = typer.Option(..., help="Workspace id."),
    connection_id: str = typer.Option(..., "--id", help="Connection id, as `list` shows it."),
    field: list[str] = typer.Option(  # noqa: B008
        [], help="Credential fields, as for `add` (secrets prompted or SHOPMCP_CONNECT_<NAME>)."
    ),
) -> None:
    """Replace a store's credential (a mistyped or rotated token). The new one is tried
    against the store first; nothing changes when the store refuses it."""
    ws = workspace_id(workspace)
    target = _connection_id(connection_id)

    async def find(a: Admin) -> Connection:
        async with a.tenants.unit_of_work(ws) as uow:
            found = await uow.connections.get(target)
        if found is None:
            raise NotFound("connection")
        return found

    existing = run_admin(find)
    package = _package(existing.platform.value)
    payload = CredentialPayload(ask_credentials(package, field))

    async def work(a: Admin) -> Connection:
        checked = await (await a.probe()).probe(existing.platform, existing.store_ref, payload)
        return await replace_credential(
            a.tenants, a.vault, a.clock, ws, target, checked, Actor.cli()
        )

    replaced = run_admin(work)
    typer.echo(
        f"replaced the credential of {replaced.platform.value} store {replaced.store_ref} "
        f"(generation {replaced.credential_generation})"
    )


@connection_app.command("disconnect")
def connection_disconnect(
    workspace: str = typer.Option(..., help="Workspace id."),
    connection_id: str = typer.Option(..., "--id", help="Connection id, as `list` shows it."),
) -> None:
    """Disconnect a store; its sealed credential is deleted with it (crypto-shredding)."""
    ws = workspace_id(workspace)
    target = _connection_id(connection_id)

    async def work(a: Admin) -> bool:
        return await onboarding.disconnect_store(
            a.tenants, a.vault, ws, target, clock=a.clock, actor=Actor.cli()
        )

    if not run_admin(work):
        raise typer.BadParameter("no such connection in this workspace", param_hint="--id")
    typer.echo(f"disconnected {target}")


# The former spelling, kept for one release.
connection_app.command("remove", hidden=True)(connection_disconnect)
