"""What a workspace's plan allows it to hold: stores per platform, checked at connect."""

from __future__ import annotations

from shopmcp_domain.errors import (
    NotFound,
    StoreLimitReached,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import TenantUnitOfWork


async def check_store_allowance(uow: TenantUnitOfWork, platform: Platform) -> None:
    """Refuse (``StoreLimitReached``) when the workspace already holds as many ``platform``
    stores as its plan allows.

    The workspace row is read ``for_update``: it stays locked for the rest of the unit of
    work, so two connects racing on one workspace count one after the other and cannot both
    take the last place (the second sees the first's connection once it has the lock)."""
    workspace = await uow.workspaces.get(for_update=True)
    if workspace is None:
        raise NotFound("workspace")
    allowed = workspace.plan.plan.stores_per_platform
    held = sum(1 for c in await uow.connections.list() if c.platform is platform)
    if held >= allowed:
        raise StoreLimitReached(platform.value, workspace.plan.plan.title, allowed)
