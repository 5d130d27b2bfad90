"""The confirmation store on the in-memory fake: the same suite PostgreSQL passes in
``tests/integration/postgres/test_confirmations.py``."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryConfirmationStore
from shopmcp_domain.ids import WorkspaceId, new_workspace_id
from tests.ports.confirmations import ConfirmationPorts, ConfirmationStoreSuite


@pytest.fixture
def confirmation_ports() -> ConfirmationPorts:
    async def new_workspace() -> WorkspaceId:
        return new_workspace_id()

    store = InMemoryConfirmationStore()
    return ConfirmationPorts(store, new_workspace, store)


class TestConfirmationStorePort(ConfirmationStoreSuite):
    pass
