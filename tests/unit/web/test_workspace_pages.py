"""A workspace's pages: the newcomer's path through forms alone, refusals re-rendered with what
was typed (never a secret), the same role rules as the API (a viewer sees and cannot change; a
member of A gets 404 for every page of B), CSRF refusal, and no secret on any page."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import attrs
import pytest

from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import WorkspaceId, new_playbook_id, new_usage_event_id
from shopmcp_domain.services import onboarding
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_entrypoints.http.api.auth import ROLE_OPT
from shopmcp_entrypoints.http.web import WORKSPACE_PREFIX
from tests.factories import NOW
from tests.unit.api.harness import JSON, Api
from tests.unit.web.conftest import NewBrowser
from tests.unit.web.harness import Browser, assert_accessible, csrf_of

SECRET = "shpat_never_on_a_page_0123456789"
MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
CALL = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "shopify_get_thing", "arguments": {"thing_id": 7}},
}


def settings(workspace: str, page: str) -> str:
    return f"/workspaces/{workspace}/settings/{page}"


async def connect_shopify(browser: Browser, workspace: str, store: str = "acme") -> None:
    done = await browser.post(
        settings(workspace, "connections"),
        {
            "platform": "shopify",
            "store": f"{store}.myshopify.com",
            "credentials.access_token": SECRET,
        },
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].endswith("?done=connected")


async def issue_key(browser: Browser, workspace: str, **form: str) -> tuple[str, str]:
    """The new key's MCP URL and prefix, read from the page that shows them once."""
    page = await browser.post(settings(workspace, "keys"), {"name": "laptop", **form})
    assert page.status_code == 201, page.text
    assert_accessible(page)
    url = re.search(r'id="mcp-url" value="([^"]+)"', page.text)
    prefix = re.search(r"\(<code>([^<]+)</code>\)", page.text)
    assert url is not None and prefix is not None
    return url.group(1), prefix.group(1)


async def test_the_newcomers_path_through_the_pages(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace("Acme")
    await connect_shopify(alice, workspace)
    page = await alice.get(settings(workspace, "connections") + "?done=connected")
    assert "acme.myshopify.com" in page.text and "Connected: the store accepted" in page.text
    assert api.probe.probed[-1][1] == "acme.myshopify.com"

    mcp_url, prefix = await issue_key(alice, workspace, write="on")
    path = "/mcp/" + mcp_url.rsplit("/mcp/", 1)[1]
    keys_page = await alice.get(settings(workspace, "keys"))
    assert prefix in keys_page.text and mcp_url not in keys_page.text

    writes = await alice.post(settings(workspace, "writes/shopify"), {"enabled": "true"})
    assert writes.status_code == 303
    assert "Disable Shopify writes" in (await alice.get(writes.headers["location"])).text

    answered = await api.http.post(path, json=CALL, headers=MCP_HEADERS)
    assert answered.status_code == 200, answered.text
    usage = await alice.get(settings(workspace, "usage"))
    assert usage.status_code == 200
    assert "shopify_get_thing" in usage.text and prefix in usage.text
    # The security page's promise: the calls are reviewable from the connections page.
    assert "shopify_get_thing" in (await alice.get(settings(workspace, "connections"))).text

    revoked = await alice.post(settings(workspace, f"keys/{prefix}/revoke"))
    assert revoked.status_code == 303
    refused = await api.http.post(path, json=CALL, headers=MCP_HEADERS)
    assert refused.status_code == 401


async def test_every_page_is_accessible_and_holds_no_secret(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace()
    await connect_shopify(alice, workspace)
    mcp_url, _ = await issue_key(alice, workspace)
    token = mcp_url.rsplit("/", 1)[1]
    await api.http.post(f"/mcp/{token}", json=CALL, headers=MCP_HEADERS)
    for path in (
        "/workspaces",
        *(settings(workspace, p) for p in ("connections", "keys", "writes", "usage")),
    ):
        page = await alice.get(path)
        assert page.status_code == 200, path
        assert_accessible(page)
        assert SECRET not in page.text and token not in page.text, path
        assert "ciphertext" not in page.text.lower()


async def test_a_refused_credential_saves_nothing_and_keeps_what_was_typed(
    api: Api, alice: Browser
) -> None:
    workspace = await alice.create_workspace()
    api.probe.refusals["typo.myshopify.com"] = "the store answered 401: invalid API key"
    page = await alice.post(
        settings(workspace, "connections"),
        {
            "platform": "shopify",
            "store": "typo.myshopify.com",
            "display_name": "Main shop",
            "credentials.access_token": SECRET,
        },
    )
    assert page.status_code == 422
    assert "invalid API key" in page.text
    assert 'value="typo.myshopify.com"' in page.text and 'value="Main shop"' in page.text
    assert SECRET not in page.text  # a secret is typed again, never echoed
    assert 'role="alert"' in page.text
    assert_accessible(page)
    assert "No store is connected yet." in page.text


async def test_invalid_fields_are_named_next_to_their_inputs(alice: Browser) -> None:
    workspace = await alice.create_workspace()
    page = await alice.post(
        settings(workspace, "connections"),
        {"platform": "shopify", "store": "", "credentials.access_token": ""},
    )
    assert page.status_code == 400
    assert 'id="connect-shopify-store-error"' in page.text
    assert 'aria-describedby="connect-shopify-store-hint connect-shopify-store-error"' in page.text
    assert 'id="connect-shopify-access_token-error">Required.</p>' in page.text
    assert_accessible(page)
    empty = await alice.post("/workspaces", {"name": ""})
    assert empty.status_code == 400
    assert '<p class="error" id="workspace-name-error">Required.</p>' in empty.text


async def test_replace_and_disconnect(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace()
    await connect_shopify(alice, workspace)
    token = await api.sign_in("alice@example.com")
    listed = await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    connection = listed.json()[0]["id"]

    api.probe.refusals["acme.myshopify.com"] = "the store answered 401"
    refused = await alice.post(
        settings(workspace, f"connections/{connection}/credential"),
        {"credentials.access_token": "shpat_wrong"},
    )
    assert refused.status_code == 422 and "the store answered 401" in refused.text
    assert "shpat_wrong" not in refused.text
    assert (
        listed.json()[0]["credential_generation"]
        == (
            (await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)).json()[0][
                "credential_generation"
            ]
        )
    )

    del api.probe.refusals["acme.myshopify.com"]
    replaced = await alice.post(
        settings(workspace, f"connections/{connection}/credential"),
        {"credentials.access_token": "shpat_right"},
    )
    assert replaced.status_code == 303 and replaced.headers["location"].endswith("done=replaced")
    after = await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    assert after.json()[0]["credential_generation"] > listed.json()[0]["credential_generation"]

    gone = await alice.post(settings(workspace, f"connections/{connection}/disconnect"))
    assert gone.status_code == 303
    assert (
        await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    ).json() == []


async def test_a_locked_platforms_writes_cannot_be_enabled(alice: Browser) -> None:
    workspace = await alice.create_workspace()
    page = await alice.get(settings(workspace, "writes"))
    assert "locked by the operator" in page.text
    assert "Enable Magento writes" not in page.text
    refused = await alice.post(settings(workspace, "writes/magento"), {"enabled": "true"})
    assert refused.status_code == 409


async def test_an_unknown_platform_is_refused(alice: Browser) -> None:
    workspace = await alice.create_workspace()
    refused = await alice.post(
        settings(workspace, "connections"), {"platform": "nope", "store": "x"}
    )
    assert refused.status_code == 422
    assert_accessible(refused)


# --------------------------------------------------------------------------- usage review


async def _seed(api: Api, workspace: str, count: int) -> list[UsageEvent]:
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    events = [
        UsageEvent(
            id=new_usage_event_id(),
            workspace_id=workspace_id,
            key_prefix="aaaaaaaaaaaa" if i % 2 else "bbbbbbbbbbbb",
            tool="shopify_get_thing" if i % 3 else "shopify_update_thing",
            connection_id=None,
            latency_ms=float(i + 1),
            status=UsageStatus.OK if i % 4 else UsageStatus.UPSTREAM_ERROR,
            error_class=None if i % 4 else "UpstreamError",
            created_at=NOW + dt.timedelta(minutes=i),
        )
        for i in range(count)
    ]
    async with api.world.store.unit_of_work(workspace_id) as uow:
        for event in events:
            await uow.usage.record(event, MeterRecord.for_event(event))
    return events


def _rows(page: str) -> int:
    return page.count('<tr><td><time datetime="')


async def test_usage_review_pages_filters_counts_and_downloads(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace()
    events = await _seed(api, workspace, 60)
    first = await alice.get(settings(workspace, "usage"))
    assert first.status_code == 200 and _rows(first.text) == 50
    older = re.search(r'href="(\?[^"]*cursor=[^"]+)" rel="next"', first.text)
    assert older is not None
    second = await alice.get(settings(workspace, "usage") + older.group(1).replace("&amp;", "&"))
    assert _rows(second.text) == 10 and 'rel="next"' not in second.text

    # Per-tool counts over everything: 20 update calls, 40 get calls.
    assert re.search(r"<th scope=\"row\">shopify_update_thing</th><td>20</td>", first.text)
    assert re.search(r"<th scope=\"row\">shopify_get_thing</th><td>40</td>", first.text)

    since = (NOW + dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    until = (NOW + dt.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    filtered = await alice.get(
        settings(workspace, "usage"),
        params={"status": "upstream_error", "since": since, "until": until},
    )
    wanted = [
        e
        for e in events
        if e.status is UsageStatus.UPSTREAM_ERROR
        and NOW + dt.timedelta(minutes=10) <= e.created_at < NOW + dt.timedelta(minutes=20)
    ]
    assert _rows(filtered.text) == len(wanted) > 0
    assert '<option value="upstream_error" selected>' in filtered.text

    csv_link = re.search(r'href="(/api/v1/[^"]+format=csv)"', filtered.text)
    assert csv_link is not None
    download = await alice.get(csv_link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert len(download.text.strip().splitlines()) == 1 + len(wanted)
    json_link = re.search(r'href="(/api/v1/[^"]+format=json)"', filtered.text)
    assert json_link is not None
    exported = await alice.get(json_link.group(1).replace("&amp;", "&"))
    assert len(exported.json()) == len(wanted)


async def test_usage_review_shows_and_filters_a_playbooks_steps(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace()
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    playbook = await onboarding.add_playbook(
        api.world.store, api.world.clock, workspace_id, "weekly-digest", "d", "t"
    )
    events = await _seed(api, workspace, 6)
    steps = [
        attrs.evolve(e, id=new_usage_event_id(), playbook_id=playbook.id, playbook_version=1)
        for e in events[:2]
    ]
    gone = new_playbook_id()  # a deleted playbook's steps keep its id
    deleted = attrs.evolve(events[0], id=new_usage_event_id(), playbook_id=gone, playbook_version=3)
    async with api.world.store.unit_of_work(workspace_id) as uow:
        for event in (*steps, deleted):
            await uow.usage.record(event, MeterRecord.for_event(event))

    everything = await alice.get(settings(workspace, "usage"))
    assert everything.status_code == 200 and _rows(everything.text) == 9
    assert_accessible(everything)
    # The playbook's name links to its filter; a deleted one shows its id.
    link = f'<a href="?playbook={playbook.id}">weekly-digest</a> v1'
    assert everything.text.count(link) == 2
    assert f'<a href="?playbook={gone}">{gone}</a> v3' in everything.text

    only = await alice.get(settings(workspace, "usage"), params={"playbook": str(playbook.id)})
    assert only.status_code == 200 and _rows(only.text) == 2
    assert f'<option value="{playbook.id}" selected>' in only.text
    json_link = re.search(r'href="(/api/v1/[^"]+format=json)"', only.text)
    assert json_link is not None
    exported = await alice.get(json_link.group(1).replace("&amp;", "&"))
    assert sorted(r["id"] for r in exported.json()) == sorted(str(e.id) for e in steps)

    bad = await alice.get(settings(workspace, "usage"), params={"playbook": "nope"})
    assert bad.status_code == 400 and 'id="filter-playbook-error"' in bad.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bogus"}, "filter-status"),
        ({"since": "yesterday"}, "filter-since"),
        ({"since": "2026-11-02T00:00", "until": "2026-11-01T00:00"}, "filter-until"),
    ],
)
async def test_a_bad_filter_is_named_on_the_form(
    alice: Browser, params: dict[str, str], field: str
) -> None:
    workspace = await alice.create_workspace()
    page = await alice.get(settings(workspace, "usage"), params=params)
    assert page.status_code == 400
    assert f'id="{field}-error"' in page.text
    assert_accessible(page)


async def test_a_forged_page_link_is_refused_plainly(alice: Browser) -> None:
    workspace = await alice.create_workspace()
    page = await alice.get(settings(workspace, "usage"), params={"cursor": "!!!"})
    assert page.status_code == 400 and "start from the first page" in page.text


# --------------------------------------------------------------------------- roles and CSRF


def web_routes(api: Api) -> list[tuple[str, str, object]]:
    routes = []
    for route in api.app.routes:
        if not route.path.startswith(WORKSPACE_PREFIX):
            continue
        for handler in getattr(route, "route_handlers", ()):
            for method in set(handler.http_methods) - {"OPTIONS", "HEAD"}:
                routes.append((method, route.path, handler.opt.get(ROLE_OPT)))
    return sorted(routes, key=lambda r: (r[1], r[0]))


def concrete(path: str, workspace: str) -> str:
    return (
        path.replace("{workspace_id:uuid}", workspace)
        .replace("{connection_id:uuid}", str(uuid.uuid4()))
        .replace("{prefix:str}", "aaaaaaaaaaaa")
        .replace("{platform:str}", "shopify")
        .replace("{name:str}", "weekly")
        .replace("{key:str}", "low-stock")
        .replace("{version:int}", "1")
        .replace("{approval_id:uuid}", str(uuid.uuid4()))
    )


async def test_every_workspace_page_declares_a_role(api: Api) -> None:
    routes = web_routes(api)
    assert len(routes) >= 10
    assert all(isinstance(role, Role) for _, _, role in routes)
    assert all(role is Role.VIEWER for method, _, role in routes if method == "GET")
    assert all(role is Role.ADMIN for method, _, role in routes if method == "POST")


async def test_a_member_of_another_workspace_gets_404_for_every_page(
    api: Api, alice: Browser, new_browser: NewBrowser
) -> None:
    bob = await new_browser()
    await bob.sign_in("bob@example.com")
    theirs = await bob.create_workspace("Bob's")
    await connect_shopify(bob, theirs)
    await alice.create_workspace("Alice's")
    nowhere = str(uuid.uuid4())
    csrf = csrf_of(await alice.get("/workspaces"))
    for method, path, _ in web_routes(api):
        for workspace in (theirs, nowhere):
            target = concrete(path, workspace)
            if method == "GET":
                answer = await alice.get(target)
            else:
                form = {"platform": "shopify", "store": "x.myshopify.com", "enabled": "true"}
                answer = await alice.post(target, form, csrf=csrf)
            assert answer.status_code == 404, f"{method} {target}"
            assert "Bob" not in answer.text
    bob_token = await api.sign_in("bob@example.com")
    still = await api.call("GET", f"/api/v1/workspaces/{theirs}/connections", bob_token)
    assert len(still.json()) == 1


async def test_a_viewer_sees_but_cannot_change(
    api: Api, alice: Browser, new_browser: NewBrowser
) -> None:
    workspace = await alice.create_workspace()
    await connect_shopify(alice, workspace)
    owner = await api.sign_in("alice@example.com")
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": "viewer@example.com", "role": "viewer"},
        headers=JSON,
    )
    assert added.status_code == 201, added.text
    viewer = await new_browser()
    await viewer.sign_in("viewer@example.com")
    for page_name in ("connections", "keys", "writes", "usage"):
        page = await viewer.get(settings(workspace, page_name))
        assert page.status_code == 200
        assert 'method="post" action="/workspaces/' not in page.text, page_name
    csrf = csrf_of(await viewer.get("/workspaces"))
    for method, path, _ in web_routes(api):
        if method != "POST":
            continue
        form = {"platform": "shopify", "store": "y.myshopify.com", "enabled": "true"}
        answer = await viewer.post(concrete(path, workspace), form, csrf=csrf)
        assert answer.status_code == 403, path
    keys = await api.call("GET", f"/api/v1/workspaces/{workspace}/keys", owner)
    assert keys.json() == []
    listed = await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", owner)
    assert len(listed.json()) == 1


@pytest.mark.parametrize("csrf", ["", "forged"])
async def test_a_form_without_the_sessions_csrf_token_changes_nothing(
    api: Api, alice: Browser, new_browser: NewBrowser, csrf: str
) -> None:
    workspace = await alice.create_workspace()
    other = await new_browser()
    await other.sign_in("mallory@example.com")
    tokens = {"": "", "forged": csrf_of(await other.get("/workspaces"))}
    refused = await alice.post(
        settings(workspace, "connections"),
        {"platform": "shopify", "store": "acme.myshopify.com", "credentials.access_token": "x"},
        csrf=tokens[csrf],
    )
    assert refused.status_code == 403
    for path in ("keys", "writes/shopify"):
        assert (await alice.post(settings(workspace, path), csrf=tokens[csrf])).status_code == 403
    evil = await alice.post("/workspaces", {"name": "Evil"}, csrf=tokens[csrf])
    assert evil.status_code == 403
    token = await api.sign_in("alice@example.com")
    assert (
        await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    ).json() == []
    assert len((await api.call("GET", "/api/v1/workspaces", token)).json()) == 1


async def test_settings_connections_leads_to_your_workspace(alice: Browser) -> None:
    assert (await alice.get("/settings/connections")).headers["location"] == "/workspaces"
    workspace = await alice.create_workspace()
    landed = await alice.get("/settings/connections")
    assert landed.headers["location"] == settings(workspace, "connections")
