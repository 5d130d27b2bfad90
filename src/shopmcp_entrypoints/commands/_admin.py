"""What the setup commands share: the tenant store, vault and clock, opened from the same
container the server uses (so the CLI and the server always agree on where data lives), and
how every command group is built."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, NoReturn, TypeVar

import attrs
import typer

from shopmcp_domain.confirmation_ports import ConfirmationStore, WriteApprovalReview
from shopmcp_domain.errors import ShopMcpError
from shopmcp_domain.identity import AdminDirectory, IdentityStore
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditChainReader,
    Clock,
    CredentialProbe,
    CredentialVault,
    RetentionStore,
    StoreAddressCheck,
    TenantRepository,
)
from shopmcp_entrypoints.settings import Settings

if TYPE_CHECKING:
    from shopmcp_entrypoints.container import Container

T = TypeVar("T")


def command_group(help_text: str, *, hidden_alias: bool = False) -> typer.Typer:
    """A command group. Help texts are plain text: with Rich markup on, patterns such as
    ``[a-z0-9_-]`` or ``https://host[/path]`` are eaten as markup tags or fail to render."""
    return typer.Typer(
        no_args_is_help=True,
        help=help_text,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        hidden=hidden_alias,
    )


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


@attrs.frozen
class Admin:
    settings: Settings
    tenants: TenantRepository
    vault: CredentialVault
    clock: Clock
    # The server's operator write lock, from the same settings (SHOPMCP_WRITES_UNLOCKED_PLATFORMS).
    writes_locked: frozenset[Platform]
    # The SSRF guard at connect time (SHOPMCP_UPSTREAM_ALLOWED_HOSTS applies as for the server).
    store_check: StoreAddressCheck
    container: Container = attrs.field(repr=False)

    async def identity(self) -> IdentityStore:
        """Accounts, sessions and sign-in codes (the tenant role, migration 0006)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.identity)

    async def directory(self) -> AdminDirectory:
        """Every workspace, and the staff flag: the owner side (the operator's CLI)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.admin_directory)

    async def retention(self) -> RetentionStore:
        """The retention sweep's cross-tenant deletes (the owner side: an operator job)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.retention)

    async def confirmations(self) -> ConfirmationStore:
        """Write confirmations and kept write results (purged by the sweep)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.confirmations)

    async def write_approvals(self) -> WriteApprovalReview:
        """Pending writes awaiting a dashboard approval (the tenant role; for the export)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.write_approvals)

    async def audit_chain(self) -> AuditChainReader:
        """The usage events' hash chain, read for verification (the owner side)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.audit_chain)

    async def probe(self) -> CredentialProbe:
        """The validation read (opens the upstream HTTP clients: only commands that check a
        credential pay for them)."""
        from shopmcp_entrypoints.container import provided

        return await provided(self.container.credential_probe)


@asynccontextmanager
async def admin(settings: Settings, container: Container | None = None) -> AsyncIterator[Admin]:
    # Imported here: the container pulls in the web stack, which `shopmcp --help` and the
    # commands that never touch the database should not pay for.
    from shopmcp_entrypoints.container import (
        build_container,
        provided,
        resolve,
    )

    container = container or build_container(settings)
    try:
        yield Admin(
            settings=settings,
            tenants=await provided(container.tenants),
            vault=await provided(container.vault),
            clock=await provided(container.clock),
            writes_locked=await provided(container.writes_locked),
            store_check=await provided(container.store_check),
            container=container,
        )
    finally:
        await resolve(container.shutdown_resources)


def run_admin(work: Callable[[Admin], Awaitable[T]]) -> T:
    """Run ``work`` with the store open; a refusal (unknown workspace, invalid name, ...) is
    one line and exit code 1."""

    async def main() -> T:
        async with admin(Settings()) as ports:
            return await work(ports)

    try:
        return asyncio.run(main())
    except (ShopMcpError, ValueError) as error:
        from shopmcp_entrypoints.commands._errors import describe, one_line

        fail(describe(error) or one_line(str(error)))


def workspace_id(value: str) -> WorkspaceId:
    import uuid

    try:
        return WorkspaceId(uuid.UUID(value))
    except ValueError:
        raise typer.BadParameter("not a workspace id (a UUID)") from None


def mcp_base_url(settings: Settings) -> str:
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # noqa: S104
    return f"http://{host}:{settings.port}"


def mcp_url(settings: Settings, token: str) -> str:
    return f"{mcp_base_url(settings)}/mcp/{token}"
