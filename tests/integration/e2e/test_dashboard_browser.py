"""The dashboard's web pages end to end in a real headless Chromium (Debian's ``chromium``,
driven by Playwright with ``executable_path``; no browser is downloaded): the gateway as a real
process on embedded defaults (embedded PostgreSQL, local vault, in-process limiter, the local
mail outbox) and the demo's sandbox Shopify store. A person signs in with the code from the
outbox, creates a workspace, connects the sandbox store, creates a key, an MCP client calls a
tool with it, writes are enabled (the key then sees write tools), the call shows in the usage
review, a built-in playbook is enabled, the key is revoked and the next call is refused.

Outside CI, a machine without chromium or Playwright skips this, saying why; with CI=true that
is a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import pytest_asyncio
from mcp import Client

from shopmcp_adapters.email import read_outbox
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.demo.runner import SandboxStores, sandbox_stores
from shopmcp_entrypoints.settings import Settings
from tests.integration.e2e.conftest import STARTUP_SECONDS, free_port
from tests.integration.services import in_ci

pytestmark = pytest.mark.integration

EMAIL = "merchant@example.com"
_CODE = re.compile(r"sign-in code is (\d{8})")


def chromium_path() -> str:
    """Debian's chromium, or why this test cannot run (a failure in CI, a skip elsewhere)."""
    found = os.environ.get("SHOPMCP_CHROMIUM") or shutil.which("chromium")
    reason = ""
    if found is None:
        reason = "no chromium on this machine (apt-get install chromium)"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install playwright)"
    if reason:
        if in_ci():
            pytest.fail(f"{reason}; CI=true: the browser test must run")
        pytest.skip(reason)
    assert found is not None
    return found


@attrs.frozen
class Gateway:
    url: str
    data_dir: Path
    stores: SandboxStores

    def last_code(self, email: str) -> str:
        for message in reversed(read_outbox(self.data_dir, 20)):
            found = _CODE.search(message["text"])
            if message["to"] == email and found:
                return found.group(1)
        raise AssertionError(f"no sign-in code for {email} in the outbox")


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    """``shopmcp serve`` on embedded defaults, with the sandbox stores trusted and allowed."""
    data_dir = tmp_path / "gateway"
    data_dir.mkdir()
    async with sandbox_stores(Settings(data_dir=data_dir)) as stores:
        port = free_port()
        settings = stores.gateway_settings(Settings(data_dir=data_dir))
        env = {
            key: value
            for key, value in os.environ.items()
            # Embedded defaults: no external database, Redis, KMS, billing or mail provider.
            if key
            not in {
                "SHOPMCP_DATABASE_URL",
                "SHOPMCP_REDIS_URL",
                "SHOPMCP_KMS_KEY_ID",
                "SHOPMCP_STRIPE_API_KEY",
                "SHOPMCP_EMAIL_API_URL",
            }
        }
        env |= {
            "SHOPMCP_DATA_DIR": str(data_dir),
            "SHOPMCP_PORT": str(port),
            "SHOPMCP_SIGNUP_OPEN": "true",
            "SHOPMCP_UPSTREAM_CA_BUNDLE": str(settings.upstream_ca_bundle),
            "SHOPMCP_UPSTREAM_ALLOWED_HOSTS": json.dumps(settings.upstream_allowed_hosts),
            "SHOPMCP_UPSTREAM_BASE_URLS": json.dumps(
                {p.value: url for p, url in settings.upstream_base_urls.items()}
            ),
        }
        log_path = data_dir / "gateway.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from shopmcp_entrypoints.cli import main; main()",
                "serve",
                env=env,
                stdout=log,
                stderr=log,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                async with httpx.AsyncClient() as http:
                    for _ in range(STARTUP_SECONDS * 10):
                        if process.returncode is not None:
                            break
                        with contextlib.suppress(httpx.TransportError):
                            if (await http.get(url + "/health")).status_code == 200:
                                break
                        await asyncio.sleep(0.1)
                if process.returncode is not None or not (await _healthy(url)):
                    log.flush()
                    pytest.fail(f"the gateway did not start: {log_path.read_text()[-3000:]}")
                yield Gateway(url=url, data_dir=data_dir, stores=stores)
            finally:
                if process.returncode is None:
                    process.terminate()
                    try:
                        await asyncio.wait_for(process.wait(), 30)
                    except TimeoutError:
                        process.kill()
                        await process.wait()


async def _healthy(url: str) -> bool:
    async with httpx.AsyncClient() as http:
        with contextlib.suppress(httpx.TransportError):
            return (await http.get(url + "/health")).status_code == 200
    return False


async def call_shop(mcp_url: str) -> Any:
    async with Client(mcp_url, mode="legacy", cache=None) as mcp:
        return await mcp.call_tool("shopify_get_shop", {})


async def tool_names(mcp_url: str) -> set[str]:
    async with Client(mcp_url, mode="legacy", cache=None) as mcp:
        return {tool.name for tool in (await mcp.list_tools()).tools}


async def test_a_merchant_goes_from_sign_in_to_a_revoked_key_in_a_real_browser(
    gateway: Gateway, tmp_path: Path
) -> None:
    executable = chromium_path()
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable,
            # Root on a CI machine: Chromium's sandbox needs user namespaces it may not have.
            args=["--no-sandbox"],
        )
        try:
            page = await (await browser.new_context(java_script_enabled=False)).new_page()
            page.set_default_timeout(20_000)

            async def shot(name: str) -> None:
                await page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

            # Sign in with the code from the local outbox.
            await page.goto(gateway.url + "/settings/connections")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
            await page.get_by_label("Email address").fill(EMAIL)
            await page.get_by_role("button", name="Send me a code").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
            await page.get_by_label("The 8-digit code from the email").fill(
                gateway.last_code(EMAIL)
            )
            await page.get_by_role("button", name="Sign in").click()

            # A workspace.
            await expect(page.get_by_role("heading", level=1)).to_have_text("Your workspaces")
            await page.get_by_label("Name").fill("Demo shop")
            await page.get_by_role("button", name="Create workspace").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Connections")

            # Connect the sandbox Shopify store (tried against it before it is saved).
            shopify = Platform.SHOPIFY
            token = gateway.stores.credentials(shopify)["access_token"]
            await page.locator("summary", has_text="Shopify").click()
            await page.locator("#connect-shopify-store").fill(gateway.stores.store_ref(shopify))
            await page.locator("#connect-shopify-access_token").fill(token)
            await page.get_by_role("button", name="Connect Shopify").click()
            await expect(page.get_by_role("status")).to_contain_text("Connected")
            await expect(page.get_by_role("table", name="Connected stores")).to_contain_text(
                gateway.stores.store_ref(shopify)
            )
            assert token not in await page.content()
            await shot("connections")

            # A key: its MCP URL is shown once.
            await page.get_by_role("link", name="MCP keys").click()
            await page.get_by_label(re.compile("^Name")).fill("e2e")
            await page.get_by_label("May use write tools").check()
            await page.get_by_role("button", name="Create key").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Key created")
            mcp_url = await page.get_by_label("MCP URL").input_value()
            assert mcp_url.startswith(gateway.url + "/mcp/")
            await shot("key")

            # The MCP SDK's streamable-HTTP client uses it: read tools only, until the
            # workspace enables Shopify's writes (owner or admin, on the Writes page).
            shop = await call_shop(mcp_url)
            assert shop.is_error is False, shop
            assert not any(name.endswith("update_product") for name in await tool_names(mcp_url))
            await page.get_by_role("link", name="Back to the keys").click()
            await page.get_by_role("link", name="Writes").click()
            await page.get_by_role("button", name="Enable Shopify writes").click()
            await expect(page.get_by_role("status")).to_contain_text("Write tools enabled")
            assert any(name.endswith("update_product") for name in await tool_names(mcp_url))

            # The call is in the usage review.
            await page.get_by_role("link", name="Usage review").click()
            calls = page.get_by_role("table", name="Tool calls, newest first")
            await expect(calls).to_contain_text("shopify_get_shop")
            await expect(calls).to_contain_text("ok")
            await shot("usage")

            # A playbook from the built-in library that the Shopify store's tools can run.
            await page.get_by_role("link", name="Playbooks", exact=True).click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Playbooks")
            await page.get_by_role("button", name="Enable slow-movers").click()
            await expect(page.get_by_role("status")).to_contain_text("Enabled")
            listed = page.get_by_role("table", name="Playbooks of this workspace")
            await listed.get_by_role("link", name="slow-movers").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Playbook slow-movers")
            await expect(page.get_by_role("main")).to_contain_text("shopify_list_products")
            await shot("playbooks")

            # Revoke the key: the next MCP call is refused.
            await page.get_by_role("link", name="MCP keys").click()
            await page.get_by_role("button", name=re.compile("^Revoke key ")).click()
            await expect(page.get_by_role("status")).to_contain_text("Key revoked")
            async with httpx.AsyncClient() as http:
                refused = await http.post(
                    mcp_url,
                    json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
                    headers={
                        "accept": "application/json, text/event-stream",
                        "mcp-protocol-version": "2025-11-25",
                    },
                )
            assert refused.status_code == 401
            # The SDK client says so too (its task groups wrap the error).
            with pytest.raises(BaseExceptionGroup) as by_the_sdk:
                await call_shop(mcp_url)
            assert "invalid or revoked MCP key" in repr(by_the_sdk.value)
        finally:
            await browser.close()


def test_without_chromium_ci_fails_and_elsewhere_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPMCP_CHROMIUM", raising=False)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        chromium_path()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        chromium_path()
