"""The audit hash chain (issue 19 item 6), against the in-memory chain: every kind of tampering
is caught at the right link, and retention's pruning (with its anchor) is not tampering."""

import datetime as dt
import itertools
import uuid
from typing import Any

import attrs
import pytest

from shopmcp_adapters.memory.audit_chain import InMemoryAuditChain
from shopmcp_domain.audit_chain import GENESIS, ChainLink, link_hash, verify_chain
from shopmcp_domain.errors import (
    NotFound,
    UsageStatus,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import AuditChainReader
from shopmcp_domain.services.audit_verify import verify_audit
from tests.factories import NOW, make_workspace
from tests.ports.tenant_store import usage_event


def _chain(n: int = 5) -> tuple[InMemoryAuditChain, WorkspaceId, list[ChainLink]]:
    chain = InMemoryAuditChain()
    ws = make_workspace().id
    links = [
        chain.record(usage_event(ws, created_at=NOW + dt.timedelta(minutes=i))) for i in range(n)
    ]
    return chain, ws, links


def test_the_in_memory_chain_satisfies_the_port() -> None:
    reader: AuditChainReader = InMemoryAuditChain()
    assert reader is not None


async def test_an_untouched_chain_verifies() -> None:
    chain, ws, links = _chain()
    report = await verify_audit(chain, ws, page=2)  # paging across the whole chain
    assert report.ok and report.links_checked == 5
    assert [link.chain_seq for link in links] == [1, 2, 3, 4, 5]
    assert links[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(links))


async def test_an_empty_workspace_verifies_and_an_unknown_one_is_not_found() -> None:
    chain = InMemoryAuditChain()
    ws = make_workspace().id
    chain.add_workspace(ws)
    assert (await verify_audit(chain, ws)).ok
    with pytest.raises(NotFound):
        await verify_audit(chain, make_workspace().id)


@pytest.mark.parametrize(
    "edit",
    [
        {"tool": "shopify_update_product"},
        {"status": UsageStatus.UPSTREAM_ERROR.value},
        {"latency_ms": 12.500001},
        {"created_at": NOW + dt.timedelta(minutes=2, microseconds=1)},
        {"redactions": 1},
        {"cache_hit": True},
        {"key_prefix": "zzzzzzzzzzzz"},
        {"error_class": "X"},
        {"playbook_id": uuid.UUID(int=7)},
        {"playbook_version": 2},
        {"hash_version": 1},  # a downgrade to the encoding without the playbook columns
    ],
)
async def test_an_edited_field_is_caught_at_its_row(edit: dict[str, Any]) -> None:
    chain, ws, links = _chain()
    chain.chains[ws][2] = attrs.evolve(links[2], **edit)
    report = await verify_audit(chain, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (links[2].id, "row hash")
    assert report.links_checked == 2


async def test_an_edit_with_its_hash_recomputed_breaks_the_next_link() -> None:
    chain, ws, links = _chain()
    forged = attrs.evolve(links[2], tool="shopify_update_product")
    chain.chains[ws][2] = attrs.evolve(forged, row_hash=link_hash(forged))
    report = await verify_audit(chain, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (links[3].id, "previous hash")


async def test_a_deleted_middle_row_is_caught() -> None:
    chain, ws, links = _chain()
    del chain.chains[ws][2]
    report = await verify_audit(chain, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (links[3].id, "sequence gap")
    assert (report.broken.expected, report.broken.found) == ("3", "4")


async def test_a_deleted_last_row_is_caught_at_the_chain_end() -> None:
    chain, ws, _links = _chain()
    del chain.chains[ws][-1]
    report = await verify_audit(chain, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (None, "chain end")


async def test_reordered_rows_are_caught() -> None:
    chain, ws, links = _chain()
    a, b = links[1], links[2]
    chain.chains[ws][1] = attrs.evolve(b, chain_seq=2)
    chain.chains[ws][2] = attrs.evolve(a, chain_seq=3)
    report = await verify_audit(chain, ws)
    assert report.broken is not None and report.broken.chain_seq == 2


async def test_a_row_moved_from_another_workspace_is_caught() -> None:
    chain, ws, _links = _chain()
    _other, _other_ws, other_links = _chain()
    chain.chains[ws][1] = attrs.evolve(other_links[1])
    report = await verify_audit(chain, ws)
    assert report.broken is not None and report.broken.problem == "row of another workspace"


async def test_pruning_a_prefix_records_the_anchor_and_still_verifies() -> None:
    chain, ws, links = _chain()
    assert chain.prune_before(ws, NOW + dt.timedelta(minutes=2)) == 2
    head = chain.heads[ws]
    assert (head.anchor_seq, head.anchor_hash) == (2, links[1].row_hash)
    report = await verify_audit(chain, ws)
    assert report.ok and report.links_checked == 3
    # ...but deleting past the anchor without moving it is still caught.
    del chain.chains[ws][0]
    assert not (await verify_audit(chain, ws)).ok


def test_the_hash_covers_every_field_and_the_previous_hash() -> None:
    _, _, links = _chain(1)
    link = links[0]
    assert link_hash(link) == link.row_hash
    assert link_hash(link, b"\x01" * 32) != link.row_hash
    for change in (
        {"chain_seq": 2},
        {"connection_id": link.workspace_id},
        {"error_class": ""},  # NULL and "" differ
    ):
        assert link_hash(attrs.evolve(link, **change)) != link.row_hash


def test_version_1_links_hash_without_the_playbook_columns_and_version_2_with_them() -> None:
    _, _, [link] = _chain(1)
    stamped = attrs.evolve(link, playbook_id=uuid.UUID(int=7), playbook_version=3)
    old = attrs.evolve(link, hash_version=1)
    # Version 1 (links written before migration 0018) never saw the playbook columns...
    assert link_hash(attrs.evolve(old, playbook_id=uuid.UUID(int=7))) == link_hash(old)
    # ...version 2 covers them, and the two encodings never agree on the same row.
    assert link_hash(stamped) != link_hash(link) != link_hash(old)
    assert link_hash(attrs.evolve(stamped, playbook_version=None)) != link_hash(stamped)
    with pytest.raises(ValueError, match="unknown audit hash version"):
        link_hash(attrs.evolve(link, hash_version=3))


async def test_a_chain_of_version_1_then_version_2_links_verifies() -> None:
    chain, ws, links = _chain(4)
    # Rehash the first two links as a pre-0018 database wrote them, and chain on from them.
    previous = GENESIS
    rehashed = []
    for link in links:
        version = 1 if link.chain_seq <= 2 else 2
        moved = attrs.evolve(link, hash_version=version, prev_hash=previous)
        moved = attrs.evolve(moved, row_hash=link_hash(moved))
        rehashed.append(moved)
        previous = moved.row_hash
    chain.chains[ws] = rehashed
    chain.heads[ws] = attrs.evolve(chain.heads[ws], last_hash=previous)
    report = await verify_audit(chain, ws)
    assert report.ok and report.links_checked == 4
    chain.chains[ws][3] = attrs.evolve(rehashed[3], hash_version=3)
    broken = (await verify_audit(chain, ws)).broken
    assert broken is not None and broken.problem == "hash version"


def test_verify_chain_of_no_links_against_a_nonempty_head_is_a_break() -> None:
    chain, ws, _ = _chain(2)
    report = verify_chain(ws, chain.heads[ws], [])
    assert report.broken is not None and report.broken.problem == "chain end"
