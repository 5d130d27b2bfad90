"""The validation read: a candidate credential is tried against the store before it is saved
(``CredentialProbe``). The package's probe tool runs through the same platform module as every
tool call (its client, HTTP policy and SSRF guard), with a throwaway connection and a lease
that holds the candidate only in memory. An expiring token the client refreshes on the way is
kept (the refreshed payload is what gets saved); nothing is stored by the probe itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.platforms import package_for
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.dashboard_errors import ProbeFailed
from shopmcp_domain.errors import ShopMcpError
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Refresher,
    UpstreamCall,
)


class CandidateLease:
    """A ``CredentialLease`` over a payload not yet stored: a rotation only changes it here."""

    def __init__(self, payload: CredentialPayload) -> None:
        self.payload = payload

    def __repr__(self) -> str:
        return "CandidateLease(<redacted>)"

    async def current(self) -> CredentialPayload:
        return self.payload

    async def rotate(self, refresh: Refresher, stale: CredentialPayload) -> CredentialPayload:
        if stale == self.payload:
            self.payload = await refresh(stale)
        return self.payload


class ModuleProbe:
    """Implements ``CredentialProbe`` over the gateway's platform modules."""

    def __init__(self, modules: Mapping[Platform, PlatformModule[Any]]) -> None:
        self._modules = modules

    async def probe(
        self, platform: Platform, store_ref: str, credentials: CredentialPayload
    ) -> CredentialPayload:
        package = package_for(platform)
        module = self._modules.get(platform)
        if package.probe is None or module is None:
            return credentials
        spec = next(s for s in module.specs if s.name == package.probe.tool)
        lease = CandidateLease(credentials)
        connection = Connection(
            id=new_connection_id(),
            # Never stored: the ids only satisfy the model.
            workspace_id=WorkspaceId(new_workspace_id()),
            platform=platform,
            store_ref=store_ref,
            credential_id=new_credential_id(),
            created_at=dt.datetime.now(dt.UTC),
        )
        call = UpstreamCall(
            tool=spec,
            arguments=spec.input_model.model_validate(dict(package.probe.arguments)),
            connection=connection,
            credentials=lease,
        )
        try:
            await module.call(call)
        except ShopMcpError as error:
            raise ProbeFailed(platform.value, error.message) from None
        return lease.payload
