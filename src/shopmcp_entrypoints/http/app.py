"""The Litestar application factory. Importing this module builds nothing."""

from __future__ import annotations

from litestar import Litestar, get

from shopmcp_entrypoints.settings import Settings


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


def create_app(settings: Settings | None = None) -> Litestar:
    _ = settings or Settings()
    return Litestar(route_handlers=[health])
