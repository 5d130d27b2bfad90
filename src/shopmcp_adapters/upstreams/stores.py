"""Checking a store reference when a merchant connects it, with each platform's own rules, so
a typo is refused at `connect` time with a clear message instead of failing on every call.

Each check is the one its client applies before every request; this module only routes to it.
"""

from __future__ import annotations

from collections.abc import Callable

from shopmcp_domain.errors import ConnectionUnavailable
from shopmcp_domain.platforms import Platform


class InvalidStoreReference(ValueError):
    pass


def _shopify(ref: str) -> str:
    from shopmcp_adapters.upstreams.shopify.client import validate_shop_domain

    return validate_shop_domain(ref.strip().lower())


def _bigcommerce(ref: str) -> str:
    from shopmcp_adapters.upstreams.bigcommerce.client import validate_store_hash

    return validate_store_hash(ref.strip())


def _magento(ref: str) -> str:
    from shopmcp_adapters.upstreams.magento.client import StoreAddress

    ref = ref.strip().rstrip("/")
    StoreAddress.parse(ref)
    return ref


_CHECKS: dict[Platform, Callable[[str], str]] = {
    Platform.SHOPIFY: _shopify,
    Platform.BIGCOMMERCE: _bigcommerce,
    Platform.MAGENTO: _magento,
}

SUPPORTED_PLATFORMS: tuple[Platform, ...] = tuple(_CHECKS)


def validate_store_ref(platform: Platform, ref: str) -> str:
    """The normalised store reference, or :class:`InvalidStoreReference` saying why not."""
    check = _CHECKS.get(platform)
    if check is None:
        supported = ", ".join(p.value for p in SUPPORTED_PLATFORMS)
        raise InvalidStoreReference(
            f"{platform.value} has no tool module yet (supported: {supported})"
        )
    try:
        return check(ref)
    except ConnectionUnavailable as error:
        raise InvalidStoreReference(error.message) from None
    except ValueError as error:
        raise InvalidStoreReference(f"{platform.value}: {error}") from None
