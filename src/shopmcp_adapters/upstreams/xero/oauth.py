"""Xero's OAuth 2.0 provider (``xero-identity.yaml``, Xero-OpenAPI 16.1.0).

A grant covers the organisations the merchant ticked on Xero's consent screen; each is a
*tenant*, listed by ``GET https://api.xero.com/connections`` and named on every API request by
the ``xero-tenant-id`` header. A connection's ``store_ref`` is the tenant id and its display
name the organisation's name. The listing is narrowed to this authorisation's tenants with
``authEventId``, the ``authentication_event_id`` claim of the access token just received, so
organisations the same Xero user authorised earlier (perhaps for another workspace) are never
picked up; a token without the claim lists every tenant. Only ``ORGANISATION`` tenants are
offered (``PRACTICE`` tenants have no accounting API).

Refresh tokens rotate on every refresh (the previous one stops working after a short grace
period), which is why one grant backs one connection: see
:func:`shopmcp_domain.oauth.choose_store`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Final

import attrs
import httpx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.oauth2 import (
    ClientAuthentication,
    OAuthProvider,
    TokenResponse,
    display_label,
    replace_origin,
    unverified_jwt_claims,
)
from shopmcp_domain.errors import UpstreamResponseInvalid
from shopmcp_domain.oauth import AuthorizedStore
from shopmcp_domain.platforms import Platform

AUTHORIZE_URL: Final = "https://login.xero.com/identity/connect/authorize"
TOKEN_URL: Final = "https://identity.xero.com/connect/token"  # noqa: S105 - a URL
CONNECTIONS_URL: Final = "https://api.xero.com/connections"
# Read-only accounting scopes for the read tools; offline_access is what yields a refresh token.
SCOPES: Final = (
    "offline_access",
    "accounting.transactions.read",
    "accounting.contacts.read",
    "accounting.reports.read",
    "accounting.settings.read",
)
# What the write tools need (a draft invoice, a contact's details), asked for only when the
# workspace has opted in to Xero writes before connecting.
WRITE_SCOPES: Final = ("accounting.transactions", "accounting.contacts")


class XeroTenant(BaseModel):
    """One entry of ``GET /connections`` (the ``Connection`` schema)."""

    model_config = ConfigDict(extra="ignore")

    tenant_id: uuid.UUID = Field(validation_alias="tenantId")
    tenant_type: str = Field(validation_alias="tenantType")
    tenant_name: str | None = Field(default=None, validation_alias="tenantName")


_TENANTS = TypeAdapter(list[XeroTenant])


def auth_event_id(access_token: str) -> str | None:
    claims = unverified_jwt_claims(access_token) or {}
    value = claims.get("authentication_event_id")
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


@attrs.frozen
class XeroOrganisations:
    """The organisations (tenants) a fresh Xero grant opens."""

    connections_url: str = CONNECTIONS_URL

    async def __call__(
        self, http: UpstreamHttp, tokens: TokenResponse, client_id: str
    ) -> Sequence[AuthorizedStore]:
        event = auth_event_id(tokens.access_token)
        response = await http.request(
            "GET",
            self.connections_url,
            idempotent=True,
            params=None if event is None else httpx.QueryParams({"authEventId": event}),
            headers={
                "Authorization": f"Bearer {tokens.access_token}",
                "Accept": "application/json",
            },
        )
        try:
            tenants = _TENANTS.validate_python(UpstreamHttp.json_body("xero", response))
        except ValidationError:
            raise UpstreamResponseInvalid(
                "xero", "the tenant list has an unexpected shape"
            ) from None
        return [
            AuthorizedStore(
                store_ref=str(tenant.tenant_id),
                display_name=display_label(tenant.tenant_name or str(tenant.tenant_id)),
            )
            for tenant in tenants
            if tenant.tenant_type == "ORGANISATION"
        ]

    def with_origin(self, origin: str) -> XeroOrganisations:
        return attrs.evolve(self, connections_url=replace_origin(self.connections_url, origin))


XERO_OAUTH: Final = OAuthProvider(
    platform=Platform.XERO,
    display_name="Xero",
    authorize_url=AUTHORIZE_URL,
    token_url=TOKEN_URL,
    scopes=SCOPES,
    discover_stores=XeroOrganisations(),
    client_authentication=ClientAuthentication.BASIC,
    store_hint="an organisation's Xero tenant id",
    write_scopes=WRITE_SCOPES,
)
