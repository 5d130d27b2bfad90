"""Store references are checked with the platform's own rules when a store is connected."""

import pytest

from shopmcp_adapters.upstreams.package import InvalidStoreReference
from shopmcp_adapters.upstreams.platforms import package_for
from shopmcp_domain.errors import PlatformUnavailable
from shopmcp_domain.platforms import Platform


@pytest.mark.parametrize(
    ("platform", "ref", "normalised"),
    [
        (Platform.SHOPIFY, " Acme-Store.myshopify.com ", "acme-store.myshopify.com"),
        (Platform.BIGCOMMERCE, "abc123", "abc123"),
        (Platform.MAGENTO, "https://shop.example.com/", "https://shop.example.com"),
        (
            Platform.MAGENTO,
            "https://shop.example.com/rest/default",
            "https://shop.example.com/rest/default",
        ),
        (Platform.NETO, " https://www.Shop.example.com.au/ ", "https://www.shop.example.com.au"),
        (Platform.NETO, "https://shop.example.com.au/do/WS/NetoAPI", "https://shop.example.com.au"),
        (Platform.GOOGLE, " 104857600000000000001 ", "104857600000000000001"),
    ],
)
def test_valid_references_are_normalised(platform: Platform, ref: str, normalised: str) -> None:
    assert package_for(platform).check_store_ref(ref) == normalised


@pytest.mark.parametrize(
    ("platform", "ref", "reason"),
    [
        (Platform.SHOPIFY, "acme.com", "myshopify.com"),
        (Platform.SHOPIFY, "acme.myshopify.com.evil.com", "myshopify.com"),
        (Platform.SHOPIFY, "https://acme.myshopify.com", "myshopify.com"),
        (Platform.BIGCOMMERCE, "../stores", "store hash"),
        (Platform.BIGCOMMERCE, "ABC 123", "store hash"),
        (Platform.MAGENTO, "http://shop.example.com", "https"),
        (Platform.MAGENTO, "https://user:pw@shop.example.com", "credentials"),
        (Platform.MAGENTO, "https://shop.example.com/?x=1", "query"),
        (Platform.MAGENTO, "https://shop.example.com/a/../b", "dot segment"),
        (Platform.NETO, "http://shop.example.com.au", "https"),
        (Platform.NETO, "https://user:pw@shop.example.com.au", "credentials"),
        (Platform.NETO, "https://shop.example.com.au/admin", "no path"),
        (Platform.GOOGLE, "", "subject id"),
        (Platform.GOOGLE, "1048 5760", "subject id"),
        (Platform.GOOGLE, "x" * 256, "subject id"),
    ],
)
def test_invalid_references_are_refused_with_the_reason(
    platform: Platform, ref: str, reason: str
) -> None:
    with pytest.raises(InvalidStoreReference, match=reason):
        package_for(platform).check_store_ref(ref)


@pytest.mark.parametrize("name", ["woocommerce", "SHOPIFY "])
def test_a_platform_without_a_package_is_refused_with_one_message(name: str) -> None:
    with pytest.raises(PlatformUnavailable) as caught:
        package_for(name)
    assert caught.value.message.endswith(
        "has no tool module yet (available: shopify, bigcommerce, magento, neto, xero, google)"
    )
