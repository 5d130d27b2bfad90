"""The operator write lock: ``SHOPMCP_WRITES_UNLOCKED_PLATFORMS`` -> settings -> the container's
locked set -> the tool policy and ``shopmcp writes enable``, which refuses (and records nothing)
while the operator has not unlocked the platform."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager

import pytest
from dependency_injector import providers
from pydantic import ValidationError
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_adapters.upstreams.platforms import writes_locked
from shopmcp_domain.errors import WritesLocked
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services import onboarding
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands import _admin
from shopmcp_entrypoints.container import (
    build_container,
    resolve,
)
from shopmcp_entrypoints.settings import Settings
from tests.confirming import call_confirmed
from tests.factories import World, read_spec, sample_registry, write_spec
from tests.unit.entrypoints.harness import Gateway, running_gateway

ENV = "SHOPMCP_WRITES_UNLOCKED_PLATFORMS"


def test_magento_and_neto_writes_are_locked_until_the_operator_unlocks_them() -> None:
    assert writes_locked() == {Platform.MAGENTO, Platform.NETO}
    assert writes_locked([Platform.MAGENTO]) == {Platform.NETO}
    assert writes_locked([Platform.MAGENTO, Platform.NETO]) == frozenset()
    # Unlocking a platform that is not locked has no effect.
    assert writes_locked([Platform.SHOPIFY]) == {Platform.MAGENTO, Platform.NETO}


def test_the_setting_is_a_json_list_of_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert Settings().writes_unlocked_platforms == []
    monkeypatch.setenv(ENV, '["magento"]')
    assert Settings().writes_unlocked_platforms == [Platform.MAGENTO]
    monkeypatch.setenv(ENV, '["magneto"]')
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("unlocked", "locked"),
    [
        ([], {Platform.MAGENTO, Platform.NETO}),
        ([Platform.MAGENTO], {Platform.NETO}),
        ([Platform.MAGENTO, Platform.NETO], set()),
    ],
)
async def test_the_container_computes_the_locked_set_once_from_the_setting(
    unlocked: list[Platform], locked: set[Platform]
) -> None:
    container = build_container(Settings(writes_unlocked_platforms=unlocked))
    first = await resolve(container.writes_locked)
    assert first == locked
    assert await resolve(container.writes_locked) is first


async def test_the_use_case_refuses_to_enable_locked_writes_and_records_nothing() -> None:
    store = InMemoryTenantStore()
    workspace = await onboarding.create_workspace(store, FakeClock(), "Acme")
    locked = frozenset({Platform.MAGENTO})
    with pytest.raises(WritesLocked, match="operator has locked write tools for magento"):
        await onboarding.set_writes(
            store, workspace.id, Platform.MAGENTO, True, writes_locked=locked
        )
    assert (await _workspace(store, workspace)).write_enabled == frozenset()
    # Other platforms, and disabling, are unaffected by the lock.
    await onboarding.set_writes(store, workspace.id, Platform.SHOPIFY, True, writes_locked=locked)
    await onboarding.set_writes(store, workspace.id, Platform.MAGENTO, False, writes_locked=locked)
    assert (await _workspace(store, workspace)).write_enabled == {Platform.SHOPIFY}
    unlocked = await onboarding.set_writes(
        store, workspace.id, Platform.MAGENTO, True, writes_locked=frozenset()
    )
    assert unlocked.write_enabled == {Platform.SHOPIFY, Platform.MAGENTO}


async def _workspace(store: InMemoryTenantStore, workspace: Workspace) -> Workspace:
    async with store.unit_of_work(workspace.id) as uow:
        current = await uow.workspaces.get()
    assert current is not None
    return current


# --------------------------------------------------------------------------- the CLI


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryTenantStore:
    """The CLI's own container (settings from the environment, as ``shopmcp`` reads them), with
    the tenant store, vault and clock replaced by the in-memory fakes."""
    tenants = InMemoryTenantStore()
    real_admin = _admin.admin

    def admin(settings: Settings) -> AbstractAsyncContextManager[_admin.Admin]:
        container = build_container(settings)
        container.tenants.override(providers.Object(tenants))
        container.vault.override(providers.Object(FakeVault()))
        container.clock.override(providers.Object(FakeClock()))
        return real_admin(settings, container)

    monkeypatch.setattr(_admin, "admin", admin)
    monkeypatch.delenv(ENV, raising=False)
    return tenants


def _new_workspace(store: InMemoryTenantStore) -> Workspace:
    return asyncio.run(onboarding.create_workspace(store, FakeClock(), "Acme"))


def _enable(workspace: Workspace, platform: str) -> object:
    args = ["writes", "enable", "--workspace", str(workspace.id), "--platform", platform]
    return CliRunner().invoke(app, args)


def test_writes_enable_on_a_locked_platform_says_the_operator_must_unlock_it(
    store: InMemoryTenantStore,
) -> None:
    workspace = _new_workspace(store)
    result = _enable(workspace, "magento")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "operator has locked write tools for magento" in output
    assert "must unlock" in output and ENV in output
    assert "Nothing was changed" in output
    assert "write tools enabled for" not in output
    assert asyncio.run(_workspace(store, workspace)).write_enabled == frozenset()


def test_writes_enable_works_once_the_operator_unlocked_the_platform(
    store: InMemoryTenantStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = _new_workspace(store)
    monkeypatch.setenv(ENV, '["magento"]')
    result = _enable(workspace, "magento")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "write tools enabled for: magento" in result.output  # type: ignore[attr-defined]
    assert asyncio.run(_workspace(store, workspace)).write_enabled == {Platform.MAGENTO}


def test_writes_enable_on_an_unlocked_platform_needs_no_operator_step(
    store: InMemoryTenantStore,
) -> None:
    workspace = _new_workspace(store)
    result = _enable(workspace, "shopify")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert asyncio.run(_workspace(store, workspace)).write_enabled == {Platform.SHOPIFY}


# --------------------------------------------------------------------------- through MCP


def thing(call: UpstreamCall) -> ToolOutput:
    args = call.arguments.model_dump()
    return ToolOutput(
        structured={"thing_id": args["thing_id"], "title": call.connection.store_ref}, text="ok"
    )


async def test_locked_magento_writes_are_hidden_even_after_opt_in(gateway: Gateway) -> None:
    """The harness's world starts with nothing unlocked, as a gateway does by default."""
    world = gateway.world
    assert world.writes_locked == {Platform.MAGENTO, Platform.NETO}
    world.upstream.answer("shopify_update_thing", thing)
    _, issued = await world.tenant(
        platforms=(Platform.SHOPIFY, Platform.MAGENTO),
        write_enabled=frozenset({Platform.SHOPIFY, Platform.MAGENTO}),
    )
    async with gateway.client(issued.token) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        refused = await client.call_tool("magento_update_thing", {"thing_id": 1, "title": "x"})
    assert "magento_update_thing" not in names
    assert "shopify_update_thing" in names
    assert refused.is_error
    assert "operator has locked write tools for magento" in refused.content[0].text  # type: ignore[union-attr]
    assert world.upstream.calls == []


async def test_unlocked_magento_writes_follow_the_opt_in() -> None:
    world = World(writes_locked=frozenset())
    world.upstream.answer("magento_update_thing", thing)
    async with running_gateway(world) as gateway:
        _, issued = await world.tenant(
            platforms=(Platform.MAGENTO,), write_enabled=frozenset({Platform.MAGENTO})
        )
        async with gateway.client(issued.token) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            _, allowed = await call_confirmed(
                client, "magento_update_thing", {"thing_id": 1, "title": "x"}
            )
    assert "magento_update_thing" in names
    assert allowed.is_error is False
    assert [c.tool.name for c in world.upstream.calls] == ["magento_update_thing"]


# --------------------------------------------------------------------------- Neto, and the order


async def test_neto_writes_are_locked_by_default_and_the_opt_in_applies_only_after_unlock() -> None:
    """The operator lock first, then the workspace's opt-in: with Neto locked an opted-in
    workspace sees no Neto write; unlocked, a workspace that did not opt in sees none either;
    only both together list it."""
    for locked, opted_in, listed in [
        (writes_locked(), True, False),
        (writes_locked([Platform.NETO]), False, False),
        (writes_locked([Platform.NETO]), True, True),
    ]:
        registry = ToolRegistry(
            [*sample_registry().values(), read_spec(Platform.NETO), write_spec(Platform.NETO)]
        )
        world = World(writes_locked=locked, registry=registry)
        async with running_gateway(world) as gateway:
            _, issued = await world.tenant(
                platforms=(Platform.NETO,),
                write_enabled=frozenset({Platform.NETO}) if opted_in else frozenset(),
            )
            async with gateway.client(issued.token) as client:
                names = {t.name for t in (await client.list_tools()).tools}
        assert ("neto_update_thing" in names) is listed, (locked, opted_in)
        assert "neto_get_thing" in names


def test_writes_confirm_off_and_on_by_cli_is_recorded_and_audited(
    store: InMemoryTenantStore,
) -> None:
    workspace = _new_workspace(store)
    args = ["writes", "confirm", "off", "--workspace", str(workspace.id), "--platform", "neto"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "writes run without confirmation for: neto" in result.output
    assert asyncio.run(_workspace(store, workspace)).confirmation_off == {Platform.NETO}
    args[2] = "on"
    assert CliRunner().invoke(app, args).exit_code == 0
    assert asyncio.run(_workspace(store, workspace)).confirmation_off == frozenset()

    async def entries() -> list[tuple[str, str]]:
        async with store.unit_of_work(workspace.id) as uow:
            found = await uow.audit_entries.list()
        return [(e.action, e.actor.label) for e in found]

    assert sorted(asyncio.run(entries())) == [
        ("writes.confirmation_off", "cli"),
        ("writes.confirmation_on", "cli"),
    ]
    bad = CliRunner().invoke(app, [*args[:2], "maybe", *args[3:]])
    assert bad.exit_code != 0


def test_writes_approval_by_cli_is_recorded_and_audited(store: InMemoryTenantStore) -> None:
    workspace = _new_workspace(store)
    args = ["writes", "approval", "dashboard", "--workspace", str(workspace.id)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "writes are approved: on the dashboard" in result.output
    assert f"/workspaces/{workspace.id}/settings/writes/approvals" in result.output
    assert asyncio.run(_workspace(store, workspace)).write_approval is WriteApprovalMode.DASHBOARD
    shown = CliRunner().invoke(app, ["workspace", "show", "--workspace", str(workspace.id)])
    assert "writes are approved: on the dashboard" in shown.output
    args[2] = "in_chat"
    assert CliRunner().invoke(app, args).exit_code == 0
    assert asyncio.run(_workspace(store, workspace)).write_approval is WriteApprovalMode.IN_CHAT

    async def entries() -> list[tuple[str, str]]:
        async with store.unit_of_work(workspace.id) as uow:
            found = await uow.audit_entries.list()
        return [(e.action, e.actor.label) for e in found]

    assert sorted(asyncio.run(entries())) == [
        ("writes.approval_dashboard", "cli"),
        ("writes.approval_in_chat", "cli"),
    ]
    bad = CliRunner().invoke(app, [*args[:2], "by-email", *args[3:]])
    assert bad.exit_code != 0 and "in_chat or dashboard" in bad.output
    assert asyncio.run(_workspace(store, workspace)).write_approval is WriteApprovalMode.IN_CHAT
