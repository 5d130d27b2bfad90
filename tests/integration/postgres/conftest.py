"""The tenant-store port suite runs every test against the in-memory fake and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs
import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_adapters.postgres import Database
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import (
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_oauth_flow_id,
    new_usage_event_id,
)
from shopmcp_domain.oauth import FLOW_LIFETIME, OAuthFlow
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import KeyDirectory, MeterOutbox, TenantRepository
from shopmcp_domain.usage import UsageEvent
from shopmcp_domain.workspaces import Workspace
from tests.factories import NOW, make_workspace


@attrs.frozen
class Ports:
    kind: str
    tenants: TenantRepository
    directory: KeyDirectory
    outbox: MeterOutbox

    async def new_workspace(self, **changes: object) -> Workspace:
        workspace = attrs.evolve(make_workspace(), **changes)
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        return workspace

    async def drain(self) -> None:
        """Settle every pending meter record (the PostgreSQL database is session-wide)."""
        while pending := await self.outbox.claim(1000):
            await self.outbox.mark_sent([p.record.usage_event_id for p in pending])


@pytest.fixture(params=["memory", "postgres"])
def ports(request: pytest.FixtureRequest) -> Ports:
    if request.param == "memory":
        store = InMemoryTenantStore()
        return Ports("memory", store, store, store)
    database: Database = request.getfixturevalue("database")
    return Ports("postgres", database.tenants, database.owner, database.owner)


def sealed_for(workspace_id: WorkspaceId, marker: bytes = b"1") -> SealedCredential:
    return SealedCredential(
        id=new_credential_id(),
        workspace_id=workspace_id,
        ciphertext=b"ciphertext-" + marker,
        nonce=b"n" * 12,
        wrapped_dek=b"wrapped-" + marker,
        kms_key_id="local:key-1",
    )


def flow_for(
    workspace_id: WorkspaceId,
    created_at: dt.datetime = NOW,
    platform: Platform = Platform.XERO,
    store_ref: str | None = None,
) -> OAuthFlow:
    """A pending OAuth flow whose verifier sealing is placeholder bytes."""
    return OAuthFlow(
        id=new_oauth_flow_id(),
        workspace_id=workspace_id,
        platform=platform,
        created_at=created_at,
        expires_at=created_at + FLOW_LIFETIME,
        sealed_verifier=sealed_for(workspace_id, b"verifier"),
        store_ref=store_ref,
    )


def connection_for(
    workspace_id: WorkspaceId,
    credential: SealedCredential,
    platform: Platform = Platform.SHOPIFY,
    store_ref: str | None = None,
    created_at: dt.datetime = NOW,
) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=workspace_id,
        platform=platform,
        store_ref=store_ref or f"{uuid.uuid4().hex[:10]}.myshopify.com",
        credential_id=credential.id,
        created_at=created_at,
        scopes=frozenset({"read_orders", "read_products"}),
    )


def usage_event(
    workspace_id: WorkspaceId,
    created_at: dt.datetime = NOW,
    status: UsageStatus = UsageStatus.OK,
    tool: str = "shopify_get_order",
) -> UsageEvent:
    return UsageEvent(
        id=new_usage_event_id(),
        workspace_id=workspace_id,
        key_prefix="abcdefghijkl",
        tool=tool,
        connection_id=None,
        latency_ms=12.5,
        status=status,
        error_class=None if status is UsageStatus.OK else "UpstreamError",
        created_at=created_at,
    )
