"""Fixtures: the web pages on the in-memory fakes, and browsers (cookie jars) to drive them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx2
import pytest

from tests.asgi import asgi_app
from tests.unit.api.harness import Api, running_api
from tests.unit.entrypoints.harness import BASE
from tests.unit.web.harness import Browser

NewBrowser = Callable[[], Awaitable[Browser]]


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with running_api() as running:
        yield running


@pytest.fixture
async def new_browser(api: Api) -> AsyncIterator[NewBrowser]:
    async with AsyncExitStack() as stack:

        async def make() -> Browser:
            transport = httpx2.ASGITransport(app=asgi_app(api.app))
            http = await stack.enter_async_context(
                httpx2.AsyncClient(transport=transport, base_url=BASE)
            )
            return Browser(api, http)

        yield make


@pytest.fixture
async def alice(new_browser: NewBrowser) -> Browser:
    browser = await new_browser()
    await browser.sign_in("alice@example.com")
    return browser
