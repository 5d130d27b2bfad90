"""The command line as a new user meets it: ``--version``, help texts that render (generated
from the platform packages), one noun per resource with the former spellings still working,
exactly the credential fields a platform declares, and one-line errors for configuration
mistakes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import types
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import typer
from dependency_injector import providers
from pydantic import ValidationError
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeClock, FakeStoreCheck, FakeVault, InMemoryTenantStore
from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_adapters.vault import LocalKeyRing, LocalVault
from shopmcp_adapters.vault.rotation import InMemoryRewrapSource
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_domain.services import onboarding
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints import container as container_module
from shopmcp_entrypoints.cli import app, version
from shopmcp_entrypoints.commands import _admin, connection
from shopmcp_entrypoints.commands._errors import describe, report
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.settings import Settings

CLI = (sys.executable, "-c", "from shopmcp_entrypoints.cli import main; main()")


def invoke(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"shopmcp {version()}"


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for info in group.registered_commands:
        assert info.name or info.callback is not None
        yield (*prefix, info.name or info.callback.__name__)  # type: ignore[union-attr]
    for sub in group.registered_groups:
        assert sub.name is not None and sub.typer_instance is not None
        yield (*prefix, sub.name)
        yield from _commands(sub.typer_instance, (*prefix, sub.name))


def test_every_command_and_alias_has_help_that_renders() -> None:
    seen = list(_commands(app))
    assert ("vault", "retire-key") in seen and ("keys", "rewrap") in seen
    for command in seen:
        result = invoke(*command, "--help")
        assert result.exit_code == 0, (command, result.output)


def test_help_keeps_patterns_that_look_like_markup() -> None:
    assert "[a-z0-9_-]" in invoke("playbook", "add", "--help").output
    connect_help = " ".join(invoke("connection", "add", "--help").output.split())
    assert "https://host[/path][/rest/<store_code>]" in connect_help


def test_connect_help_is_generated_from_the_platform_packages() -> None:
    for command in (("connection", "add"), ("connect",)):
        text = " ".join(invoke(*command, "--help").output.split())
        for package in PACKAGES:
            assert package.platform.value in text
            if package.oauth is not None:
                continue  # its credential is written by the OAuth flow, never typed
            for field in package.credential_fields:
                assert field.name in text
        assert "through OAuth: xero, google" in text  # connected through the provider


def test_one_noun_per_resource_and_hidden_former_spellings() -> None:
    top = invoke("--help").output
    for noun in (
        "workspace",
        "connection",
        "key",
        "writes",
        "playbook",
        "usage",
        "account",
        "mail",
        "vault",
    ):
        assert f"  {noun} " in top
    assert "keys" not in top.split() and "connect" not in top.split()


# --------------------------------------------------------------------------- connect


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> list[CredentialPayload]:
    """What `connection add` would hand to the vault, without a database."""
    payloads: list[CredentialPayload] = []

    async def connect_store(*args: Any) -> Any:
        payloads.append(args[6])
        return types.SimpleNamespace(store_ref=args[5], id="conn")

    def run(work: Callable[[Any], Coroutine[Any, Any, Any]]) -> Any:
        return asyncio.run(
            work(
                types.SimpleNamespace(
                    tenants=None, vault=None, clock=None, store_check=FakeStoreCheck()
                )
            )
        )

    monkeypatch.setattr(onboarding, "connect_store", connect_store)
    monkeypatch.setattr(connection, "run_admin", run)
    for name in ("ACCESS_TOKEN", "API_KEY", "USERNAME"):
        monkeypatch.delenv(f"SHOPMCP_CONNECT_{name}", raising=False)
    return payloads


NETO = ["--workspace", str(uuid.uuid4()), "--store", "https://www.example.com.au"]


def test_neto_is_asked_for_its_own_fields_and_no_access_token(
    sealed: list[CredentialPayload],
) -> None:
    result = invoke("connection", "add", "neto", *NETO, "--field", "username=api-user", input="k\n")
    assert result.exit_code == 0, result.output
    assert sealed[0] == CredentialPayload({"username": "api-user", "api_key": "k"})
    assert "access_token" not in result.output


def test_a_required_public_field_not_given_is_asked_for(
    sealed: list[CredentialPayload], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPMCP_CONNECT_API_KEY", "key-from-env")
    result = invoke("connect", "neto", *NETO, input="typed-user\n")
    assert result.exit_code == 0, result.output
    assert sealed[0] == CredentialPayload({"username": "typed-user", "api_key": "key-from-env"})


@pytest.mark.parametrize("field", ["access_token", "shop=acme"])
def test_a_field_the_platform_does_not_declare_is_refused(
    sealed: list[CredentialPayload], field: str
) -> None:
    result = invoke("connection", "add", "neto", *NETO, "--field", field)
    assert result.exit_code != 0
    assert "neto has no credential field" in result.output
    assert sealed == []


# --------------------------------------------------------------------------- one-line errors


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPMCP_", "AWS_"))}
    env.update(
        SHOPMCP_DATA_DIR=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
    )
    return env


def test_a_kms_target_without_a_region_is_one_line(tmp_path: Path) -> None:
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    result = _run_cli("vault", "rewrap", "--to", arn, env=_clean_env(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "AWS_REGION" in result.stderr


def test_a_malformed_setting_is_one_line(tmp_path: Path) -> None:
    env = {**_clean_env(tmp_path), "SHOPMCP_PORT": "eighty"}
    result = _run_cli("key", "list", "--workspace", str(uuid.uuid4()), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: invalid setting SHOPMCP_PORT:")
    assert result.stderr.strip().count("\n") == 0


def test_known_failures_read_as_one_line_and_bugs_say_how_to_see_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SHOPMCP_DEBUG", raising=False)
    refused = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    assert "cannot reach a service" in (describe(refused) or "")
    login = asyncpg.InvalidPasswordError("password authentication failed for user x")
    assert "refused the login" in (describe(login) or "")
    with pytest.raises(ValidationError) as bad_setting:
        Settings(port=0)
    assert (describe(bad_setting.value) or "").startswith("invalid setting SHOPMCP_PORT:")
    assert describe(RuntimeError("boom")) is None
    assert "SHOPMCP_DEBUG=1" in report(RuntimeError("boom\nsecond line"))
    assert "\n" not in report(RuntimeError("boom\nsecond line"))


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPMCP_DEBUG", "1")
    with pytest.raises(RuntimeError):
        report(RuntimeError("boom"))


# --------------------------------------------------------------------------- writes, vault


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryTenantStore:
    tenants = InMemoryTenantStore()
    real_admin = _admin.admin

    def admin(settings: Settings) -> AbstractAsyncContextManager[_admin.Admin]:
        container = build_container(settings)
        container.tenants.override(providers.Object(tenants))
        container.vault.override(providers.Object(FakeVault()))
        container.clock.override(providers.Object(FakeClock()))
        return real_admin(settings, container)

    monkeypatch.setattr(_admin, "admin", admin)
    monkeypatch.delenv("SHOPMCP_WRITES_UNLOCKED_PLATFORMS", raising=False)
    return tenants


def _workspace(store: InMemoryTenantStore) -> Workspace:
    return asyncio.run(onboarding.create_workspace(store, FakeClock(), "Acme"))


def test_writes_enable_says_what_else_write_tools_need(store: InMemoryTenantStore) -> None:
    workspace = _workspace(store)
    result = invoke("writes", "enable", "--workspace", str(workspace.id), "--platform", "shopify")
    assert result.exit_code == 0, result.output
    assert "no shopify store is connected yet" in result.output
    assert "--write" in result.output


def test_key_issue_list_and_revoke(store: InMemoryTenantStore) -> None:
    workspace = str(_workspace(store).id)
    url = invoke("key", "issue", "--workspace", workspace, "--name", "laptop").output
    prefix = url.split("/mcp/smcp_")[1].split("_")[0]
    assert f"{prefix} 'laptop'" in invoke("key", "list", "--workspace", workspace).output
    revoked = invoke("key", "revoke", "--workspace", workspace, "--prefix", prefix)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in invoke("key", "list", "--workspace", workspace).output.split(prefix)[1]


def test_an_unknown_workspace_is_one_line(store: InMemoryTenantStore) -> None:
    result = invoke("usage", "show", "--workspace", str(uuid.uuid4()))
    assert result.exit_code == 1
    assert result.output.strip() == "error: workspace not found"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOPMCP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHOPMCP_KMS_KEY_ID", raising=False)
    return tmp_path


def _with_source(monkeypatch: pytest.MonkeyPatch, source: InMemoryRewrapSource) -> None:
    real = container_module.build_container

    def build(settings: Settings) -> container_module.Container:
        built = real(settings)
        built.rewrap_source.override(providers.Object(source))
        return built

    monkeypatch.setattr(container_module, "build_container", build)


def test_vault_retires_an_old_local_key_once_nothing_is_wrapped_under_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = LocalVault.from_data_dir(data_dir, FakeClock())
    old = LocalKeyRing.load(data_dir).active_key_id
    assert old is not None
    sealed = asyncio.run(
        vault.seal(
            EncryptionContext(new_workspace_id(), new_credential_id()),
            CredentialPayload({"token": "secret"}),
        )
    )
    source = InMemoryRewrapSource([sealed])
    _with_source(monkeypatch, source)
    refused = invoke("vault", "retire-key", old, "--yes")
    assert refused.exit_code == 1
    assert "is the active key" in refused.output

    new = invoke("vault", "new-local-key").output.strip()
    still_used = invoke("vault", "retire-key", old, "--yes")
    assert still_used.exit_code == 1
    assert "1 credential(s) are still wrapped under" in still_used.output
    assert old in LocalKeyRing.load(data_dir).key_ids

    assert invoke("vault", "rewrap", "--to", new).exit_code == 0
    retired = invoke("vault", "retire-key", old, "--yes")
    assert retired.exit_code == 0, retired.output
    assert LocalKeyRing.load(data_dir).key_ids == {new}
    assert f"{new}  (active)" in invoke("vault", "list-local-keys").output
