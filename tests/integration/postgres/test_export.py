"""The workspace export on PostgreSQL: every section read through the tenant role, and no
credential, ciphertext, wrapped data key or key hash in the document."""

from __future__ import annotations

import json

from shopmcp_adapters.postgres import Database
from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from shopmcp_domain.audit import Actor
from shopmcp_domain.keys import issue_key
from shopmcp_domain.services.export import export_workspace
from tests.factories import NOW
from tests.ports.retention import SweepPorts
from tests.ports.tenant_store import connection_for, sealed_for


async def test_an_export_from_postgres_holds_no_secret(database: Database) -> None:
    ports = SweepPorts(
        database.tenants,
        database.retention,
        database.identity,
        database.owner,
        PostgresQuotaCounter(database.mcp_pool),
        database.confirmations,
    )
    workspace = await ports.workspace()
    await ports.populate(workspace, NOW)
    sealed = sealed_for(workspace.id, b"KNOWN-CIPHERTEXT-MARKER")
    issued = issue_key(workspace.id, NOW)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.connections.add(connection_for(workspace.id, sealed), sealed)
        await uow.keys.add(issued.key)

    pieces = [
        piece
        async for piece in export_workspace(
            database.tenants,
            workspace.id,
            Actor.cli(),
            NOW,
            include_emails=True,
            page_size=1,
            approvals=database.write_approvals,
        )
    ]
    text = "".join(pieces)

    document = json.loads(text)
    assert len(document["connections"]) == 2 and len(document["keys"]) == 2
    assert len(document["usage_events"]) == 1 and len(document["members"]) == 1
    assert {e["action"] for e in document["audit_log"]} == {"workspace.rename", "workspace.export"}
    assert len(document["playbooks"]) == 1
    # Migration 0017: the workspace's write approval mode and its pending writes, every column.
    assert document["workspace"]["write_approval"] == "in_chat"
    [approval] = document["write_approvals"]
    stored = await database.owner_pool.fetchrow(
        "select * from shopmcp.write_approvals where workspace_id = $1", workspace.id
    )
    assert stored is not None
    assert set(approval) == set(stored.keys()) - {"workspace_id", "store_label"} | {"store"}
    assert approval["changes"] == json.loads(stored["changes"])
    assert approval["state"] == "pending" and approval["decided_by"] is None
    [version] = document["playbook_versions"]
    assert (version["id"], version["version"]) == (document["playbooks"][0]["id"], 1)
    for leak in (
        "KNOWN-CIPHERTEXT-MARKER",
        b"KNOWN-CIPHERTEXT-MARKER".hex(),
        sealed.wrapped_dek.hex(),
        issued.key.secret_hash.hex(),
        issued.token,
    ):
        assert leak not in text
