"""The OAuth providers a merchant can connect through: every platform package's ``oauth``
(Google's), and until its tool package lands, Xero's description on its own (a platform with
no tools cannot be registered in ``upstreams.platforms``, but its connect flow can run so the
package's authors build on it)."""

from __future__ import annotations

from shopmcp_adapters.upstreams.oauth2 import OAuthProvider
from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH
from shopmcp_domain.platforms import Platform

_WITHOUT_PACKAGE = (XERO_OAUTH,)


def oauth_providers() -> dict[Platform, OAuthProvider]:
    """Each OAuth platform's provider; a package's own description wins."""
    providers = {provider.platform: provider for provider in _WITHOUT_PACKAGE}
    providers.update({p.platform: p.oauth for p in PACKAGES if p.oauth is not None})
    return providers


def oauth_provider_for(platform: Platform | str) -> OAuthProvider | None:
    try:
        return oauth_providers().get(Platform(platform))
    except ValueError:
        return None
