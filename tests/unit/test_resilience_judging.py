"""The resilience suite's judging (``tests/resilience``, run by ``make resilience``), on made-up
answers: each check can fail, and fails for the reason it names."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import pytest

from shopmcp_domain.ids import ConnectionId, KeyId, WorkspaceId
from shopmcp_domain.plans import PlanTier
from tests.resilience.checks import check_rate_limits, check_rows_match_answers
from tests.resilience.load import (
    Call,
    Caller,
    Checker,
    Load,
    Outcome,
    admitted_per_window,
    most_in_any_span,
)
from tests.resilience.report import Scenario
from tests.resilience.standin import SLUG_RE, orders_body, slug_for, token_for
from tests.resilience.world import Spec, Tenant

OWN, OTHER = slug_for("unit", 1), slug_for("unit", 2)
HEAD = b"http/1.1 200 ok\r\ncontent-type: application/json\r\n\r\n"
REFUSAL_HEAD = b"http/1.1 200 ok\r\nretry-after: 7\r\n\r\n"


def answer(result: dict[str, Any]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "result": result}).encode()


def orders_of(slug: str, count: int = 20) -> bytes:
    orders = [{"name": f"#{1480 - n} {slug}"} for n in range(count)]
    return answer(
        {
            "content": [{"type": "text", "text": "orders"}],
            "structuredContent": {"orders": orders},
            "isError": False,
        }
    )


def tool_error(text: str) -> bytes:
    return answer({"content": [{"type": "text", "text": text}], "isError": True})


@pytest.fixture
def checker() -> Checker:
    return Checker([Caller(OWN, token_for(OWN)), Caller(OTHER, token_for(OTHER))])


def test_the_stand_in_marks_every_order_with_its_store() -> None:
    body = orders_body(OWN)
    assert set(SLUG_RE.findall(body)) == {OWN.encode()}
    assert len(json.loads(body)["data"]["orders"]["nodes"]) == 20


def test_own_orders_pass_and_are_then_recognised_by_their_bytes(checker: Checker) -> None:
    assert checker.classify(0, 200, HEAD, orders_of(OWN)) == (Outcome.OK, "")
    assert checker.classify(0, 200, HEAD, orders_of(OWN)) == (Outcome.OK, "")


def test_another_workspaces_orders_are_a_leak_even_after_good_answers(checker: Checker) -> None:
    checker.classify(0, 200, HEAD, orders_of(OWN))
    outcome, detail = checker.classify(0, 200, HEAD, orders_of(OTHER))
    assert outcome is Outcome.LEAK
    assert OTHER in detail
    mixed = orders_of(OWN).replace(b"#1470 " + OWN.encode(), b"#1470 " + OTHER.encode())
    assert checker.classify(0, 200, HEAD, mixed)[0] is Outcome.LEAK
    assert checker.classify(0, 200, HEAD, tool_error(f"no such store {OTHER}"))[0] is Outcome.LEAK


def test_anything_but_twenty_own_orders_is_wrong(checker: Checker) -> None:
    assert checker.classify(0, 200, HEAD, orders_of(OWN, 19))[0] is Outcome.WRONG
    unmarked = orders_of(OWN).replace(b" " + OWN.encode(), b"")
    assert checker.classify(0, 200, HEAD, unmarked)[0] is Outcome.WRONG


def test_refusals_tool_errors_and_http_failures(checker: Checker) -> None:
    refusal = tool_error("rate limit of 60 requests reached; retry after 6.2s")
    assert checker.classify(0, 200, REFUSAL_HEAD, refusal)[0] is Outcome.REFUSED
    # A refusal must say when to retry.
    assert checker.classify(0, 200, HEAD, refusal)[0] is Outcome.WRONG
    failed = checker.classify(0, 200, HEAD, tool_error("shopify is unavailable: HTTP 503"))
    assert failed == (Outcome.TOOL_ERROR, "shopify is unavailable: HTTP 503")
    assert checker.classify(0, 500, HEAD, b"{}")[0] is Outcome.HTTP_5XX
    assert checker.classify(0, 401, HEAD, b"{}")[0] is Outcome.HTTP_OTHER
    error = json.dumps({"jsonrpc": "2.0", "id": 1, "error": {"code": -32603}}).encode()
    assert checker.classify(0, 200, HEAD, error)[0] is Outcome.RPC_ERROR


def call(caller: int, sent: float, received: float, outcome: Outcome = Outcome.OK) -> Call:
    return Call(caller, 0, sent, received, outcome)


def test_admissions_are_counted_in_the_limiters_fixed_windows() -> None:
    calls = [
        call(0, 10.0, 10.5),
        call(0, 59.0, 59.9),
        call(0, 59.8, 60.2),  # admitted in one window or the other
        call(0, 61.0, 61.1),
        call(0, 62.0, 62.1, Outcome.REFUSED),
        call(1, 20.0, 20.1),
    ]
    counts = admitted_per_window(calls, 0, 60.0)
    assert [(w.start, w.definite, w.possible) for w in counts] == [(0.0, 2, 3), (60.0, 1, 2)]


def test_the_most_events_in_any_span() -> None:
    assert most_in_any_span([], 60.0) == 0
    assert most_in_any_span([0.0, 30.0, 59.9, 60.0, 61.0, 200.0], 60.0) == 4


def tenant(slug: str, plan: PlanTier = PlanTier.PORTFOLIO) -> Tenant:
    return Tenant(
        Spec(slug, plan),
        WorkspaceId(uuid.uuid4()),
        token_for(slug),
        KeyId(uuid.uuid4()),
        "abcdefghijkl",
        ConnectionId(uuid.uuid4()),
    )


def load_with(calls: list[Call]) -> Load:
    load = Load([Caller(OWN, token_for(OWN))], [1], [0])
    load.calls.extend(calls)
    return load


def test_an_answer_without_its_usage_row_fails() -> None:
    tenants = [tenant(OWN)]
    load = load_with([call(0, 1, 2), call(0, 2, 3), call(0, 3, 4, Outcome.REFUSED)])
    complete = {tenants[0].workspace_id: Counter({"ok": 2, "rate_limited": 1})}
    missing = {tenants[0].workspace_id: Counter({"ok": 1, "rate_limited": 1})}
    swapped = {tenants[0].workspace_id: Counter({"ok": 1, "rate_limited": 2})}

    for usage, passed in ((complete, True), (missing, False), (swapped, False)):
        scenario = Scenario("s", "t")
        check_rows_match_answers(scenario, load, tenants, usage)
        assert [c.passed for c in scenario.checks] == [passed]


def test_a_row_beyond_the_answers_needs_a_request_left_unanswered() -> None:
    tenants = [tenant(OWN)]
    usage = {tenants[0].workspace_id: Counter({"ok": 2})}
    answered_only = load_with([call(0, 1, 2)])
    with_a_dropped_answer = load_with([call(0, 1, 2), call(0, 2, 3, Outcome.BROKEN)])

    for load, passed in ((answered_only, False), (with_a_dropped_answer, True)):
        scenario = Scenario("s", "t")
        check_rows_match_answers(scenario, load, tenants, usage)
        assert [c.passed for c in scenario.checks] == [passed]


def test_rate_limits_fail_over_the_limit_unrefused_or_refusing_others() -> None:
    limited, other = tenant(OWN, PlanTier.SOLO), tenant(OTHER)
    limit = PlanTier.SOLO.rate_limit.limit
    step = 59.0 / limit  # the whole limit inside one minute
    within = [call(0, n * step, n * step + 0.01) for n in range(limit)]
    within.append(call(0, 61, 61.1, Outcome.REFUSED))

    def verdicts(calls: list[Call]) -> dict[str, bool]:
        scenario = Scenario("s", "t")
        check_rate_limits(scenario, calls, [limited, other], [0])
        return {c.name: c.passed for c in scenario.checks}

    assert all(verdicts(within).values())
    over = verdicts([*within, call(0, 30.5, 30.6)])
    assert over["rate_limit_per_window"] is False
    unrefused = verdicts(within[:-1])
    assert unrefused["limit_exceeded_and_refused"] is False
    other_refused = verdicts([*within, call(1, 5, 5.1, Outcome.REFUSED)])
    assert other_refused["others_never_refused"] is False
