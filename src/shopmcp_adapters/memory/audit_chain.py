"""The audit chain in memory: what migration 0011's trigger and prune function do, for the
unit tests of verification (which tamper with ``links`` directly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from shopmcp_domain.audit_chain import GENESIS, ChainHead, ChainLink, append
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.usage import UsageEvent


class InMemoryAuditChain:
    def __init__(self) -> None:
        self.heads: dict[WorkspaceId, ChainHead] = {}
        self.chains: dict[WorkspaceId, list[ChainLink]] = {}

    def add_workspace(self, workspace_id: WorkspaceId) -> None:
        self.heads.setdefault(workspace_id, ChainHead())
        self.chains.setdefault(workspace_id, [])

    def record(self, event: UsageEvent) -> ChainLink:
        self.add_workspace(event.workspace_id)
        unlinked = ChainLink(
            workspace_id=event.workspace_id,
            chain_seq=0,
            id=event.id,
            key_prefix=event.key_prefix,
            tool=event.tool,
            connection_id=event.connection_id,
            latency_ms=event.latency_ms,
            status=event.status.value,
            error_class=event.error_class,
            created_at=event.created_at,
            cache_hit=event.cache_hit,
            redactions=event.redactions,
            prev_hash=GENESIS,
            row_hash=GENESIS,
            playbook_id=event.playbook_id,
            playbook_version=event.playbook_version,
        )
        head, link = append(self.heads[event.workspace_id], unlinked)
        self.heads[event.workspace_id] = head
        self.chains[event.workspace_id].append(link)
        return link

    def prune_before(self, workspace_id: WorkspaceId, before: dt.datetime) -> int:
        """Delete the chain's prefix older than ``before`` and anchor on its last link."""
        links = self.chains.get(workspace_id, [])
        cut = 0
        while cut < len(links) and links[cut].created_at < before:
            cut += 1
        if not cut:
            return 0
        last = links[cut - 1]
        self.heads[workspace_id] = attrs.evolve(
            self.heads[workspace_id], anchor_seq=last.chain_seq, anchor_hash=last.row_hash
        )
        del links[:cut]
        return cut

    async def head(self, workspace_id: WorkspaceId) -> ChainHead | None:
        return self.heads.get(workspace_id)

    async def links(
        self, workspace_id: WorkspaceId, after_seq: int, limit: int
    ) -> Sequence[ChainLink]:
        ordered = sorted(self.chains.get(workspace_id, []), key=lambda link: link.chain_seq)
        return [link for link in ordered if link.chain_seq > after_seq][:limit]
