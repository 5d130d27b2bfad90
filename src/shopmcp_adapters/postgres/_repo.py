"""What the repositories share: the rows a command affected, and the base of every
workspace-scoped repository of a unit of work (its connection, inside the transaction that
bound ``app.workspace_id``, and the workspace it serves)."""

from __future__ import annotations

from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.errors import CrossTenantWrite
from shopmcp_domain.ids import WorkspaceId


def affected_rows(status: str) -> int:
    """Rows affected, from a command tag such as ``UPDATE 1``."""
    return int(status.rsplit(" ", 1)[-1])


class WorkspaceRepo:
    def __init__(self, conn: Conn, workspace_id: WorkspaceId) -> None:
        self._conn = conn
        self._ws = workspace_id

    def _own(self, workspace_id: WorkspaceId) -> None:
        # Writes address rows by (this workspace, id), so RLS alone would answer "not found"
        # for another workspace's row; say what it is, as the in-memory store does.
        if workspace_id != self._ws:
            raise CrossTenantWrite()
