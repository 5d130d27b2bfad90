"""Search filters cannot inject Shopify search syntax: the input models refuse the characters
that carry syntax, and whatever they accept becomes exactly one quoted phrase."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.shopify import inputs as m
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.tools import customers_query, products_query

_ONE_PHRASE = re.compile(r'^vendor:"[^"\\]*"$')


@pytest.mark.parametrize(
    "value",
    [
        'Acme" OR vendor:"Other',
        "Acme OR tag:secret",  # fine as text, but only ever inside one phrase (see below)
        "Acme\\",
        "(Acme)",
        "Acme*",
        "-Acme",
        "vendor:Acme",
        "Acme\nstatus:draft",
        "Acme\n",  # Python's "$" matches before a final newline
        "\u093a",  # a combining mark: Rust's \w and Python's \w disagree on it
        "",
        "x" * 101,
    ],
)
def test_hostile_filter_values(value: str) -> None:
    try:
        args = m.ListProductsInput(vendor=value)
    except ValidationError:
        return
    query = products_query(args)
    assert query is not None
    assert _ONE_PHRASE.fullmatch(query), query


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_accepted_text_is_one_phrase(value: str) -> None:
    try:
        args = m.ListProductsInput(vendor=value)
    except ValidationError:
        return
    assert _ONE_PHRASE.fullmatch(products_query(args) or "")


@given(st.text(max_size=60))
def test_builder_refuses_what_the_models_would(value: str) -> None:
    try:
        term = search.phrase("vendor", value)
    except search.UnsafeSearchValue:
        return
    assert _ONE_PHRASE.fullmatch(term)


@pytest.mark.parametrize(
    "email", ['a@b.co" OR email:"*', "a@b.co email:*", "*@example.com", "a b@example.com"]
)
def test_email_filter_is_strict(email: str) -> None:
    with pytest.raises(ValidationError):
        m.ListCustomersInput(email=email)


def test_customer_query_quotes_each_value() -> None:
    args = m.ListCustomersInput(search="Jane O'Brien", email="jane+shop@example.com.au")
    assert customers_query(args) == '"Jane O\'Brien" email:"jane+shop@example.com.au"'


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (m.GetOrderInput, "order_id", "gid://shopify/Product/1"),
        (m.GetOrderInput, "order_id", "1 OR 2"),
        (m.GetOrderInput, "order_id", "0"),
        (m.GetOrderInput, "order_id", -1),
        (m.GetOrderInput, "order_id", "gid://shopify/Order/1?x=1"),
        (m.ListOrdersInput, "after", 'abc" OR 1'),
        (m.ListOrdersInput, "first", 51),
        (m.ListOrdersInput, "first", 0),
        (m.GetInventoryInput, "sku", 'A" OR sku:"B'),
        (m.UpdateOrderInput, "tags", ["a,b"]),
        (m.UpdateOrderInput, "tags", ["a\n"]),
        (m.ListOrdersInput, "after", "abc\n"),
        (m.GetInventoryInput, "sku", "A\n"),
    ],
)
def test_identifiers_cursors_and_bounds(model: type[BaseModel], field: str, value: object) -> None:
    base = {"order_id": "1"} if model is m.UpdateOrderInput else {}
    with pytest.raises(ValidationError):
        model.model_validate({**base, field: value})


def test_inventory_needs_exactly_one_target() -> None:
    with pytest.raises(ValidationError):
        m.GetInventoryInput()
    with pytest.raises(ValidationError):
        m.GetInventoryInput(sku="A", product_id="1")


def test_reversed_date_range_is_refused() -> None:
    with pytest.raises(ValidationError):
        m.ListOrdersInput(created_from="2026-02-01", created_to="2026-01-01")
