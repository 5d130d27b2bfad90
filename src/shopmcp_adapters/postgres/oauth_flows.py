"""``shopmcp.oauth_flows``: pending OAuth connect flows, inside a tenant unit of work (the
``OAuthFlowRepository`` port; semantics as ``shopmcp_adapters.memory.tenants``)."""

from __future__ import annotations

import datetime as dt

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres._errors import domain_errors
from shopmcp_adapters.postgres._repo import affected_rows
from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.errors import (
    CrossTenantWrite,
    NotFound,
)
from shopmcp_domain.ids import OAuthFlowId, WorkspaceId
from shopmcp_domain.oauth import FlowOutcome, OAuthFlow

_GET_SQL = (
    "select id, workspace_id, platform, store_ref, created_at, expires_at, used_at, verifier_id, "
    "verifier_ciphertext, verifier_nonce, verifier_wrapped_dek, verifier_kms_key_id, "
    "verifier_envelope_version, completed_at, connection_ids, error from shopmcp.oauth_flows "
    "where workspace_id = $1 and id = $2"
)
# The same row, locked until the unit of work ends: one consumer of a flow at a time.
_GET_FOR_UPDATE_SQL = (
    "select id, workspace_id, platform, store_ref, created_at, expires_at, used_at, verifier_id, "
    "verifier_ciphertext, verifier_nonce, verifier_wrapped_dek, verifier_kms_key_id, "
    "verifier_envelope_version, completed_at, connection_ids, error from shopmcp.oauth_flows "
    "where workspace_id = $1 and id = $2 for update"
)


class PostgresOAuthFlows:
    def __init__(self, conn: Conn, workspace_id: WorkspaceId) -> None:
        self._conn = conn
        self._ws = workspace_id

    async def add(self, flow: OAuthFlow) -> None:
        if flow.workspace_id != self._ws:
            raise CrossTenantWrite()
        sealed = flow.sealed_verifier
        if sealed is None or flow.used_at is not None:
            raise ValueError("only a pending flow is added")
        async with domain_errors(self._conn, "flow exists"):
            await self._conn.execute(
                "insert into shopmcp.oauth_flows (id, workspace_id, platform, store_ref, "
                "created_at, expires_at, verifier_id, verifier_ciphertext, verifier_nonce, "
                "verifier_wrapped_dek, verifier_kms_key_id, verifier_envelope_version) "
                "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                flow.id,
                flow.workspace_id,
                flow.platform.value,
                flow.store_ref,
                flow.created_at,
                flow.expires_at,
                sealed.id,
                sealed.ciphertext,
                sealed.nonce,
                sealed.wrapped_dek,
                sealed.kms_key_id,
                sealed.version,
            )

    async def get(self, flow_id: OAuthFlowId, *, for_update: bool = False) -> OAuthFlow | None:
        row = await self._conn.fetchrow(
            _GET_FOR_UPDATE_SQL if for_update else _GET_SQL, self._ws, flow_id
        )
        return None if row is None else _rows.oauth_flow(row)

    async def mark_used(self, flow_id: OAuthFlowId, at: dt.datetime) -> bool:
        status = await self._conn.execute(
            "update shopmcp.oauth_flows set used_at = $3, verifier_id = null, "
            "verifier_ciphertext = null, verifier_nonce = null, verifier_wrapped_dek = null, "
            "verifier_kms_key_id = null, verifier_envelope_version = null "
            "where workspace_id = $1 and id = $2 and used_at is null",
            self._ws,
            flow_id,
            at,
        )
        return affected_rows(status) == 1

    async def record_outcome(self, flow_id: OAuthFlowId, outcome: FlowOutcome) -> None:
        status = await self._conn.execute(
            "update shopmcp.oauth_flows set completed_at = $3, connection_ids = $4, error = $5 "
            "where workspace_id = $1 and id = $2",
            self._ws,
            flow_id,
            outcome.completed_at,
            list(outcome.connection_ids),
            outcome.error,
        )
        if affected_rows(status) == 0:
            raise NotFound("flow")

    async def purge(self, expired_before: dt.datetime) -> int:
        status = await self._conn.execute(
            "delete from shopmcp.oauth_flows where workspace_id = $1 and expires_at < $2",
            self._ws,
            expired_before,
        )
        return affected_rows(status)
