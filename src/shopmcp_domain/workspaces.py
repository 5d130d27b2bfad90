"""Workspaces: the tenant. Everything a merchant connects belongs to exactly one."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.text import check_plain_text


class WorkspaceStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING_DELETION = "pending_deletion"
    # Staff suspended it (the admin console): it serves no tools until resumed.
    SUSPENDED = "suspended"


class WriteApprovalMode(enum.StrEnum):
    """Who approves a confirmed write. ``in_chat`` (the default): the user, in the chat, by the
    one-time code of the preview (or the client's form). ``dashboard``: a member with the admin
    or owner role, on the dashboard's Writes page; the chat gets no code to send back, so a
    model obeying text injected into store data cannot approve its own write."""

    IN_CHAT = "in_chat"
    DASHBOARD = "dashboard"


def _name(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value.strip() or len(value) > 200:
        raise ValueError("workspace name must be 1-200 characters")
    check_plain_text(value, what="workspace name", max_chars=200)


@attrs.frozen
class Workspace:
    id: WorkspaceId
    name: str = attrs.field(validator=_name)
    plan: PlanTier
    created_at: dt.datetime
    status: WorkspaceStatus = WorkspaceStatus.ACTIVE
    # Per-module write opt-in: write tools of a platform are registered only when it is here.
    write_enabled: frozenset[Platform] = frozenset()
    # Per-module opt-out of write confirmation, set only by an owner (audited): a write tool of
    # a platform here runs on its first call. Empty by default: every write is confirmed.
    confirmation_off: frozenset[Platform] = frozenset()
    # Where confirmed writes are approved (set by an owner or admin, audited; migration 0017).
    write_approval: WriteApprovalMode = WriteApprovalMode.IN_CHAT
    # The billing provider's customer id (Stripe); None until billing is set up.
    billing_customer_id: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status is WorkspaceStatus.ACTIVE

    def enable_writes(self, platform: Platform) -> Workspace:
        return attrs.evolve(self, write_enabled=self.write_enabled | {platform})

    def disable_writes(self, platform: Platform) -> Workspace:
        return attrs.evolve(self, write_enabled=self.write_enabled - {platform})

    def set_confirmation(self, platform: Platform, on: bool) -> Workspace:
        off = self.confirmation_off - {platform} if on else self.confirmation_off | {platform}
        return attrs.evolve(self, confirmation_off=off)

    def confirms_writes(self, platform: Platform) -> bool:
        return platform not in self.confirmation_off

    def set_write_approval(self, mode: WriteApprovalMode) -> Workspace:
        return attrs.evolve(self, write_approval=mode)

    @property
    def approves_on_dashboard(self) -> bool:
        return self.write_approval is WriteApprovalMode.DASHBOARD

    def change_plan(self, plan: PlanTier) -> Workspace:
        return attrs.evolve(self, plan=plan)

    def set_billing_customer(self, customer_id: str | None) -> Workspace:
        return attrs.evolve(self, billing_customer_id=customer_id)

    def mark_pending_deletion(self) -> Workspace:
        return attrs.evolve(self, status=WorkspaceStatus.PENDING_DELETION)

    def rename(self, name: str) -> Workspace:
        return attrs.evolve(self, name=name)

    def with_status(self, status: WorkspaceStatus) -> Workspace:
        return attrs.evolve(self, status=status)


@attrs.frozen
class WorkspaceOverview:
    """What staff see of one workspace: metadata only, never a credential or a usage row."""

    workspace: Workspace
    platforms: tuple[Platform, ...]
    connections: int
    active_keys: int
    members: int
