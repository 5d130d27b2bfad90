"""The tools/call use case: order of checks, typed refusals, exactly one usage event per call."""

import asyncio
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from shopmcp_domain.errors import (
    AuditUnavailable,
    ConnectionUnavailable,
    CredentialUnavailable,
    InternalError,
    InvalidArguments,
    RateLimited,
    RateLimiterUnavailable,
    ToolNotAllowed,
    UnknownTool,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamUnavailable,
    UsageStatus,
    WorkspaceInactive,
)
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.admission import Admitted, RefusedRateLimited
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.usage import MeterRecord, UsageEvent
from tests.factories import World


async def _events(world: World, scope: RequestScope) -> list[UsageEvent]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return list(await uow.usage.recent(1000))


async def _setup(**kwargs: Any) -> tuple[World, RequestScope]:
    world = World()
    _, issued = await world.tenant(**kwargs)
    return world, await world.scope(issued.token)


async def _call(
    world: World, scope: RequestScope, name: str, arguments: Mapping[str, Any] | None
) -> ToolOutput:
    """One request the way the entry point makes it: admitted once, then the use case."""
    return await call_tool(world.deps, scope, await world.admit(scope), name, arguments)


async def test_success_calls_the_upstream_once_with_validated_arguments_and_audits() -> None:
    world, scope = await _setup()
    world.upstream.answer("shopify_get_thing", ToolOutput({"thing_id": 7, "title": "T"}, "T"))
    world.clock.advance(0)

    output = await _call(world, scope, "shopify_get_thing", {"thing_id": 7})

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

    async def read_token(call: UpstreamCall) -> ToolOutput:
        token = (await call.credentials.current())["access_token"]
        return ToolOutput({"token_seen": token == "shpat_abc-shopify"}, "ok")

    world.upstream.answer("shopify_get_thing", read_token)
    output = await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
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
    name: str, arguments: dict[str, Any], error: type[Exception], status: UsageStatus
) -> None:
    world, scope = await _setup()
    with pytest.raises(error):
        await _call(world, scope, name, arguments)
    assert world.upstream.calls == []
    [event] = await _events(world, scope)
    assert event.status is status
    assert event.error_class == error.__name__


async def test_invalid_arguments_explain_the_problem_without_echoing_values() -> None:
    world, scope = await _setup()
    with pytest.raises(InvalidArguments) as info:
        await _call(world, scope, "shopify_get_thing", {"thing_id": "secret-value"})
    assert "thing_id" in info.value.message
    assert "secret-value" not in info.value.message


async def test_rate_limit_refuses_with_retry_after_and_still_audits() -> None:
    world, scope = await _setup()  # Solo: 300 per 60 s
    limit = PlanTier.SOLO.rate_limit.limit
    admitted = 0
    limited: list[RateLimited] = []
    for _ in range(limit + 5):
        request_scope = await world.scope(await _token(world, scope))
        try:
            await _call(world, request_scope, "shopify_get_thing", {"thing_id": 1})
            admitted += 1
        except RateLimited as error:
            limited.append(error)
    assert admitted == limit
    assert len(limited) == 5
    assert all(0 < e.retry_after <= 60 for e in limited)
    assert len(world.upstream.calls) == limit
    events = await _events(world, scope)
    assert len(events) == limit + 5
    assert sum(e.status is UsageStatus.RATE_LIMITED for e in events) == 5

    world.clock.advance(60.01)
    request_scope = await world.scope(await _token(world, scope))
    await _call(world, request_scope, "shopify_get_thing", {"thing_id": 1})
    assert len(world.upstream.calls) == limit + 1


async def test_one_request_is_counted_once_by_its_admission_and_never_by_the_use_case() -> None:
    world, scope = await _setup()
    hits = _count_hits(world)
    admission = await world.admit(scope)
    assert (
        isinstance(admission, Admitted)
        and admission.decision.remaining == PlanTier.SOLO.rate_limit.limit - 1
    )
    await call_tool(world.deps, scope, admission, "shopify_get_thing", {"thing_id": 1})
    assert len(hits) == 1
    following = await world.admit(scope)
    assert (
        isinstance(following, Admitted)
        and following.decision.remaining == PlanTier.SOLO.rate_limit.limit - 2
    )


def _count_hits(world: World) -> list[str]:
    """Record every key the world's limiter is asked to count."""
    hits: list[str] = []
    real_hit = world.limiter.hit

    async def counting_hit(key: str, limit: Any) -> Any:
        hits.append(key)
        return await real_hit(key, limit)

    world.limiter.hit = counting_hit  # type: ignore[method-assign]
    return hits


@attrs.define
class _BrokenLimiter:
    async def hit(self, key: str, limit: Any) -> Any:
        raise ConnectionError("redis://:hunter2@cache unreachable")


async def _refuse_by_rate_limit(world: World, scope: RequestScope) -> None:
    for _ in range(scope.workspace.plan.rate_limit.limit):
        assert isinstance(await world.admit(scope), Admitted)


async def _refuse_by_inactive_workspace(world: World, scope: RequestScope) -> RequestScope:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        await uow.workspaces.update(scope.workspace.mark_pending_deletion())
    return await world.scope(world.tokens[scope.workspace.id])


@pytest.mark.parametrize(
    ("refusal", "error", "status"),
    [
        ("rate_limited", RateLimited, UsageStatus.RATE_LIMITED),
        ("workspace_inactive", WorkspaceInactive, UsageStatus.WORKSPACE_INACTIVE),
        ("limiter_unavailable", RateLimiterUnavailable, UsageStatus.INTERNAL_ERROR),
    ],
)
async def test_a_refused_admission_is_raised_and_leaves_one_usage_row_and_one_meter_row(
    refusal: str, error: type[Exception], status: UsageStatus
) -> None:
    world, scope = await _setup()
    if refusal == "rate_limited":
        await _refuse_by_rate_limit(world, scope)
    elif refusal == "workspace_inactive":
        scope = await _refuse_by_inactive_workspace(world, scope)
    else:
        world.limiter = _BrokenLimiter()  # type: ignore[assignment]
    admission = await world.admit(scope)
    assert not isinstance(admission, Admitted)

    with pytest.raises(error) as info:
        await call_tool(world.deps, scope, admission, "shopify_get_thing", {"thing_id": 1})
    assert "hunter2" not in str(info.value)
    assert world.upstream.calls == []
    [event] = await _events(world, scope)
    assert (event.status, event.error_class) == (status, error.__name__)
    [meter] = await world.store.claim(10)
    assert meter.record.usage_event_id == event.id


async def test_a_rate_limited_admission_says_when_to_retry() -> None:
    world, scope = await _setup()
    await _refuse_by_rate_limit(world, scope)
    admission = await world.admit(scope)
    assert isinstance(admission, RefusedRateLimited)
    with pytest.raises(RateLimited) as info:
        await call_tool(world.deps, scope, admission, "shopify_get_thing", {"thing_id": 1})
    assert info.value.limit == PlanTier.SOLO.rate_limit.limit
    assert info.value.retry_after == admission.decision.retry_after > 0


async def test_an_inactive_workspace_is_refused_without_asking_the_limiter() -> None:
    world, scope = await _setup()
    scope = await _refuse_by_inactive_workspace(world, scope)
    hits = _count_hits(world)
    with pytest.raises(WorkspaceInactive):
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert hits == []


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
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert info.value is failure
    assert len(world.upstream.calls) == 1
    [event] = await _events(world, scope)
    assert event.status is status


async def test_unexpected_errors_become_a_generic_internal_error() -> None:
    world, scope = await _setup()
    world.upstream.answer("shopify_get_thing", KeyError("db password is hunter2"))
    with pytest.raises(InternalError) as info:
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert "hunter2" not in str(info.value)
    [event] = await _events(world, scope)
    assert (event.status, event.error_class) == (UsageStatus.INTERNAL_ERROR, "KeyError")


class _AuditDown:
    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        raise ConnectionResetError("the database went away")


@pytest.mark.parametrize("upstream_answer", ["ok", "refused"])
async def test_a_call_that_cannot_be_audited_withholds_its_answer(upstream_answer: str) -> None:
    world, scope = await _setup()
    answer: ToolOutput | Exception = (
        ToolOutput({"thing_id": 1}, "T")
        if upstream_answer == "ok"
        else UpstreamError("shopify", 404, "Not Found")
    )
    world.upstream.answer("shopify_get_thing", answer)
    deps = attrs.evolve(world.deps, audit=_AuditDown())
    with pytest.raises(AuditUnavailable) as info:
        await call_tool(deps, scope, await world.admit(scope), "shopify_get_thing", {"thing_id": 1})
    # The call may have reached the store: the message says so, and never claims a record.
    assert "may have reached the store" in info.value.message
    assert "was recorded" not in info.value.message
    assert isinstance(info.value.__cause__, ConnectionResetError)


async def test_a_credential_that_cannot_be_opened_is_a_clean_refusal() -> None:
    world, scope = await _setup()
    world.vault = type(world.vault)()  # a vault with another master key
    scope = attrs.evolve(scope, vault=world.vault)

    async def use_credentials(call: UpstreamCall) -> ToolOutput:
        await call.credentials.current()
        return ToolOutput({}, "")

    world.upstream.answer("shopify_get_thing", use_credentials)
    with pytest.raises(CredentialUnavailable):
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    [event] = await _events(world, scope)
    assert event.status is UsageStatus.CREDENTIAL_UNAVAILABLE


async def test_pending_deletion_workspaces_serve_nothing() -> None:
    world, scope = await _setup()
    scope = attrs.evolve(scope, workspace=scope.workspace.mark_pending_deletion())
    with pytest.raises(WorkspaceInactive):
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.upstream.calls == []


async def test_a_missing_connection_is_refused_before_the_upstream() -> None:
    world, scope = await _setup()
    scope = attrs.evolve(scope, connections=())
    with pytest.raises(ConnectionUnavailable):
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.upstream.calls == []


async def test_usage_events_hold_no_argument_values_or_response_bodies() -> None:
    world, scope = await _setup()
    world.upstream.answer(
        "shopify_get_thing", ToolOutput({"email": "jane@example.com"}, "jane@example.com")
    )
    await _call(world, scope, "shopify_get_thing", {"thing_id": 424242})
    [event] = await _events(world, scope)
    dumped = repr(event) + repr(event.__dict__ if hasattr(event, "__dict__") else "")
    assert "jane@example.com" not in dumped
    assert "424242" not in dumped


async def test_concurrent_calls_each_leave_exactly_one_event() -> None:
    world, scope = await _setup()
    scopes = [await world.scope(await _token(world, scope)) for _ in range(20)]
    results = await asyncio.gather(
        *(_call(world, s, "shopify_get_thing", {"thing_id": 1}) for s in scopes),
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

    async def use_credentials(call: UpstreamCall) -> ToolOutput:
        await call.credentials.current()
        return ToolOutput({}, "")

    world.upstream.answer("shopify_get_thing", use_credentials)
    before = world.store.units_opened
    await _call(world, scope, "shopify_get_thing", {"thing_id": 1})
    assert world.store.units_opened - before == 1
    scope.close()
    assert scope.sealed_credentials == {}
