"""The OAuth providers a merchant can connect through: every platform package's ``oauth``
(Xero's, Google's)."""

from __future__ import annotations

from shopmcp_adapters.upstreams.oauth2 import OAuthProvider
from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.platforms import Platform


def oauth_providers() -> dict[Platform, OAuthProvider]:
    """Each OAuth platform's provider."""
    return {p.platform: p.oauth for p in PACKAGES if p.oauth is not None}


def oauth_provider_for(platform: Platform | str) -> OAuthProvider | None:
    try:
        return oauth_providers().get(Platform(platform))
    except ValueError:
        return None
