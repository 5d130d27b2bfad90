"""The API's request and response bodies (pydantic): what ``/schema/openapi.json`` documents.

Request models are strict (``extra="forbid"``) and bounded; text that will be stored is checked
as the domain checks it, so a refusal is a 400 naming the field, never a failure further in.
Responses hold metadata only: never a credential, a ciphertext, a token hash or a code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shopmcp_domain.accounts import Account, Member, Role, Session, normalise_email
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.connections import Connection
from shopmcp_domain.keys import Access, McpKey
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.quota import LimitsState
from shopmcp_domain.text import check_plain_text
from shopmcp_domain.usage import ToolUsage, UsageEvent
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode


def _plain(what: str, max_chars: int) -> AfterValidator:
    return AfterValidator(lambda v: check_plain_text(v, what=what, max_chars=max_chars))


WorkspaceName = Annotated[str, Field(min_length=1, max_length=200), _plain("name", 200)]
Label = Annotated[str, Field(max_length=200), _plain("name", 200)]
KeyName = Annotated[str, Field(max_length=100), _plain("name", 100)]
EmailText = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(normalise_email)]
StoreText = Annotated[str, Field(min_length=1, max_length=255), _plain("store", 255)]
CredentialValue = Annotated[str, Field(min_length=1, max_length=16_384)]
CredentialName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CodeRequest(_In):
    email: EmailText


class SignInRequest(_In):
    email: EmailText
    code: Annotated[str, Field(min_length=1, max_length=32)]


class WorkspaceCreate(_In):
    name: WorkspaceName


class WorkspaceUpdate(_In):
    name: WorkspaceName


class MemberAdd(_In):
    email: EmailText
    role: Role = Role.VIEWER


class MemberUpdate(_In):
    role: Role


class ConnectRequest(_In):
    platform: Platform
    store: StoreText
    credentials: dict[CredentialName, CredentialValue] = Field(max_length=16)
    display_name: Label = ""


class CredentialReplace(_In):
    credentials: dict[CredentialName, CredentialValue] = Field(max_length=16)


class ShopifyInstallRequest(_In):
    # The shop's *.myshopify.com domain; it is also the connection's label.
    shop: StoreText


class KeyCreate(_In):
    name: KeyName = ""
    # Write tools appear only for platforms whose writes the workspace enabled.
    write: bool = False
    # Only these platforms' tools (default: every connected platform).
    platforms: list[Platform] | None = Field(default=None, max_length=16)
    # Only these connections (default: every connection).
    connections: list[uuid.UUID] | None = Field(default=None, max_length=100)


class WritesUpdate(_In):
    enabled: bool


class ConfirmationUpdate(_In):
    # False: this platform's writes run on their first call (owner only, audited).
    enabled: bool


# --------------------------------------------------------------------------- responses


class AccountOut(BaseModel):
    id: uuid.UUID
    email: str
    is_staff: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            email=account.email,
            is_staff=account.is_staff,
            created_at=account.created_at,
        )


class SessionOut(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    absolute_expires_at: dt.datetime
    revoked_at: dt.datetime | None
    current: bool

    @classmethod
    def of(cls, session: Session, current: uuid.UUID | None = None) -> SessionOut:
        return cls(
            id=session.id,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            absolute_expires_at=session.absolute_expires_at,
            revoked_at=session.revoked_at,
            current=session.id == current,
        )


class SignedInOut(BaseModel):
    """The session token is shown once (it is also set as an HttpOnly cookie); send it as
    ``Authorization: Bearer <token>`` from scripts."""

    token: str
    csrf_token: str
    session: SessionOut
    account: AccountOut


class WhoAmIOut(BaseModel):
    account: AccountOut
    session: SessionOut
    # Sent back as X-CSRF-Token (or a csrf_token form field) by pages that post forms.
    csrf_token: str


class CodeSentOut(BaseModel):
    detail: str
    expires_in_seconds: int


class LimitsOut(BaseModel):
    requests_per_minute: int
    window_seconds: float


class WorkspaceOut(BaseModel):
    id: uuid.UUID
    name: str
    plan: str
    status: str
    role: Role
    write_enabled: list[Platform]
    limits: LimitsOut
    created_at: dt.datetime
    # Where its writes are approved: in the chat (the default) or on the dashboard.
    write_approval: WriteApprovalMode = WriteApprovalMode.IN_CHAT

    @classmethod
    def of(cls, workspace: Workspace, role: Role) -> WorkspaceOut:
        limit = workspace.plan.rate_limit
        return cls(
            id=workspace.id,
            name=workspace.name,
            plan=workspace.plan.value,
            status=workspace.status.value,
            role=role,
            write_enabled=sorted(workspace.write_enabled),
            limits=LimitsOut(
                requests_per_minute=round(limit.limit * 60 / limit.window_seconds),
                window_seconds=limit.window_seconds,
            ),
            created_at=workspace.created_at,
            write_approval=workspace.write_approval,
        )


class MemberOut(BaseModel):
    account_id: uuid.UUID
    email: str
    role: Role
    created_at: dt.datetime

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(
            account_id=member.account_id,
            email=member.email,
            role=member.role,
            created_at=member.created_at,
        )


class ConnectionOut(BaseModel):
    id: uuid.UUID
    platform: Platform
    store: str
    label: str
    display_name: str
    status: str
    scopes: list[str]
    credential_generation: int
    created_at: dt.datetime

    @classmethod
    def of(cls, connection: Connection) -> ConnectionOut:
        return cls(
            id=connection.id,
            platform=connection.platform,
            store=connection.store_ref,
            label=connection.label,
            display_name=connection.display_name,
            status=connection.status.value,
            scopes=sorted(connection.scopes),
            credential_generation=connection.credential_generation,
            created_at=connection.created_at,
        )


class ConnectedOut(BaseModel):
    connection: ConnectionOut
    # How to mint the narrowest token on this platform: the upstream ACL is the final gate.
    guidance: str


class CredentialFieldOut(BaseModel):
    name: str
    description: str
    secret: bool
    required: bool


class PlatformOut(BaseModel):
    platform: Platform
    display_name: str
    store_hint: str
    credential_fields: list[CredentialFieldOut]
    guidance: str
    writes_locked: bool
    # Connected through the provider's consent screen (Xero, Google), not with a token.
    oauth: bool
    # Connectable through Shopify's OAuth install (the operator configured an app).
    install: bool


class InstallOut(BaseModel):
    authorization_url: str
    flow_id: uuid.UUID
    expires_at: dt.datetime
    guidance: str


class KeyScopesOut(BaseModel):
    access: list[Access]
    platforms: list[Platform] | None
    connections: list[uuid.UUID] | None


class KeyOut(BaseModel):
    prefix: str
    name: str
    scopes: KeyScopesOut
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, key: McpKey, last_used: dt.datetime | None = None) -> KeyOut:
        scopes = key.scopes
        return cls(
            prefix=key.prefix,
            name=key.name,
            scopes=KeyScopesOut(
                access=sorted(scopes.access),
                platforms=None if scopes.platforms is None else sorted(scopes.platforms),
                connections=(
                    None if scopes.connections is None else sorted(scopes.connections, key=str)
                ),
            ),
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            last_used_at=last_used,
        )


class IssuedKeyOut(BaseModel):
    """The token and the MCP URL are shown this once and never again."""

    key: KeyOut
    token: str
    mcp_url: str


class WritesOut(BaseModel):
    platform: Platform
    enabled: bool
    # The operator locked this platform's writes: enabling them is refused.
    locked: bool
    connected: bool
    # Each write is previewed and confirmed (the default); an owner may turn it off.
    confirmed: bool = True


class UsageEventOut(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    tool: str
    status: str
    key_prefix: str
    connection_id: uuid.UUID | None
    latency_ms: float
    error_class: str | None
    # Answered from the short-lived read cache (no request reached the provider).
    cache_hit: bool = False
    # A step of a playbook run (or the run itself): which playbook, at which version.
    playbook_id: uuid.UUID | None = None
    playbook_version: int | None = None
    # Credential-shaped strings and card numbers the gateway removed from the call's result.
    redactions: int = 0

    @classmethod
    def of(cls, event: UsageEvent) -> UsageEventOut:
        return cls(
            id=event.id,
            created_at=event.created_at,
            tool=event.tool,
            status=event.status.value,
            key_prefix=event.key_prefix,
            connection_id=event.connection_id,
            latency_ms=event.latency_ms,
            error_class=event.error_class,
            cache_hit=event.cache_hit,
            playbook_id=event.playbook_id,
            playbook_version=event.playbook_version,
            redactions=event.redactions,
        )


class UsagePageOut(BaseModel):
    events: list[UsageEventOut]
    # Pass as ``cursor`` for the next (older) page; null on the last page.
    next_cursor: str | None


class ToolUsageOut(BaseModel):
    tool: str
    calls: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float

    @classmethod
    def of(cls, usage: ToolUsage) -> ToolUsageOut:
        return cls(
            tool=usage.tool,
            calls=usage.calls,
            errors=usage.errors,
            p50_ms=usage.p50_ms,
            p90_ms=usage.p90_ms,
            p99_ms=usage.p99_ms,
        )


class UsageSummaryOut(BaseModel):
    since: dt.datetime | None
    until: dt.datetime | None
    tools: list[ToolUsageOut]


class LimitsStateOut(BaseModel):
    """The workspace's plan limits and where this billing month stands."""

    plan: str
    plan_title: str
    requests_per_minute: int
    month: str
    monthly_calls: int
    used: int
    remaining: int
    overage_billed: bool
    overage_calls: int
    exhausted: bool
    resets_at: dt.datetime

    @classmethod
    def of(cls, state: LimitsState) -> LimitsStateOut:
        return cls(
            plan=state.plan.value,
            plan_title=state.plan.plan.title,
            requests_per_minute=state.requests_per_minute,
            month=state.month,
            monthly_calls=state.monthly_calls,
            used=state.used,
            remaining=state.remaining,
            overage_billed=state.overage_billed,
            overage_calls=state.overage_calls,
            exhausted=state.exhausted,
            resets_at=state.resets_at,
        )


class AuditEntryOut(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    actor: str
    actor_account_id: uuid.UUID | None
    action: str
    target_kind: str
    target_id: str | None
    detail: dict[str, str]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            created_at=entry.created_at,
            actor=entry.actor.label,
            actor_account_id=entry.actor.account_id,
            action=entry.action,
            target_kind=entry.target_kind,
            target_id=entry.target_id,
            detail=dict(entry.detail),
        )


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    next_cursor: str | None


class ErasureOut(BaseModel):
    workspace_id: uuid.UUID
    status: Literal["pending_deletion"]
    requested_at: dt.datetime
    detail: str


class AdminWorkspaceOut(BaseModel):
    id: uuid.UUID
    name: str
    plan: str
    status: str
    created_at: dt.datetime

    @classmethod
    def of(cls, workspace: Workspace) -> AdminWorkspaceOut:
        return cls(
            id=workspace.id,
            name=workspace.name,
            plan=workspace.plan.value,
            status=workspace.status.value,
            created_at=workspace.created_at,
        )


class AdminWorkspacePageOut(BaseModel):
    workspaces: list[AdminWorkspaceOut]
    next_cursor: str | None


class AdminOverviewOut(BaseModel):
    workspace: AdminWorkspaceOut
    platforms: list[Platform]
    connections: int
    active_keys: int
    members: int
