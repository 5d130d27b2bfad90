"""A workspace's link to one store on one platform, and the credential that opens it."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from shopmcp_domain.credentials import FIRST_GENERATION, EncryptionContext, valid_generation
from shopmcp_domain.ids import ConnectionId, CredentialId, WorkspaceId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.text import check_plain_text


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    NEEDS_REAUTH = "needs_reauth"
    DISABLED = "disabled"


def _store_ref(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value or len(value) > 255 or any(ch.isspace() for ch in value):
        raise ValueError("store reference must be 1-255 characters without whitespace")
    check_plain_text(value, what="store reference", max_chars=255)


def _display_name(_: object, __: attrs.Attribute[str], value: str) -> None:
    check_plain_text(value, what="connection name", max_chars=200)


@attrs.frozen
class Connection:
    """``store_ref`` names the store as its platform does: a myshopify domain, a BigCommerce
    store hash, a Magento base URL.

    ``credential_generation`` is the generation of the credential's current sealing (see
    :mod:`shopmcp_domain.credentials`); opening refuses any older sealing found in the
    credential row, so a rotated token cannot be rolled back by rewriting that row alone."""

    id: ConnectionId
    workspace_id: WorkspaceId
    platform: Platform
    store_ref: str = attrs.field(validator=_store_ref)
    credential_id: CredentialId
    created_at: dt.datetime
    scopes: frozenset[str] = frozenset()
    status: ConnectionStatus = ConnectionStatus.ACTIVE
    display_name: str = attrs.field(default="", validator=_display_name)
    credential_generation: int = attrs.field(default=FIRST_GENERATION, validator=valid_generation)

    @property
    def label(self) -> str:
        """What the merchant recognises the store by: the display name when set, else the
        store reference. Unique per platform within a workspace (checked when connecting), so
        a tool's ``store`` argument can name a connection by it."""
        return self.display_name or self.store_ref

    @property
    def is_usable(self) -> bool:
        return self.status is ConnectionStatus.ACTIVE

    @property
    def credential_context(self) -> EncryptionContext:
        """The context its credential is opened with: the ids and the generation this row
        records (never the credential row's own claim)."""
        return EncryptionContext(
            workspace_id=self.workspace_id,
            credential_id=self.credential_id,
            generation=self.credential_generation,
        )

    def with_status(self, status: ConnectionStatus) -> Connection:
        return attrs.evolve(self, status=status)
