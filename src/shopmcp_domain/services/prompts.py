"""The prompts/list and prompts/get use cases: a workspace's playbooks, rendered on request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shopmcp_domain.errors import NotFound
from shopmcp_domain.playbooks import Playbook, PlaybookMode
from shopmcp_domain.services.scope import RequestScope


async def list_playbooks(scope: RequestScope) -> Sequence[Playbook]:
    """The instructions playbooks: tool-steps ones are run by ``run_playbook``, not prompts."""
    async with scope.tenants.unit_of_work(scope.workspace.id) as uow:
        playbooks = await uow.playbooks.list()
    return [p for p in playbooks if p.mode is PlaybookMode.INSTRUCTIONS]


async def render_playbook(
    scope: RequestScope, name: str, arguments: Mapping[str, str] | None
) -> tuple[Playbook, str]:
    """The named playbook and its filled template. Raises :class:`NotFound` for a name this
    workspace does not have, and ``PlaybookRenderError`` for missing or unknown arguments."""
    async with scope.tenants.unit_of_work(scope.workspace.id) as uow:
        playbook = await uow.playbooks.get_by_name(name)
    if playbook is None or playbook.mode is not PlaybookMode.INSTRUCTIONS:
        raise NotFound("prompt")
    return playbook, playbook.render(dict(arguments or {}))
