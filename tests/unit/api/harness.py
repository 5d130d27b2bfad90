"""The dashboard API on the in-memory fakes, in process (no socket): the gateway app with its
lifespan, a mailer that keeps what it sent, a probe that accepts every credential unless told
otherwise, and helpers that sign in the way a person does (ask for a code, read the mail,
redeem it)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import attrs
import httpx2
from dependency_injector import providers
from litestar import Litestar
from pydantic import SecretStr

from shopmcp_adapters.memory import FakeStoreCheck, OutboxMailer
from shopmcp_domain.accounts import AuthSecret
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.dashboard_errors import ProbeFailed
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.container import (
    Container,
    build_container,
)
from shopmcp_entrypoints.http.app import create_app
from tests.asgi import asgi_app
from tests.factories import World
from tests.unit.entrypoints.harness import BASE, lifespan, settings, wire_world

AUTH_SECRET = b"auth-secret-for-the-api-tests-0123456789"
JSON = {"content-type": "application/json"}
_CODE = re.compile(r"sign-in code is (\d{8})")


@attrs.define
class FakeProbe:
    """A ``CredentialProbe``: every credential works, except for stores told otherwise."""

    refusals: dict[str, str] = attrs.Factory(dict)
    probed: list[tuple[Platform, str]] = attrs.Factory(list)

    async def probe(
        self, platform: Platform, store_ref: str, credentials: CredentialPayload
    ) -> CredentialPayload:
        self.probed.append((platform, store_ref))
        if store_ref in self.refusals:
            raise ProbeFailed(platform.value, self.refusals[store_ref])
        return credentials


@attrs.define
class Api:
    world: World
    app: Litestar
    http: httpx2.AsyncClient
    mailer: OutboxMailer
    probe: FakeProbe
    store_check: FakeStoreCheck

    def last_code(self, email: str) -> str:
        message = next(m for m in reversed(self.mailer.sent) if m.to == email)
        found = _CODE.search(message.text)
        assert found is not None, message.subject
        return found.group(1)

    async def sign_in(self, email: str) -> str:
        """A session token for ``email`` (its account is made by the first sign-in)."""
        sent = await self.http.post("/api/v1/auth/code", json={"email": email})
        assert sent.status_code == 202, sent.text
        opened = await self.http.post(
            "/api/v1/auth/session", json={"email": email, "code": self.last_code(email)}
        )
        assert opened.status_code == 201, opened.text
        token: str = opened.json()["token"]
        self.http.cookies.clear()  # scripts use the bearer token; cookie tests set their own
        return token

    async def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx2.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def workspace(self, token: str, name: str = "Acme") -> str:
        created = await self.call("POST", "/api/v1/workspaces", token, json={"name": name})
        assert created.status_code == 201, created.text
        workspace_id: str = created.json()["id"]
        return workspace_id


@asynccontextmanager
async def running_api(
    world: World | None = None,
    configure: Callable[[Container], None] | None = None,
    **overrides: Any,
) -> AsyncIterator[Api]:
    """``configure`` overrides more of the container (after the fakes are wired)."""
    world = world or World()
    values: dict[str, Any] = {
        "signup_open": True,
        "max_request_bytes": 1_048_576,
        "oauth_state_secret": SecretStr("state-secret-for-the-api-tests-0123456789"),
        **overrides,
    }
    container = build_container(settings(**values))
    wire_world(container, world)
    mailer = OutboxMailer()
    probe = FakeProbe()
    store_check = FakeStoreCheck()
    container.identity.override(providers.Object(world.store))
    container.admin_directory.override(providers.Object(world.store))
    container.mailer.override(providers.Object(mailer))
    container.auth_secret.override(providers.Object(AuthSecret(AUTH_SECRET)))
    container.credential_probe.override(providers.Object(probe))
    # No DNS in unit tests: a store address is refused only when a test says so.
    container.store_check.override(providers.Object(store_check))
    container.http_clients.override(providers.Object({p: None for p in Platform}))
    if configure is not None:
        configure(container)
    app = create_app(container.settings(), container)
    async with lifespan(app):
        transport = httpx2.ASGITransport(app=asgi_app(app))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
            yield Api(
                world=world,
                app=app,
                http=http,
                mailer=mailer,
                probe=probe,
                store_check=store_check,
            )
