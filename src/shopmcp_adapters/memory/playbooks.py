"""The in-memory playbook repository: a workspace's playbooks and every saved version, with the
constraints migration 0016 gives PostgreSQL (a version is never rewritten)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shopmcp_adapters.memory.repo_base import RepoBase
from shopmcp_domain.errors import Conflict, NotFound
from shopmcp_domain.ids import PlaybookId
from shopmcp_domain.playbooks import Playbook, PlaybookVersion


class InMemoryPlaybooks(RepoBase):
    async def list(self) -> Sequence[Playbook]:
        return sorted(self._p.playbooks.values(), key=lambda p: p.name)

    async def get_by_name(self, name: str) -> Playbook | None:
        return next((p for p in self._p.playbooks.values() if p.name == name), None)

    async def add(self, playbook: Playbook) -> None:
        self._own(playbook.workspace_id)
        if self._p.workspace is None:
            raise NotFound("workspace")
        if await self.get_by_name(playbook.name) is not None:
            raise Conflict(f"playbook {playbook.name!r} exists")
        self._keep(playbook, playbook.created_at)
        self._p.playbooks[playbook.id] = playbook

    async def replace(self, playbook: Playbook, *, saved_at: dt.datetime) -> bool:
        self._own(playbook.workspace_id)
        stored = self._p.playbooks.get(playbook.id)
        if stored is None or stored.version != playbook.version - 1:
            return False
        self._keep(playbook, saved_at)
        self._p.playbooks[playbook.id] = playbook
        return True

    def _keep(self, playbook: Playbook, saved_at: dt.datetime) -> None:
        # PostgreSQL's primary key (workspace, playbook, version): a version is never rewritten.
        if (playbook.id, playbook.version) in self._p.playbook_versions:
            raise Conflict(f"playbook {playbook.name!r} version {playbook.version} exists")
        self._p.playbook_versions[playbook.id, playbook.version] = PlaybookVersion(
            playbook, saved_at
        )

    async def delete(self, playbook_id: PlaybookId) -> bool:
        return self._p.playbooks.pop(playbook_id, None) is not None

    async def versions(self, playbook_id: PlaybookId) -> Sequence[PlaybookVersion]:
        return sorted(
            (v for (pid, _), v in self._p.playbook_versions.items() if pid == playbook_id),
            key=lambda v: v.version,
            reverse=True,
        )

    async def get_version(self, playbook_id: PlaybookId, version: int) -> PlaybookVersion | None:
        return self._p.playbook_versions.get((playbook_id, version))

    async def all_versions(self) -> Sequence[PlaybookVersion]:
        return sorted(
            self._p.playbook_versions.values(),
            key=lambda v: (v.playbook.name, str(v.playbook.id), v.version),
        )
