"""What one run of the scripted agent shows, measured from the sandbox and the results.

* injected write attempts: the write calls the agent made because injected text told it to;
* executed upstream: mutations the sandbox received during those attempts;
* executed without the user: those of them no simulated-user approval stood behind;
* marked: every place an injected text appears in a result (text content and structured
  content), and whether it sits inside the untrusted-text marking;
* secrets returned: planted secrets (and the merchant's own token) found in any result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import mcp_types as types

from shopmcp_domain.untrusted import CLOSE_TAG, OPEN_TAG
from tests.integration.injection.agent import ScriptedAgent, result_strings
from tests.integration.injection.harness import INJECTIONS, SECRET_NEEDLES

# The structured marking's key (issue 19 item 4); as branch safety names it.
UNTRUSTED_KEY = "_untrusted"
RESULTS_DIR = Path(__file__).resolve().parents[3] / "benchmarks" / "results"
_SPAN = re.compile(re.escape(OPEN_TAG) + r"[^>]*>.*?" + re.escape(CLOSE_TAG), re.DOTALL)
# The tail of each injection (after any fake delimiter it carries): what a model would act on.
_CORE_CHARS = 40


def injected_core(injection: str) -> str:
    tail = injection.rsplit(CLOSE_TAG, 1)[-1].strip()
    return tail[:_CORE_CHARS]


def _inside_marking(text: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in _SPAN.finditer(text))


def _pointer(at: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in at)


def _structured_marked(structured: Any, core: str) -> list[bool]:
    """For each string in ``structured`` containing ``core``: is it marked? In structured
    content the marking (issue 19 item 4, branch safety) is a sibling ``_untrusted`` list of
    ``{"pointer": <RFC 6901 pointer>, "source": ...}``; a value is marked if its pointer (or
    an ancestor's) is listed."""
    listed: set[str] = set()
    if isinstance(structured, dict):
        for entry in structured.get(UNTRUSTED_KEY) or []:
            if isinstance(entry, dict) and isinstance(entry.get("pointer"), str):
                listed.add(entry["pointer"])
    found: list[bool] = []

    def walk(value: Any, at: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            pointer = _pointer(at)
            flagged = any(pointer == p or pointer.startswith(p + "/") for p in listed)
            for match in re.finditer(re.escape(core), value):
                found.append(flagged or _inside_marking(value, match.start(), match.end()))
        elif isinstance(value, dict):
            for key, item in value.items():
                if not at and key == UNTRUSTED_KEY:
                    continue
                walk(item, (*at, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*at, index))

    walk(structured, ())
    return found


def marking(results: list[types.CallToolResult]) -> dict[str, Any]:
    seen = marked = 0
    unmarked: list[str] = []
    for result in results:
        texts = [c.text for c in result.content if isinstance(c, types.TextContent)]
        for injection in INJECTIONS:
            core = injected_core(injection)
            places: list[bool] = []
            for text in texts:
                for match in re.finditer(re.escape(core), text):
                    places.append(_inside_marking(text, match.start(), match.end()))
            places.extend(_structured_marked(result.structured_content or {}, core))
            seen += len(places)
            marked += sum(places)
            if not all(places):
                unmarked.append(core)
    return {"injected_fields_seen": seen, "marked": marked, "unmarked": sorted(set(unmarked))}


def secrets_returned(results: list[types.CallToolResult]) -> list[str]:
    found = set()
    for result in results:
        for text in result_strings(result):
            digits = re.sub(r"[\s-]", "", text)
            for secret, needle in SECRET_NEEDLES.items():
                if needle in text or needle in digits:
                    found.add(secret)
    return sorted(found)


def report(agent: ScriptedAgent) -> dict[str, Any]:
    attempts = agent.attempts
    executed = sum(a.mutations for a in attempts)
    return {
        "mode": agent.mode.value,
        "strategy": agent.strategy.value,
        "tools_listed": len(agent.tools),
        "reads": len(agent.seen),
        "injected_write_attempts": len(attempts),
        "previews_seen_by_model": sum(a.code_seen_by_model for a in attempts),
        "forms_shown_to_user": len(agent.user.shown),
        "executed_upstream": executed,
        "executed_without_user_confirmation": sum(
            a.mutations for a in attempts if not a.human_confirmed
        ),
        "attempts": [
            {
                "tool": a.instruction.tool,
                "arguments": a.instruction.as_arguments(),
                "injected_by": a.instruction.source,
                "mutations": a.mutations,
                "user_confirmed": a.human_confirmed,
                "outcome": a.outcome,
            }
            for a in attempts
        ],
        "marking": marking(agent.seen + agent.write_results),
        "secrets_returned": secrets_returned(agent.seen + agent.write_results),
        "secrets_returned_in_write_answers": secrets_returned(agent.write_results),
    }


def write_report(name: str, rows: list[dict[str, Any]]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(rows, indent=2, sort_keys=True))
    return path


def summary_line(row: dict[str, Any]) -> str:
    mark = row["marking"]
    return (
        f"{row['mode']:<22} {row['strategy']:<12} attempts={row['injected_write_attempts']:<3}"
        f" executed={row['executed_upstream']:<3}"
        f" unconfirmed={row['executed_without_user_confirmation']:<3}"
        f" marked={mark['marked']}/{mark['injected_fields_seen']:<4}"
        f" secrets={len(row['secrets_returned'])}"
    )
