"""The base of the in-memory unit of work's repositories: the partition of the workspace it
serves, the cross-tenant guard, and the change notices a commit publishes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from shopmcp_domain.changes import Change, ChangeKind
from shopmcp_domain.errors import CrossTenantWrite
from shopmcp_domain.ids import WorkspaceId

if TYPE_CHECKING:
    from shopmcp_adapters.memory.tenants import _Partition, _UnitOfWork


class RepoBase:
    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    @property
    def _p(self) -> _Partition:
        return self._uow.partition

    def _own(self, workspace_id: WorkspaceId) -> None:
        if workspace_id != self._uow.workspace_id:
            raise CrossTenantWrite()

    def _changed(self, kind: ChangeKind, object_id: uuid.UUID) -> None:
        self._uow.changes.append(Change(kind, self._uow.workspace_id, object_id))
