"""What the dashboard REST API needs from the composition root, resolved once. Here rather
than in ``http/`` so the container builds it without importing the HTTP layer."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from shopmcp_domain.accounts import AuthSecret
from shopmcp_domain.confirmation_ports import WriteApprovalReview
from shopmcp_domain.identity import AdminDirectory, EmailSender, IdentityStore
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaCounter
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialProbe,
    CredentialVault,
    StoreAddressCheck,
    TenantRepository,
)
from shopmcp_entrypoints.shopify_connect import ShopifyInstalls


@attrs.frozen
class DashboardPorts:
    clock: Clock
    # Units of work as shopmcp_tenant, one workspace each.
    tenants: TenantRepository
    # Accounts, sessions and sign-in codes (before any workspace is known).
    identity: IdentityStore
    # Cross-tenant, for staff: the owner side of the store.
    admin: AdminDirectory
    vault: CredentialVault = attrs.field(repr=False)
    mailer: EmailSender
    secret: AuthSecret = attrs.field(repr=False)
    probe: CredentialProbe
    # The connect-time SSRF check of a store address the merchant names.
    store_check: StoreAddressCheck
    shopify: ShopifyInstalls
    # Drops a workspace from this replica's scope cache once a change has committed (a
    # revoked key is refused on the very next request; other replicas learn by the feed).
    forget_scopes: Callable[[WorkspaceId], None]
    writes_locked: frozenset[Platform]
    signup_open: bool
    # Where MCP URLs point (the URL merchants paste).
    mcp_base_url: str
    # The monthly quota counts (the usage review's limits).
    quota: QuotaCounter
    # Pending writes of workspaces that approve writes on the dashboard (migration 0017).
    approvals: WriteApprovalReview
