"""MCP keys: only prefix + hash stored; every bad token is the same refusal."""

import pytest

from shopmcp_domain.errors import AuthenticationFailed
from shopmcp_domain.keys import (
    NO_SUCH_PREFIX,
    Access,
    KeyScopes,
    hash_secret,
    issue_key,
    parse_token,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ScopeRecord
from tests.factories import NOW, World, make_workspace


def test_an_issued_token_parses_back_to_its_prefix_and_matches_its_hash() -> None:
    issued = issue_key(make_workspace().id, NOW)
    parsed = parse_token(issued.token)
    assert parsed.prefix == issued.key.prefix
    assert issued.key.secret_hash == hash_secret(parsed.secret)
    assert issued.key.matches(parsed.secret)
    assert parsed.secret not in repr(issued) + repr(issued.key) + repr(parsed)


def test_tokens_are_unique_and_carry_enough_entropy() -> None:
    workspace_id = make_workspace().id
    tokens = {issue_key(workspace_id, NOW).token for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(parse_token(t).secret) == 43 for t in tokens)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "smcp_",
        "smcp_abcdefghijkl_",
        "smcp_ABCDEFGHIJKL_" + "a" * 43,
        "smcp_abcdefghijkl_" + "a" * 42,
        "smcp_abcdefghijkl_" + "a" * 44,
        "bearer smcp_abcdefghijkl_" + "a" * 43,
        "smcp_abcdefghijkl_" + "a" * 42 + "\n",
        "smcp_abcdefghijkl_" + "a" * 42 + "%",
    ],
)
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(AuthenticationFailed):
        parse_token(token)


async def test_authentication_refusals_are_indistinguishable() -> None:
    world = World()
    _, issued = await world.tenant()
    prefix = issued.key.prefix
    wrong_secret = f"smcp_{prefix}_" + "A" * 43
    unknown_prefix = "smcp_" + "a" * 12 + "_" + "A" * 43
    async with world.store.unit_of_work(issued.key.workspace_id) as uow:
        await uow.keys.revoke(issued.key.id, NOW)
    messages = set()
    for token in (wrong_secret, unknown_prefix, "garbage", issued.token):
        with pytest.raises(AuthenticationFailed) as info:
            await world.scope(token)
        messages.add(str(info.value))
    assert len(messages) == 1


def test_the_prefix_looked_up_for_a_malformed_token_cannot_belong_to_a_key() -> None:
    with pytest.raises(AuthenticationFailed):
        parse_token(f"smcp_{NO_SUCH_PREFIX}_" + "a" * 43)
    prefixes = {issue_key(make_workspace().id, NOW).key.prefix for _ in range(50)}
    assert all(len(p) == len(NO_SUCH_PREFIX) for p in prefixes)


async def test_every_presented_token_costs_exactly_one_directory_lookup() -> None:
    world = World()
    _, issued = await world.tenant()
    _, revoked = await world.tenant()
    async with world.store.unit_of_work(revoked.key.workspace_id) as uow:
        await uow.keys.revoke(revoked.key.id, NOW)
    lookups: list[str] = []
    real_find = world.store.load

    async def counting_find(prefix: str) -> ScopeRecord | None:
        lookups.append(prefix)
        return await real_find(prefix)

    world.store.load = counting_find  # type: ignore[method-assign]
    refused = {
        "unknown": "smcp_" + "a" * 12 + "_" + "A" * 43,
        "wrong secret": f"smcp_{issued.key.prefix}_" + "A" * 43,
        "revoked": revoked.token,
        "malformed": "garbage",
        "missing": "",
    }
    for token in refused.values():
        lookups.clear()
        with pytest.raises(AuthenticationFailed) as info:
            await world.scope(token)
        assert str(info.value) == "invalid or revoked MCP key"
        assert len(lookups) == 1
    assert lookups == [NO_SUCH_PREFIX]  # the last one, missing, looked up the impossible prefix
    lookups.clear()
    scope = await world.scope(issued.token)
    assert lookups == [issued.key.prefix]
    assert scope.key.id == issued.key.id


async def test_authentication_binds_the_scope_to_the_keys_workspace() -> None:
    world = World()
    workspace_a, key_a = await world.tenant(platforms=(Platform.SHOPIFY,))
    workspace_b, key_b = await world.tenant(platforms=(Platform.MAGENTO,))
    scope_a, scope_b = await world.scope(key_a.token), await world.scope(key_b.token)
    assert scope_a.workspace.id == workspace_a.id
    assert scope_b.workspace.id == workspace_b.id
    assert {c.workspace_id for c in scope_a.connections} == {workspace_a.id}
    assert scope_a.policy.names == {"shopify_get_thing"}
    assert scope_b.policy.names == {"magento_get_thing"}


def test_scopes_round_trip_through_their_stored_form() -> None:
    scopes = KeyScopes(
        access=frozenset({Access.READ, Access.WRITE}), platforms=frozenset({Platform.XERO})
    )
    assert KeyScopes.from_strings(scopes.to_strings()) == scopes
    assert KeyScopes.from_strings(["read"]) == KeyScopes()
    with pytest.raises(ValueError):
        KeyScopes.from_strings(["admin"])
