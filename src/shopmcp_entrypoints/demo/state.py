"""What a demo run keeps for the next one, so the MCP URL a client was given keeps working.

The demo workspace has a fixed id; its key's token, the sandboxes' generated credentials and
ports, and the connections made with them are kept in ``<demo data dir>/demo-state.json``
(mode 0600: it holds the key's token and the sandboxes' secrets, like the vault's key files
beside it). Each run reconciles the workspace with the file: a connection whose store moved (a
sandbox port taken by something else) or whose credentials were regenerated (the file lost) is
replaced; the key in the file is reused while it is valid, and every other key of the demo
workspace is revoked, so an old URL is refused by the gateway (401) instead of reaching a
sandbox with stale credentials (an upstream 401 that reads like a bad store token).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from pathlib import Path

import attrs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import AuthenticationFailed
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import parse_token
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import PlaybookArgument
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services import onboarding
from shopmcp_domain.workspaces import Workspace

STATE_FILE = "demo-state.json"
DEMO_WORKSPACE_ID = WorkspaceId(uuid.UUID("5d3e0000-0000-4000-8000-00000000de70"))
DEMO_WORKSPACE_NAME = "Demo store"
# The demo's plan: internal, enough for the MCP conformance suite and a few hundred calls.
DEMO_PLAN = PlanTier.DEMO


class DemoState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str | None = None
    sandbox_secrets: dict[Platform, str] = Field(default_factory=dict)
    sandbox_ports: dict[Platform, int] = Field(default_factory=dict)
    # The connections made with the secrets and origins above.
    connections: dict[Platform, uuid.UUID] = Field(default_factory=dict)

    def secret_for(self, platform: Platform) -> str:
        if platform not in self.sandbox_secrets:
            self.sandbox_secrets[platform] = f"sandbox_{secrets.token_urlsafe(24)}"
        return self.sandbox_secrets[platform]


def load_state(data_dir: Path) -> DemoState:
    """The last run's state; a fresh one if there is none or it cannot be read."""
    try:
        return DemoState.model_validate_json((data_dir / STATE_FILE).read_bytes())
    except (FileNotFoundError, ValidationError, ValueError):
        return DemoState()


def save_state(data_dir: Path, state: DemoState) -> None:
    """Written beside, then renamed over the old file, created with mode 0600."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = data_dir / f".{STATE_FILE}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        staged.unlink()
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(state.model_dump_json(indent=2))
    os.replace(staged, data_dir / STATE_FILE)


@attrs.frozen
class DemoStore:
    """One sandbox store as the demo workspace connects it."""

    platform: Platform
    store_ref: str
    credentials: CredentialPayload = attrs.field(repr=False)


@attrs.frozen
class PreparedDemo:
    workspace: Workspace
    token: str = attrs.field(repr=False)
    reused_key: bool


async def _workspace(tenants: TenantRepository, clock: Clock) -> Workspace:
    async with tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            workspace = Workspace(
                id=DEMO_WORKSPACE_ID,
                name=DEMO_WORKSPACE_NAME,
                plan=DEMO_PLAN,
                created_at=clock.now(),
            )
            await uow.workspaces.add(workspace)
        elif workspace.plan is not DEMO_PLAN:
            workspace = workspace.change_plan(DEMO_PLAN)
            await uow.workspaces.update(workspace)
    return workspace


async def _connect(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    stores: list[DemoStore],
    state: DemoState,
) -> None:
    async with tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        existing = list(await uow.connections.list())
    for store in stores:
        recorded = state.connections.get(store.platform)
        current: Connection | None = next(
            (c for c in existing if recorded is not None and c.id == recorded), None
        )
        if current is not None and current.store_ref == store.store_ref:
            continue
        # Moved or made with credentials the sandbox no longer accepts: replace it.
        for stale in (c for c in existing if c.platform is store.platform):
            await onboarding.disconnect_store(tenants, vault, DEMO_WORKSPACE_ID, stale.id)
        connection = await onboarding.connect_store(
            tenants,
            vault,
            clock,
            DEMO_WORKSPACE_ID,
            store.platform,
            store.store_ref,
            store.credentials,
            display_name=f"{store.platform.value} sandbox",
        )
        state.connections[store.platform] = connection.id


async def _playbook(tenants: TenantRepository, clock: Clock) -> None:
    async with tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        if await uow.playbooks.get_by_name("refund-review") is not None:
            return
    await onboarding.add_playbook(
        tenants,
        clock,
        DEMO_WORKSPACE_ID,
        "refund-review",
        "Review recent refunds across the connected stores",
        "Look at the refunds issued in the last {days} days on every connected store, group "
        "them by reason and product, and point out anything unusual.",
        (PlaybookArgument("days", "How many days to look back"),),
    )


async def _key(tenants: TenantRepository, clock: Clock, state: DemoState) -> bool:
    """Keep the state's key if it is still valid (else issue one); revoke every other key of
    the demo workspace. Returns whether the key was reused."""
    keep = None
    async with tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        keys = list(await uow.keys.list())
    if state.token is not None:
        with contextlib.suppress(AuthenticationFailed):
            parsed = parse_token(state.token)
            keep = next(
                (
                    k
                    for k in keys
                    if k.prefix == parsed.prefix and not k.is_revoked and k.matches(parsed.secret)
                ),
                None,
            )
    reused = keep is not None
    if keep is None:
        issued = await onboarding.issue_workspace_key(
            tenants, clock, DEMO_WORKSPACE_ID, name="demo"
        )
        state.token, keep = issued.token, issued.key
    async with tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        for key in keys:
            if key.id != keep.id and not key.is_revoked:
                await uow.keys.revoke(key.id, clock.now())
    return reused


async def prepare_demo_workspace(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    stores: list[DemoStore],
    state: DemoState,
) -> PreparedDemo:
    """The demo workspace, its stores and its one valid key, as ``state`` describes them
    (``state`` is updated: save it afterwards)."""
    workspace = await _workspace(tenants, clock)
    await _connect(tenants, vault, clock, stores, state)
    await _playbook(tenants, clock)
    reused = await _key(tenants, clock, state)
    assert state.token is not None
    return PreparedDemo(workspace=workspace, token=state.token, reused_key=reused)


__all__ = [
    "DEMO_PLAN",
    "DEMO_WORKSPACE_ID",
    "DemoState",
    "DemoStore",
    "PreparedDemo",
    "load_state",
    "prepare_demo_workspace",
    "save_state",
]
