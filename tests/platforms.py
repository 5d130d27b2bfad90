"""Building a platform's module in tests: the same ``PlatformPackage.build`` the container
uses, over a test's HTTP policy (a mock or ASGI transport)."""

from __future__ import annotations

from typing import TypeVar

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.oauth2 import OAuthClient
from shopmcp_adapters.upstreams.package import PlatformPackage, UpstreamEnv
from shopmcp_domain.ports import Clock

ClientT = TypeVar("ClientT")


def module_of(
    package: PlatformPackage[ClientT],
    http: UpstreamHttp,
    *,
    clock: Clock | None = None,
    base_url: str | None = None,
    oauth: OAuthClient | None = None,
) -> PlatformModule[ClientT]:
    return package.build(
        UpstreamEnv(http=http, clock=clock or FakeClock(), base_url=base_url, oauth=oauth)
    )
