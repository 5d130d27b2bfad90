"""What happens to every tool result before it leaves the gateway, whichever tool and
platform produced it: credential-shaped strings and card numbers are redacted (and counted,
for the usage row), and third-party free text is marked. Applied once, in the ``tools/call``
use case, never per handler."""

from __future__ import annotations

import attrs

from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.redaction import redact_result, redact_result_text
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.untrusted import ANY_VALUE, UNTRUSTED_KEY, mark_structured


@attrs.frozen
class SafeOutput:
    output: ToolOutput
    redactions: int


def redact_output(output: ToolOutput) -> SafeOutput:
    """``output`` with every secret in its text, structured content and ``_meta`` redacted
    (keys included, at any depth), and how many were."""
    structured, in_structured = redact_result(output.structured)
    text, in_text = redact_result_text(output.text)
    meta, in_meta = redact_result(output.meta) if output.meta is not None else (None, 0)
    count = in_structured + in_text + in_meta
    if not count:
        return SafeOutput(output, 0)
    return SafeOutput(attrs.evolve(output, structured=structured, text=text, meta=meta), count)


def mark_output(spec: ToolSpec, output: ToolOutput) -> ToolOutput:
    """``output`` with its ``_untrusted`` list: a JSON pointer (and the platform as source)
    for every non-empty string at one of the tool's third-party text paths."""
    if not spec.untrusted_fields:
        return output
    marked = mark_structured(output.structured, spec.untrusted_fields, spec.platform.value)
    if marked is output.structured:
        return output
    return attrs.evolve(output, structured=marked)


# A write's preview shows the store's current values of the fields it would change: store text
# (a product description can carry an injected instruction), marked like any read's.
PREVIEW_STATUS = "confirmation_required"
_PREVIEW_BEFORE = f"before/{ANY_VALUE}"


def mark_preview(spec: ToolSpec, output: ToolOutput) -> ToolOutput:
    """A write's answer marked: its result by the tool's own paths, and when it is a preview,
    every current value it shows (``before``) as well."""
    marked = mark_output(spec, output)
    structured = marked.structured
    if structured.get("status") != PREVIEW_STATUS or not structured.get("before"):
        return marked
    earlier = structured.get(UNTRUSTED_KEY) or []
    rest = {k: v for k, v in structured.items() if k != UNTRUSTED_KEY}
    before = mark_structured(rest, [_PREVIEW_BEFORE], spec.platform.value)
    added = before.get(UNTRUSTED_KEY) or []
    if not added:
        return marked
    return attrs.evolve(marked, structured={**rest, UNTRUSTED_KEY: [*earlier, *added]})
