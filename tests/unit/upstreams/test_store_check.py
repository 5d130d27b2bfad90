"""SSRF refused when connecting, not only when calling: every store address the security
review named is refused before anything is stored, in one message whether the name resolves to
a private address or does not resolve at all. (Numeric forms resolve locally, with no DNS.)"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.platforms import package_for
from shopmcp_adapters.upstreams.store_check import GuardedStoreCheck
from shopmcp_domain.errors import StoreAddressRefused
from shopmcp_domain.platforms import Platform

HOSTILE = [
    "https://localhost",
    "https://[::ffff:127.0.0.1]",
    "https://2130706433",
    "https://0x7f.0.0.1",
    "https://127.1",
    "https://0.0.0.0",
    "https://169.254.169.254",
    "https://10.0.0.1",
    "https://100.64.0.1",
    "https://[64:ff9b::7f00:1]",
    "https://[::1]",
    "https://127.0.0.1:8443",
    "https://internal.example",
    "https://nowhere.invalid",
]
NAMES = {"internal.example": ["10.1.2.3"], "shop.example.com": ["93.184.215.14"]}


async def _resolve(host: str, port: int) -> list[str]:
    if host in NAMES:
        return NAMES[host]
    if host.endswith((".example", ".invalid", ".com")):
        raise OSError("no such name")
    # Numeric and local forms as the system resolves them (inet_aton and /etc/hosts).
    from shopmcp_adapters.upstreams.host_guard import system_resolver

    return await system_resolver(host, port)


def guard(allowed: Sequence[str] = ()) -> GuardedStoreCheck:
    return GuardedStoreCheck(HostGuard(allowed_hosts=frozenset(allowed), resolver=_resolve))


@pytest.mark.parametrize("platform", [Platform.MAGENTO, Platform.NETO])
@pytest.mark.parametrize("ref", HOSTILE)
async def test_a_non_public_store_address_is_refused_when_connecting(
    platform: Platform, ref: str
) -> None:
    store_ref = package_for(platform).check_store_ref(ref)
    with pytest.raises(StoreAddressRefused) as refused:
        await guard().check(platform, store_ref)
    assert refused.value.message.endswith(
        "is not a public internet address the gateway may connect to"
    )


async def test_private_and_unresolvable_read_the_same() -> None:
    messages = []
    for host in ("internal.example", "nowhere.invalid"):
        with pytest.raises(StoreAddressRefused) as refused:
            await guard().check(Platform.MAGENTO, f"https://{host}")
        messages.append(refused.value.message.replace(host, "HOST"))
    assert messages[0] == messages[1]


async def test_a_public_store_and_an_allow_listed_sandbox_are_accepted() -> None:
    await guard().check(Platform.MAGENTO, "https://shop.example.com")
    await guard(["127.0.0.1:8443"]).check(Platform.MAGENTO, "https://127.0.0.1:8443")


@pytest.mark.parametrize(
    ("platform", "ref"),
    [(Platform.SHOPIFY, "acme.myshopify.com"), (Platform.BIGCOMMERCE, "abc123")],
)
async def test_platforms_with_a_fixed_host_need_no_resolution(platform: Platform, ref: str) -> None:
    await guard().check(platform, ref)
