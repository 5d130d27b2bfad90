"""The demo serves a BigCommerce sandbox and points the gateway at it: BigCommerce's client
reaches ``api.bigcommerce.com`` unless ``upstream_base_urls`` names the sandbox's origin, and the
demo connection keeps a store hash (the sandbox's) as its store reference."""

from __future__ import annotations

from pathlib import Path

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.demo.runner import SANDBOXES, SandboxStores
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import STORE_HASH
from shopmcp_entrypoints.demo.servers import LocalTls
from shopmcp_entrypoints.settings import Settings


def _stores(tmp_path: Path) -> SandboxStores:
    tls = LocalTls(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    return SandboxStores(
        tls=tls,
        origins={
            Platform.SHOPIFY: "https://127.0.0.1:40001",
            Platform.BIGCOMMERCE: "https://127.0.0.1:40003",
            Platform.MAGENTO: "https://127.0.0.1:40002",
        },
        tokens={},
    )


def test_the_demo_runs_a_bigcommerce_sandbox() -> None:
    assert Platform.BIGCOMMERCE in dict(SANDBOXES)


def test_the_gateway_reaches_bigcommerce_through_the_sandbox_origin(tmp_path: Path) -> None:
    settings = _stores(tmp_path).gateway_settings(Settings(data_dir=tmp_path))
    assert settings.upstream_base_urls == {
        Platform.SHOPIFY: "https://127.0.0.1:40001",
        Platform.BIGCOMMERCE: "https://127.0.0.1:40003",
    }
    assert "127.0.0.1:40003" in settings.upstream_allowed_hosts


def test_the_demo_connection_names_the_sandbox_store_hash(tmp_path: Path) -> None:
    stores = _stores(tmp_path)
    assert stores.store_ref(Platform.BIGCOMMERCE) == STORE_HASH
    assert BIGCOMMERCE.check_store_ref(STORE_HASH) == STORE_HASH
    assert stores.store_ref(Platform.MAGENTO) == "https://127.0.0.1:40002"
