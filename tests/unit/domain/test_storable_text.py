"""Text that reaches storage is checked in the domain, so the in-memory fake refuses what
PostgreSQL's text type would (NUL, lone surrogates) and nothing unbounded is stored."""

import attrs
import pytest

from shopmcp_domain.ids import new_playbook_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import Playbook, PlaybookArgument
from shopmcp_domain.text import escaped_label, plain_text_problem
from shopmcp_domain.usage import tool_label
from tests.factories import NOW, make_connection, make_workspace

UNSTORABLE = ["a\x00b", "a\ud800", "bell\x07", "esc\x1b[31m", "c1\x85"]


@pytest.mark.parametrize("value", UNSTORABLE)
def test_control_characters_and_surrogates_are_refused(value: str) -> None:
    assert plain_text_problem(value, max_chars=100) == "contains control characters"


def test_length_and_line_breaks_are_bounded() -> None:
    assert plain_text_problem("x" * 101, max_chars=100) == "is longer than 100 characters"
    assert plain_text_problem("a\nb", max_chars=100) == "contains line breaks"
    assert plain_text_problem("a\nb\tc", max_chars=100, multiline=True) is None
    assert plain_text_problem("Café ☕ 東京", max_chars=100) is None


@pytest.mark.parametrize("value", UNSTORABLE)
def test_domain_objects_refuse_unstorable_text(value: str) -> None:
    workspace = make_workspace()
    with pytest.raises(ValueError, match="workspace name"):
        attrs.evolve(workspace, name=value)
    connection = make_connection(workspace.id, Platform.SHOPIFY)
    with pytest.raises(ValueError, match=r"store reference|whitespace"):
        attrs.evolve(connection, store_ref=value)
    with pytest.raises(ValueError, match="connection name"):
        attrs.evolve(connection, display_name=value)
    with pytest.raises(ValueError, match="key name"):
        issue_key(workspace.id, NOW, name=value)
    with pytest.raises(ValueError, match="playbook"):
        Playbook(new_playbook_id(), workspace.id, "p", "d", value, NOW)
    with pytest.raises(ValueError, match="description"):
        PlaybookArgument("since", description=value)


def test_escaped_labels_are_printable_ascii_and_bounded() -> None:
    label = escaped_label("\x00\ud800é" + "z" * 500, max_chars=100)
    assert label.startswith("\\x00\\ud800\\xe9")
    assert label.isascii() and label.isprintable() and len(label) == 100


def test_tool_labels_keep_real_names_and_escape_the_rest() -> None:
    assert tool_label("shopify_list_orders") == "shopify_list_orders"
    assert tool_label("shopify_list_orders\x00") == "shopify_list_orders\\x00"
