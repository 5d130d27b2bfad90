"""Write confirmations and idempotent writes: the model, the bindings and the checks.

A write tool's first call sends nothing upstream. It issues a :class:`Confirmation` bound to
exactly that call -- the key, the workspace, the tool, the connection, a digest of the
validated arguments and a digest of the workspace's write policy -- with a random one-time code
that is shown once and stored only as its SHA-256. The same tool called again with
``confirmation: <code>`` executes only when every part of the binding still holds, before the
expiry, and only once (the store consumes a code atomically).

Each confirmed write runs under an idempotency key (the client's own, or the confirmation's
id): the first outcome is kept (redacted, bounded, for a limited time) and a repeated call with
the key gets it back with nothing sent upstream.

Pure: no I/O. ``secrets`` is the only source of randomness.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from typing import Any, Literal, NewType

import attrs
from pydantic import BaseModel, ConfigDict, Field

from shopmcp_domain.errors import (
    ConfirmationRefused,
    InvalidArguments,
)
from shopmcp_domain.ids import ConnectionId, KeyId, WorkspaceId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.redaction import redact_text, scrub
from shopmcp_domain.untrusted import UNTRUSTED_KEY, UNTRUSTED_SCHEMA

ConfirmationId = NewType("ConfirmationId", uuid.UUID)

# The gateway's own arguments of every write tool, taken out before the tool's input model
# (and its whitelist) sees the arguments, like ``store``.
CONFIRMATION_ARGUMENT = "confirmation"
IDEMPOTENCY_ARGUMENT = "idempotency_key"
WRITE_CONTROL_ARGUMENTS = frozenset({CONFIRMATION_ARGUMENT, IDEMPOTENCY_ARGUMENT})

# What a confirmation of one of the gateway's own write tools (``create_playbook``,
# ``delete_playbook``) is bound to in place of a connection: they change the gateway itself,
# not a store, and a confirmation's connection is NOT NULL (with no foreign key: migration
# 0010). The nil UUID, which no connection's id (random, version 4) can ever be.
GATEWAY_CONNECTION_ID = ConnectionId(uuid.UUID(int=0))

DEFAULT_CONFIRMATION_TTL = dt.timedelta(minutes=5)
# How long a confirmed write's outcome is kept for repeats: long enough for a client's retries,
# short enough that it is not a store of results (the security page's promise).
IDEMPOTENCY_RETENTION = dt.timedelta(hours=24)
# A kept outcome larger than this is dropped (the repeat is told the write already ran).
MAX_STORED_RESULT_BYTES = 64 * 1024

# token_urlsafe(24): 32 characters, 192 random bits.
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
_IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_confirmation_id() -> ConfirmationId:
    return ConfirmationId(uuid.uuid4())


def new_confirmation_code() -> str:
    return secrets.token_urlsafe(24)


def hash_code(code: str) -> str:
    """What is stored of a code, and what a presented code is looked up by."""
    return hashlib.sha256(code.encode()).hexdigest()


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def arguments_digest(arguments: BaseModel, connection_id: ConnectionId) -> str:
    """SHA-256 of the canonical call: the validated model as sorted-key JSON (what would be
    sent, defaults filled in, so ``{"a": 1}`` and ``{"a": 1, "b": null}`` are one call), plus
    the connection the ``store`` argument chose. The confirmation and idempotency arguments
    never reach the model, so they are not part of it."""
    return _digest({"arguments": arguments.model_dump(mode="json"), "store": str(connection_id)})


def policy_version(
    *,
    platform: Platform,
    write_enabled: frozenset[Platform],
    confirmation_off: frozenset[Platform],
    writable: frozenset[str],
    locators: frozenset[str],
    write_approval: str = "in_chat",
) -> str:
    """A digest of the write policy a confirmation was issued under: the workspace's write
    opt-ins and confirmation opt-outs, where its writes are approved (``write_approval``,
    migration 0017) and the tool's whitelist. Any change to them makes the pending
    confirmations and dashboard approvals of the workspace (or of the tool) stale."""
    return _digest(
        {
            "platform": platform.value,
            "write_approval": write_approval,
            "write_enabled": sorted(p.value for p in write_enabled),
            "confirmation_off": sorted(p.value for p in confirmation_off),
            "writable": sorted(writable),
            "locators": sorted(locators),
        }
    )


def gateway_policy_version(tool: str, state: Mapping[str, Any]) -> str:
    """The policy digest of a confirmation of one of the gateway's own write tools: the state
    its preview described (for a playbook, the version it replaces or deletes), so a change
    of that state between the preview and the confirmation makes the code stale. (The
    platforms' write settings do not govern these tools, so they are not part of it.)"""
    return _digest({"gateway_tool": tool, "state": dict(state)})


@attrs.frozen
class WriteControls:
    """The gateway's write arguments of one call, taken out of the tool's arguments."""

    confirmation: str | None = attrs.field(default=None, repr=False)
    idempotency_key: str | None = None


def split_write_controls(
    tool: str, arguments: Mapping[str, Any]
) -> tuple[WriteControls, dict[str, Any]]:
    """``confirmation`` and ``idempotency_key`` out of ``arguments``, checked for shape (never
    echoed: a code is a secret of the user's and a key is the client's)."""
    rest = {k: v for k, v in arguments.items() if k not in WRITE_CONTROL_ARGUMENTS}
    code = arguments.get(CONFIRMATION_ARGUMENT)
    key = arguments.get(IDEMPOTENCY_ARGUMENT)
    problems = []
    if code is not None and not (isinstance(code, str) and _CODE_RE.fullmatch(code)):
        problems.append(f"{CONFIRMATION_ARGUMENT}: not a confirmation code this gateway issued")
    if key is not None and not (isinstance(key, str) and _IDEMPOTENCY_RE.fullmatch(key)):
        problems.append(f"{IDEMPOTENCY_ARGUMENT}: 8-128 characters of letters, digits and . _ : -")
    if problems:
        raise InvalidArguments(tool, problems)
    return WriteControls(confirmation=code, idempotency_key=key), rest


@attrs.frozen
class Confirmation:
    """One pending write, bound to the exact call. The code itself is never kept."""

    id: ConfirmationId
    workspace_id: WorkspaceId
    key_id: KeyId
    tool: str
    connection_id: ConnectionId
    arguments_digest: str
    policy_version: str
    code_hash: str = attrs.field(repr=False)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        workspace_id: WorkspaceId,
        key_id: KeyId,
        tool: str,
        connection_id: ConnectionId,
        arguments_digest: str,
        policy_version: str,
        now: dt.datetime,
        ttl: dt.timedelta = DEFAULT_CONFIRMATION_TTL,
    ) -> tuple[Confirmation, str]:
        """A new confirmation and its code (returned once, to be shown once)."""
        code = new_confirmation_code()
        confirmation = cls(
            id=new_confirmation_id(),
            workspace_id=workspace_id,
            key_id=key_id,
            tool=tool,
            connection_id=connection_id,
            arguments_digest=arguments_digest,
            policy_version=policy_version,
            code_hash=hash_code(code),
            created_at=now,
            expires_at=now + ttl,
        )
        return confirmation, code

    def check(
        self,
        *,
        workspace_id: WorkspaceId,
        key_id: KeyId,
        tool: str,
        connection_id: ConnectionId,
        arguments_digest: str,
        policy_version: str,
        now: dt.datetime,
    ) -> None:
        """:class:`ConfirmationRefused` unless this call is the one confirmed, in time."""
        if self.workspace_id != workspace_id or self.key_id != key_id:
            raise ConfirmationRefused(tool, "it was issued to another MCP key")
        if self.tool != tool:
            raise ConfirmationRefused(tool, "it was issued for another tool")
        if self.connection_id != connection_id or self.arguments_digest != arguments_digest:
            raise ConfirmationRefused(tool, "the arguments differ from the ones confirmed")
        if self.policy_version != policy_version:
            raise ConfirmationRefused(tool, "the workspace's write settings changed since")
        if now >= self.expires_at:
            raise ConfirmationRefused(tool, "it has expired")


class WriteState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@attrs.frozen
class WriteOutcome:
    """What a confirmed write answered, as kept for repeats: redacted and bounded. A result too
    large to keep has ``structured`` None and says so in ``text``."""

    structured: Mapping[str, Any] | None
    text: str
    error: str | None = None

    @classmethod
    def succeeded(cls, structured: Mapping[str, Any], text: str) -> WriteOutcome:
        kept = scrub(dict(structured))
        kept_text = redact_text(text)
        size = len(json.dumps(kept, separators=(",", ":"), default=str)) + len(kept_text)
        if size > MAX_STORED_RESULT_BYTES:
            return cls(None, "the write was executed; its result was too large to keep")
        return cls(kept, kept_text)

    @classmethod
    def failed(cls, message: str) -> WriteOutcome:
        return cls(None, "", error=redact_text(message)[:2000])


@attrs.frozen
class IdempotentWrite:
    """One idempotency key of a workspace: which call claimed it and how it ended."""

    workspace_id: WorkspaceId
    idempotency_key: str
    tool: str
    arguments_digest: str
    state: WriteState
    created_at: dt.datetime
    expires_at: dt.datetime
    outcome: WriteOutcome | None = None

    @classmethod
    def claim(
        cls,
        *,
        workspace_id: WorkspaceId,
        idempotency_key: str,
        tool: str,
        arguments_digest: str,
        now: dt.datetime,
    ) -> IdempotentWrite:
        return cls(
            workspace_id=workspace_id,
            idempotency_key=idempotency_key,
            tool=tool,
            arguments_digest=arguments_digest,
            state=WriteState.IN_PROGRESS,
            created_at=now,
            expires_at=now + IDEMPOTENCY_RETENTION,
        )


class WritePreview(BaseModel):
    """The structured result of a write's first call: what would change, where, and the code
    that confirms it. Nothing has been sent upstream."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["confirmation_required"]
    tool: str
    platform: str
    store: str = Field(description="The store the write would change.")
    connection_id: str
    changes: dict[str, Any] = Field(
        description="The validated arguments: the fields the write sets and what locates it."
    )
    before: dict[str, Any] | None = Field(
        description="The current value of each field the write sets, where the platform's "
        "own read could tell (best effort); null when it was not read."
    )
    expires_at: dt.datetime
    confirmation: str = Field(
        description="Call the same tool again with the same arguments and this code as "
        "'confirmation' to execute the write. Usable once, until expires_at."
    )
    idempotency_key: str = Field(
        description="The key the confirmed write runs under (a repeat returns its first result)."
    )


def preview_text(tool: str, store: str, expires_at: dt.datetime, code: str) -> str:
    return (
        f"Nothing has been changed yet. Show the user this change to {store} (the 'changes' "
        f"below) and ask them to approve it. Only if they do, call {tool} again with exactly "
        f'the same arguments plus "{CONFIRMATION_ARGUMENT}": "{code}". The code works once '
        f"and expires at {expires_at.isoformat()}."
    )


_CONFIRMATION_PROPERTY: dict[str, Any] = {
    "type": "string",
    "pattern": _CODE_RE.pattern,
    "description": (
        "Write tools run in two steps. Call without this first: nothing is changed and the "
        "result is a preview with a one-time code. After the user approves the preview, call "
        "again with the same arguments and that code here."
    ),
}
_IDEMPOTENCY_PROPERTY: dict[str, Any] = {
    "type": "string",
    "pattern": _IDEMPOTENCY_RE.pattern,
    "description": (
        "Optional, with a confirmation: a key of your own for this write. A repeated call with "
        "the same key returns the first result and changes nothing more."
    ),
}


def with_write_controls(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A write tool's input schema with the gateway's ``confirmation`` and ``idempotency_key``
    properties added (optional: the first call has neither)."""
    properties = dict(schema.get("properties", {}))
    properties[CONFIRMATION_ARGUMENT] = dict(_CONFIRMATION_PROPERTY)
    properties[IDEMPOTENCY_ARGUMENT] = dict(_IDEMPOTENCY_PROPERTY)
    return {**schema, "properties": properties}


def with_preview_output(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A write tool's output schema: its result, or the preview of its first call (a client
    that checks structured content against the schema accepts both)."""
    result = dict(schema)
    defs = dict(result.pop("$defs", {}))
    preview = WritePreview.model_json_schema(mode="serialization")
    defs.update(preview.pop("$defs", {}))
    # The current values a preview shows ("before") are store text, marked like a read's.
    preview["properties"] = {**preview["properties"], UNTRUSTED_KEY: UNTRUSTED_SCHEMA}
    out: dict[str, Any] = {"type": "object", "anyOf": [result, preview]}
    if defs:
        out["$defs"] = defs
    return out
