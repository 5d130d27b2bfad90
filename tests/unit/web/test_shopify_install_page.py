"""The Shopify app's install from the connections page (when the operator configured an app):
the form sends the browser to the shop's consent screen, Shopify's callback connects the store;
a shop outside myshopify.com is refused on the form."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx2

from tests.asgi import asgi_app
from tests.unit.api.test_shopify_install import Install, install  # noqa: F401 - the fixture
from tests.unit.entrypoints.harness import BASE
from tests.unit.web.harness import Browser, assert_accessible


async def test_the_install_form_goes_to_shopify_and_comes_back_connected(
    install: Install,  # noqa: F811 - the imported fixture
) -> None:
    transport = httpx2.ASGITransport(app=asgi_app(install.api.app))
    async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
        owner = Browser(install.api, http)
        await owner.sign_in("owner@example.com")
        page_path = f"/workspaces/{install.workspace}/settings/connections"
        page = await owner.get(page_path)
        assert "Install on Shopify" in page.text
        assert "https://*.myshopify.com" in page.headers["content-security-policy"]
        assert_accessible(page)

        refused = await owner.post(page_path + "/shopify/install", {"shop": "evil.example.com"})
        assert refused.status_code == 422
        assert 'value="evil.example.com"' in refused.text and 'role="alert"' in refused.text
        assert_accessible(refused)

        started = await owner.post(page_path + "/shopify/install", {"shop": "acme.myshopify.com"})
        assert started.status_code == 303
        consent = urlsplit(started.headers["location"])
        assert consent.netloc == "acme.myshopify.com"
        assert consent.path == "/admin/oauth/authorize"
        state = dict(parse_qsl(consent.query))["state"]
        back = await http.get(install.callback(state))
        assert back.status_code == 200, back.text
    [connection] = await install.connections()
    assert connection["store"] == "acme.myshopify.com"
