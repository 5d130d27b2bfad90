"""The playbook repository of a PostgreSQL unit of work: a workspace's playbooks and their
history (``playbook_versions``, migration 0016: every saved version, written in the transaction
that saves it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres._errors import domain_errors
from shopmcp_adapters.postgres._repo import WorkspaceRepo, affected_rows
from shopmcp_domain.ids import PlaybookId
from shopmcp_domain.playbooks import Playbook, PlaybookVersion

LIST_PLAYBOOKS_SQL = (
    "select id, workspace_id, name, description, template, arguments, created_at, mode, "
    "steps, version, builtin from shopmcp.playbooks where workspace_id = $1 order by name"
)
PLAYBOOK_BY_NAME_SQL = (
    "select id, workspace_id, name, description, template, arguments, created_at, mode, "
    "steps, version, builtin from shopmcp.playbooks where workspace_id = $1 and name = $2"
)

# A history row as a playbook row (its playbook_id as id) plus when the version was saved.
PLAYBOOK_VERSIONS_SQL = (
    "select playbook_id as id, workspace_id, name, description, template, arguments, "
    "playbook_created_at, mode, steps, version, builtin, created_at "
    "from shopmcp.playbook_versions where workspace_id = $1 and playbook_id = $2 "
    "order by version desc"
)
PLAYBOOK_VERSION_SQL = (
    "select playbook_id as id, workspace_id, name, description, template, arguments, "
    "playbook_created_at, mode, steps, version, builtin, created_at "
    "from shopmcp.playbook_versions where workspace_id = $1 and playbook_id = $2 "
    "and version = $3"
)
ALL_PLAYBOOK_VERSIONS_SQL = (
    "select playbook_id as id, workspace_id, name, description, template, arguments, "
    "playbook_created_at, mode, steps, version, builtin, created_at "
    "from shopmcp.playbook_versions where workspace_id = $1 "
    "order by name, playbook_id, version"
)


class PostgresPlaybooks(WorkspaceRepo):
    async def list(self) -> Sequence[Playbook]:
        rows = await self._conn.fetch(LIST_PLAYBOOKS_SQL, self._ws)
        return [_rows.playbook(row) for row in rows]

    async def get_by_name(self, name: str) -> Playbook | None:
        row = await self._conn.fetchrow(PLAYBOOK_BY_NAME_SQL, self._ws, name)
        return None if row is None else _rows.playbook(row)

    async def add(self, playbook: Playbook) -> None:
        async with domain_errors(self._conn, f"playbook {playbook.name!r} exists"):
            await self._conn.execute(
                "insert into shopmcp.playbooks (id, workspace_id, name, description, template, "
                "arguments, created_at, mode, steps, version, builtin) "
                "values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb, $10, $11)",
                playbook.id,
                playbook.workspace_id,
                playbook.name,
                playbook.description,
                playbook.template,
                _rows.playbook_arguments(playbook),
                playbook.created_at,
                playbook.mode.value,
                _rows.playbook_steps(playbook),
                playbook.version,
                playbook.builtin,
            )
            await self._keep(playbook, playbook.created_at)

    async def replace(self, playbook: Playbook, *, saved_at: dt.datetime) -> bool:
        # Only the next version of the stored one: a concurrent edit that got there first
        # leaves this one refused (False) instead of silently overwritten.
        async with domain_errors(
            self._conn, f"playbook {playbook.name!r} version {playbook.version} exists"
        ):
            status = await self._conn.execute(
                "update shopmcp.playbooks set description = $3, template = $4, "
                "arguments = $5::jsonb, mode = $6, steps = $7::jsonb, version = $8, builtin = $9,"
                " updated_at = $10 where workspace_id = $1 and id = $2 and version = $8 - 1",
                self._ws,
                playbook.id,
                playbook.description,
                playbook.template,
                _rows.playbook_arguments(playbook),
                playbook.mode.value,
                _rows.playbook_steps(playbook),
                playbook.version,
                playbook.builtin,
                saved_at,
            )
            if affected_rows(status) == 0:
                return False
            await self._keep(playbook, saved_at)
        return True

    async def _keep(self, playbook: Playbook, saved_at: dt.datetime) -> None:
        await self._conn.execute(
            "insert into shopmcp.playbook_versions (workspace_id, playbook_id, version, name, "
            "description, template, arguments, mode, steps, builtin, playbook_created_at, "
            "created_at) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12)",
            playbook.workspace_id,
            playbook.id,
            playbook.version,
            playbook.name,
            playbook.description,
            playbook.template,
            _rows.playbook_arguments(playbook),
            playbook.mode.value,
            _rows.playbook_steps(playbook),
            playbook.builtin,
            playbook.created_at,
            saved_at,
        )

    async def delete(self, playbook_id: PlaybookId) -> bool:
        # The history stays (migration 0016): the audit trail outlives the playbook.
        status = await self._conn.execute(
            "delete from shopmcp.playbooks where workspace_id = $1 and id = $2",
            self._ws,
            playbook_id,
        )
        return affected_rows(status) > 0

    async def versions(self, playbook_id: PlaybookId) -> Sequence[PlaybookVersion]:
        rows = await self._conn.fetch(
            PLAYBOOK_VERSIONS_SQL,
            self._ws,
            playbook_id,
        )
        return [_rows.playbook_version(row) for row in rows]

    async def get_version(self, playbook_id: PlaybookId, version: int) -> PlaybookVersion | None:
        row = await self._conn.fetchrow(
            PLAYBOOK_VERSION_SQL,
            self._ws,
            playbook_id,
            version,
        )
        return None if row is None else _rows.playbook_version(row)

    async def all_versions(self) -> Sequence[PlaybookVersion]:
        rows = await self._conn.fetch(ALL_PLAYBOOK_VERSIONS_SQL, self._ws)
        return [_rows.playbook_version(row) for row in rows]
