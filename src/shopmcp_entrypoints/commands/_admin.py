"""What the setup commands share: the tenant store, vault and clock, opened from the same
container the server uses (so the CLI and the server always agree on where data lives)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import attrs
import typer

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import Clock, CredentialVault, TenantRepository
from shopmcp_entrypoints.settings import Settings

if TYPE_CHECKING:
    from shopmcp_entrypoints.container import Container


@attrs.frozen
class Admin:
    settings: Settings
    tenants: TenantRepository
    vault: CredentialVault
    clock: Clock
    # The server's operator write lock, from the same settings (SHOPMCP_WRITES_UNLOCKED_PLATFORMS).
    writes_locked: frozenset[Platform]


@asynccontextmanager
async def admin(settings: Settings, container: Container | None = None) -> AsyncIterator[Admin]:
    # Imported here: the container pulls in the web stack, which `shopmcp --help` and the
    # commands that never touch the database should not pay for.
    from shopmcp_entrypoints.container import build_container, provided, resolve

    container = container or build_container(settings)
    try:
        yield Admin(
            settings=settings,
            tenants=await provided(container.tenants),
            vault=await provided(container.vault),
            clock=await provided(container.clock),
            writes_locked=await provided(container.writes_locked),
        )
    finally:
        await resolve(container.shutdown_resources)


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
