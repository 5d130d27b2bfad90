"""No secrets in results (issue 19 item 5): credential-shaped strings and card numbers are
redacted from every result before it leaves the gateway, and counted on the usage row."""

from typing import Any

import pytest

from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.redaction import REDACTED, redact_result, redact_result_text
from shopmcp_domain.results import redact_output
from shopmcp_domain.services.call_tool import call_tool
from tests.factories import World

# Each: a secret as an upstream might echo it, and what must not survive.
SECRETS = [
    ("shopify admin token", "shpat_0123456789abcdef0123456789abcdef"),
    ("shopify custom app", "shpca_0123456789abcdef0123456789abcdef"),
    ("shopify shared secret", "shpss_0123456789abcdef0123456789abcdef"),
    ("stripe live key", "sk_live_51HxyzABCDEFGHIJKLMNOP"),
    ("stripe restricted key", "rk_live_51HxyzABCDEFGHIJKLMNOP"),
    ("stripe webhook secret", "whsec_abcdefghijklmnopqrstuvwx"),
    ("google access token", "ya29.a0AfH6SMC7abcdefghijklmnop"),
    ("google refresh token", "1//0gAbCdEfGhIjKlMnOpQrStUvWxYz"),
    ("google api key", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
    ("google client secret", "GOCSPX-abcdefghijklmnopqrst"),
    (
        "xero jwt",
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ4ZXJvLXVzZXIifQ.c2lnbmF0dXJl",
    ),
    ("aws access key id", "AKIAIOSFODNN7EXAMPLE"),
    ("smcp token secret", "smcp_abcdefghijkl_s3cr3tpartthatmustgo"),
    ("pem key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"),
]
LABELLED = [
    ("bearer header", "Authorization: Bearer abc123def456ghi789", "abc123def456ghi789"),
    ("basic header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("bigcommerce header", "X-Auth-Token: 7m2x9q4k1z8w3v6b5n0p", "7m2x9q4k1z8w3v6b5n0p"),
    ("neto header", "NETOAPI_KEY=Kq8mZ2xV9bN4cL7pR1tY", "Kq8mZ2xV9bN4cL7pR1tY"),
    ("magento json", '{"api_key": "k5l9m3n7b1v4c8x2"}', "k5l9m3n7b1v4c8x2"),
    ("aws secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrX"),
    ("password", "password: hunter2hunter2", "hunter2hunter2"),
]
CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011111111111117"]
NOT_SECRETS = [
    "Order #1001 for 4111111111111112",  # Luhn-invalid
    "gid://shopify/Order/4111111111111111",  # an id, not a card
    "jane@example.com ordered 3 shirts",  # the merchant's own data stays
    "Bearer of good news",  # too short to be a credential
    "A token of appreciation: free gift",
    "The password field is required",
    "shopify shipping zone 12",
]


@pytest.mark.parametrize(("label", "secret"), SECRETS, ids=[s[0] for s in SECRETS])
def test_each_secret_shape_is_redacted_inside_prose(label: str, secret: str) -> None:
    text, count = redact_result_text(f"Note from customer: please use {secret} thanks")
    assert secret.strip() not in text
    assert count == 1
    assert REDACTED in text
    assert text.startswith("Note from customer: please use ")


@pytest.mark.parametrize(("label", "text", "secret"), LABELLED, ids=[s[0] for s in LABELLED])
def test_labelled_secrets_lose_their_value_and_keep_their_label(
    label: str, text: str, secret: str
) -> None:
    out, count = redact_result_text(text)
    assert secret not in out
    assert count == 1


@pytest.mark.parametrize("card", CARDS)
def test_luhn_valid_card_numbers_are_redacted(card: str) -> None:
    out, count = redact_result_text(f"card: {card} exp 12/29")
    assert card not in out and "[card]" in out and count == 1


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_ordinary_merchant_data_is_left_alone(text: str) -> None:
    assert redact_result_text(text) == (text, 0)


def test_redaction_is_idempotent_and_counts_nothing_the_second_time() -> None:
    once, count = redact_result_text(CARDS[0] + " " + " ".join(s for _, s in SECRETS))
    assert count == len(SECRETS) + 1
    assert redact_result_text(once) == (once, 0)


def test_nested_structures_are_scanned_recursively_keys_included() -> None:
    token = "shpat_0123456789abcdef0123456789abcdef"
    note = f"token {token}"
    data: dict[str, Any] = {
        "orders": [{"note": note, "tags": ["a", token]}],
        token: 1,
        "meta": ({"deep": [[{"x": CARDS[0]}]]},),
        "count": 3,
    }
    out, count = redact_result(data)
    assert count == 4
    assert token not in repr(out) and CARDS[0] not in repr(out)
    assert out["count"] == 3
    assert data["orders"][0]["note"] == note  # the input is not mutated


def test_untouched_results_are_returned_as_they_were() -> None:
    data = {"a": [1, "x", {"b": "c"}]}
    out, count = redact_result(data)
    assert out is data and count == 0


def test_a_tool_output_is_redacted_in_text_structured_and_meta() -> None:
    secret = "sk_live_51HxyzABCDEFGHIJKLMNOP"
    safe = redact_output(ToolOutput({"n": secret}, f"t {secret}", meta={"m": secret}))
    assert safe.redactions == 3
    assert secret not in repr(safe.output)


async def test_the_use_case_redacts_every_result_and_counts_it_on_the_usage_row() -> None:
    world = World()
    _, issued = await world.tenant()
    scope = await world.scope(issued.token)
    leaked = "shpat_0123456789abcdef0123456789abcdef"
    world.upstream.answer(
        "shopify_get_thing", ToolOutput({"thing_id": 7, "title": f"x {leaked}"}, leaked)
    )

    output = await call_tool(
        world.deps, scope, await world.admit(scope), "shopify_get_thing", {"thing_id": 7}
    )

    assert leaked not in repr(output)
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        [event] = await uow.usage.recent(10)
    assert event.redactions == 2


async def test_a_clean_result_counts_no_redactions() -> None:
    world = World()
    _, issued = await world.tenant()
    scope = await world.scope(issued.token)
    world.upstream.answer("shopify_get_thing", ToolOutput({"thing_id": 7, "title": "T"}, "T"))
    await call_tool(
        world.deps, scope, await world.admit(scope), "shopify_get_thing", {"thing_id": 7}
    )
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        [event] = await uow.usage.recent(10)
    assert event.redactions == 0


def test_a_value_under_a_key_that_names_a_secret_is_redacted() -> None:
    data = {"customer": {"Password": "hunter2hunter2", "api-key": "k5l9m3n7b1v4c8x2"}}
    out, count = redact_result(data)
    assert count == 2
    assert out == {"customer": {"Password": REDACTED, "api-key": REDACTED}}


def test_a_long_result_of_platform_ids_and_no_cards_is_returned_untouched() -> None:
    data = {"ids": [f"gid://shopify/Order/{5641000000000 + n}" for n in range(500)]}
    out, count = redact_result(data)
    assert out is data and count == 0
