"""The workspace export (the security page's "Access" and "Portability" rights): one JSON
document of everything the gateway holds for a workspace, produced as a stream of text pieces
so that a long history never sits in memory.

What is in it (``schema`` ``shopmcp.workspace-export``, ``version`` 1)::

    {"schema", "version", "exported_at", "workspace_id",
     "workspace": {...}, "members": [...], "connections": [...], "keys": [...],
     "playbooks": [...], "playbook_versions": [...], "erasure_requests": [...],
     "write_approvals": [...], "audit_log": [...], "usage_events": [...]}

``playbook_versions`` is every saved version of every playbook, deleted ones' too (what a
usage event's ``playbook_id`` and ``playbook_version`` ran).

``write_approvals`` (migration 0017) are the writes awaiting or given a dashboard approval, until
the sweep purges them after their expiry: the binding's digests, the store's label and the
changes as kept (redacted when stored), and who decided when. Present when the caller passes
the ``WriteApprovalReview`` (the API and the CLI do).

What is never in it: a credential (connections carry their metadata only; the sealed
credential, its ciphertext and wrapped data key are not read at all), a key's secret hash, a
session or sign-in code. Email addresses (members', and an audit actor's label) are included
only for a caller who may see them (an owner, the operator); for anyone else they are replaced
as the logs replace them. Usage events carry no tool input or output: the gateway never
stores either.

Bump ``EXPORT_VERSION`` on any change a reader of version 1 would misread (a field removed,
renamed or given another meaning); adding a field is not one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from shopmcp_domain.accounts import Member
from shopmcp_domain.approvals import WriteApproval
from shopmcp_domain.audit import Actor, AuditEntry, audit_entry
from shopmcp_domain.confirmation_ports import WriteApprovalReview
from shopmcp_domain.connections import Connection
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import AuditEntryId, WorkspaceId
from shopmcp_domain.keys import McpKey
from shopmcp_domain.playbooks import Playbook, PlaybookVersion
from shopmcp_domain.ports import (
    TenantRepository,
)
from shopmcp_domain.redaction import redact_text
from shopmcp_domain.usage import MAX_USAGE_PAGE, UsageCursor, UsageEvent, UsageQuery
from shopmcp_domain.workspaces import Workspace

EXPORT_SCHEMA = "shopmcp.workspace-export"
EXPORT_VERSION = 1
# More than a workspace can hold: approvals are purged 30 minutes after they expire.
MAX_EXPORTED_APPROVALS = 10_000

# Called with the section being written and how many of its items are out so far.
Progress = Callable[[str, int], None]


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _workspace(workspace: Workspace) -> dict[str, Any]:
    return {
        "id": str(workspace.id),
        "name": workspace.name,
        "plan": workspace.plan.value,
        "status": workspace.status.value,
        "write_enabled": sorted(p.value for p in workspace.write_enabled),
        "confirmation_off": sorted(p.value for p in workspace.confirmation_off),
        "write_approval": workspace.write_approval.value,
        "billing_customer_id": workspace.billing_customer_id,
        "created_at": _time(workspace.created_at),
    }


def _member(member: Member, with_email: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"account_id": str(member.account_id), "role": member.role.value}
    if with_email:
        out["email"] = member.email
    return out


def _connection(connection: Connection) -> dict[str, Any]:
    # Metadata only: the credential itself (sealed or opened) is never read for an export.
    return {
        "id": str(connection.id),
        "platform": connection.platform.value,
        "store_ref": connection.store_ref,
        "display_name": connection.display_name,
        "status": connection.status.value,
        "scopes": sorted(connection.scopes),
        "created_at": _time(connection.created_at),
    }


def _key(key: McpKey) -> dict[str, Any]:
    # Never the secret hash: the prefix names the key, as it does in the dashboard.
    scopes = key.scopes
    return {
        "id": str(key.id),
        "prefix": key.prefix,
        "name": key.name,
        "access": sorted(a.value for a in scopes.access),
        "platforms": None
        if scopes.platforms is None
        else sorted(p.value for p in scopes.platforms),
        "connections": None
        if scopes.connections is None
        else sorted(str(c) for c in scopes.connections),
        "created_at": _time(key.created_at),
        "revoked_at": _time(key.revoked_at),
    }


def _playbook(playbook: Playbook) -> dict[str, Any]:
    return {
        "id": str(playbook.id),
        "name": playbook.name,
        "description": playbook.description,
        "template": playbook.template,
        "arguments": [
            {"name": a.name, "description": a.description, "required": a.required}
            for a in playbook.arguments
        ],
        "created_at": _time(playbook.created_at),
        "mode": playbook.mode.value,
        "steps": [step.model_dump(mode="json") for step in playbook.steps],
        "version": playbook.version,
        "builtin": playbook.builtin,
    }


def _approval(approval: WriteApproval) -> dict[str, Any]:
    return {
        "id": str(approval.id),
        "key_id": str(approval.key_id),
        "tool": approval.tool,
        "platform": approval.platform,
        "connection_id": str(approval.connection_id),
        "store": approval.store,
        "arguments_digest": approval.arguments_digest,
        "policy_version": approval.policy_version,
        "changes": dict(approval.changes),
        "created_at": _time(approval.created_at),
        "expires_at": _time(approval.expires_at),
        "state": approval.state.value,
        "decided_by": None if approval.decided_by is None else str(approval.decided_by),
        "decided_at": _time(approval.decided_at),
        "used_at": _time(approval.used_at),
    }


def _playbook_version(version: PlaybookVersion) -> dict[str, Any]:
    return {**_playbook(version.playbook), "saved_at": _time(version.saved_at)}


def _hidden(text: str, with_email: bool) -> str:
    return text if with_email else redact_text(text)


def _erasure(request: ErasureRequest, with_email: bool) -> dict[str, Any]:
    return {
        "requested_at": _time(request.requested_at),
        "requested_by": None if request.requested_by is None else str(request.requested_by),
        "requested_by_label": _hidden(request.requested_by_label, with_email),
    }


def _audit(entry: AuditEntry, with_email: bool) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "actor_account_id": None if entry.actor.account_id is None else str(entry.actor.account_id),
        "actor": _hidden(entry.actor.label, with_email),
        "action": entry.action,
        "target_kind": entry.target_kind,
        "target_id": None if entry.target_id is None else _hidden(entry.target_id, with_email),
        "detail": {k: _hidden(v, with_email) for k, v in sorted(entry.detail.items())},
        "created_at": _time(entry.created_at),
    }


def _usage(event: UsageEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "key_prefix": event.key_prefix,
        "tool": event.tool,
        "connection_id": None if event.connection_id is None else str(event.connection_id),
        "latency_ms": event.latency_ms,
        "status": event.status.value,
        "error_class": event.error_class,
        "cache_hit": event.cache_hit,
        "redactions": event.redactions,
        "playbook_id": None if event.playbook_id is None else str(event.playbook_id),
        "playbook_version": event.playbook_version,
        "created_at": _time(event.created_at),
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def export_size(tenants: TenantRepository, workspace_id: WorkspaceId) -> int:
    """How many usage events an export will hold (the bulk of it: for a progress bar)."""
    async with tenants.unit_of_work(workspace_id) as uow:
        return sum(tool.calls for tool in await uow.usage.summary(None, None))


async def export_workspace(
    tenants: TenantRepository,
    workspace_id: WorkspaceId,
    actor: Actor,
    now: dt.datetime,
    *,
    include_emails: bool,
    page_size: int = MAX_USAGE_PAGE,
    progress: Progress | None = None,
    approvals: WriteApprovalReview | None = None,
) -> AsyncIterator[str]:
    """The export of ``workspace_id`` as JSON text pieces (joined, one document). Records an
    audit entry (``workspace.export``) before the first piece; ``NotFound`` then if there is
    no such workspace, so a caller can answer before it starts streaming (call ``anext`` once).

    The small sections are read in one unit of work; the audit log and usage events page by
    page, each page in its own, newest first."""
    if not 1 <= page_size <= MAX_USAGE_PAGE:
        raise ValueError("page_size out of range")
    report = progress or (lambda _section, _done: None)
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        await uow.audit_entries.add(
            audit_entry(workspace_id, actor, "workspace.export", "workspace", workspace_id, now)
        )
        members = await uow.members.list()
        connections = await uow.connections.list()
        keys = await uow.keys.list()
        playbooks = await uow.playbooks.list()
        playbook_versions = await uow.playbooks.all_versions()
        erasure = await uow.erasure_requests.get()
    pending = (
        [] if approvals is None else await approvals.list(workspace_id, MAX_EXPORTED_APPROVALS)
    )
    head: Mapping[str, object] = {
        "schema": EXPORT_SCHEMA,
        "version": EXPORT_VERSION,
        "exported_at": _time(now),
        "workspace_id": str(workspace_id),
        # Whether addresses are in it (an owner's or the operator's export) or replaced.
        "emails_included": include_emails,
        "workspace": _workspace(workspace),
        "members": [_member(m, include_emails) for m in members],
        "connections": [_connection(c) for c in connections],
        "keys": [_key(k) for k in keys],
        "playbooks": [_playbook(p) for p in playbooks],
        "playbook_versions": [_playbook_version(v) for v in playbook_versions],
        "erasure_requests": [] if erasure is None else [_erasure(erasure, include_emails)],
        "write_approvals": [_approval(a) for a in pending],
    }
    yield _json(head)[:-1]  # the object stays open for the streamed sections

    yield ',"audit_log":['
    done = 0
    before: tuple[dt.datetime, AuditEntryId] | None = None
    while True:
        async with tenants.unit_of_work(workspace_id) as uow:
            entries = await uow.audit_entries.list(before, page_size)
        if entries:
            yield ("," if done else "") + ",".join(
                _json(_audit(e, include_emails)) for e in entries
            )
            done += len(entries)
            report("audit_log", done)
        if len(entries) < page_size:
            break
        before = (entries[-1].created_at, entries[-1].id)
    yield "]"

    yield ',"usage_events":['
    done = 0
    cursor: UsageCursor | None = None
    while True:
        async with tenants.unit_of_work(workspace_id) as uow:
            events = await uow.usage.search(UsageQuery(before=cursor, limit=page_size))
        if events:
            rows = ",".join(_json(_usage(e)) for e in events)
            yield ("," if done else "") + rows
            done += len(events)
            report("usage_events", done)
        if len(events) < page_size:
            break
        cursor = UsageCursor(events[-1].created_at, events[-1].id)
    yield "]}"
