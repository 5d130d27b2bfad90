"""The dashboard's ports: IdentityStore (accounts, sessions, sign-in codes, an account's
memberships), the tenant store's members, audit log, erasure requests and usage review, and
the staff's AdminDirectory. One suite, run on the in-memory fake (``tests/unit/domain``) and on
PostgreSQL (``tests/integration/postgres``). Stores may be shared: every test makes its own
addresses and workspaces."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs
import pytest

from shopmcp_domain.accounts import (
    Account,
    Membership,
    Role,
    SignInCode,
    hash_session_token,
    issue_session,
)
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
    UsageStatus,
)
from shopmcp_domain.identity import AdminDirectory, IdentityStore
from shopmcp_domain.ids import (
    new_account_id,
    new_connection_id,
    new_playbook_id,
    new_sign_in_code_id,
    new_usage_event_id,
)
from shopmcp_domain.keys import issue_key
from shopmcp_domain.ports import TenantRepository
from shopmcp_domain.usage import MeterRecord, UsageCursor, UsageEvent, UsageQuery
from shopmcp_domain.workspaces import Workspace, WorkspaceStatus
from tests.factories import NOW, make_workspace


@attrs.frozen
class People:
    identity: IdentityStore
    tenants: TenantRepository
    admin: AdminDirectory

    async def account(self, email: str | None = None) -> Account:
        account = Account(
            id=new_account_id(),
            email=email or f"{uuid.uuid4().hex[:12]}@example.com",
            created_at=NOW,
        )
        async with self.identity.transaction() as uow:
            await uow.accounts.add(account)
        return account

    async def workspace(self, owner: Account | None = None) -> Workspace:
        workspace = make_workspace()
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
            if owner is not None:
                await uow.members.add(Membership(workspace.id, owner.id, Role.OWNER, NOW))
        return workspace


def _code(email: str, at: dt.datetime, attempts: int = 0) -> SignInCode:
    return SignInCode(
        id=new_sign_in_code_id(),
        email=email,
        code_hash=bytes(32),
        created_at=at,
        expires_at=at + dt.timedelta(minutes=10),
        attempts=attempts,
    )


class IdentitySuite:
    async def test_one_account_per_address(self, people: People) -> None:
        account = await people.account()
        async with people.identity.transaction() as uow:
            assert await uow.accounts.find_by_email(account.email) == account
            assert await uow.accounts.get(account.id) == account
            with pytest.raises(Conflict):
                await uow.accounts.add(attrs.evolve(account, id=new_account_id()))

    async def test_a_transaction_that_raises_leaves_nothing(self, people: People) -> None:
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        with pytest.raises(RuntimeError):
            async with people.identity.transaction() as uow:
                await uow.accounts.add(Account(new_account_id(), email, NOW))
                raise RuntimeError
        async with people.identity.transaction() as uow:
            assert await uow.accounts.find_by_email(email) is None

    async def test_sessions_are_found_by_token_hash_or_account(self, people: People) -> None:
        alice, bob = await people.account(), await people.account()
        mine = issue_session(alice.id, NOW)
        later = issue_session(alice.id, NOW + dt.timedelta(seconds=1))
        theirs = issue_session(bob.id, NOW)
        async with people.identity.transaction() as uow:
            for issued in (mine, later, theirs):
                await uow.sessions.add(issued.session)
        async with people.identity.transaction() as uow:
            found = await uow.sessions.find_by_token_hash(hash_session_token(mine.token))
            assert found == mine.session
            assert await uow.sessions.find_by_token_hash(bytes(32)) is None
            assert [s.id for s in await uow.sessions.list_for(alice.id)] == [
                later.session.id,
                mine.session.id,
            ]
            assert await uow.sessions.get_for(bob.id, mine.session.id) is None
            slid = mine.session.revoke(NOW + dt.timedelta(minutes=5))
            await uow.sessions.update(slid)
            with pytest.raises(NotFound):
                await uow.sessions.update(attrs.evolve(slid, account_id=bob.id))
        async with people.identity.transaction() as uow:
            assert await uow.sessions.get_for(alice.id, mine.session.id) == slid

    async def test_the_current_code_is_the_newest_unconsumed(self, people: People) -> None:
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        old, new = _code(email, NOW), _code(email, NOW + dt.timedelta(seconds=5))
        async with people.identity.transaction() as uow:
            await uow.codes.add(old)
            await uow.codes.add(new)
            assert await uow.codes.current(email, for_update=True) == new
            await uow.codes.update(attrs.evolve(new, attempts=3, consumed_at=NOW))
            assert await uow.codes.current(email) == old
            assert await uow.codes.count_since(email, NOW) == 2
            assert await uow.codes.count_since(email, NOW + dt.timedelta(seconds=1)) == 1
            assert await uow.codes.oldest_since(email, NOW - dt.timedelta(hours=1)) == NOW
            assert await uow.codes.purge(email, NOW + dt.timedelta(seconds=1)) == 1
            assert await uow.codes.current(email) is None
            assert await uow.codes.current("other@example.com") is None

    async def test_members_memberships_and_the_last_owner(self, people: People) -> None:
        owner, viewer = await people.account(), await people.account()
        workspace = await people.workspace(owner)
        async with people.tenants.unit_of_work(workspace.id) as uow:
            await uow.members.add(Membership(workspace.id, viewer.id, Role.VIEWER, NOW))
            with pytest.raises(Conflict):
                await uow.members.add(Membership(workspace.id, viewer.id, Role.ADMIN, NOW))
            with pytest.raises(NotFound):
                await uow.members.add(Membership(workspace.id, new_account_id(), Role.ADMIN, NOW))
        async with people.tenants.unit_of_work(workspace.id) as uow:
            emails = {m.email: m.role for m in await uow.members.list()}
            assert emails == {owner.email: Role.OWNER, viewer.email: Role.VIEWER}
            assert await uow.members.set_role(viewer.id, Role.ADMIN)
            assert (await uow.members.get(viewer.id)).role is Role.ADMIN  # type: ignore[union-attr]
        async with people.identity.transaction() as uow:
            [membership] = await uow.memberships.of_account(viewer.id)
        assert membership.workspace.id == workspace.id and membership.role is Role.ADMIN
        async with people.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.members.remove(viewer.id)
            assert not await uow.members.remove(viewer.id)
        async with people.identity.transaction() as uow:
            assert await uow.memberships.of_account(viewer.id) == []

    async def test_the_audit_log_pages_newest_first(self, people: People) -> None:
        workspace = await people.workspace()
        actor = Actor(None, "cli")
        entries = [
            audit_entry(workspace.id, actor, "key.create", "key", f"k{i}", NOW, n=str(i))
            for i in range(5)
        ]
        async with people.tenants.unit_of_work(workspace.id) as uow:
            for entry in entries:
                await uow.audit_entries.add(entry)
        ordered = sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)
        async with people.tenants.unit_of_work(workspace.id) as uow:
            first = await uow.audit_entries.list(limit=2)
            rest = await uow.audit_entries.list((first[-1].created_at, first[-1].id), 10)
        assert [e.id for e in [*first, *rest]] == [e.id for e in ordered]
        assert first[0] == ordered[0]

    async def test_an_erasure_is_requested_once(self, people: People) -> None:
        workspace = await people.workspace()
        request = ErasureRequest(workspace.id, NOW, None, "cli")
        async with people.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.erasure_requests.get() is None
            await uow.erasure_requests.add(request)
            with pytest.raises(Conflict):
                await uow.erasure_requests.add(request)
        async with people.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.erasure_requests.get() == request

    async def test_the_usage_review(self, people: People) -> None:
        workspace = await people.workspace()
        key = issue_key(workspace.id, NOW).key
        connection = new_connection_id()
        playbook = new_playbook_id()
        events = [
            UsageEvent(
                id=new_usage_event_id(),
                workspace_id=workspace.id,
                key_prefix=key.prefix if i % 2 else "zzzzzzzzzzzz",
                tool="shopify_get_shop" if i < 4 else "shopify_list_orders",
                connection_id=connection if i % 3 else None,
                latency_ms=float(10 * (i + 1)),
                status=UsageStatus.OK if i != 2 else UsageStatus.UPSTREAM_ERROR,
                error_class=None if i != 2 else "UpstreamError",
                created_at=NOW + dt.timedelta(seconds=i // 2),
                # Events 3 and 4 are steps of one playbook, at two of its versions.
                playbook_id=playbook if i in (3, 4) else None,
                playbook_version=i - 2 if i in (3, 4) else None,
            )
            for i in range(6)
        ]
        async with people.tenants.unit_of_work(workspace.id) as uow:
            await uow.keys.add(key)
            for event in events:
                await uow.usage.record(event, MeterRecord.for_event(event))
        newest = sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)
        async with people.tenants.unit_of_work(workspace.id) as uow:
            page = await uow.usage.search(UsageQuery(limit=3))
            rest = await uow.usage.search(
                UsageQuery(before=UsageCursor(page[-1].created_at, page[-1].id), limit=10)
            )
            assert [e.id for e in [*page, *rest]] == [e.id for e in newest]
            only = await uow.usage.search(
                UsageQuery(
                    tool="shopify_get_shop",
                    key_prefix=key.prefix,
                    connection_id=connection,
                    status=UsageStatus.OK,
                    since=NOW,
                    until=NOW + dt.timedelta(seconds=2),
                )
            )
            assert [e.id for e in only] == [events[1].id]
            steps = await uow.usage.search(UsageQuery(playbook_id=playbook))
            assert [(e.id, e.playbook_version) for e in steps] == [
                (events[4].id, 2),
                (events[3].id, 1),
            ]
            assert await uow.usage.search(UsageQuery(playbook_id=new_playbook_id())) == []
            summary = {t.tool: t for t in await uow.usage.summary(None, None)}
            assert summary["shopify_get_shop"].calls == 4
            assert summary["shopify_get_shop"].errors == 1
            assert summary["shopify_get_shop"].p50_ms == pytest.approx(25.0)
            assert summary["shopify_list_orders"].p90_ms == pytest.approx(59.0)
            windowed = await uow.usage.summary(NOW + dt.timedelta(seconds=2), None)
            assert [t.tool for t in windowed] == ["shopify_list_orders"]
            assert await uow.usage.last_used() == {key.prefix: NOW + dt.timedelta(seconds=2)}

    async def test_the_admin_directory(self, people: People) -> None:
        owner = await people.account()
        workspace = await people.workspace(owner)
        overview = await people.admin.overview(workspace.id)
        assert overview is not None
        assert (overview.members, overview.connections, overview.active_keys) == (1, 0, 0)
        assert await people.admin.overview(make_workspace().id) is None
        entry = audit_entry(
            workspace.id,
            Actor.staff(owner.id, owner.email),
            "admin.suspend",
            "workspace",
            workspace.id,
            NOW,
        )
        changed = await people.admin.set_status(workspace.id, WorkspaceStatus.SUSPENDED, entry)
        assert changed is not None and changed.status is WorkspaceStatus.SUSPENDED
        async with people.tenants.unit_of_work(workspace.id) as uow:
            assert [e.action for e in await uow.audit_entries.list()] == ["admin.suspend"]
            stored = await uow.workspaces.get()
        assert stored is not None and stored.status is WorkspaceStatus.SUSPENDED
        seen = await people.admin.workspaces(None, 10_000)
        assert workspace.id in {w.id for w in seen}
        first = seen[0]
        after = await people.admin.workspaces((first.created_at, first.id), 10_000)
        assert first.id not in {w.id for w in after}
        staff = await people.admin.set_staff(owner.email, True)
        assert staff is not None and staff.is_staff
        assert await people.admin.set_staff("nobody-at-all@example.com", True) is None
