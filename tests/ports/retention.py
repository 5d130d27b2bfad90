"""RetentionStore (the sweep's cross-tenant store): one suite, run on the in-memory fake
(``tests/unit/domain``) and on PostgreSQL (``tests/integration/postgres``). The PostgreSQL
database is shared by the session: every test makes its own workspaces and people, and dates
its history in 2001 so that the cutoffs it sweeps with touch nothing of other tests."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from shopmcp_domain.accounts import Account, Membership, Role, SignInCode, issue_session
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import Confirmation, IdempotentWrite
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.identity import IdentityStore
from shopmcp_domain.ids import new_account_id, new_connection_id, new_key_id, new_sign_in_code_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.limit_ports import QuotaCounter
from shopmcp_domain.plans import PlanTier, billing_month
from shopmcp_domain.ports import (
    MeterOutbox,
    RetentionStore,
    TenantRepository,
)
from shopmcp_domain.usage import MeterRecord
from shopmcp_domain.workspaces import Workspace
from tests.factories import make_workspace
from tests.ports.confirmations import approval_for
from tests.ports.tenant_store import connection_for, playbook_for, sealed_for, usage_event

LONG_AGO = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
CUTOFF = dt.datetime(2001, 6, 1, tzinfo=dt.UTC)
RECENT = dt.datetime(2001, 9, 1, tzinfo=dt.UTC)


@attrs.frozen
class SweepPorts:
    tenants: TenantRepository
    retention: RetentionStore
    identity: IdentityStore
    outbox: MeterOutbox
    # Where the store keeps quota counts (PostgreSQL's quota_counters): seeded too.
    quota: QuotaCounter | None = None
    # Write confirmations and idempotency keys (migration 0010), where the store has them.
    confirmations: ConfirmationStore | None = None

    async def workspace(self, plan: PlanTier = PlanTier.SOLO) -> Workspace:
        workspace = make_workspace(plan)
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        return workspace

    async def account(self) -> Account:
        account = Account(
            id=new_account_id(), email=f"{uuid.uuid4().hex[:12]}@example.com", created_at=LONG_AGO
        )
        async with self.identity.transaction() as uow:
            await uow.accounts.add(account)
        return account

    async def populate(self, workspace: Workspace, at: dt.datetime = LONG_AGO) -> None:
        """A row in every tenant table the ports can write."""
        account = await self.account()
        sealed = sealed_for(workspace.id)
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection_for(workspace.id, sealed), sealed)
            await uow.keys.add(issue_key(workspace.id, at).key)
            event = usage_event(workspace.id, at)
            await uow.usage.record(event, MeterRecord(event.id, workspace.id, 1, at))
            await uow.playbooks.add(playbook_for(workspace.id, f"weekly-{uuid.uuid4().hex[:8]}"))
            await uow.members.add(Membership(workspace.id, account.id, Role.OWNER, at))
            await uow.audit_entries.add(
                audit_entry(workspace.id, Actor.cli(), "workspace.rename", "workspace", None, at)
            )
        if self.quota is not None:
            await self.quota.count(workspace.id, billing_month(at), 10, overage=False)
        if self.confirmations is not None:
            confirmation, _ = Confirmation.issue(
                workspace_id=workspace.id,
                key_id=new_key_id(),
                tool="shopify_update_product",
                connection_id=new_connection_id(),
                arguments_digest="a" * 64,
                policy_version="b" * 64,
                now=at,
            )
            await self.confirmations.issue(confirmation)
            await self.confirmations.claim(
                IdempotentWrite.claim(
                    workspace_id=workspace.id,
                    idempotency_key=str(confirmation.id),
                    tool="shopify_update_product",
                    arguments_digest="a" * 64,
                    now=at,
                )
            )
            # A write awaiting a dashboard approval (migration 0017).
            await self.confirmations.request_approval(approval_for(workspace.id, now=at))

    async def request_erasure(self, workspace: Workspace, at: dt.datetime) -> None:
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.erasure_requests.add(ErasureRequest(workspace.id, at, None, "cli"))

    async def settle_meters(self) -> None:
        while pending := await self.outbox.claim(1000):
            await self.outbox.mark_sent([p.record.usage_event_id for p in pending])


async def _exists(ports: SweepPorts, workspace: Workspace) -> bool:
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        return await uow.workspaces.get() is not None


class RetentionSuite:
    async def test_only_workspaces_whose_erasure_window_passed_are_erasable(
        self, sweep_ports: SweepPorts
    ) -> None:
        old, fresh, kept = [await sweep_ports.workspace() for _ in range(3)]
        await sweep_ports.request_erasure(old, LONG_AGO)
        await sweep_ports.request_erasure(fresh, RECENT)

        erasable = await sweep_ports.retention.erasable(CUTOFF)

        assert old.id in erasable
        assert fresh.id not in erasable
        assert kept.id not in erasable

    async def test_erase_removes_the_workspace_and_leaves_others_alone(
        self, sweep_ports: SweepPorts
    ) -> None:
        doomed, neighbour = await sweep_ports.workspace(), await sweep_ports.workspace()
        await sweep_ports.populate(doomed)
        await sweep_ports.populate(neighbour)
        await sweep_ports.request_erasure(doomed, LONG_AGO)

        assert await sweep_ports.retention.erase(doomed.id, CUTOFF) is True

        assert not await _exists(sweep_ports, doomed)
        async with sweep_ports.tenants.unit_of_work(doomed.id) as uow:
            assert await uow.connections.list() == []
            assert await uow.keys.list() == []
            assert await uow.usage.recent() == []
            assert await uow.playbooks.list() == []
            assert await uow.members.list() == []
            assert await uow.audit_entries.list() == []
            assert await uow.erasure_requests.get() is None
        async with sweep_ports.tenants.unit_of_work(neighbour.id) as uow:
            assert len(await uow.connections.list()) == 1
            assert len(await uow.usage.recent()) == 1
            assert len(await uow.audit_entries.list()) == 1

    async def test_erase_refuses_without_a_request_past_the_window(
        self, sweep_ports: SweepPorts
    ) -> None:
        unrequested, too_recent = await sweep_ports.workspace(), await sweep_ports.workspace()
        await sweep_ports.populate(unrequested)
        await sweep_ports.populate(too_recent)
        await sweep_ports.request_erasure(too_recent, RECENT)

        assert await sweep_ports.retention.erase(unrequested.id, CUTOFF) is False
        assert await sweep_ports.retention.erase(too_recent.id, CUTOFF) is False

        assert await _exists(sweep_ports, unrequested)
        async with sweep_ports.tenants.unit_of_work(too_recent.id) as uow:
            assert len(await uow.usage.recent()) == 1

    async def test_history_past_retention_goes_for_the_plan_only_and_billing_is_kept(
        self, sweep_ports: SweepPorts
    ) -> None:
        free, scale = await sweep_ports.workspace(), await sweep_ports.workspace(PlanTier.PORTFOLIO)
        for workspace in (free, scale):
            await sweep_ports.populate(workspace, LONG_AGO)
            await sweep_ports.populate(workspace, RECENT)
        await sweep_ports.settle_meters()
        # Recorded after the settlement: its meter record is still owed to billing.
        owed = usage_event(free.id, LONG_AGO)
        async with sweep_ports.tenants.unit_of_work(free.id) as uow:
            await uow.usage.record(owed, MeterRecord(owed.id, free.id, 1, LONG_AGO))

        expired = await sweep_ports.retention.expire_history(PlanTier.SOLO, CUTOFF)

        assert expired.usage_events >= 1
        assert expired.audit_entries >= 1
        async with sweep_ports.tenants.unit_of_work(free.id) as uow:
            events = await uow.usage.recent()
            entries = await uow.audit_entries.list()
        assert {e.created_at for e in events if e.id != owed.id} == {RECENT}
        assert owed.id in {e.id for e in events}
        assert {e.created_at for e in entries} == {RECENT}
        async with sweep_ports.tenants.unit_of_work(scale.id) as uow:
            assert len(await uow.usage.recent()) == 2
            assert len(await uow.audit_entries.list()) == 2

    async def test_usage_history_is_pruned_as_a_prefix_of_the_audit_chain(
        self, sweep_ports: SweepPorts
    ) -> None:
        """An old event recorded after one whose meter record is still owed stays too: the
        audit chain (migration 0011) is cut only before its first kept link."""
        workspace = await sweep_ports.workspace()
        await sweep_ports.populate(workspace, LONG_AGO)
        await sweep_ports.settle_meters()
        owed, after_owed = usage_event(workspace.id, LONG_AGO), usage_event(workspace.id, LONG_AGO)
        for event in (owed, after_owed):
            async with sweep_ports.tenants.unit_of_work(workspace.id) as uow:
                await uow.usage.record(event, MeterRecord(event.id, workspace.id, 1, LONG_AGO))
        await sweep_ports.outbox.mark_sent([after_owed.id])

        expired = await sweep_ports.retention.expire_history(PlanTier.SOLO, CUTOFF)

        assert expired.usage_events >= 1  # populate's event, before the owed one
        async with sweep_ports.tenants.unit_of_work(workspace.id) as uow:
            kept = {e.id for e in await uow.usage.recent()}
        assert kept == {owed.id, after_owed.id}

    async def test_spent_codes_and_ended_sessions_are_purged(self, sweep_ports: SweepPorts) -> None:
        account = await sweep_ports.account()
        an_hour_before = CUTOFF - dt.timedelta(hours=1)
        expired = issue_session(account.id, LONG_AGO).session
        revoked = attrs.evolve(
            issue_session(account.id, an_hour_before).session,
            revoked_at=CUTOFF - dt.timedelta(minutes=1),
        )
        live = issue_session(account.id, an_hour_before).session
        old_code = SignInCode(
            id=new_sign_in_code_id(),
            email=account.email,
            code_hash=b"h" * 32,
            created_at=LONG_AGO,
            expires_at=LONG_AGO + dt.timedelta(minutes=10),
        )
        # Expired, but still counted by the per-address send limit: kept for CODE_RETENTION.
        counted_code = attrs.evolve(
            old_code,
            id=new_sign_in_code_id(),
            created_at=CUTOFF - dt.timedelta(minutes=20),
            expires_at=CUTOFF - dt.timedelta(minutes=10),
        )
        live_code = attrs.evolve(
            old_code,
            id=new_sign_in_code_id(),
            created_at=CUTOFF - dt.timedelta(minutes=1),
            expires_at=CUTOFF + dt.timedelta(minutes=9),
        )
        async with sweep_ports.identity.transaction() as uow:
            for session in (expired, revoked, live):
                await uow.sessions.add(session)
            for code in (old_code, counted_code, live_code):
                await uow.codes.add(code)

        purged = await sweep_ports.retention.purge_sign_ins(CUTOFF)

        assert purged.sessions >= 2
        assert purged.codes >= 1
        async with sweep_ports.identity.transaction() as uow:
            remaining = {s.id for s in await uow.sessions.list_for(account.id)}
            codes_left = await uow.codes.count_since(account.email, LONG_AGO)
        assert remaining == {live.id}
        assert codes_left == 2
