"""A fake authorization server on loopback HTTPS (a throwaway ``trustme`` CA), served by uvicorn
in the test's event loop, so other processes can reach it too.

* ``https_fake(platform, **fields)`` -> async context manager yielding a :class:`ServedFake`:
  the fake, its origin (``https://127.0.0.1:<port>``) and the CA bundle that verifies it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import attrs
import pytest
import trustme
import uvicorn

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_domain.platforms import Platform
from tests.oauth_fakes import FakeAuthorizationServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@attrs.define
class ServedFake:
    fake: FakeAuthorizationServer
    port: int
    ca_bundle: Path

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def allowed_host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def http(self, platform: str = "xero") -> UpstreamHttp:
        """The shared policy, trusting the test CA and allowing only this loopback port."""
        guard = HostGuard(allowed_hosts=frozenset({self.allowed_host}))
        client = build_async_client(ca_bundle=str(self.ca_bundle), guard=guard)
        return UpstreamHttp(platform=platform, client=client, guard=guard)


@pytest.fixture
def https_fake(
    tmp_path: Path,
) -> Callable[..., AbstractAsyncContextManager[ServedFake]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca_path, cert_path, key_path = (tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca.cert_pem.write_to_path(str(ca_path))
    cert.private_key_pem.write_to_path(str(key_path))
    for i, pem in enumerate(cert.cert_chain_pems):
        pem.write_to_path(str(cert_path), append=i > 0)

    @contextlib.asynccontextmanager
    async def serve(platform: Platform, **fields: Any) -> AsyncIterator[ServedFake]:
        fake = FakeAuthorizationServer(platform, **fields)
        port = free_port()
        config = uvicorn.Config(
            fake.app(),
            host="127.0.0.1",
            port=port,
            ssl_certfile=str(cert_path),
            ssl_keyfile=str(key_path),
            log_config=None,
            access_log=False,
            lifespan="off",
            # Clients in the tests keep idle connections open; do not wait for them.
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        try:
            for _ in range(500):
                if server.started or task.done():
                    break
                await asyncio.sleep(0.01)
            assert server.started, "the fake authorization server did not start"
            yield ServedFake(fake, port, ca_path)
        finally:
            server.should_exit = True
            await task

    return serve
