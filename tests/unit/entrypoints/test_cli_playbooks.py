"""`shopmcp playbook`: add from a JSON file, show, list, export -> import into another workspace
(round trip), import refusing unknown tools, the library and enable, the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopmcp_domain.playbook_definitions import export_json_schema
from tests.unit.entrypoints import test_cli_dashboard as dashboard
from tests.unit.entrypoints.test_cli_dashboard import Cli, _workspace


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    # The dashboard CLI tests' wiring: the real commands over in-memory ports.
    made: Cli = dashboard.cli.__wrapped__(monkeypatch, tmp_path)  # type: ignore[attr-defined]
    return made


STEPS = {
    "name": "orders-then-one",
    "mode": "tool_steps",
    "arguments": [{"name": "since"}],
    "steps": [
        {
            "id": "orders",
            "tool": "shopify_list_orders",
            "arguments": {"created_from": "{{ args.since }}"},
        },
        {
            "id": "first",
            "tool": "shopify_get_order",
            "arguments": {"order_id": "{{ steps.orders.orders[0].id }}"},
        },
    ],
}


def test_add_show_export_import_round_trip(cli: Cli, tmp_path: Path) -> None:
    source, target = _workspace(cli), _workspace(cli)
    definition = tmp_path / "steps.json"
    definition.write_text(json.dumps(STEPS))
    added = cli("playbook", "add", "--workspace", source, "--file", str(definition))
    assert added.exit_code == 0, added.output
    assert "version 1" in added.output
    prompt = cli(
        "playbook",
        "add",
        "--workspace",
        source,
        "--name",
        "weekly",
        "--template",
        "Hi {x}",
        "--argument",
        "x",
    )
    assert prompt.exit_code == 0, prompt.output
    listed = cli("playbook", "list", "--workspace", source).output
    assert "orders-then-one (tool_steps, v1)" in listed and "weekly (instructions, v1)" in listed
    shown = json.loads(
        cli("playbook", "show", "--workspace", source, "--name", "orders-then-one").stdout
    )
    assert shown["steps"][1]["arguments"] == STEPS["steps"][1]["arguments"]  # type: ignore[index]

    exported = tmp_path / "export.json"
    out = cli("playbook", "export", "--workspace", source, "--output", str(exported))
    assert out.exit_code == 0, out.output
    imported = cli("playbook", "import", "--workspace", target, "--file", str(exported))
    assert imported.exit_code == 0, imported.output
    again = cli("playbook", "export", "--workspace", target)
    assert json.loads(again.stdout) == json.loads(exported.read_text())


def test_import_refuses_an_unknown_tool(cli: Cli, tmp_path: Path) -> None:
    target = _workspace(cli)
    bad = {**STEPS, "steps": [{"id": "x", "tool": "shopify_drop_everything"}], "arguments": []}
    document = tmp_path / "bad.json"
    document.write_text(
        json.dumps({"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [bad]})
    )
    result = cli("playbook", "import", "--workspace", target, "--file", str(document))
    assert result.exit_code == 1
    assert "unknown tool 'shopify_drop_everything'" in result.output
    assert "no playbooks" in cli("playbook", "list", "--workspace", target).output


def test_library_enable_and_schema(cli: Cli) -> None:
    workspace = _workspace(cli)
    assert "reconcile-shopify-xero" in cli("playbook", "library").output
    enabled = cli(
        "playbook", "enable", "--workspace", workspace, "--name", "reconcile-shopify-xero"
    )
    assert enabled.exit_code == 0, enabled.output
    assert (
        "reconcile-shopify-xero (tool_steps, v1)"
        in cli("playbook", "list", "--workspace", workspace).output
    )
    assert json.loads(cli("playbook", "schema").stdout) == export_json_schema()


def test_history_show_a_version_and_restore(cli: Cli, tmp_path: Path) -> None:
    workspace, other = _workspace(cli), _workspace(cli)
    for description, extra in (("first", []), ("second", ["--replace"])):
        definition = tmp_path / f"{description}.json"
        definition.write_text(json.dumps({**STEPS, "description": description}))
        saved = cli("playbook", "add", "--workspace", workspace, "--file", str(definition), *extra)
        assert saved.exit_code == 0, saved.output
    name = ["--name", "orders-then-one"]

    history = cli("playbook", "history", "--workspace", workspace, *name)
    assert history.exit_code == 0, history.output
    lines = history.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["v2", "v1"]
    assert lines[0].endswith("second") and lines[1].endswith("first")
    old = cli("playbook", "show", "--workspace", workspace, *name, "--version", "1")
    assert old.exit_code == 0, old.output
    assert json.loads(old.stdout)["description"] == "first"
    assert json.loads(old.stdout)["version"] == 1

    restored = cli("playbook", "restore", "--workspace", workspace, *name, "--version", "1")
    assert restored.exit_code == 0, restored.output
    assert "version 1 as version 3" in restored.output
    current = json.loads(cli("playbook", "show", "--workspace", workspace, *name).stdout)
    assert (current["description"], current["version"]) == ("first", 3)
    again = cli("playbook", "history", "--workspace", workspace, *name).stdout.splitlines()
    assert [line.split()[0] for line in again] == ["v3", "v2", "v1"]

    # Clear refusals, and nothing of this workspace's history from another one.
    missing = cli("playbook", "show", "--workspace", workspace, *name, "--version", "9")
    assert missing.exit_code == 1 and "version 9 not found" in missing.output
    refused = cli("playbook", "restore", "--workspace", workspace, *name, "--version", "0")
    assert refused.exit_code != 0
    for command in (
        ("history",),
        ("show", "--version", "1"),
        ("restore", "--version", "1"),
    ):
        result = cli("playbook", command[0], "--workspace", other, *name, *command[1:])
        assert result.exit_code == 1, result.output
        assert "playbook not found" in result.output and "first" not in result.output
    assert len(cli("playbook", "history", "--workspace", workspace, *name).stdout.splitlines()) == 3


def test_the_library_says_each_entrys_platforms_and_enabling_needs_a_store(cli: Cli) -> None:
    workspace = _workspace(cli)
    listing = cli("playbook", "library").output
    assert "reconcile-neto-xero: Neto orders paid" in listing
    assert "Steps per store for shopify, bigcommerce, magento, neto" in listing
    refused = cli("playbook", "enable", "--workspace", workspace, "--name", "low-stock")
    assert refused.exit_code == 1
    assert "low-stock needs a connected store of shopify" in refused.output
    assert "shopify: not connected" in refused.output
