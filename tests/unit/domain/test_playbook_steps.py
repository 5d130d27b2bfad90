"""Tool-steps definitions are validated when created; reconcile is a pure, bounded match."""

from typing import Any

import pytest
from pydantic import ValidationError

from shopmcp_domain.playbook_steps import (
    MAX_FILTER_VALUES,
    MAX_RECONCILE_ITEMS,
    FilterStep,
    ForEach,
    ReconcileSide,
    ReconcileStep,
    StepsError,
    ToolStep,
    check_steps,
    filter_records,
    normalise_key,
    reconcile,
)

KNOWN = {"shopify_list_orders", "xero_list_invoices", "shopify_get_order"}


def _tools(name: str) -> str | None:
    return None if name in KNOWN else "unknown tool"


def _problems(steps: list[Any], arguments: tuple[str, ...] = ("since",)) -> list[str]:
    with pytest.raises(StepsError) as raised:
        check_steps(steps, arguments, _tools)
    return list(raised.value.problems)


def test_a_well_formed_definition_passes() -> None:
    check_steps(
        [
            ToolStep(
                id="orders",
                tool="shopify_list_orders",
                arguments={"created_from": "{{ args.since }}"},
            ),
            ToolStep(
                id="details",
                tool="shopify_get_order",
                arguments={"order_id": "{{ item.id }}"},
                for_each=ForEach(source="steps.orders.orders", max=10),
            ),
        ],
        ["since"],
        _tools,
    )


def test_unknown_tools_forward_and_unknown_references_and_bad_templates_are_each_listed() -> None:
    problems = _problems(
        [
            ToolStep(id="a", tool="shopify_delete_everything", arguments={}),
            ToolStep(id="b", tool="shopify_list_orders", arguments={"x": "{{ steps.c.id }}"}),
            ToolStep(id="c", tool="shopify_list_orders", arguments={"x": "{{ steps.nope.id }}"}),
            ToolStep(id="d", tool="shopify_list_orders", arguments={"x": "{{ args.until }}"}),
            ToolStep(id="e", tool="shopify_list_orders", arguments={"x": "{{ os.system }}"}),
            ToolStep(id="f", tool="shopify_list_orders", arguments={"x": "{{ item.id }}"}),
        ]
    )
    text = "\n".join(problems)
    assert "step a: unknown tool" in text
    assert "steps.c.id refers to a later step" in text
    assert "steps.nope.id refers to no step" in text
    assert "args.until names no declared argument" in text
    assert "step e:" in text
    assert "item exists only in a for_each step" in text
    assert len(problems) == 6


def test_a_step_may_not_refer_to_itself_and_ids_are_unique() -> None:
    problems = _problems(
        [
            ToolStep(id="a", tool="shopify_list_orders", arguments={"x": "{{ steps.a.id }}"}),
            ToolStep(id="a", tool="shopify_list_orders"),
        ]
    )
    assert any("refers to a later step" in p for p in problems)
    assert any("used twice" in p for p in problems)


def test_for_each_is_bounded_at_fifty() -> None:
    with pytest.raises(ValueError):
        ForEach(source="steps.a.items", max=51)


def test_reconcile_sources_are_checked_like_templates() -> None:
    side = ReconcileSide(source="steps.later.items", key="name", amount="total")
    problems = _problems(
        [
            ReconcileStep(id="match", left=side, right=side),
            ToolStep(id="later", tool="shopify_list_orders"),
        ]
    )
    assert any("refers to a later step" in p for p in problems)


LEFT = ReconcileSide(source="steps.orders.orders", key="name", amount="total.amount")
RIGHT = ReconcileSide(source="steps.invoices.invoices", key="reference", amount="total")


def test_reconcile_lists_matched_missing_duplicate_and_mismatched() -> None:
    orders = [
        {"name": "#1001", "total": {"amount": "10.00"}},
        {"name": "#1002", "total": {"amount": "20.00"}},
        {"name": "#1003", "total": {"amount": "30.00"}},
        {"name": "#1004", "total": {"amount": "40.00"}},
        {"name": None, "total": {"amount": "1"}},
    ]
    invoices = [
        {"reference": "1001", "total": 10.0},
        {"reference": "1002", "total": 25.0},
        {"reference": "1004", "total": 40.0},
        {"reference": "1004 ", "total": 40.0},
        {"reference": "9999", "total": 5.0},
    ]
    result = reconcile(orders, invoices, LEFT, RIGHT)
    assert [m["key"] for m in result["matched"]] == ["1001"]
    assert result["amount_mismatches"] == [
        {"key": "1002", "left_amount": 20.0, "right_amount": 25.0}
    ]
    assert [m["key"] for m in result["missing_in_right"]] == ["1003"]
    assert [m["key"] for m in result["missing_in_left"]] == ["9999"]
    assert result["duplicates_in_right"] == [{"key": "1004", "count": 2, "amounts": [40.0, 40.0]}]
    assert result["duplicates_in_left"] == []
    assert (result["unkeyed_left"], result["unkeyed_right"]) == (1, 0)


def test_reconcile_refuses_more_than_its_bound() -> None:
    too_many = [{"name": str(i), "total": {"amount": 1}} for i in range(MAX_RECONCILE_ITEMS + 1)]
    with pytest.raises(ValueError, match="at most"):
        reconcile(too_many, [], LEFT, RIGHT)


def test_keys_compare_without_case_spaces_or_hash() -> None:
    assert normalise_key("#INV 1001") == normalise_key("inv1001")
    assert normalise_key(1001.0) == "1001"
    assert normalise_key(True) is None
    assert normalise_key("  ") is None


def test_filter_in_and_not_in_keep_records_whose_field_is_or_is_not_listed() -> None:
    records = [
        {"state": "processing", "n": 1},
        {"state": "canceled", "n": 2},
        {"state": "complete", "n": 3},
        {"n": 4},
        {"state": 5, "n": 5},
    ]
    kept = filter_records(records, "state", "in", ["processing", "complete", 5.0])
    assert [r["n"] for r in kept["items"]] == [1, 3, 5]
    left = filter_records(records, "state", "not_in", ["processing", "complete", 5.0])
    assert [r["n"] for r in left["items"]] == [2, 4]
    assert kept["of"] == left["of"] == 5


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("in", "processing"),
        ("not_in", 5),
        ("eq", ["processing"]),
        ("in", []),
        ("in", [str(i) for i in range(MAX_FILTER_VALUES + 1)]),
    ],
)
def test_a_filter_value_must_fit_its_op(op: str, value: object) -> None:
    with pytest.raises(ValidationError):
        FilterStep.model_validate(
            {"kind": "filter", "id": "f", "source": "steps.a.x", "field": "s"}
            | {"op": op, "value": value}
        )


def test_a_listed_filter_value_may_hold_argument_references() -> None:
    step = FilterStep(
        id="f", source="steps.a.items", field="state", op="in", value=["{{ args.state }}", "x"]
    )
    with pytest.raises(StepsError, match="names no declared argument"):
        check_steps([ToolStep(id="a", tool="shopify_list_orders"), step], (), _tools)
    check_steps([ToolStep(id="a", tool="shopify_list_orders"), step], ("state",), _tools)
