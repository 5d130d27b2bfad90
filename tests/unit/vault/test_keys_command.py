"""``shopmcp keys``: the rewrap runner with its progress bar, and the local-key commands."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from dependency_injector import providers
from rich.console import Console
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import LocalKeyRing, LocalVault, build_rewrap_vault
from shopmcp_adapters.vault.rotation import InMemoryRewrapSource
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands.vault import _rewrap_from_settings, describe, run_rewrap
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.settings import Settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOPMCP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHOPMCP_KMS_KEY_ID", raising=False)
    return tmp_path


def test_new_local_creates_and_activates_a_key(data_dir: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["keys", "new-local"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["keys", "new-local", "--no-activate"])
    assert second.exit_code == 0, second.output
    first_id, second_id = first.output.strip(), second.output.strip()
    ring = LocalKeyRing.load(data_dir)
    assert ring.key_ids == {first_id, second_id}
    assert ring.active_key_id == first_id
    listing = runner.invoke(app, ["keys", "list-local"]).output
    assert f"{first_id}  (active)" in listing
    assert second_id in listing


def test_rewrap_to_an_unknown_key_fails_before_opening_the_database(data_dir: Path) -> None:
    LocalVault.from_data_dir(data_dir, FakeClock())
    result = CliRunner().invoke(app, ["keys", "rewrap", "--to", "local:0000000000000000"])
    assert result.exit_code == 2
    assert "unknown or unusable" in result.output


def test_rewrap_refuses_a_malformed_resume_point(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["keys", "rewrap", "--to", "local:x", "--after", "nope"])
    assert result.exit_code != 0
    assert "credential id" in result.output


async def test_run_rewrap_reports_progress_and_result(data_dir: Path) -> None:
    clock = FakeClock()
    vault = LocalVault.from_data_dir(data_dir, clock)
    rows = [
        await vault.seal(
            EncryptionContext(new_workspace_id(), new_credential_id()),
            CredentialPayload({"token": f"secret-{i}"}),
        )
        for i in range(7)
    ]
    source = InMemoryRewrapSource(rows)
    ring = LocalKeyRing.load(data_dir)
    target = ring.create_key()
    rewrapper = build_rewrap_vault(None, data_dir, clock, target)
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=100)
    report = await run_rewrap(source, rewrapper, target, batch_size=3, console=console)
    assert report.rewrapped == 7
    assert "7/7" in out.getvalue()
    text = describe(report)
    assert "re-wrapped 7" in text
    assert "done" in text
    for row in source.rows.values():
        assert row.kms_key_id == target
        assert (await rewrapper.open(row.context, row))["token"].startswith("secret-")
    assert "secret-" not in out.getvalue()
    again = await run_rewrap(source, rewrapper, target, console=console)
    assert (again.rewrapped, again.skipped) == (0, 7)


async def test_rewrap_gets_its_store_and_vault_from_the_container(data_dir: Path) -> None:
    """The command reads and swaps through the container's ``rewrap_source`` and wraps with
    its ``rewrap_vault``: overriding the provider is enough to run it without a database."""
    vault = LocalVault.from_data_dir(data_dir, FakeClock())
    rows = [
        await vault.seal(
            EncryptionContext(new_workspace_id(), new_credential_id()),
            CredentialPayload({"token": f"secret-{i}"}),
        )
        for i in range(3)
    ]
    source = InMemoryRewrapSource(rows)
    target = LocalKeyRing.load(data_dir).create_key()
    settings = Settings()
    container = build_container(settings)
    container.rewrap_source.override(providers.Object(source))
    report = await _rewrap_from_settings(settings, target, 2, None, container=container)
    assert (report.rewrapped, report.complete) == (3, True)
    assert {row.kms_key_id for row in source.rows.values()} == {target}
    assert not container.database.initialized
    rewrapper = container.rewrap_vault(to_key_id=target)
    for row in source.rows.values():
        assert (await rewrapper.rewrap(row, target)).kms_key_id == target


def test_build_rewrap_vault_needs_some_master_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no master keys"):
        build_rewrap_vault(None, tmp_path, FakeClock(), "local:0000000000000000")
