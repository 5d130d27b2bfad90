"""Erasure requests: a workspace's owner asked for everything it holds to be deleted.

Requesting erasure (:func:`shopmcp_domain.services.erasure.request_erasure`) acts at once on
what must not outlive the request: the workspace stops serving (pending deletion), its keys are
revoked and its credentials crypto-shredded. The rest (usage events, audit log, members, the
workspace row itself) is removed later by the erasure sweep, within the 30 days the security
page promises; the request records when the clock started.
"""

from __future__ import annotations

import datetime as dt

import attrs

from shopmcp_domain.ids import AccountId, WorkspaceId

# The security page's promise: everything of an erased workspace is gone within this.
ERASURE_DEADLINE = dt.timedelta(days=30)


@attrs.frozen
class ErasureRequest:
    """A workspace's owner asked for it to be erased (see
    :func:`shopmcp_domain.services.erasure.request_erasure`)."""

    workspace_id: WorkspaceId
    requested_at: dt.datetime
    requested_by: AccountId | None
    requested_by_label: str
