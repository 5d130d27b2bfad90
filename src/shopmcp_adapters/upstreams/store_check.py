"""The SSRF guard at connect time: a store address the merchant names (a Magento or Neto store
URL) is resolved and vetted with the same :class:`HostGuard` the upstream clients connect
through, so a private, loopback, link-local or unresolvable address is refused before it is
stored, in one message whatever the reason. The connect-time check in every client's network
backend stays: DNS can change after a store was connected."""

from __future__ import annotations

import httpx

from shopmcp_adapters.upstreams.host_guard import HostGuard, UnsafeUpstreamAddress
from shopmcp_adapters.upstreams.platforms import package_for
from shopmcp_domain.errors import StoreAddressRefused
from shopmcp_domain.platforms import Platform


class GuardedStoreCheck:
    """Implements :class:`~shopmcp_domain.ports.StoreAddressCheck`."""

    def __init__(self, guard: HostGuard) -> None:
        self._guard = guard

    async def check(self, platform: Platform, store_ref: str) -> None:
        package = package_for(platform)
        if package.store_origin is None:
            return
        origin = httpx.URL(package.store_origin(store_ref))
        host = origin.raw_host.decode("ascii")
        try:
            await self._guard.check(host, origin.port or 443)
        except UnsafeUpstreamAddress as refused:
            raise StoreAddressRefused(platform.value, str(refused)) from None
