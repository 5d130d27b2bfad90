"""A connect-time store check with a fixed list of refused store references (the fake of
``StoreAddressCheck``; the real one resolves and vets with the SSRF guard)."""

from __future__ import annotations

from shopmcp_domain.errors import StoreAddressRefused
from shopmcp_domain.platforms import Platform


class FakeStoreCheck:
    def __init__(self, refused: frozenset[str] = frozenset()) -> None:
        self.refused = refused
        self.checked: list[tuple[Platform, str]] = []

    async def check(self, platform: Platform, store_ref: str) -> None:
        self.checked.append((platform, store_ref))
        if store_ref in self.refused:
            raise StoreAddressRefused(
                platform.value, "not a public internet address the gateway may connect to"
            )
