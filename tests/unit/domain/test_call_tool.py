"""The tools/call use case: order of checks, typed refusals, exactly one usage event per call."""

import asyncio

import pytest

from shopmcp_domain.errors import (
    ConnectionUnavailable,
    CredentialUnavailable,
    InvalidArguments,
    RateLimited,
    ToolNotAllowed,
    UnknownTool,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamUnavailable,
    UsageStatus,
    WorkspaceInactive,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services.call_tool import InternalError, call_tool
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.usage import UsageEvent
from tests.factories import World


async def _events(world: World, scope: RequestScope) -> list[UsageEvent]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return list(await uow.usage.recent(1000))


async def _setup(**kwargs) -> tuple[World, RequestScope]:
    world = World()
    _, issued = await world.tenant(**kwargs)
    return world, await world.scope(issued.token)


async def test_success_calls_the_upstream_once_with_validated_arguments_and_audits() -> None:
    world, scope = await _setup()
    world.upstream.answer("shopify_get_thing", ToolOutput({"thing_id": 7, "title": "T"}, "T"))
    world.clock.advance(0)

    output = await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 7})

    assert output.structured == {"thing_id": 7, "title": "T"}
    [call] = world.upstream.calls
    assert call.arguments.model_dump() == {"thing_id": 7}
    assert call.connection.platform is Platform.SHOPIFY
    [event] = await _events(world, scope)
    assert event.status is UsageStatus.OK
    assert (event.tool, event.key_prefix, event.connection_id) == (
        "shopify_get_thing",
        scope.key.prefix,
        call.connection.id,
    )
    assert event.error_class is None


async def test_the_credential_is_opened_with_the_requesting_workspace_context() -> None:
    world, scope = await _setup(secret="shpat_abc")

    async def read_token(call):
        token = (await call.credentials.current())["access_token"]
        return ToolOutput({"token_seen": token == "shpat_abc-shopify"}, "ok")

    world.upstream.answer("shopify_get_thing", read_token)
    output = await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert output.structured == {"token_seen": True}


@pytest.mark.parametrize(
    ("name", "arguments", "error", "status"),
    [
        ("shopify_nope", {}, UnknownTool, UsageStatus.UNKNOWN_TOOL),
        ("magento_get_thing", {"thing_id": 1}, ToolNotAllowed, UsageStatus.NOT_ALLOWED),
        ("shopify_update_thing", {"thing_id": 1}, ToolNotAllowed, UsageStatus.NOT_ALLOWED),
        ("shopify_get_thing", {"thing_id": 0}, InvalidArguments, UsageStatus.INVALID_ARGUMENTS),
        (
            "shopify_get_thing",
            {"thing_id": 1, "x": 1},
            InvalidArguments,
            UsageStatus.INVALID_ARGUMENTS,
        ),
        ("shopify_get_thing", {}, InvalidArguments, UsageStatus.INVALID_ARGUMENTS),
    ],
)
async def test_refusals_are_typed_audited_and_never_reach_the_upstream(
    name: str, arguments: dict, error: type[Exception], status: UsageStatus
) -> None:
    world, scope = await _setup()
    with pytest.raises(error):
        await call_tool(world.deps, scope, name, arguments)
    assert world.upstream.calls == []
    [event] = await _events(world, scope)
    assert event.status is status
    assert event.error_class == error.__name__


async def test_invalid_arguments_explain_the_problem_without_echoing_values() -> None:
    world, scope = await _setup()
    with pytest.raises(InvalidArguments) as info:
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": "secret-value"})
    assert "thing_id" in info.value.message
    assert "secret-value" not in info.value.message


async def test_rate_limit_refuses_with_retry_after_and_still_audits() -> None:
    world, scope = await _setup()  # free plan: 60 per 60 s
    admitted = 0
    limited: list[RateLimited] = []
    for _ in range(65):
        request_scope = await world.scope(await _token(world, scope))
        try:
            await call_tool(world.deps, request_scope, "shopify_get_thing", {"thing_id": 1})
            admitted += 1
        except RateLimited as error:
            limited.append(error)
    assert admitted == 60
    assert len(limited) == 5
    assert all(0 < e.retry_after <= 60 for e in limited)
    assert len(world.upstream.calls) == 60
    events = await _events(world, scope)
    assert len(events) == 65
    assert sum(e.status is UsageStatus.RATE_LIMITED for e in events) == 5

    world.clock.advance(60.01)
    request_scope = await world.scope(await _token(world, scope))
    await call_tool(world.deps, request_scope, "shopify_get_thing", {"thing_id": 1})
    assert len(world.upstream.calls) == 61


async def test_one_request_is_counted_once_however_many_layers_admit_it() -> None:
    from shopmcp_domain.services.scope import admit

    world, scope = await _setup()
    await admit(scope, world.limiter)
    await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert scope.admission is not None and scope.admission.remaining == 59


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (UpstreamError("shopify", 404, "Not Found"), UsageStatus.UPSTREAM_ERROR),
        (UpstreamRateLimited("shopify", "Throttled", 2.0), UsageStatus.UPSTREAM_RATE_LIMITED),
        (UpstreamUnavailable("shopify", "HTTP 503"), UsageStatus.UPSTREAM_UNAVAILABLE),
    ],
)
async def test_upstream_failures_surface_as_is_are_not_retried_and_are_audited(
    failure: Exception, status: UsageStatus
) -> None:
    world, scope = await _setup()
    world.upstream.answer("shopify_get_thing", failure)
    with pytest.raises(type(failure)) as info:
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert info.value is failure
    assert len(world.upstream.calls) == 1
    [event] = await _events(world, scope)
    assert event.status is status


async def test_unexpected_errors_become_a_generic_internal_error() -> None:
    world, scope = await _setup()
    world.upstream.answer("shopify_get_thing", KeyError("db password is hunter2"))
    with pytest.raises(InternalError) as info:
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert "hunter2" not in str(info.value)
    [event] = await _events(world, scope)
    assert (event.status, event.error_class) == (UsageStatus.INTERNAL_ERROR, "KeyError")


async def test_a_credential_that_cannot_be_opened_is_a_clean_refusal() -> None:
    world, scope = await _setup()
    world.vault = type(world.vault)()  # a vault with another master key
    scope.vault = world.vault

    async def use_credentials(call):
        await call.credentials.current()
        return ToolOutput({}, "")

    world.upstream.answer("shopify_get_thing", use_credentials)
    with pytest.raises(CredentialUnavailable):
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    [event] = await _events(world, scope)
    assert event.status is UsageStatus.CREDENTIAL_UNAVAILABLE


async def test_pending_deletion_workspaces_serve_nothing() -> None:
    world, scope = await _setup()
    scope.workspace = scope.workspace.mark_pending_deletion()
    with pytest.raises(WorkspaceInactive):
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.upstream.calls == []


async def test_a_missing_connection_is_refused_before_the_upstream() -> None:
    world, scope = await _setup()
    scope.connections = ()
    with pytest.raises(ConnectionUnavailable):
        await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.upstream.calls == []


async def test_usage_events_hold_no_argument_values_or_response_bodies() -> None:
    world, scope = await _setup()
    world.upstream.answer(
        "shopify_get_thing", ToolOutput({"email": "jane@example.com"}, "jane@example.com")
    )
    await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 424242})
    [event] = await _events(world, scope)
    dumped = repr(event) + repr(event.__dict__ if hasattr(event, "__dict__") else "")
    assert "jane@example.com" not in dumped
    assert "424242" not in dumped


async def test_concurrent_calls_each_leave_exactly_one_event() -> None:
    world, scope = await _setup()
    scopes = [await world.scope(await _token(world, scope)) for _ in range(20)]
    results = await asyncio.gather(
        *(call_tool(world.deps, s, "shopify_get_thing", {"thing_id": 1}) for s in scopes),
        return_exceptions=True,
    )
    assert all(isinstance(r, ToolOutput) for r in results)
    assert len(await _events(world, scope)) == 20


async def _token(world: World, scope: RequestScope) -> str:
    """Each request authenticates afresh: reuse the token issued for the workspace."""
    return world.tokens[scope.workspace.id]


async def test_a_call_costs_one_transaction_after_authentication() -> None:
    """The sealed credential arrives with the scope: the call itself only writes its audit."""
    world, scope = await _setup()

    async def use_credentials(call):
        await call.credentials.current()
        return ToolOutput({}, "")

    world.upstream.answer("shopify_get_thing", use_credentials)
    before = world.store.units_opened
    await call_tool(world.deps, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.store.units_opened - before == 1
    scope.close()
    assert scope.sealed_credentials == {}
