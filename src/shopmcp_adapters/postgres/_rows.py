"""Records to domain objects (and back), so no asyncpg record leaves this package."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import asyncpg
import asyncpg.pool
from pydantic import TypeAdapter

from shopmcp_domain.accounts import Account, Member, Role, Session, SignInCode
from shopmcp_domain.audit import Actor, AuditEntry
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import (
    AccountId,
    AuditEntryId,
    ConnectionId,
    CredentialId,
    KeyId,
    OAuthFlowId,
    PlaybookId,
    SessionId,
    SignInCodeId,
    UsageEventId,
    WorkspaceId,
)
from shopmcp_domain.keys import KeyScopes, McpKey
from shopmcp_domain.oauth import FlowOutcome, OAuthFlow
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_steps import Step
from shopmcp_domain.playbooks import Playbook, PlaybookArgument, PlaybookMode, PlaybookVersion
from shopmcp_domain.usage import (
    MeterRecord,
    ParkedMeterRecord,
    PendingMeterRecord,
    ToolUsage,
    UsageEvent,
)
from shopmcp_domain.workspaces import Workspace, WorkspaceStatus, WriteApprovalMode

# Read by name only: an asyncpg record, or a mapping built from a JSON result.
Row = asyncpg.Record | Mapping[str, Any]
# A plain connection or one lent by a pool.
Conn = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy


def workspace(row: Row) -> Workspace:
    return Workspace(
        id=WorkspaceId(row["id"]),
        name=row["name"],
        plan=PlanTier(row["plan"]),
        created_at=row["created_at"],
        status=WorkspaceStatus(row["status"]),
        write_enabled=frozenset(Platform(p) for p in row["write_enabled"]),
        # Every workspace query reads it since migration 0010.
        confirmation_off=frozenset(Platform(p) for p in row["confirmation_off"]),
        # And the write approval mode since migration 0017.
        write_approval=WriteApprovalMode(row["write_approval"]),
        billing_customer_id=row["billing_customer_id"],
    )


def connection(row: Row) -> Connection:
    return Connection(
        id=ConnectionId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        platform=Platform(row["platform"]),
        store_ref=row["store_ref"],
        credential_id=CredentialId(row["credential_id"]),
        created_at=row["created_at"],
        scopes=frozenset(row["scopes"]),
        status=ConnectionStatus(row["status"]),
        display_name=row["display_name"],
        credential_generation=row["credential_generation"],
    )


def sealed(row: Row) -> SealedCredential:
    return SealedCredential(
        id=CredentialId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        ciphertext=bytes(row["ciphertext"]),
        nonce=bytes(row["nonce"]),
        wrapped_dek=bytes(row["wrapped_dek"]),
        kms_key_id=row["kms_key_id"],
        version=row["envelope_version"],
        generation=row["generation"],
    )


def key(row: Row) -> McpKey:
    return McpKey(
        id=KeyId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        prefix=row["prefix"],
        secret_hash=bytes(row["secret_hash"]),
        scopes=KeyScopes.from_strings(list(row["scopes"])),
        created_at=row["created_at"],
        name=row["name"],
        revoked_at=row["revoked_at"],
    )


def usage_event(row: Row) -> UsageEvent:
    connection_id = row["connection_id"]
    return UsageEvent(
        id=UsageEventId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        key_prefix=row["key_prefix"],
        tool=row["tool"],
        connection_id=None if connection_id is None else ConnectionId(connection_id),
        latency_ms=row["latency_ms"],
        status=UsageStatus(row["status"]),
        error_class=row["error_class"],
        created_at=row["created_at"],
        cache_hit=row["cache_hit"],
        # Read by the queries that select them (the usage review); older ones leave them out.
        playbook_id=None if row.get("playbook_id") is None else PlaybookId(row["playbook_id"]),
        playbook_version=row.get("playbook_version"),
        redactions=row["redactions"],
    )


_STEPS = TypeAdapter(list[Step])


def playbook_steps(value: Playbook) -> str:
    return _STEPS.dump_json(list(value.steps)).decode()


def playbook(row: Row, created_at: str = "created_at") -> Playbook:
    arguments = json.loads(row["arguments"])
    return Playbook(
        id=PlaybookId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        name=row["name"],
        description=row["description"],
        template=row["template"],
        created_at=row[created_at],
        arguments=tuple(
            PlaybookArgument(name=a["name"], description=a["description"], required=a["required"])
            for a in arguments
        ),
        mode=PlaybookMode(row["mode"]),
        steps=tuple(_STEPS.validate_json(row["steps"])),
        version=row["version"],
        builtin=row["builtin"],
    )


def playbook_version(row: Row) -> PlaybookVersion:
    # A history row: the playbook's own creation time, and when this version was saved.
    return PlaybookVersion(playbook(row, "playbook_created_at"), saved_at=row["created_at"])


def playbook_arguments(value: Playbook) -> str:
    return json.dumps(
        [
            {"name": a.name, "description": a.description, "required": a.required}
            for a in value.arguments
        ]
    )


def _meter_record(row: Row) -> MeterRecord:
    return MeterRecord(
        usage_event_id=UsageEventId(row["usage_event_id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        quantity=row["quantity"],
        created_at=row["created_at"],
        overage=row["overage"],
    )


def pending_meter_record(row: Row) -> PendingMeterRecord:
    """A claimed outbox row joined with its workspace's billing customer."""
    return PendingMeterRecord(
        record=_meter_record(row),
        billing_customer_id=row["billing_customer_id"],
        attempts=row["attempts"],
    )


def parked_meter_record(row: Row) -> ParkedMeterRecord:
    return ParkedMeterRecord(
        record=_meter_record(row),
        billing_customer_id=row["billing_customer_id"],
        attempts=row["attempts"],
        error=row["last_error"] or "",
        parked_at=row["parked_at"],
    )


def oauth_flow(row: Row) -> OAuthFlow:
    workspace_id = WorkspaceId(row["workspace_id"])
    verifier = None
    if row["verifier_id"] is not None:
        verifier = SealedCredential(
            id=CredentialId(row["verifier_id"]),
            workspace_id=workspace_id,
            ciphertext=bytes(row["verifier_ciphertext"]),
            nonce=bytes(row["verifier_nonce"]),
            wrapped_dek=bytes(row["verifier_wrapped_dek"]),
            kms_key_id=row["verifier_kms_key_id"],
            version=row["verifier_envelope_version"],
        )
    outcome = None
    if row["completed_at"] is not None:
        outcome = FlowOutcome(
            completed_at=row["completed_at"],
            connection_ids=tuple(ConnectionId(c) for c in row["connection_ids"]),
            error=row["error"],
        )
    return OAuthFlow(
        id=OAuthFlowId(row["id"]),
        workspace_id=workspace_id,
        platform=Platform(row["platform"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        sealed_verifier=verifier,
        store_ref=row["store_ref"],
        used_at=row["used_at"],
        outcome=outcome,
    )


def account(row: Row) -> Account:
    return Account(
        id=AccountId(row["id"]),
        email=row["email"],
        created_at=row["created_at"],
        is_staff=row["is_staff"],
    )


def session(row: Row) -> Session:
    return Session(
        id=SessionId(row["id"]),
        account_id=AccountId(row["account_id"]),
        token_hash=bytes(row["token_hash"]),
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
        absolute_expires_at=row["absolute_expires_at"],
        revoked_at=row["revoked_at"],
    )


def sign_in_code(row: Row) -> SignInCode:
    return SignInCode(
        id=SignInCodeId(row["id"]),
        email=row["email"],
        code_hash=bytes(row["code_hash"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        attempts=row["attempts"],
        consumed_at=row["consumed_at"],
    )


def member(row: Row) -> Member:
    return Member(
        account_id=AccountId(row["account_id"]),
        email=row["email"],
        role=Role(row["role"]),
        created_at=row["created_at"],
    )


def audit_entry(row: Row) -> AuditEntry:
    actor_id = row["actor_account_id"]
    return AuditEntry(
        id=AuditEntryId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        actor=Actor(None if actor_id is None else AccountId(actor_id), row["actor"]),
        action=row["action"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        created_at=row["created_at"],
        detail=json.loads(row["detail"]),
    )


def audit_detail(entry: AuditEntry) -> str:
    return json.dumps(dict(entry.detail), sort_keys=True)


def erasure_request(row: Row) -> ErasureRequest:
    by = row["requested_by"]
    return ErasureRequest(
        workspace_id=WorkspaceId(row["workspace_id"]),
        requested_at=row["requested_at"],
        requested_by=None if by is None else AccountId(by),
        requested_by_label=row["requested_by_label"],
    )


def tool_usage(row: Row) -> ToolUsage:
    return ToolUsage(
        tool=row["tool"],
        calls=row["calls"],
        errors=row["errors"],
        p50_ms=row["p50"],
        p90_ms=row["p90"],
        p99_ms=row["p99"],
    )
