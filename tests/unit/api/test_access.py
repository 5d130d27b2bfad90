"""Who may call what, generated from the app's own route table, so a new route is covered the
moment it exists: every workspace route answers 404 (never 403) to a member of another
workspace, 403 to a member whose role is below the route's, 401 without a session; every
route but the public ones needs a session; and every refusal is an RFC 9457 problem."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest
from litestar import Litestar
from pydantic import BaseModel

from shopmcp_domain.accounts import Role
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import PlaybookDefinition, PlaybookExport
from shopmcp_entrypoints.http.api import WORKSPACE_PREFIX
from shopmcp_entrypoints.http.api.approvals import WriteApprovalUpdate
from shopmcp_entrypoints.http.api.auth import ROLE_OPT
from shopmcp_entrypoints.http.api.schemas import (
    CodeRequest,
    ConfirmationUpdate,
    ConnectRequest,
    CredentialReplace,
    KeyCreate,
    MemberAdd,
    MemberUpdate,
    ShopifyInstallRequest,
    SignInRequest,
    WorkspaceCreate,
    WorkspaceUpdate,
    WritesUpdate,
)
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings
from tests.unit.api.harness import Api, running_api

# A valid body for every request model, so a refusal is never a validation error first. A
# route with a body model missing here fails test_every_body_model_has_an_example.
EXAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    WorkspaceCreate: {"name": "Other"},
    WorkspaceUpdate: {"name": "Renamed"},
    MemberAdd: {"email": "someone@example.com", "role": "viewer"},
    MemberUpdate: {"role": "admin"},
    ConnectRequest: {
        "platform": "shopify",
        "store": "other.myshopify.com",
        "credentials": {"access_token": "shpat_x"},
    },
    CredentialReplace: {"credentials": {"access_token": "shpat_y"}},
    ShopifyInstallRequest: {"shop": "other.myshopify.com"},
    KeyCreate: {"name": "k"},
    WritesUpdate: {"enabled": True},
    ConfirmationUpdate: {"enabled": False},
    WriteApprovalUpdate: {"mode": "dashboard"},
    CodeRequest: {"email": "someone@example.com"},
    SignInRequest: {"email": "someone@example.com", "code": "00000000"},
    PlaybookDefinition: {"name": "p", "template": "Hello"},
    PlaybookExport: {"playbooks": [{"name": "p", "template": "Hello"}]},
}
PUBLIC = {
    ("POST", "/api/v1/auth/code"),
    ("POST", "/api/v1/auth/session"),
    ("GET", "/api/v1/platforms"),
    ("GET", "/health"),
}


@attrs.frozen
class Route:
    method: str
    path: str
    role: Role | None
    body: type[BaseModel] | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def route_table(app: Litestar) -> list[Route]:
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            methods = set(handler.http_methods) - {"OPTIONS", "HEAD"}
            if not methods or not route.path.startswith("/api/"):
                continue
            data = handler.parsed_fn_signature.parameters.get("data")
            body = data.annotation if data is not None else None
            for method in methods:
                routes.append(Route(method, route.path, handler.opt.get(ROLE_OPT), body))
    return sorted(routes, key=str)


ROUTES = route_table(create_app(Settings()))
WORKSPACE_ROUTES = [r for r in ROUTES if r.path.startswith(WORKSPACE_PREFIX)]


def test_the_route_table_is_read() -> None:
    assert len(WORKSPACE_ROUTES) >= 20
    assert all(r.role is not None for r in WORKSPACE_ROUTES)


def test_every_body_model_has_an_example() -> None:
    assert {r.body for r in ROUTES if r.body is not None} <= set(EXAMPLES)


@attrs.frozen
class Tenant:
    workspace: str
    owner: str
    owner_id: str
    connection: str
    key_prefix: str


@attrs.define
class Two:
    api: Api
    a: Tenant
    b: Tenant
    tokens: dict[Role, str]


async def _tenant(api: Api, email: str) -> Tenant:
    token = await api.sign_in(email)
    workspace = await api.workspace(token)
    connected = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/connections",
        token,
        json={
            "platform": "shopify",
            "store": f"{email.split('@')[0]}.myshopify.com",
            "credentials": {"access_token": "shpat_x"},
        },
    )
    key = await api.call("POST", f"/api/v1/workspaces/{workspace}/keys", token, json={})
    me = await api.call("GET", "/api/v1/session", token)
    return Tenant(
        workspace,
        token,
        me.json()["account"]["id"],
        connected.json()["connection"]["id"],
        key.json()["key"]["prefix"],
    )


@pytest.fixture(scope="module")
async def two() -> AsyncIterator[Two]:
    async with running_api() as api:
        a = await _tenant(api, "alice@example.com")
        b = await _tenant(api, "bob@example.com")
        tokens = {Role.OWNER: a.owner}
        for role in (Role.ADMIN, Role.VIEWER):
            email = f"{role.value}@example.com"
            added = await api.call(
                "POST",
                f"/api/v1/workspaces/{a.workspace}/members",
                a.owner,
                json={"email": email, "role": role.value},
            )
            assert added.status_code == 201, added.text
            tokens[role] = await api.sign_in(email)
        yield Two(api, a, b, tokens)


def url(route: Route, target: Tenant) -> str:
    values = {
        "workspace_id": target.workspace,
        "connection_id": target.connection,
        "account_id": target.owner_id,
        "prefix": target.key_prefix,
        "platform": Platform.SHOPIFY.value,
        "session_id": str(uuid.uuid4()),
        "name": "weekly",
        "key": "low-stock",
        "approval_id": str(uuid.uuid4()),
        "version": "1",
    }
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], route.path)


def assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:shopmcp:problem:")
    assert {"title", "detail", "code"} <= set(body)


async def send(two: Two, route: Route, target: Tenant, token: str | None) -> Any:
    body = EXAMPLES[route.body] if route.body is not None else None
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    return await two.api.call(route.method, url(route, target), token, **kwargs)


@pytest.mark.parametrize("route", WORKSPACE_ROUTES, ids=str)
async def test_a_member_of_another_workspace_gets_404(two: Two, route: Route) -> None:
    # Alice owns A: to her, B does not exist, whatever the route and however high her role.
    assert_problem(await send(two, route, two.b, two.a.owner), 404)


@pytest.mark.parametrize("route", WORKSPACE_ROUTES, ids=str)
async def test_a_workspace_that_does_not_exist_gets_the_same_404(two: Two, route: Route) -> None:
    missing = attrs.evolve(two.b, workspace=str(uuid.uuid4()))
    mine = await send(two, route, missing, two.a.owner)
    assert_problem(mine, 404)
    theirs = await send(two, route, two.b, two.a.owner)
    assert mine.json() == theirs.json()


@pytest.mark.parametrize(
    ("route", "role"),
    [
        (route, role)
        for route in WORKSPACE_ROUTES
        for role in (Role.VIEWER, Role.ADMIN)
        if route.role is not None and not role.allows(route.role)
    ],
    ids=lambda v: str(v),
)
async def test_a_role_below_the_routes_is_refused_403(two: Two, route: Route, role: Role) -> None:
    assert_problem(await send(two, route, two.a, two.tokens[role]), 403)


def test_a_viewer_cannot_create_keys_or_enable_writes() -> None:
    needs = {(r.method, r.path.rsplit("/", 1)[-1]): r.role for r in WORKSPACE_ROUTES}
    assert needs[("POST", "keys")] is Role.ADMIN
    assert needs[("PUT", "{platform:str}")] is Role.ADMIN


@pytest.mark.parametrize("route", [r for r in ROUTES if (r.method, r.path) not in PUBLIC], ids=str)
async def test_every_other_route_needs_a_session(two: Two, route: Route) -> None:
    assert_problem(await send(two, route, two.a, None), 401)
    assert_problem(await send(two, route, two.a, "smss_" + "x" * 43), 401)


async def test_unknown_routes_and_methods_are_problems_too(two: Two) -> None:
    assert_problem(await two.api.call("GET", "/api/v1/nothing-here"), 404)
    assert_problem(await two.api.call("PUT", "/api/v1/platforms"), 405)
    refused = await two.api.call(
        "POST",
        "/api/v1/workspaces",
        two.a.owner,
        content=b"name=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_problem(refused, 415)
    assert_problem(
        await two.api.call("POST", "/api/v1/workspaces", two.a.owner, json={"name": ""}), 400
    )
