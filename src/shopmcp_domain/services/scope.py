"""The request scope: who is calling, what they may use, and their credentials, for exactly
one request. Entry points hold it in a ``contextvars.ContextVar``; nothing credential-bearing
lives at module level or outlives the request."""

from __future__ import annotations

import functools
import hmac

import attrs

from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.errors import (
    AuthenticationFailed,
    KeyOfErasedWorkspace,
)
from shopmcp_domain.ids import ConnectionId, CredentialId
from shopmcp_domain.keys import (
    DUMMY_SECRET_HASH,
    NO_SUCH_PREFIX,
    McpKey,
    ParsedToken,
    hash_secret,
    parse_token,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    CredentialLease,
    CredentialVault,
    ScopeSource,
    TenantRepository,
)
from shopmcp_domain.services.credentials import VaultCredentialLease
from shopmcp_domain.tools.policy import ToolPolicy, tool_policy
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.tools.stores import StoreChoice
from shopmcp_domain.workspaces import Workspace, WorkspaceStatus


@attrs.frozen(eq=False)
class RequestScope:
    """Immutable once authenticated. The two dicts are the request's credential cache, not
    state of the scope: sealed credentials read with it, and leases opened on first use; both
    are emptied by :meth:`close` when the request ends."""

    workspace: Workspace
    key: McpKey
    connections: tuple[Connection, ...]
    policy: ToolPolicy
    vault: CredentialVault = attrs.field(repr=False)
    tenants: TenantRepository = attrs.field(repr=False)
    # Sealed (never opened) credentials read with the scope, so a call needs no extra read.
    sealed_credentials: dict[CredentialId, SealedCredential] = attrs.field(factory=dict, repr=False)
    _leases: dict[ConnectionId, CredentialLease] = attrs.field(factory=dict, repr=False)

    @functools.cached_property
    def _stores(self) -> dict[Platform, StoreChoice]:
        platforms = {connection.platform for connection in self.connections}
        return {platform: StoreChoice.of(platform, self.connections) for platform in platforms}

    def stores(self, platform: Platform) -> StoreChoice:
        """The workspace's usable connections of ``platform``: what a tool's ``store``
        argument chooses from."""
        choice = self._stores.get(platform)
        return choice if choice is not None else StoreChoice(platform, ())

    def connection_for(self, tool: ToolSpec, store: object = None) -> Connection:
        """The connection a call of ``tool`` uses: the one ``store`` names (a label or a
        connection id), or the only one when ``store`` is None. ``InvalidArguments`` when
        ``store`` names none of them, or is missing while there are several."""
        return self.stores(tool.platform).resolve(tool.name, store)

    def lease(self, connection: Connection) -> CredentialLease:
        lease = self._leases.get(connection.id)
        if lease is None:
            lease = VaultCredentialLease(
                connection,
                self.vault,
                self.tenants,
                self.sealed_credentials.get(connection.credential_id),
            )
            self._leases[connection.id] = lease
        return lease

    def close(self) -> None:
        """Drop every opened credential."""
        self._leases.clear()
        self.sealed_credentials.clear()


def _parsed_or_none(token: str) -> ParsedToken | None:
    try:
        return parse_token(token)
    except AuthenticationFailed:
        return None


async def authenticate(
    token: str,
    scopes: ScopeSource,
    tenants: TenantRepository,
    vault: CredentialVault,
    registry: ToolRegistry,
    *,
    writes_locked: frozenset[Platform],
) -> RequestScope:
    """The presented token (as sent: possibly empty or malformed) -> the workspace's scope.
    ``writes_locked``: the platforms whose writes the operator has locked (see the policy).

    ``scopes`` answers with the key and everything the request needs in one read (or from a
    cache that drops a workspace's records when it changes); ``tenants`` serves what a request
    rarely does (a credential's rotation, the playbooks).

    Unknown, revoked, malformed and missing tokens all raise the same
    :class:`AuthenticationFailed` after the same work: one scope lookup (a malformed token
    looks up a prefix no key can have) and one constant-time hash comparison, so timing tells
    nothing the caller did not already know."""
    parsed = _parsed_or_none(token)
    prefix, secret = (parsed.prefix, parsed.secret) if parsed else (NO_SUCH_PREFIX, "")
    record = await scopes.load(prefix)
    key = record.key if record is not None else None
    expected = key.secret_hash if key is not None else DUMMY_SECRET_HASH
    secret_ok = hmac.compare_digest(expected, hash_secret(secret))
    if parsed is None or record is None or key is None or not secret_ok:
        raise AuthenticationFailed()
    if key.is_revoked:
        if record.workspace.status is WorkspaceStatus.PENDING_DELETION:
            raise KeyOfErasedWorkspace()
        raise AuthenticationFailed()
    workspace = record.workspace
    connections = record.connections
    return RequestScope(
        workspace=workspace,
        key=key,
        connections=connections,
        policy=tool_policy(
            registry, workspace, connections, key.scopes, writes_locked=writes_locked
        ),
        vault=vault,
        tenants=tenants,
        sealed_credentials=dict(record.credentials),
    )
