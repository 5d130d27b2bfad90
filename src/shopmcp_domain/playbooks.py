"""Playbooks: a workspace's saved jobs, in one of two modes.

* *instructions*: a prompt template with typed arguments, served as an MCP prompt;
* *tool steps*: an ordered list of tool calls (and pure ``reconcile`` steps) run by the
  ``run_playbook`` tool, each step through the same ``call_tool`` as a direct call.

Both are versioned: an edit is a new version (the number goes up by one), and a run records
the version it ran. Every version saved is kept (:class:`PlaybookVersion`), so what a usage
row stamped with ``(playbook_id, playbook_version)`` ran can always be read back.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import string

import attrs

from shopmcp_domain.ids import PlaybookId, WorkspaceId
from shopmcp_domain.playbook_steps import AnyStep, check_steps
from shopmcp_domain.text import check_plain_text

# Stored as a 32-bit integer (PostgreSQL ``integer``).
MAX_PLAYBOOK_VERSION = 2**31 - 1
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@attrs.frozen
class PlaybookArgument:
    name: str
    description: str = ""
    required: bool = True

    def __attrs_post_init__(self) -> None:
        if not (self.name.isidentifier() and self.name.isascii() and len(self.name) <= 64):
            raise ValueError("playbook argument names are ASCII identifiers of 1-64 characters")
        check_plain_text(self.description, what="argument description", max_chars=500)


class PlaybookRenderError(ValueError):
    pass


class PlaybookMode(enum.StrEnum):
    INSTRUCTIONS = "instructions"
    TOOL_STEPS = "tool_steps"


def _no_tool_check(_: str) -> None:
    # The model checks a definition's shape; which tools exist is the use case's question.
    return None


@attrs.frozen
class Playbook:
    id: PlaybookId
    workspace_id: WorkspaceId
    name: str
    description: str
    template: str
    created_at: dt.datetime
    arguments: tuple[PlaybookArgument, ...] = ()
    mode: PlaybookMode = PlaybookMode.INSTRUCTIONS
    steps: tuple[AnyStep, ...] = ()
    version: int = 1
    # The built-in library entry it was enabled from, if any (``playbook_library``).
    builtin: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.version < 1:
            raise ValueError("playbook versions start at 1")
        if len({a.name for a in self.arguments}) != len(self.arguments):
            raise ValueError("playbook argument names are unique")
        if self.mode is PlaybookMode.TOOL_STEPS:
            check_steps(self.steps, [a.name for a in self.arguments], _no_tool_check)
        elif self.steps:
            raise ValueError("an instructions playbook has no steps")
        check_plain_text(self.description, what="playbook description", max_chars=2_000)
        check_plain_text(self.template, what="playbook template", max_chars=20_000, multiline=True)
        if not _NAME_RE.fullmatch(self.name):
            raise ValueError("playbook names are lowercase, 1-64 of [a-z0-9_-]")
        declared = {a.name for a in self.arguments}
        used = {f for _, f, _, _ in string.Formatter().parse(self.template) if f}
        if not used <= declared:
            raise ValueError(f"template uses undeclared arguments {sorted(used - declared)}")

    def render(self, values: dict[str, str]) -> str:
        """Fill the template. Only plain ``{name}`` substitution: no attribute or index access,
        so a template cannot reach into Python objects."""
        missing = [a.name for a in self.arguments if a.required and a.name not in values]
        if missing:
            raise PlaybookRenderError(f"missing arguments: {', '.join(missing)}")
        unknown = set(values) - {a.name for a in self.arguments}
        if unknown:
            raise PlaybookRenderError(f"unknown arguments: {', '.join(sorted(unknown))}")
        out = []
        for literal, field, _spec, _conv in string.Formatter().parse(self.template):
            out.append(literal)
            if field:
                out.append(values.get(field, ""))
        return "".join(out)


@attrs.frozen
class PlaybookVersion:
    """One saved version of a playbook, exactly as it was stored.

    History is append-only: an edit or a restore adds a version and none is ever rewritten.
    Deleting a playbook keeps its versions (usage rows name ``(playbook_id, version)`` without
    a foreign key, and the audit trail outlives the playbook); the workspace's erasure removes
    them with everything else."""

    # The definition at that version (its ``created_at`` is the playbook's, as stored then).
    playbook: Playbook
    # When this version was saved.
    saved_at: dt.datetime

    @property
    def version(self) -> int:
        return self.playbook.version
