"""``shopmcp connect``: credentials never have to travel on the command line (shell history and
process listings keep argv), including the Magento OAuth 1.0a secrets given with ``--field``."""

from __future__ import annotations

import asyncio
import types
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeStoreCheck
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands import connection

WORKSPACE = str(uuid.uuid4())
STORE = "https://shop.example.com"
BASE = ["connect", "magento", "--workspace", WORKSPACE, "--store", STORE]


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> list[CredentialPayload]:
    """What `connect` would hand to the vault, without a database."""
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
    monkeypatch.setenv("SHOPMCP_CONNECT_ACCESS_TOKEN", "access-from-env")
    for name in ("CONSUMER_SECRET", "ACCESS_TOKEN_SECRET"):
        monkeypatch.delenv(f"SHOPMCP_CONNECT_{name}", raising=False)
    return payloads


@pytest.mark.parametrize(
    "field", ["consumer_secret=cs-value", "access_token_secret=ats-value", "password=pw-value"]
)
def test_a_secret_value_on_the_command_line_is_refused(
    sealed: list[CredentialPayload], field: str
) -> None:
    result = CliRunner().invoke(app, [*BASE, "--field", field])
    assert result.exit_code != 0
    assert sealed == []
    assert field.split("=")[1] not in result.output


def test_secret_fields_are_prompted_hidden_and_non_secrets_may_be_given(
    sealed: list[CredentialPayload],
) -> None:
    args = [*BASE, "--field", "consumer_key=ck", "--field", "consumer_secret"]
    args += ["--field", "access_token_secret"]
    result = CliRunner().invoke(app, args, input="cs-typed\nats-typed\n")
    assert result.exit_code == 0, result.output
    (payload,) = sealed
    assert payload.get("consumer_key") == "ck"
    assert payload.get("consumer_secret") == "cs-typed"
    assert payload.get("access_token_secret") == "ats-typed"
    assert payload.get("access_token") == "access-from-env"
    assert "cs-typed" not in result.output and "ats-typed" not in result.output


def test_secret_fields_can_come_from_the_environment(
    sealed: list[CredentialPayload], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPMCP_CONNECT_CONSUMER_SECRET", "cs-env")
    result = CliRunner().invoke(app, [*BASE, "--field", "consumer_secret"])
    assert result.exit_code == 0, result.output
    assert sealed[0].get("consumer_secret") == "cs-env"
