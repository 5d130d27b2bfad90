"""Typed identifiers. UUIDs everywhere: no shared sequences that leak tenant counts."""

from __future__ import annotations

import uuid
from typing import NewType

WorkspaceId = NewType("WorkspaceId", uuid.UUID)
ConnectionId = NewType("ConnectionId", uuid.UUID)
CredentialId = NewType("CredentialId", uuid.UUID)
KeyId = NewType("KeyId", uuid.UUID)
UsageEventId = NewType("UsageEventId", uuid.UUID)
PlaybookId = NewType("PlaybookId", uuid.UUID)
OAuthFlowId = NewType("OAuthFlowId", uuid.UUID)


def new_workspace_id() -> WorkspaceId:
    return WorkspaceId(uuid.uuid4())


def new_connection_id() -> ConnectionId:
    return ConnectionId(uuid.uuid4())


def new_credential_id() -> CredentialId:
    return CredentialId(uuid.uuid4())


def new_key_id() -> KeyId:
    return KeyId(uuid.uuid4())


def new_usage_event_id() -> UsageEventId:
    return UsageEventId(uuid.uuid4())


def new_playbook_id() -> PlaybookId:
    return PlaybookId(uuid.uuid4())


def new_oauth_flow_id() -> OAuthFlowId:
    return OAuthFlowId(uuid.uuid4())


AccountId = NewType("AccountId", uuid.UUID)
SessionId = NewType("SessionId", uuid.UUID)
SignInCodeId = NewType("SignInCodeId", uuid.UUID)
AuditEntryId = NewType("AuditEntryId", uuid.UUID)


def new_account_id() -> AccountId:
    return AccountId(uuid.uuid4())


def new_session_id() -> SessionId:
    return SessionId(uuid.uuid4())


def new_sign_in_code_id() -> SignInCodeId:
    return SignInCodeId(uuid.uuid4())


def new_audit_entry_id() -> AuditEntryId:
    return AuditEntryId(uuid.uuid4())
