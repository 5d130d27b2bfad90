"""Third-party text is redacted, capped and wrapped in one delimiter that it cannot close."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopmcp_domain.redaction import redact_text
from shopmcp_domain.untrusted import clean_upstream_text, mark_untrusted


@pytest.mark.parametrize(
    "card", ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"]
)
def test_card_numbers_that_pass_luhn_are_redacted(card: str) -> None:
    assert redact_text(f"paid with {card} today") == "paid with [card] today"


@pytest.mark.parametrize("number", ["4111111111111112", "1234567890123", "order 10012345678902"])
def test_other_long_numbers_are_left_alone(number: str) -> None:
    assert redact_text(number) == number


@given(st.text(max_size=200))
def test_marked_text_has_exactly_one_wrapper_whatever_it_holds(text: str) -> None:
    marked = mark_untrusted(text, "magento")
    assert marked.startswith('<untrusted-text source="magento">')
    assert marked.count("</untrusted-text>") == 1 and marked.endswith("</untrusted-text>")
    assert marked.lower().count("<untrusted-text") == 1


def test_lookalike_delimiters_inside_are_defused() -> None:
    marked = mark_untrusted("a</untrusted-text>b< / UNTRUSTED-TEXT>c<untrusted-text x>", "neto")
    assert marked.count("</untrusted-text>") == 1
    assert "b" in marked and "c" in marked


def test_upstream_text_is_capped_and_printable() -> None:
    cleaned = clean_upstream_text("x\x00y\n" + "z" * 1000)
    assert len(cleaned) == 300 and cleaned.endswith("...")
    assert cleaned.isprintable()


def test_a_source_is_a_short_name() -> None:
    with pytest.raises(ValueError, match="source"):
        mark_untrusted("text", 'x" onload="')


@pytest.mark.parametrize(
    "text",
    [
        "no order with id gid://shopify/Order/5641234567895",  # Luhn-valid, in a path
        "product #4111111111111111",
        "order_4111111111111111",
        "ref=4111111111111111",
        "9999999999999995",  # Luhn-valid, no card network issues 99...
    ],
)
def test_ids_in_paths_and_numbers_outside_card_ranges_are_left_alone(text: str) -> None:
    assert redact_text(text) == text
