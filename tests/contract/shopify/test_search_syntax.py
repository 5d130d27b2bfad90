"""Search filters cannot inject Shopify search syntax: the input models refuse the characters
that carry syntax, and whatever they accept becomes exactly one quoted phrase."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.inputs import catalog as catalog_in
from shopmcp_adapters.upstreams.shopify.inputs import customers as customers_in
from shopmcp_adapters.upstreams.shopify.inputs import orders as orders_in
from shopmcp_adapters.upstreams.shopify.tools.catalog import products_query
from shopmcp_adapters.upstreams.shopify.tools.customers import customers_query

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
        args = catalog_in.ListProductsInput(vendor=value)
    except ValidationError:
        return
    query = products_query(args)
    assert query is not None
    assert _ONE_PHRASE.fullmatch(query), query


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_accepted_text_is_one_phrase(value: str) -> None:
    try:
        args = catalog_in.ListProductsInput(vendor=value)
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
        customers_in.ListCustomersInput(email=email)


def test_customer_query_quotes_each_value() -> None:
    args = customers_in.ListCustomersInput(search="Jane O'Brien", email="jane+shop@example.com.au")
    assert customers_query(args) == '"Jane O\'Brien" email:"jane+shop@example.com.au"'


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (orders_in.GetOrderInput, "order_id", "gid://shopify/Product/1"),
        (orders_in.GetOrderInput, "order_id", "1 OR 2"),
        (orders_in.GetOrderInput, "order_id", "0"),
        (orders_in.GetOrderInput, "order_id", -1),
        (orders_in.GetOrderInput, "order_id", "gid://shopify/Order/1?x=1"),
        (orders_in.ListOrdersInput, "after", 'abc" OR 1'),
        (orders_in.ListOrdersInput, "first", 51),
        (orders_in.ListOrdersInput, "first", 0),
        (catalog_in.GetInventoryInput, "sku", 'A" OR sku:"B'),
        (orders_in.UpdateOrderInput, "tags", ["a,b"]),
        (orders_in.UpdateOrderInput, "tags", ["a\n"]),
        (orders_in.ListOrdersInput, "after", "abc\n"),
        (catalog_in.GetInventoryInput, "sku", "A\n"),
    ],
)
def test_identifiers_cursors_and_bounds(model: type[BaseModel], field: str, value: object) -> None:
    base = {"order_id": "1"} if model is orders_in.UpdateOrderInput else {}
    with pytest.raises(ValidationError):
        model.model_validate({**base, field: value})


def test_inventory_needs_exactly_one_target() -> None:
    with pytest.raises(ValidationError):
        catalog_in.GetInventoryInput()
    with pytest.raises(ValidationError):
        catalog_in.GetInventoryInput(sku="A", product_id="1")


def test_reversed_date_range_is_refused() -> None:
    with pytest.raises(ValidationError):
        orders_in.ListOrdersInput(created_from="2026-02-01", created_to="2026-01-01")
