"""Issue 19 item 4: which output fields are third-party free text is written down, per
platform and per tool, and every tool's output schema is checked against that table here.
A string field that is neither listed as untrusted for its tool nor named in the safe list
(with a reason) fails, so a new tool or a new field cannot slip past unclassified."""

import pytest

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_adapters.upstreams.untrusted_fields import (
    SAFE_STRING_FIELDS,
    UNTRUSTED_FIELDS,
    untrusted_fields,
)
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.untrusted import UNTRUSTED_KEY, field_name, string_fields

SPECS = [spec for package in PACKAGES for spec in package.tools.specs]

# What the issue names as third-party text, and must never be declared safe.
NEVER_SAFE = {
    "note", "notes", "comment", "customer_message", "delivery_instruction", "reason",
    "return_reason", "cancel_reason", "description", "description_html", "short_description",
    "content", "value", "detail", "resolution", "review", "body", "message",
}  # fmt: skip


def _strings(spec: ToolSpec) -> set[str]:
    return string_fields(spec.output_model.model_json_schema(mode="serialization"))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_string_field_of_every_tool_is_classified(spec: ToolSpec) -> None:
    listed = set(untrusted_fields(spec.platform, spec.name))
    unclassified = {
        path for path in _strings(spec) - listed if field_name(path) not in SAFE_STRING_FIELDS
    }
    assert not unclassified, (
        f"{spec.name}: string fields neither marked untrusted nor safe: {sorted(unclassified)}; "
        "add them to shopmcp_adapters/upstreams/untrusted_fields.py"
    )
    assert listed <= _strings(spec), f"{spec.name}: table lists paths its schema lacks"
    assert spec.untrusted_fields == untrusted_fields(spec.platform, spec.name)


def test_the_table_names_only_registered_tools_of_their_own_platform() -> None:
    registered = {(spec.platform, spec.name) for spec in SPECS}
    for platform, tools in UNTRUSTED_FIELDS.items():
        for tool in tools:
            assert (platform, tool) in registered, tool


def test_no_field_is_both_untrusted_and_safe_and_the_named_kinds_are_never_safe() -> None:
    untrusted_names = {
        field_name(path) for tools in UNTRUSTED_FIELDS.values() for paths in tools.values()
        for path in paths
    }  # fmt: skip
    assert not untrusted_names & set(SAFE_STRING_FIELDS)
    assert not NEVER_SAFE & set(SAFE_STRING_FIELDS)
    assert all(reason.strip() for reason in SAFE_STRING_FIELDS.values())


@pytest.mark.parametrize(
    ("tool", "path"),
    [
        ("shopify_get_customer", "note"),
        ("shopify_get_product", "description_html"),
        ("shopify_get_product_metafields", "metafields/-/value"),
        ("magento_list_order_comments", "comments/-/comment"),
        ("bigcommerce_list_order_refunds", "refunds/-/reason"),
        ("google_get_merchant_product", "issues/-/detail"),
    ],
)
def test_the_kinds_the_issue_names_are_marked(tool: str, path: str) -> None:
    [spec] = [s for s in SPECS if s.name == tool]
    assert path in spec.untrusted_fields


def test_a_tool_with_untrusted_fields_advertises_the_marking_in_its_output_schema() -> None:
    marked = [s for s in SPECS if s.untrusted_fields]
    assert marked
    for spec in marked:
        assert UNTRUSTED_KEY in spec.output_schema()["properties"]
    for spec in (s for s in SPECS if not s.untrusted_fields):
        assert UNTRUSTED_KEY not in spec.output_schema().get("properties", {})
