"""Loopback servers for the demo and the end-to-end tests: a local CA (``trustme``) issuing
the sandbox's certificate, and uvicorn servers started and stopped inside the caller's loop.

The gateway trusts the local CA through ``SHOPMCP_UPSTREAM_CA_BUNDLE``: TLS verification stays
on; only the set of trusted roots grows, for the gateway process alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
import trustme
import uvicorn

from shopmcp_entrypoints.lifecycle import ManagedServer

LOOPBACK = "127.0.0.1"


@attrs.frozen
class LocalTls:
    ca_bundle: Path
    certfile: Path
    keyfile: Path


def issue_local_tls(directory: Path, hosts: tuple[str, ...] = (LOOPBACK, "localhost")) -> LocalTls:
    """A fresh CA and one server certificate for ``hosts``, written under ``directory``
    (the private key with mode 0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert(*hosts)
    tls = LocalTls(
        ca_bundle=directory / "sandbox-ca.pem",
        certfile=directory / "sandbox-cert.pem",
        keyfile=directory / "sandbox-key.pem",
    )
    ca.cert_pem.write_to_path(str(tls.ca_bundle))
    cert.cert_chain_pems[0].write_to_path(str(tls.certfile))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(tls.certfile), append=True)
    tls.keyfile.touch(mode=0o600)
    cert.private_key_pem.write_to_path(str(tls.keyfile))
    return tls


def loopback_socket(port: int = 0) -> socket.socket:
    # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off only on sockets it
    # can tell are TCP, and uvicorn writes headers and body separately (a 40 ms stall each).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    return sock


@attrs.frozen
class Running:
    port: int
    task: asyncio.Task[None] = attrs.field(repr=False)

    @property
    def origin(self) -> str:
        return f"{LOOPBACK}:{self.port}"


@asynccontextmanager
async def serve_asgi(
    app: Any, *, port: int = 0, tls: LocalTls | None = None, log_level: str = "warning"
) -> AsyncIterator[Running]:
    """Serve ``app`` on loopback until the block ends (HTTPS when ``tls`` is given). Signals
    are left to the caller (several servers share one loop)."""
    sock = loopback_socket(port)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        log_config=None,  # keep the redacting handler configure_logging installed
        access_log=False,
        lifespan="auto",
        ssl_certfile=str(tls.certfile) if tls else None,
        ssl_keyfile=str(tls.keyfile) if tls else None,
    )
    server = ManagedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("server stopped during start-up")
            await asyncio.sleep(0.02)
        yield Running(port=sock.getsockname()[1], task=task)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
