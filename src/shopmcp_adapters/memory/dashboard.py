"""The in-memory tenant store's dashboard repositories: members, the audit log, erasure
requests, and the usage review's queries (semantics as the PostgreSQL adapter's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from shopmcp_domain.accounts import Member, Membership, Role
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
    NotFound,
)
from shopmcp_domain.ids import AccountId, AuditEntryId
from shopmcp_domain.usage import ToolUsage, UsageEvent, UsageQuery, percentile_cont

if TYPE_CHECKING:
    from shopmcp_adapters.memory.tenants import _Partition, _UnitOfWork


class _Repo:
    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    @property
    def _p(self) -> _Partition:
        return self._uow.partition


class Members(_Repo):
    def _member(self, membership: Membership) -> Member:
        account = self._uow.store.account_of(membership.account_id)
        return Member(
            account_id=membership.account_id,
            email=account.email if account is not None else "",
            role=membership.role,
            created_at=membership.created_at,
        )

    async def list(self) -> Sequence[Member]:
        ordered = sorted(self._p.members.values(), key=lambda m: (m.created_at, str(m.account_id)))
        return [self._member(m) for m in ordered]

    async def get(self, account_id: AccountId) -> Member | None:
        membership = self._p.members.get(account_id)
        return None if membership is None else self._member(membership)

    async def add(self, membership: Membership) -> None:
        if membership.workspace_id != self._uow.workspace_id:
            raise CrossTenantWrite()
        if self._p.workspace is None:
            raise NotFound("workspace")
        if self._uow.store.account_of(membership.account_id) is None:
            raise NotFound("account")
        if membership.account_id in self._p.members:
            raise Conflict("member exists")
        self._p.members[membership.account_id] = membership

    async def set_role(self, account_id: AccountId, role: Role) -> bool:
        membership = self._p.members.get(account_id)
        if membership is None:
            return False
        self._p.members[account_id] = Membership(
            membership.workspace_id, account_id, role, membership.created_at
        )
        return True

    async def remove(self, account_id: AccountId) -> bool:
        return self._p.members.pop(account_id, None) is not None


class AuditEntries(_Repo):
    async def add(self, entry: AuditEntry) -> None:
        if entry.workspace_id != self._uow.workspace_id:
            raise CrossTenantWrite()
        if self._p.workspace is None:
            raise NotFound("workspace")
        if any(e.id == entry.id for e in self._p.audit):
            raise Conflict("audit entry exists")
        self._p.audit.append(entry)

    async def list(
        self, before: tuple[dt.datetime, AuditEntryId] | None = None, limit: int = 100
    ) -> Sequence[AuditEntry]:
        ordered = sorted(self._p.audit, key=lambda e: (e.created_at, e.id), reverse=True)
        if before is not None:
            ordered = [e for e in ordered if (e.created_at, e.id) < before]
        return ordered[:limit]


class ErasureRequests(_Repo):
    async def get(self) -> ErasureRequest | None:
        return self._p.erasure

    async def add(self, request: ErasureRequest) -> None:
        if request.workspace_id != self._uow.workspace_id:
            raise CrossTenantWrite()
        if self._p.workspace is None:
            raise NotFound("workspace")
        if self._p.erasure is not None:
            raise Conflict("erasure already requested")
        self._p.erasure = request


def _matches(event: UsageEvent, query: UsageQuery) -> bool:
    return (
        (query.tool is None or event.tool == query.tool)
        and (query.status is None or event.status is query.status)
        and (query.connection_id is None or event.connection_id == query.connection_id)
        and (query.key_prefix is None or event.key_prefix == query.key_prefix)
        and (query.playbook_id is None or event.playbook_id == query.playbook_id)
        and (query.since is None or event.created_at >= query.since)
        and (query.until is None or event.created_at < query.until)
        and (
            query.before is None
            or (event.created_at, event.id) < (query.before.created_at, query.before.id)
        )
    )


def search(events: Sequence[UsageEvent], query: UsageQuery) -> list[UsageEvent]:
    ordered = sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)
    return [e for e in ordered if _matches(e, query)][: query.limit]


def summary(
    events: Sequence[UsageEvent], since: dt.datetime | None, until: dt.datetime | None
) -> list[ToolUsage]:
    window = UsageQuery(since=since, until=until)
    by_tool: dict[str, list[UsageEvent]] = {}
    for event in events:
        if _matches(event, window):
            by_tool.setdefault(event.tool, []).append(event)
    out = []
    for tool in sorted(by_tool):
        latencies = [e.latency_ms for e in by_tool[tool]]
        out.append(
            ToolUsage(
                tool=tool,
                calls=len(latencies),
                errors=sum(1 for e in by_tool[tool] if not e.succeeded),
                p50_ms=percentile_cont(latencies, 0.5),
                p90_ms=percentile_cont(latencies, 0.9),
                p99_ms=percentile_cont(latencies, 0.99),
            )
        )
    return out


def last_used(events: Sequence[UsageEvent]) -> Mapping[str, dt.datetime]:
    latest: dict[str, dt.datetime] = {}
    for event in events:
        if event.key_prefix not in latest or event.created_at > latest[event.key_prefix]:
            latest[event.key_prefix] = event.created_at
    return latest
