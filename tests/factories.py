"""Builders shared by the test layers: domain objects, sample tool specs, a wired world of
in-memory fakes, and billable usage for the meter tests."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs
from pydantic import BaseModel, ConfigDict, Field

from shopmcp_adapters.memory import (
    FakeClock,
    FakeReadinessProbe,
    FakeVault,
    InMemoryConfirmationStore,
    InMemoryRateLimiter,
    InMemoryTenantStore,
    RecordingUpstream,
)
from shopmcp_adapters.memory.quota import InMemoryQuotaCounter
from shopmcp_adapters.upstreams.platforms import writes_locked
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import (
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_usage_event_id,
    new_workspace_id,
)
from shopmcp_domain.keys import Access, IssuedKey, KeyScopes, issue_key
from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services.admission import Admission, Admitted, admit
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.services.scope import RequestScope, authenticate
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations, ToolSpec, UpstreamOperation
from shopmcp_domain.tools.whitelist import WriteWhitelist
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_domain.workspaces import Workspace

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# The operator write lock a gateway starts with when nothing is unlocked (Magento's writes).
OPERATOR_LOCKED = writes_locked()

# A request admitted within its limit, as the entry point hands it to the use case: for tests
# about what happens after admission (the limiter itself is not their subject).
ADMITTED = Admitted(
    RateLimitDecision(allowed=True, limit=60, remaining=59, reset_after=60.0, retry_after=0.0)
)


class GetThingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thing_id: int = Field(ge=1)


class UpdateThingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thing_id: int = Field(ge=1)
    title: str | None = Field(default=None, max_length=255)
    status: Literal["active", "draft"] | None = None


class ThingOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thing_id: int
    title: str


def read_spec(platform: Platform, name: str = "get_thing") -> ToolSpec:
    return ToolSpec(
        name=f"{platform.value}_{name}",
        platform=platform,
        access=Access.READ,
        title="Get a thing",
        description="Fetch one thing by id.",
        input_model=GetThingInput,
        output_model=ThingOutput,
        operation=UpstreamOperation(HttpMethod.GET, f"/things/{{thing_id}}/{name}"),
        annotations=ToolAnnotations.read(),
    )


def write_spec(platform: Platform, name: str = "update_thing") -> ToolSpec:
    return ToolSpec(
        name=f"{platform.value}_{name}",
        platform=platform,
        access=Access.WRITE,
        title="Update a thing",
        description="Change a thing's title or status.",
        input_model=UpdateThingInput,
        output_model=ThingOutput,
        operation=UpstreamOperation(HttpMethod.PUT, f"/things/{{thing_id}}/{name}"),
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True
        ),
        whitelist=WriteWhitelist(
            writable=frozenset({"title", "status"}), locators=frozenset({"thing_id"})
        ),
    )


def sample_registry() -> ToolRegistry:
    specs = []
    for platform in (Platform.SHOPIFY, Platform.MAGENTO, Platform.BIGCOMMERCE):
        specs += [read_spec(platform), write_spec(platform)]
    return ToolRegistry(specs)


def make_workspace(
    plan: PlanTier = PlanTier.SOLO, write_enabled: frozenset[Platform] = frozenset()
) -> Workspace:
    return Workspace(
        id=new_workspace_id(), name="Acme", plan=plan, created_at=NOW, write_enabled=write_enabled
    )


def make_connection(
    workspace_id: WorkspaceId,
    platform: Platform,
    store_ref: str | None = None,
    display_name: str = "",
    created_at: dt.datetime = NOW,
) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=workspace_id,
        platform=platform,
        store_ref=store_ref or f"{platform.value}.example",
        credential_id=new_credential_id(),
        created_at=created_at,
        display_name=display_name,
    )


@attrs.define
class World:
    """Every port as a fake, plus helpers to set a tenant up the way the product does."""

    clock: FakeClock = attrs.Factory(FakeClock)
    store: InMemoryTenantStore = attrs.Factory(InMemoryTenantStore)
    vault: FakeVault = attrs.Factory(FakeVault)
    upstream: RecordingUpstream = attrs.Factory(RecordingUpstream)
    confirmations: InMemoryConfirmationStore = attrs.Factory(InMemoryConfirmationStore)
    registry: ToolRegistry = attrs.Factory(sample_registry)
    # As a gateway starts with nothing unlocked; a test using Magento writes unlocks them.
    writes_locked: frozenset[Platform] = OPERATOR_LOCKED
    limiter: InMemoryRateLimiter = attrs.field(init=False)
    quota: InMemoryQuotaCounter = attrs.Factory(InMemoryQuotaCounter)
    tokens: dict[WorkspaceId, str] = attrs.Factory(dict)
    # What /ready asks, set up, down or frozen by a test.
    readiness: list[FakeReadinessProbe] = attrs.Factory(
        lambda: [FakeReadinessProbe(name) for name in ("postgresql", "redis", "kms")]
    )

    def __attrs_post_init__(self) -> None:
        self.limiter = InMemoryRateLimiter(self.clock)
        # The dashboard decides pending writes in a tenant unit of work; the runtime reads them
        # from its confirmation store: one set of approvals, as in PostgreSQL.
        self.store.approvals = self.confirmations

    @property
    def deps(self) -> ToolCallDeps:
        return ToolCallDeps(
            clock=self.clock,
            audit=self.store,
            upstreams={p: self.upstream for p in Platform},
            quota=self.quota,
            confirmations=self.confirmations,
        )

    async def tenant(
        self,
        platforms: tuple[Platform, ...] = (Platform.SHOPIFY,),
        plan: PlanTier = PlanTier.SOLO,
        write_enabled: frozenset[Platform] = frozenset(),
        scopes: KeyScopes = KeyScopes(access=frozenset({Access.READ, Access.WRITE})),
        secret: str = "shpat_test_secret",
    ) -> tuple[Workspace, IssuedKey]:
        workspace = make_workspace(plan, write_enabled)
        issued = issue_key(workspace.id, NOW, scopes)
        async with self.store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
            await uow.keys.add(issued.key)
        for platform in platforms:
            await self.connect(
                workspace.id,
                platform,
                f"{platform.value}-{str(workspace.id)[:8]}.example",
                token=f"{secret}-{platform.value}",
            )
        self.tokens[workspace.id] = issued.token
        return workspace, issued

    async def connect(
        self,
        workspace_id: WorkspaceId,
        platform: Platform,
        store_ref: str,
        *,
        display_name: str = "",
        token: str = "shpat_test_secret",
        created_at: dt.datetime = NOW,
    ) -> Connection:
        """One more connection of the workspace, its credential sealed by the fake vault
        (directly, as a fixture: the connect use case's own checks are tested on their own)."""
        credential_id = new_credential_id()
        sealed = await self.vault.seal(
            EncryptionContext(workspace_id, credential_id),
            CredentialPayload({"access_token": token}),
        )
        connection = Connection(
            id=new_connection_id(),
            workspace_id=workspace_id,
            platform=platform,
            store_ref=store_ref,
            credential_id=credential_id,
            created_at=created_at,
            display_name=display_name,
        )
        async with self.store.unit_of_work(workspace_id) as uow:
            await uow.connections.add(connection, sealed)
        return connection

    async def scope(self, token: str) -> RequestScope:
        return await authenticate(
            token,
            self.store,
            self.store,
            self.vault,
            self.registry,
            writes_locked=self.writes_locked,
        )

    async def admit(self, scope: RequestScope) -> Admission:
        """Count one request for the scope's workspace, as the entry point does once."""
        return await admit(scope.workspace, self.limiter)


async def billable_workspace(store: InMemoryTenantStore, customer: str | None) -> Workspace:
    workspace = make_workspace().set_billing_customer(customer)
    async with store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace


async def record_calls(
    store: InMemoryTenantStore, workspace: Workspace, ok: int = 0, failed: int = 0
) -> list[MeterRecord]:
    """``ok`` billable calls then ``failed`` ones (quantity 0), a second apart, in the outbox."""
    records = []
    async with store.unit_of_work(workspace.id) as uow:
        for i in range(ok + failed):
            event = UsageEvent(
                id=new_usage_event_id(),
                workspace_id=workspace.id,
                key_prefix="abcdefghijkl",
                tool="shopify_get_product",
                connection_id=new_connection_id(),
                latency_ms=12.5,
                status=UsageStatus.OK if i < ok else UsageStatus.UPSTREAM_ERROR,
                error_class=None if i < ok else "UpstreamError",
                created_at=NOW + dt.timedelta(seconds=i),
            )
            record = MeterRecord.for_event(event)
            await uow.usage.record(event, record)
            records.append(record)
    return records


async def confirmed_call(
    deps: ToolCallDeps,
    scope: RequestScope,
    admission: Admission,
    name: str,
    arguments: dict[str, Any],
) -> ToolOutput:
    """A call as a client that shows a write's preview and gets it approved makes it: the
    first call (nothing upstream) returns the code; the same call with it executes. A read (or
    a write whose confirmation an owner turned off) answers the first call."""
    preview = await call_tool(deps, scope, admission, name, arguments)
    if preview.structured.get("status") != "confirmation_required":
        return preview
    code = preview.structured.get("confirmation")
    assert isinstance(code, str)
    return await call_tool(deps, scope, admission, name, {**arguments, "confirmation": code})
