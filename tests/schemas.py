"""What leaves the gateway must match what it advertises: a tool's structured content is
checked against the JSON Schema in its ``outputSchema``, as an MCP client would check it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema

from shopmcp_domain.tools.spec import ToolSpec


def assert_matches_output_schema(spec: ToolSpec, structured: Mapping[str, Any]) -> None:
    schema = spec.output_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(dict(structured)), key=lambda e: list(e.path))
    assert not errors, f"{spec.name}: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message[:200]}" for e in errors[:5]
    )
