"""The demo exempts exactly its sandboxes' loopback origins from the SSRF guard: the
``127.0.0.1:<port>`` of each sandbox, not loopback as a whole."""

from __future__ import annotations

from pathlib import Path

from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.call_resources import _host_guard
from shopmcp_entrypoints.demo.runner import SandboxStores
from shopmcp_entrypoints.demo.servers import LocalTls
from shopmcp_entrypoints.settings import Settings


def test_the_demo_allow_lists_exactly_its_sandbox_ports(tmp_path: Path) -> None:
    tls = LocalTls(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    stores = SandboxStores(
        tls=tls,
        origins={
            Platform.SHOPIFY: "https://127.0.0.1:40001",
            Platform.MAGENTO: "https://127.0.0.1:40002",
        },
        tokens={},
    )
    settings = stores.gateway_settings(Settings(data_dir=tmp_path))
    assert settings.upstream_allowed_hosts == ["127.0.0.1:40001", "127.0.0.1:40002"]
    guard = _host_guard(settings)
    assert guard.allows("127.0.0.1", 40001) and guard.allows("127.0.0.1", 40002)
    assert not guard.allows("127.0.0.1", 5432)  # PostgreSQL on the same machine
    assert not guard.allows("localhost", 40001)
