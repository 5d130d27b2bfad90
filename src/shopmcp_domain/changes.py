"""Change notices: what one replica tells the others when state they may cache changed.

Every replica caches a little (plaintext data keys for up to 60 s; authenticated scopes next),
and a write on one replica (or by the CLI, the dashboard or an owner job) must reach the caches
of all of them quickly. A notice names *what* changed, never its new value: a subscriber drops
what it holds and reads afresh. A :class:`FeedReset` means notices may have been missed (the
feed lost its connection): drop everything.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable

import attrs

from shopmcp_domain.ids import WorkspaceId


class ChangeKind(enum.StrEnum):
    CREDENTIAL = "credential"
    CONNECTION = "connection"
    KEY = "key"
    WORKSPACE = "workspace"


@attrs.frozen
class Change:
    """A row of ``kind`` was inserted, updated or deleted. ``object_id`` is that row's id
    (for a workspace, the workspace id itself)."""

    kind: ChangeKind
    workspace_id: WorkspaceId
    object_id: uuid.UUID


@attrs.frozen
class FeedReset:
    """Notices may have been missed: every subscriber drops everything it caches."""


ChangeNotice = Change | FeedReset
ChangeListener = Callable[[ChangeNotice], None]
Unsubscribe = Callable[[], None]
