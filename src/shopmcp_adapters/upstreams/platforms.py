"""The only list of platforms: one package per platform, in the order help texts show them.

A :class:`~shopmcp_domain.platforms.Platform` value without a package here is refused
everywhere with the one message of :class:`PlatformUnavailable`: connecting, opting in to
writes, scoping a key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.package import PlatformPackage
from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_domain.errors import PlatformUnavailable
from shopmcp_domain.platforms import Platform

PACKAGES: tuple[PlatformPackage[Any], ...] = (SHOPIFY, BIGCOMMERCE, MAGENTO, NETO, XERO, GOOGLE)

_BY_PLATFORM: dict[Platform, PlatformPackage[Any]] = {p.platform: p for p in PACKAGES}
AVAILABLE: tuple[Platform, ...] = tuple(_BY_PLATFORM)


def package_for(platform: Platform | str) -> PlatformPackage[Any]:
    """The package of a platform (given as the enum or its name), or
    :class:`PlatformUnavailable` for one that has no package yet or does not exist."""
    try:
        key = Platform(platform)
    except ValueError:
        raise PlatformUnavailable(str(platform)[:40], AVAILABLE) from None
    package = _BY_PLATFORM.get(key)
    if package is None:
        raise PlatformUnavailable(key.value, AVAILABLE)
    return package


def writes_locked(unlocked: Iterable[Platform] = ()) -> frozenset[Platform]:
    """The platforms whose write tools stay hidden whatever a workspace opts in to: those whose
    package declares its writes operator-locked, less the ones the operator ``unlocked``."""
    return frozenset(p.platform for p in PACKAGES if p.writes_operator_locked) - set(unlocked)


def platform_names() -> dict[Platform, str]:
    """Each platform's name as merchants read it (the package's display name)."""
    return {p.platform: p.display_name for p in PACKAGES}
