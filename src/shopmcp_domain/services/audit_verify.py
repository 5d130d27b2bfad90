"""``shopmcp audit verify``: walk a workspace's audit chain from its anchor to its end and
report the first broken link (an edited, deleted, inserted or reordered usage event)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from shopmcp_domain.audit_chain import ChainLink, ChainReport, verify_chain_stream
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import AuditChainReader

VERIFY_PAGE = 1000


async def verify_audit(
    reader: AuditChainReader, workspace_id: WorkspaceId, page: int = VERIFY_PAGE
) -> ChainReport:
    head = await reader.head(workspace_id)
    if head is None:
        raise NotFound("workspace")

    async def links() -> AsyncIterator[ChainLink]:
        # From the very start, not the anchor: a row left below the anchor is a break too.
        after = -1
        while True:
            batch = await reader.links(workspace_id, after, page)
            for link in batch:
                yield link
            if len(batch) < page:
                return
            after = batch[-1].chain_seq

    return await verify_chain_stream(workspace_id, head, links())
