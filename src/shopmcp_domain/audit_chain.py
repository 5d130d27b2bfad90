"""The tamper-evident audit trail: each workspace's usage events form a hash chain.

Link ``n`` of a workspace carries ``prev_hash`` = link ``n-1``'s ``row_hash`` (32 zero bytes
before link 1) and ``row_hash`` = SHA-256 over a canonical encoding of its fields and
``prev_hash``. The database makes the links (migration 0011's trigger, concurrency-safe per
workspace); this module is the independent check: the same encoding, byte for byte, and the
walk that finds the first broken link. Retention deletes a prefix of the chain and records its
last link as the chain's *anchor*; the chain's *head* records its newest link, so deleting
the newest rows is caught too.

Encoding (version tag, then each field as a 4-byte big-endian length, -1 for NULL, and its
bytes): workspace id (16 bytes), chain_seq (int8), id (16 bytes), key_prefix, tool (UTF-8),
connection id (16 bytes or NULL), latency_ms (IEEE 754 double, big-endian), status,
error_class (UTF-8 or NULL), created_at (int8 microseconds since the Unix epoch), cache_hit
(one byte, 0 or 1), redactions (int4), then in version 2 playbook_id (16 bytes or NULL) and
playbook_version (int4 or NULL), then prev_hash.

Versions: links written before migration 0018 are version 1 (their hash does not cover the
playbook columns, which came later); every link since is version 2. A link's
``hash_version`` picks the encoding, and the version tag is hashed, so changing a link's
version changes its hash like any other edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import uuid
from collections.abc import AsyncIterable, Iterable

import attrs

from shopmcp_domain.ids import UsageEventId, WorkspaceId

GENESIS = bytes(32)
_VERSION_TAGS = {1: b"shopmcp.usage_events.v1", 2: b"shopmcp.usage_events.v2"}
# What the database's trigger writes (migration 0018).
CURRENT_HASH_VERSION = 2
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@attrs.frozen
class ChainLink:
    """One usage event as the chain sees it: every field the hash covers, and the hashes."""

    workspace_id: WorkspaceId
    chain_seq: int
    id: UsageEventId
    key_prefix: str
    tool: str
    connection_id: uuid.UUID | None
    latency_ms: float
    status: str
    error_class: str | None
    created_at: dt.datetime
    cache_hit: bool
    redactions: int
    prev_hash: bytes
    row_hash: bytes
    playbook_id: uuid.UUID | None = None
    playbook_version: int | None = None
    hash_version: int = CURRENT_HASH_VERSION


@attrs.frozen
class ChainHead:
    """Where a workspace's retained chain starts (the anchor: the last link retention
    deleted, or 0 and zeros) and ends (its newest link, or 0 and zeros)."""

    anchor_seq: int = 0
    anchor_hash: bytes = GENESIS
    last_seq: int = 0
    last_hash: bytes = GENESIS


def _field(value: bytes | None) -> bytes:
    if value is None:
        return struct.pack(">i", -1)
    return struct.pack(">i", len(value)) + value


def _text(value: str | None) -> bytes | None:
    return None if value is None else value.encode("utf-8")


def _micros(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("audit timestamps are timezone-aware")
    return (moment - _EPOCH) // _MICROSECOND


def link_hash(link: ChainLink, prev_hash: bytes | None = None) -> bytes:
    """The ``row_hash`` a link must carry, given the previous link's hash (its own
    ``prev_hash`` unless another is named)."""
    previous = link.prev_hash if prev_hash is None else prev_hash
    tag = _VERSION_TAGS.get(link.hash_version)
    if tag is None:
        raise ValueError(f"unknown audit hash version {link.hash_version}")
    playbook: tuple[bytes, ...] = ()
    if link.hash_version >= 2:
        playbook = (
            _field(None if link.playbook_id is None else link.playbook_id.bytes),
            _field(
                None if link.playbook_version is None else struct.pack(">i", link.playbook_version)
            ),
        )
    encoded = b"".join(
        (
            tag,
            _field(link.workspace_id.bytes),
            _field(struct.pack(">q", link.chain_seq)),
            _field(link.id.bytes),
            _field(_text(link.key_prefix)),
            _field(_text(link.tool)),
            _field(None if link.connection_id is None else link.connection_id.bytes),
            _field(struct.pack(">d", link.latency_ms)),
            _field(_text(link.status)),
            _field(_text(link.error_class)),
            _field(struct.pack(">q", _micros(link.created_at))),
            _field(b"\x01" if link.cache_hit else b"\x00"),
            _field(struct.pack(">i", link.redactions)),
            *playbook,
            _field(previous),
        )
    )
    return hashlib.sha256(encoded).digest()


@attrs.frozen
class ChainBreak:
    """The first link that does not follow from the one before it. ``row_id`` is None when
    the break is at the chain's end (its newest links are missing)."""

    row_id: UsageEventId | None
    chain_seq: int
    problem: str
    expected: str
    found: str


@attrs.frozen
class ChainReport:
    workspace_id: WorkspaceId
    links_checked: int
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


class _Walk:
    """The verification state: the link expected next, and what the previous one hashed to."""

    def __init__(self, workspace_id: WorkspaceId, head: ChainHead) -> None:
        self.workspace_id = workspace_id
        self.head = head
        self.expected_seq = head.anchor_seq + 1
        self.previous = head.anchor_hash
        self.checked = 0

    def step(self, link: ChainLink) -> ChainBreak | None:
        if link.workspace_id != self.workspace_id:
            return ChainBreak(
                link.id, link.chain_seq, "row of another workspace", str(self.workspace_id),
                str(link.workspace_id),
            )  # fmt: skip
        if link.chain_seq != self.expected_seq:
            # A deleted or inserted row, or one moved in the order.
            return ChainBreak(
                link.id, link.chain_seq, "sequence gap", str(self.expected_seq),
                str(link.chain_seq),
            )  # fmt: skip
        if link.prev_hash != self.previous:
            return ChainBreak(
                link.id, link.chain_seq, "previous hash", self.previous.hex(),
                link.prev_hash.hex(),
            )  # fmt: skip
        if link.hash_version not in _VERSION_TAGS:
            return ChainBreak(
                link.id, link.chain_seq, "hash version", "/".join(map(str, _VERSION_TAGS)),
                str(link.hash_version),
            )  # fmt: skip
        recomputed = link_hash(link, self.previous)
        if link.row_hash != recomputed:
            # The row's fields were changed after it was written.
            return ChainBreak(
                link.id, link.chain_seq, "row hash", recomputed.hex(), link.row_hash.hex()
            )
        self.previous = link.row_hash
        self.expected_seq += 1
        self.checked += 1
        return None

    def end(self) -> ChainBreak | None:
        last_seq = self.expected_seq - 1
        if last_seq != self.head.last_seq or self.previous != self.head.last_hash:
            # The newest rows are gone (or the head was moved).
            return ChainBreak(
                None, last_seq + 1, "chain end",
                f"{self.head.last_seq}:{self.head.last_hash.hex()}",
                f"{last_seq}:{self.previous.hex()}",
            )  # fmt: skip
        return None


def verify_chain(
    workspace_id: WorkspaceId, head: ChainHead, links: Iterable[ChainLink]
) -> ChainReport:
    """Walk ``links`` (in ``chain_seq`` order) from the head's anchor to its end."""
    walk = _Walk(workspace_id, head)
    for link in links:
        broken = walk.step(link)
        if broken is not None:
            return ChainReport(workspace_id, walk.checked, broken)
    return ChainReport(workspace_id, walk.checked, walk.end())


async def verify_chain_stream(
    workspace_id: WorkspaceId, head: ChainHead, links: AsyncIterable[ChainLink]
) -> ChainReport:
    """:func:`verify_chain` over links read a page at a time."""
    walk = _Walk(workspace_id, head)
    async for link in links:
        broken = walk.step(link)
        if broken is not None:
            return ChainReport(workspace_id, walk.checked, broken)
    return ChainReport(workspace_id, walk.checked, walk.end())


def append(head: ChainHead, link: ChainLink) -> tuple[ChainHead, ChainLink]:
    """What the database's trigger does, for the in-memory fake: ``link`` numbered and hashed
    after ``head``, and the head advanced."""
    numbered = attrs.evolve(link, chain_seq=head.last_seq + 1, prev_hash=head.last_hash)
    hashed = attrs.evolve(numbered, row_hash=link_hash(numbered))
    return attrs.evolve(head, last_seq=hashed.chain_seq, last_hash=hashed.row_hash), hashed
