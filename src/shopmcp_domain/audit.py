"""The dashboard's audit log: who did what, when, on what, in a workspace (tool calls are
usage events, not entries here). An entry holds names and ids only, never a credential."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from shopmcp_domain.ids import AccountId, AuditEntryId, WorkspaceId, new_audit_entry_id
from shopmcp_domain.text import escaped_label, plain_text_problem


def _label(value: str) -> str:
    """A value as an entry may store it: itself when storable, else escaped (bounded)."""
    if plain_text_problem(value, max_chars=300) is None:
        return value
    return escaped_label(value, max_chars=300)


@attrs.frozen
class Actor:
    """Who acted: a signed-in account (its address at the time), or the operator's CLI."""

    account_id: AccountId | None
    label: str = attrs.field(converter=_label)

    @classmethod
    def cli(cls) -> Actor:
        return cls(None, "cli")

    @classmethod
    def staff(cls, account_id: AccountId, email: str) -> Actor:
        return cls(account_id, f"staff:{email}")


@attrs.frozen
class AuditEntry:
    id: AuditEntryId
    workspace_id: WorkspaceId
    actor: Actor
    # Dotted verbs: "workspace.rename", "key.create", "connection.replace", "writes.enable".
    action: str
    target_kind: str
    target_id: str | None
    created_at: dt.datetime
    detail: Mapping[str, str] = attrs.field(factory=dict)


def audit_entry(
    workspace_id: WorkspaceId,
    actor: Actor,
    action: str,
    target_kind: str,
    target_id: object | None,
    now: dt.datetime,
    **detail: str,
) -> AuditEntry:
    return AuditEntry(
        id=new_audit_entry_id(),
        workspace_id=workspace_id,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_id=None if target_id is None else _label(str(target_id)),
        created_at=now,
        detail={key: _label(value) for key, value in detail.items()},
    )
