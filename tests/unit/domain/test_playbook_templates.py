"""The tool-steps template language: what parses, what resolves, and what is refused."""

import pytest

from shopmcp_domain.playbook_templates import (
    Every,
    Index,
    Key,
    ResolveError,
    Scope,
    TemplateError,
    parse_reference,
    parse_template,
    render_value,
)

SCOPE = Scope(
    args={"since": "2026-01-01", "limit": 5},
    steps={"orders": {"orders": [{"id": "a", "total": {"amount": "1.50"}}, {"id": "b"}]}},
)


def test_a_reference_parses_into_root_name_and_path() -> None:
    ref = parse_reference(" steps.orders.orders[*].total.amount ")
    assert (ref.root, ref.name) == ("steps", "orders")
    assert ref.path == (Key("orders"), Every(), Key("total"), Key("amount"))
    assert parse_reference("steps.orders.orders[1].id").path == (
        Key("orders"),
        Index(1),
        Key("id"),
    )
    assert str(ref) == "steps.orders.orders[*].total.amount"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "self.__class__",
        "args",
        "args.since()",
        "args.since | upper",
        "args['since']",
        "args.since + 1",
        "steps.orders.__dict__.x[",
        "steps.orders.orders[*].x[*]",
        "steps.orders.orders[-1]",
        "item..id",
        "__import__('os')",
        "args." + ".a" * 20,
    ],
)
def test_anything_outside_the_grammar_is_refused(text: str) -> None:
    with pytest.raises(TemplateError):
        parse_reference(text)


def test_unbalanced_braces_are_refused() -> None:
    with pytest.raises(TemplateError):
        parse_template("from {{ args.since }} to {{ args.until")
    with pytest.raises(TemplateError):
        parse_template("stray }} here")


def test_a_whole_placeholder_keeps_its_json_type_and_text_splices_scalars() -> None:
    rendered = render_value(
        {
            "ids": "{{ steps.orders.orders[*].id }}",
            "first": "{{steps.orders.orders[0].total.amount}}",
            "query": "created:>={{ args.since }} limit {{ args.limit }}",
            "n": 3,
            "nested": ["{{ args.limit }}"],
        },
        SCOPE,
    )
    assert rendered == {
        "ids": ["a", "b"],
        "first": "1.50",
        "query": "created:>=2026-01-01 limit 5",
        "n": 3,
        "nested": [5],
    }


@pytest.mark.parametrize(
    "template",
    [
        "{{ steps.orders.orders[5].id }}",
        "{{ steps.orders.missing }}",
        "{{ steps.later.x }}",
        "{{ args.until }}",
        "{{ item.id }}",
        "ids: {{ steps.orders.orders }}",
        "{{ steps.orders.orders[*].total.amount }}",
    ],
)
def test_a_reference_that_finds_nothing_is_a_resolve_error(template: str) -> None:
    with pytest.raises(ResolveError):
        render_value(template, SCOPE)


def test_resolution_reads_json_keys_never_python_attributes() -> None:
    class Sneaky(dict[str, object]):
        secret = "attribute"

    scope = Scope(args={"x": Sneaky(a=1)}, steps={})
    assert render_value("{{ args.x.a }}", scope) == 1
    with pytest.raises(ResolveError):
        render_value("{{ args.x.secret }}", scope)
