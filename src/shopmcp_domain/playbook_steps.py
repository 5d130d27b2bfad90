"""Tool-steps playbooks: an ordered list of steps, each a tool call or a pure ``reconcile``.

The definition is data (pydantic models, so export/import has a JSON Schema): a step names a
registered tool and its argument JSON, whose strings may hold ``{{ ... }}`` references (see
:mod:`shopmcp_domain.playbook_templates`). :func:`check_steps` validates a definition when a
playbook is created or imported: unknown tools, unknown or forward step references, arguments
the playbook does not declare, and templates that do not parse are refused then, never at run
time.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from shopmcp_domain.playbook_templates import (
    Reference,
    TemplateError,
    parse_reference,
    references_in,
)

MAX_STEPS = 20
MAX_FOR_EACH = 50
# What one reconcile step compares, per side: more is refused rather than truncated.
MAX_RECONCILE_ITEMS = 5_000
# The values an ``in`` / ``not_in`` filter lists.
MAX_FILTER_VALUES = 50

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
# A path inside one item: keys only (``total.amount``).
ItemPath = Annotated[
    str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ForEach(_Model):
    """Run the step once per element of an earlier step's list (``steps.x.items``), at most
    ``max`` times; a longer list stops the run rather than being cut silently."""

    source: str = Field(
        max_length=200, description="A reference to a list, e.g. steps.orders.orders"
    )
    max: int = Field(ge=1, le=MAX_FOR_EACH)


class ToolStep(_Model):
    kind: Literal["tool"] = "tool"
    id: StepId
    tool: str = Field(pattern=r"^[a-z][a-z0-9_]{2,63}$")
    arguments: dict[str, Any] = Field(default_factory=dict)
    for_each: ForEach | None = None


class ReconcileSide(_Model):
    source: str = Field(max_length=200, description="A reference to a list of records")
    key: ItemPath = Field(description="The field matched on (an order number, a reference)")
    amount: ItemPath = Field(description="The field whose amounts are compared")


class ReconcileStep(_Model):
    """Match two lists by a key and compare amounts: no tool call, a pure domain function."""

    kind: Literal["reconcile"] = "reconcile"
    id: StepId
    left: ReconcileSide
    right: ReconcileSide
    tolerance: float = Field(default=0.005, ge=0, le=1_000)


FilterValue = str | float | int
LIST_OPS = frozenset({"in", "not_in"})


class FilterStep(_Model):
    """Keep the records of a list whose field compares to a value: numbers as numbers when
    both sides are numeric, else as text (ISO dates compare in order). ``in`` / ``not_in``
    take a list of values (a field equal to any of them, or to none). Pure and bounded."""

    kind: Literal["filter"] = "filter"
    id: StepId
    source: str = Field(max_length=200, description="A reference to a list of records")
    field: ItemPath
    op: Literal["lt", "le", "gt", "ge", "eq", "ne", "in", "not_in"]
    value: FilterValue | list[FilterValue] = Field(
        description="A literal, or a {{ args.x }} reference; for in / not_in a list of them"
    )

    @model_validator(mode="after")
    def _value_fits_op(self) -> FilterStep:
        listed = isinstance(self.value, list)
        if self.op in LIST_OPS and not listed:
            raise ValueError(f"op {self.op} compares to a list of values")
        if self.op not in LIST_OPS and listed:
            raise ValueError(f"op {self.op} compares to one value, not a list")
        if isinstance(self.value, list) and not 1 <= len(self.value) <= MAX_FILTER_VALUES:
            raise ValueError(f"in / not_in list 1 to {MAX_FILTER_VALUES} values")
        return self


AnyStep = ToolStep | ReconcileStep | FilterStep


def _step_kind(value: Any) -> str:
    # A step without "kind" is a tool call: the common case reads without the noise.
    if isinstance(value, Mapping):
        kind = value.get("kind", "tool")
        return kind if isinstance(kind, str) else "invalid"
    return str(getattr(value, "kind", "tool"))


Step = Annotated[
    Annotated[ToolStep, Tag("tool")]
    | Annotated[ReconcileStep, Tag("reconcile")]
    | Annotated[FilterStep, Tag("filter")],
    Discriminator(_step_kind),
]


class StepsError(ValueError):
    """A tool-steps definition refused at creation; ``problems`` says each reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def step_references(step: AnyStep) -> list[tuple[str, Reference]]:
    """(where, reference) for every reference a step makes. Raises TemplateError."""
    out: list[tuple[str, Reference]] = []
    if isinstance(step, ToolStep):
        if step.for_each is not None:
            out.append(("for_each.source", parse_reference(step.for_each.source)))
        out += [("arguments", r) for r in references_in(step.arguments)]
    elif isinstance(step, FilterStep):
        out.append(("source", parse_reference(step.source)))
        out += [("value", r) for r in references_in(step.value)]
    else:
        out.append(("left.source", parse_reference(step.left.source)))
        out.append(("right.source", parse_reference(step.right.source)))
    return out


def check_steps(
    steps: Sequence[AnyStep],
    arguments: Iterable[str],
    tool_problem: Callable[[str], str | None],
) -> None:
    """Raise :class:`StepsError` listing every problem. ``tool_problem(name)`` says why a tool
    cannot be used (unknown, or not allowed for this key), or None when it can."""
    declared = set(arguments)
    problems: list[str] = []
    if not steps:
        problems.append("a tool-steps playbook has at least one step")
    if len(steps) > MAX_STEPS:
        problems.append(f"at most {MAX_STEPS} steps")
    earlier: set[str] = set()
    all_ids = {s.id for s in steps}
    for step in steps:
        label = f"step {step.id}"
        if step.id in earlier:
            problems.append(f"{label}: the id is used twice")
        if isinstance(step, ToolStep):
            reason = tool_problem(step.tool)
            if reason is not None:
                problems.append(f"{label}: {reason}")
        try:
            references = step_references(step)
        except TemplateError as error:
            problems.append(f"{label}: {error}")
            references = []
        for where, ref in references:
            if ref.root == "args" and ref.name not in declared:
                problems.append(f"{label} {where}: {ref} names no declared argument")
            elif ref.root == "steps" and ref.name not in earlier:
                kind = "a later step" if ref.name in all_ids else "no step"
                problems.append(f"{label} {where}: {ref} refers to {kind}")
            elif ref.root == "item":
                in_for_each = isinstance(step, ToolStep) and step.for_each and where == "arguments"
                if not in_for_each:
                    problems.append(f"{label} {where}: item exists only in a for_each step")
        earlier.add(step.id)
    if problems:
        raise StepsError(problems)


def steps_tools(steps: Iterable[AnyStep]) -> list[str]:
    return [s.tool for s in steps if isinstance(s, ToolStep)]


# --------------------------------------------------------------------------- reconcile

_KEY_STRIP = re.compile(r"[\s#]")


def normalise_key(value: Any) -> str | None:
    """An order number or reference as it is compared: case, spaces and '#' ignored
    (``#1001`` on Shopify is ``1001`` in a Xero reference)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _KEY_STRIP.sub("", str(value)).lower()
    return text or None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _field(record: Any, path: str) -> Any:
    value = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}


def _compare(left: Any, op: str, right: Any) -> bool:
    if op in LIST_OPS:
        values = right if isinstance(right, list) else [right]
        found = any(_compare(left, "eq", value) for value in values)
        return found if op == "in" else not found
    if left is None:
        return op == "ne"
    compare = _OPERATORS[op]
    a, b = _amount(left), _amount(right)
    if a is not None and b is not None:
        return bool(compare(a, b))
    return bool(compare(str(left), str(right)))


def filter_records(records: Sequence[Any], field: str, op: str, value: Any) -> dict[str, Any]:
    if len(records) > MAX_RECONCILE_ITEMS:
        raise ValueError(f"filter reads at most {MAX_RECONCILE_ITEMS} records")
    kept = [r for r in records if _compare(_field(r, field), op, value)]
    return {"items": kept, "count": len(kept), "of": len(records)}


def _group(records: Sequence[Any], key: str) -> tuple[dict[str, list[Any]], list[Any]]:
    groups: dict[str, list[Any]] = {}
    unkeyed: list[Any] = []
    for record in records:
        k = normalise_key(_field(record, key))
        if k is None:
            unkeyed.append(record)
        else:
            groups.setdefault(k, []).append(record)
    return groups, unkeyed


def reconcile(
    left: Sequence[Any],
    right: Sequence[Any],
    left_side: ReconcileSide,
    right_side: ReconcileSide,
    tolerance: float = 0.005,
) -> dict[str, Any]:
    """Match ``left`` records to ``right`` ones by key and compare their amounts.

    The result lists, by normalised key: ``matched`` (one on each side, amounts within
    ``tolerance``), ``missing_in_right`` / ``missing_in_left``, ``duplicates_in_left`` /
    ``duplicates_in_right`` (a key more than once on that side: not matched, since which one
    is meant is a person's call), ``amount_mismatches`` (one each side, amounts differ), and
    ``unkeyed_left`` / ``unkeyed_right`` counts (records without the key field)."""
    for name, records in (("left", left), ("right", right)):
        if len(records) > MAX_RECONCILE_ITEMS:
            raise ValueError(f"reconcile compares at most {MAX_RECONCILE_ITEMS} {name} records")
    left_groups, left_unkeyed = _group(left, left_side.key)
    right_groups, right_unkeyed = _group(right, right_side.key)

    def amounts(records: list[Any], side: ReconcileSide) -> list[float | None]:
        return [_amount(_field(r, side.amount)) for r in records]

    matched: list[dict[str, Any]] = []
    mismatched: list[dict[str, Any]] = []
    missing_right: list[dict[str, Any]] = []
    missing_left: list[dict[str, Any]] = []
    dup_left: list[dict[str, Any]] = []
    dup_right: list[dict[str, Any]] = []
    for key in sorted(set(left_groups) | set(right_groups)):
        lefts = left_groups.get(key, [])
        rights = right_groups.get(key, [])
        if len(lefts) > 1:
            dup_left.append({"key": key, "count": len(lefts), "amounts": amounts(lefts, left_side)})
        if len(rights) > 1:
            dup_right.append(
                {"key": key, "count": len(rights), "amounts": amounts(rights, right_side)}
            )
        if not rights:
            missing_right.append({"key": key, "amounts": amounts(lefts, left_side)})
            continue
        if not lefts:
            missing_left.append({"key": key, "amounts": amounts(rights, right_side)})
            continue
        if len(lefts) > 1 or len(rights) > 1:
            continue
        left_amount = _amount(_field(lefts[0], left_side.amount))
        right_amount = _amount(_field(rights[0], right_side.amount))
        row = {"key": key, "left_amount": left_amount, "right_amount": right_amount}
        if (
            left_amount is not None
            and right_amount is not None
            and abs(left_amount - right_amount) <= tolerance
        ):
            matched.append(row)
        else:
            mismatched.append(row)
    return {
        "matched": matched,
        "amount_mismatches": mismatched,
        "missing_in_right": missing_right,
        "missing_in_left": missing_left,
        "duplicates_in_left": dup_left,
        "duplicates_in_right": dup_right,
        "unkeyed_left": len(left_unkeyed),
        "unkeyed_right": len(right_unkeyed),
        "counts": {"left": len(left), "right": len(right)},
    }
