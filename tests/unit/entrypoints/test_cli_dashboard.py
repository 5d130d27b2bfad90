"""CLI parity with the dashboard API, for operators and scripts: accounts (the first one, the
staff flag, sessions), workspaces (list, delete), connections (list as JSON, replace a
credential after the store accepts it, disconnect), usage with the API's filters, and the
local mail outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import attrs
import pytest
from dependency_injector import providers
from typer.testing import CliRunner

from shopmcp_adapters.email.outbox import LocalOutbox
from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_domain.accounts import Membership, Role, issue_session
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.identity import EmailMessage
from shopmcp_domain.ids import WorkspaceId, new_usage_event_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding, sign_in
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_domain.workspaces import WorkspaceStatus
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands import _admin
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.settings import Settings
from tests.factories import NOW
from tests.unit.api.harness import FakeProbe


@attrs.define
class Cli:
    store: InMemoryTenantStore
    vault: FakeVault
    probe: FakeProbe
    clock: FakeClock

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return CliRunner().invoke(app, list(args), input=input)

    def run(self, work: Any) -> Any:
        return asyncio.run(work)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    store, vault, probe, clock = InMemoryTenantStore(), FakeVault(), FakeProbe(), FakeClock()
    real_admin = _admin.admin

    def admin(settings: Settings) -> AbstractAsyncContextManager[_admin.Admin]:
        container = build_container(settings)
        for provider, value in (
            (container.tenants, store),
            (container.identity, store),
            (container.admin_directory, store),
            (container.retention, store),
            (container.vault, vault),
            (container.clock, clock),
            (container.credential_probe, probe),
        ):
            provider.override(providers.Object(value))
        return real_admin(settings, container)

    monkeypatch.setattr(_admin, "admin", admin)
    monkeypatch.setenv("SHOPMCP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHOPMCP_EMAIL_API_URL", raising=False)
    for name in ("ACCESS_TOKEN", "API_KEY"):
        monkeypatch.delenv(f"SHOPMCP_CONNECT_{name}", raising=False)
    return Cli(store, vault, probe, clock)


def _workspace(cli: Cli) -> str:
    return str(cli.run(onboarding.create_workspace(cli.store, cli.clock, "Acme")).id)


def test_the_first_account_owns_a_workspace_and_can_be_made_staff(cli: Cli) -> None:
    workspace = _workspace(cli)
    made = cli("account", "create", "--email", "Owner@Example.com", "--owner-of", workspace)
    assert made.exit_code == 0, made.output
    account_id = made.stdout.strip().splitlines()[0]
    memberships = cli.run(_memberships(cli, account_id))
    assert [(m.workspace.id, m.role.value) for m in memberships] == [
        (uuid.UUID(workspace), "owner")
    ]
    again = cli("account", "create", "--email", "owner@example.com", "--owner-of", workspace)
    assert again.exit_code == 1 and "already a member" in again.output
    assert "is staff" in cli("account", "staff", "--email", "owner@example.com").output
    assert "not staff" in cli("account", "staff", "--email", "owner@example.com", "--revoke").output
    unknown = cli("account", "staff", "--email", "nobody@example.com")
    assert unknown.exit_code == 1 and "no account" in unknown.output


async def _memberships(cli: Cli, account_id: str) -> Any:
    async with cli.store.transaction() as uow:
        return await uow.memberships.of_account(uuid.UUID(account_id))  # type: ignore[arg-type]


def test_sessions_are_listed_and_revoked_everywhere(cli: Cli) -> None:
    account = cli.run(sign_in.create_account(cli.store, cli.clock, "a@example.com"))
    issued = issue_session(account.id, NOW)

    async def add() -> None:
        async with cli.store.transaction() as uow:
            await uow.sessions.add(issued.session)

    cli.run(add())
    revoked = cli("account", "sessions", "--email", "a@example.com", "--revoke-all")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert cli.store.people.sessions[issued.session.id].revoked_at is not None


def test_workspaces_are_listed_and_erased(cli: Cli) -> None:
    workspace = _workspace(cli)
    key = cli("key", "issue", "--workspace", workspace)
    assert key.exit_code == 0
    assert workspace in cli("workspace", "list").output
    erased = cli("workspace", "delete", "--workspace", workspace, "--yes")
    assert erased.exit_code == 0 and "pending deletion" in erased.output
    partition = cli.store.partition(WorkspaceId(uuid.UUID(workspace)))
    assert partition is not None and partition.workspace is not None
    assert partition.workspace.status is WorkspaceStatus.PENDING_DELETION
    assert all(k.is_revoked for k in partition.keys.values())
    assert [e.action for e in partition.audit][-1] == "workspace.delete"


def test_a_credential_is_replaced_only_when_the_store_accepts_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = _workspace(cli)
    monkeypatch.setenv("SHOPMCP_CONNECT_ACCESS_TOKEN", "shpat_first")
    added = cli(
        "connection", "add", "shopify", "--workspace", workspace, "--store", "acme.myshopify.com"
    )
    assert added.exit_code == 0, added.output
    [listed] = json.loads(cli("connection", "list", "--workspace", workspace, "--json").output)
    assert "shpat_first" not in json.dumps(listed) and listed["credential_generation"] == 1
    monkeypatch.setenv("SHOPMCP_CONNECT_ACCESS_TOKEN", "shpat_typo")
    cli.probe.refusals["acme.myshopify.com"] = "shopify answered 401: Invalid API key"
    refused = cli("connection", "replace", "--workspace", workspace, "--id", listed["id"])
    assert refused.exit_code == 1 and "Invalid API key" in refused.output
    del cli.probe.refusals["acme.myshopify.com"]
    replaced = cli("connection", "replace", "--workspace", workspace, "--id", listed["id"])
    assert replaced.exit_code == 0 and "generation 2" in replaced.output
    gone = cli("connection", "disconnect", "--workspace", workspace, "--id", listed["id"])
    assert gone.exit_code == 0
    assert "no stores" in cli("connection", "list", "--workspace", workspace).output


def test_usage_takes_the_apis_filters(cli: Cli) -> None:
    workspace = _workspace(cli)
    workspace_id = WorkspaceId(uuid.UUID(workspace))

    async def seed() -> None:
        async with cli.store.unit_of_work(workspace_id) as uow:
            for i, status in enumerate((UsageStatus.OK, UsageStatus.UPSTREAM_ERROR)):
                event = UsageEvent(
                    id=new_usage_event_id(),
                    workspace_id=workspace_id,
                    key_prefix="abcdefghijkl",
                    tool="shopify_get_shop",
                    connection_id=None,
                    latency_ms=10.0 * (i + 1),
                    status=status,
                    error_class=None if status is UsageStatus.OK else "UpstreamError",
                    created_at=NOW + dt.timedelta(seconds=i),
                )
                await uow.usage.record(event, MeterRecord.for_event(event))

    cli.run(seed())
    shown = cli("usage", "show", "--workspace", workspace, "--status", "upstream_error", "--json")
    assert shown.exit_code == 0, shown.output
    assert [e["status"] for e in json.loads(shown.output)] == ["upstream_error"]
    table = cli("usage", "show", "--workspace", workspace, "--since", NOW.isoformat())
    assert table.output.count("shopify_get_shop") == 2
    summary = json.loads(cli("usage", "summary", "--workspace", workspace, "--json").output)
    assert summary[0]["calls"] == 2 and summary[0]["errors"] == 1


def test_mail_tail_prints_the_local_outbox(cli: Cli, tmp_path: Path) -> None:
    assert "no mail yet" in cli("mail", "tail").output
    outbox = LocalOutbox(tmp_path, lambda: NOW)
    asyncio.run(outbox.send(EmailMessage("a@example.com", "Your code", "code 12345678")))
    printed = cli("mail", "tail").output
    assert "a@example.com" in printed and "12345678" in printed
    assert (tmp_path / "mail" / "outbox").stat().st_mode & 0o777 == 0o600


def test_platform_packages_have_probes() -> None:
    from shopmcp_adapters.upstreams.platforms import PACKAGES

    # Every platform connected with a token is tried before it is saved, and says how to
    # mint the narrowest one; OAuth platforms get their grant from the provider instead.
    tokens = [p for p in PACKAGES if p.oauth is None]
    assert {p.platform for p in tokens} >= {
        Platform.SHOPIFY,
        Platform.BIGCOMMERCE,
        Platform.MAGENTO,
        Platform.NETO,
    }
    assert all(p.probe is not None and p.access_guidance for p in tokens)


def test_sweep_erases_a_workspace_past_its_window_and_prints_counts(cli: Cli) -> None:
    workspace = _workspace(cli)
    assert cli("workspace", "delete", "--workspace", workspace, "--yes").exit_code == 0

    inside = cli("sweep", "--now", (NOW + dt.timedelta(days=29)).isoformat())
    assert inside.exit_code == 0, inside.output
    assert "erased workspaces: 0" in inside.output
    assert cli.store.partition(WorkspaceId(uuid.UUID(workspace))) is not None

    past = cli("sweep", "--now", (NOW + dt.timedelta(days=31)).isoformat())
    assert past.exit_code == 0, past.output
    assert "erased workspaces: 1" in past.output and workspace in past.output
    assert cli.store.partition(WorkspaceId(uuid.UUID(workspace))) is None

    naive = cli("sweep", "--now", "2026-03-01T00:00:00")
    assert naive.exit_code != 0 and "time zone" in naive.output


def test_export_writes_one_document_without_secrets_to_a_private_file(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    workspace = _workspace(cli)
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    monkeypatch.setenv("SHOPMCP_CONNECT_ACCESS_TOKEN", "shpat_KNOWN_SECRET_0123456789")
    added = cli(
        "connection", "add", "shopify", "--workspace", workspace, "--store", "acme.myshopify.com"
    )
    assert added.exit_code == 0, added.output
    issued = cli("key", "issue", "--workspace", workspace)
    assert issued.exit_code == 0
    account = cli.run(sign_in.create_account(cli.store, cli.clock, "member@example.com"))

    async def add_member() -> None:
        async with cli.store.unit_of_work(workspace_id) as uow:
            await uow.members.add(Membership(workspace_id, account.id, Role.ADMIN, NOW))

    cli.run(add_member())
    partition = cli.store.partition(workspace_id)
    assert partition is not None
    (sealed,) = partition.credentials.values()
    (key,) = partition.keys.values()
    target = tmp_path / "export.json"

    result = cli("export", "--workspace", workspace, "--output", str(target))

    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    text = target.read_text()
    document = json.loads(text)
    assert document["workspace"]["id"] == workspace
    assert [m["email"] for m in document["members"]] == ["member@example.com"]
    assert [k["prefix"] for k in document["keys"]] == [key.prefix]
    for leak in (
        "shpat_KNOWN_SECRET_0123456789",
        sealed.ciphertext.hex(),
        sealed.wrapped_dek.hex(),
        key.secret_hash.hex(),
    ):
        assert leak not in text
    assert not list(tmp_path.glob(".*.partial"))

    hidden = cli("export", "--workspace", workspace, "--without-emails")
    assert hidden.exit_code == 0
    assert json.loads(hidden.stdout)["members"] == [
        {"account_id": str(account.id), "role": "admin"}
    ]
    assert "member@example.com" not in hidden.stdout


def test_export_of_an_unknown_workspace_fails_and_leaves_no_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    result = cli("export", "--workspace", str(uuid.uuid4()), "--output", str(target))
    assert result.exit_code == 1
    assert not target.exists() and not list(tmp_path.glob(".*"))
