"""Write whitelists and the global forbidden set: refusals happen before any upstream call."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmcp_domain.errors import WriteFieldRejected
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.tools.whitelist import FORBIDDEN_WRITE_FIELDS, WriteWhitelist, check_write
from tests.factories import ADMITTED, World

WL = WriteWhitelist(writable=frozenset({"title", "status"}), locators=frozenset({"thing_id"}))


def test_whitelisted_fields_pass() -> None:
    check_write("t", WL, {"thing_id": 1, "title": "x", "status": "draft"})


@pytest.mark.parametrize("field", sorted(FORBIDDEN_WRITE_FIELDS))
def test_every_forbidden_field_is_refused_even_if_a_tool_whitelisted_it(field: str) -> None:
    permissive = WriteWhitelist(writable=frozenset({field, "title"}))
    with pytest.raises(WriteFieldRejected) as info:
        check_write("t", permissive, {field: "x"})
    assert info.value.forbidden == (field,)


@pytest.mark.parametrize(
    "spelling", ["Password", "PASSWORD", "roleId", "role-id", "Role_ID", "is.active", "isActive"]
)
def test_forbidden_fields_are_refused_in_any_spelling(spelling: str) -> None:
    with pytest.raises(WriteFieldRejected):
        check_write("t", WL, {"thing_id": 1, spelling: "x"})


@pytest.mark.parametrize(
    "payload",
    [
        {"thing_id": 1, "title": {"sku": "NEW-SKU"}},
        {"thing_id": 1, "title": [{"custom_attributes": []}]},
        {"thing_id": 1, "title": {"deep": {"deeper": {"password": "x"}}}},
    ],
)
def test_forbidden_fields_nested_anywhere_are_refused(payload: dict[str, object]) -> None:
    with pytest.raises(WriteFieldRejected):
        check_write("t", WL, payload)


def test_a_locator_may_carry_a_forbidden_name_only_at_the_top_level() -> None:
    by_sku = WriteWhitelist(writable=frozenset({"name"}), locators=frozenset({"sku"}))
    check_write("magento_update_product", by_sku, {"sku": "ABC", "name": "New name"})
    with pytest.raises(WriteFieldRejected, match="forbidden fields: sku"):
        check_write("magento_update_product", by_sku, {"sku": "ABC", "name": {"sku": "XYZ"}})


def test_the_refusal_names_the_fields_but_never_their_values() -> None:
    with pytest.raises(WriteFieldRejected) as info:
        check_write("t", WL, {"thing_id": 1, "password": "hunter2", "colour": "s3cr3t"})
    assert "password" in info.value.message and "colour" in info.value.message
    assert "hunter2" not in info.value.message and "s3cr3t" not in info.value.message


field_names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=20
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def hostile_payloads(draw: st.DrawFn) -> dict[str, object]:
    """A valid-looking write plus at least one key that is not whitelisted or is forbidden."""
    payload: dict[str, object] = {"thing_id": draw(st.integers(1, 10**6))}
    if draw(st.booleans()):
        payload["title"] = draw(st.text(max_size=20))
    bad = draw(
        st.one_of(
            st.sampled_from(sorted(FORBIDDEN_WRITE_FIELDS)),
            field_names.filter(lambda k: k not in WL.accepted),
        )
    )
    payload[bad] = draw(json_values)
    extra = draw(st.dictionaries(field_names, json_values, max_size=3))
    payload.update({k: v for k, v in extra.items() if k not in payload})
    return payload


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=hostile_payloads())
async def test_hostile_writes_never_reach_the_upstream(payload: dict[str, object]) -> None:
    world = World()
    _, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    scope = await world.scope(issued.token)
    with pytest.raises(WriteFieldRejected):
        await call_tool(world.deps, scope, ADMITTED, "shopify_update_thing", payload)
    assert world.upstream.calls == []
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        [event] = await uow.usage.recent()
    assert event.status.value == "write_field_rejected"
