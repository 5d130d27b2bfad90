"""Credential payloads never show their values; leases open lazily and rotate once."""

import asyncio
import pickle

import pytest

from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id
from shopmcp_domain.services.credentials import VaultCredentialLease
from tests.factories import World

SECRET = "shpat_0123456789abcdef"


def test_payload_reprs_and_strs_never_show_values() -> None:
    payload = CredentialPayload({"access_token": SECRET, "refresh_token": "r-" + SECRET})
    for rendering in (repr(payload), str(payload), f"{payload}", repr([payload])):
        assert SECRET not in rendering
    assert payload["access_token"] == SECRET
    assert CredentialPayload.from_bytes(payload.to_bytes()) == payload


def test_payload_refuses_non_string_values() -> None:
    with pytest.raises(TypeError):
        CredentialPayload({"access_token": 123})  # type: ignore[dict-item]


async def test_sealed_credentials_open_only_under_their_own_context() -> None:
    world = World()
    payload = CredentialPayload({"access_token": SECRET})
    workspace_a, _ = await world.tenant()
    workspace_b, _ = await world.tenant()
    context_a = EncryptionContext(workspace_a.id, new_credential_id())
    sealed = await world.vault.seal(context_a, payload)
    assert SECRET.encode() not in sealed.ciphertext + sealed.wrapped_dek
    assert SECRET not in repr(sealed) and "ciphertext=<" in repr(sealed)
    assert await world.vault.open(context_a, sealed) == payload
    for context in (
        EncryptionContext(workspace_b.id, context_a.credential_id),
        EncryptionContext(workspace_a.id, new_credential_id()),
    ):
        with pytest.raises(CredentialUnavailable):
            await world.vault.open(context, sealed)


async def _lease(world: World) -> tuple[VaultCredentialLease, CredentialPayload]:
    _, issued = await world.tenant(secret="old")
    scope = await world.scope(issued.token)
    connection = scope.connection_for(world.registry["shopify_get_thing"])
    lease = VaultCredentialLease(connection, world.vault, world.store)
    return lease, await lease.current()


async def test_a_lease_opens_once_per_request() -> None:
    world = World()
    lease, first = await _lease(world)
    opens = world.vault.opens
    assert await lease.current() is first
    assert world.vault.opens == opens
    assert "old" not in repr(lease)


async def test_concurrent_rotations_call_the_refresher_once_and_persist_the_new_pair() -> None:
    world = World()
    lease, stale = await _lease(world)
    calls = 0

    async def refresh(current: CredentialPayload) -> CredentialPayload:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return current.replace(access_token="new", refresh_token="new-refresh")

    results = await asyncio.gather(*(lease.rotate(refresh, stale) for _ in range(5)))
    assert calls == 1
    assert {r["access_token"] for r in results} == {"new"}
    lease.forget()
    assert (await lease.current())["refresh_token"] == "new-refresh"


async def test_a_failed_refresh_leaves_the_stored_credential_untouched() -> None:
    world = World()
    lease, stale = await _lease(world)

    async def refresh(current: CredentialPayload) -> CredentialPayload:
        raise RuntimeError("provider said invalid_grant")

    with pytest.raises(RuntimeError):
        await lease.rotate(refresh, stale)
    lease.forget()
    assert await lease.current() == stale


def test_payloads_are_not_picklable_into_a_readable_form() -> None:
    payload = CredentialPayload({"access_token": SECRET})
    with pytest.raises(TypeError):
        pickle.dumps(payload)


async def test_a_rotated_credential_is_what_the_lease_serves_next() -> None:
    world = World()
    _, issued = await world.tenant(secret="old")
    scope = await world.scope(issued.token)
    lease = scope.lease(scope.connection_for(world.registry["shopify_get_thing"]))
    # forget() is the domain lease's own, not the port's: narrow to reach it.
    assert isinstance(lease, VaultCredentialLease)
    stale = await lease.current()

    async def refresh(current: CredentialPayload) -> CredentialPayload:
        return current.replace(access_token="rotated")

    await lease.rotate(refresh, stale)
    lease.forget()  # the next read must come from the store, not the scope's prefetched copy
    assert (await lease.current())["access_token"] == "rotated"
