"""OAuth flows on PostgreSQL: the port suite the in-memory store also passes
(``tests/ports/oauth_flows.py``), and here only, the database refusing a used flow that keeps
its verifier, the verifier never stored in the clear, and one state consumed once by racing
callbacks."""

from __future__ import annotations

import asyncio

import asyncpg
import attrs
import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault
from shopmcp_adapters.postgres import Database
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    FlowRefusal,
    OAuthFlowRefused,
)
from shopmcp_domain.oauth import FLOW_LIFETIME, AuthorizedStore, Grant, StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import oauth as flows
from tests.factories import make_workspace
from tests.ports.oauth_flows import OAuthFlowSuite, flow_for

pytestmark = pytest.mark.integration


class TestOAuthFlowPortOnPostgres(OAuthFlowSuite):
    pass


# --------------------------------------------------------------------------- PostgreSQL only


async def test_the_database_refuses_a_used_flow_that_keeps_its_verifier(
    database: Database, owner_pool: asyncpg.Pool
) -> None:
    workspace = make_workspace()
    flow = flow_for(workspace.id)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.oauth_flows.add(flow)
    with pytest.raises(asyncpg.CheckViolationError, match="oauth_flows_verifier_until_used"):
        await owner_pool.execute(
            "update shopmcp.oauth_flows set used_at = now() where id = $1", flow.id
        )


@attrs.define
class SlowServer:
    platform: Platform = Platform.XERO
    exchanges: list[str] = attrs.Factory(list)

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        self.exchanges.append(code_verifier)
        await asyncio.sleep(0.05)
        return Grant(
            credentials=CredentialPayload({"access_token": "a", "refresh_token": "r"}),
            scopes=frozenset({"offline_access"}),
            stores=(AuthorizedStore("6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01", "Demo"),),
        )


async def test_racing_callbacks_connect_once_and_the_verifier_is_never_stored_in_clear(
    database: Database, owner_pool: asyncpg.Pool
) -> None:
    clock, vault, secret = FakeClock(), FakeVault(), StateSecret(b"r" * 32)
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    begun = await flows.begin_flow(
        database.tenants, vault, clock, secret, workspace.id, Platform.XERO
    )
    sealed = begun.flow.sealed_verifier
    assert sealed is not None
    verifier = (await vault.open(EncryptionContext(workspace.id, sealed.id), sealed))[
        "code_verifier"
    ]
    row = await owner_pool.fetchval(
        "select o::text from shopmcp.oauth_flows o where id = $1", begun.flow.id
    )
    assert verifier not in row and verifier.encode().hex() not in row

    server = SlowServer()
    results = await asyncio.gather(
        *(
            flows.complete_flow(
                database.tenants, vault, clock, secret, server, state=begun.state, code="c"
            )
            for _ in range(5)
        ),
        return_exceptions=True,
    )

    completed = [r for r in results if isinstance(r, flows.CompletedFlow)]
    refused = [r for r in results if isinstance(r, OAuthFlowRefused)]
    assert len(completed) == 1 and len(refused) == 4, results
    assert {r.reason for r in refused} == {FlowRefusal.REPLAYED}
    assert server.exchanges == [verifier]
    after = await owner_pool.fetchrow(
        "select used_at, verifier_ciphertext, completed_at from shopmcp.oauth_flows where id = $1",
        begun.flow.id,
    )
    assert after is not None
    assert after["used_at"] is not None and after["verifier_ciphertext"] is None
    assert after["completed_at"] is not None
    assert begun.flow.expires_at - begun.flow.created_at == FLOW_LIFETIME
