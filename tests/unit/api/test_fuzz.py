"""A property-based fuzzer over the API's own OpenAPI document (schemathesis): every operation
of ``/schema/openapi.json`` is called with generated parameters and bodies, in process, signed
in as a staff owner of a real workspace (so the workspace routes are reached, not only
refused), and no answer may be a 5xx. Every refusal must be an RFC 9457 problem.

The app runs with its lifespan on an event loop of its own thread; each generated case is sent
to it over the in-process ASGI transport."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings
from tests.unit.api.harness import Api, running_api
from tests.unit.entrypoints.harness import BASE

T = TypeVar("T")

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi_schema.to_schema())


class LiveApi:
    """The running API on a loop in another thread, callable from a synchronous test."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._stop: asyncio.Event | None = None
        self.api: Api | None = None
        self.token = ""
        self.workspace = ""
        self._ready = self.run(self._start())

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    async def _start(self) -> None:
        started = asyncio.Event()
        self._stop = asyncio.Event()

        async def serve() -> None:
            async with running_api() as api:
                self.api = api
                self.token = await api.sign_in("fuzz@example.com")
                self.workspace = await api.workspace(self.token)
                await api.call(
                    "POST",
                    f"/api/v1/workspaces/{self.workspace}/connections",
                    self.token,
                    json={
                        "platform": "shopify",
                        "store": "fuzz.myshopify.com",
                        "credentials": {"access_token": "shpat_fuzz"},
                    },
                )
                await api.world.store.set_staff("fuzz@example.com", True)
                started.set()
                assert self._stop is not None
                await self._stop.wait()

        self._server = asyncio.ensure_future(serve())
        await started.wait()

    def send(self, kwargs: dict[str, Any]) -> httpx2.Response:
        assert self.api is not None
        http = self.api.http
        return self.run(http.request(**kwargs))

    def close(self) -> None:
        async def stop() -> None:
            assert self._stop is not None
            self._stop.set()
            await self._server

        self.run(stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveApi]:
    running = LiveApi()
    try:
        yield running
    finally:
        running.close()


@SCHEMA.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_gets_a_server_error(case: Any, live: LiveApi) -> None:
    if "workspace_id" in (case.path_parameters or {}) and case.method.upper() != "DELETE":
        # The real workspace, so the fuzzer gets past authorisation to the handlers.
        case.path_parameters["workspace_id"] = live.workspace
    kwargs = case.as_transport_kwargs(
        base_url=BASE, headers={"authorization": f"Bearer {live.token}"}
    )
    kwargs.pop("cookies", None)
    kwargs["url"] = kwargs["url"].removeprefix(BASE) or "/"
    response = live.send(_httpx_kwargs(kwargs))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """schemathesis speaks requests' keyword arguments; httpx takes a few differently."""
    out: dict[str, Any] = {
        k: kwargs[k] for k in ("method", "url", "headers", "params") if k in kwargs
    }
    if "json" in kwargs:
        out["json"] = kwargs["json"]
    elif "data" in kwargs and kwargs["data"] is not None:
        data = kwargs["data"]
        out["content" if isinstance(data, bytes | str) else "data"] = data
    return out
