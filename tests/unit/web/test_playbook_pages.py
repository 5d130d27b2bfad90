"""A workspace's playbook pages: the list and each playbook's page (merchant-supplied text only
ever escaped), the library's "Enable" (and its refusal shown on the page), delete, import (all
or nothing; a refused document kept in the form) and the export download that import reads
back; the REST routes' roles (a viewer reads, only an admin changes), CSRF, and another
workspace's playbooks are 404."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from markupsafe import escape

from shopmcp_entrypoints.http.web import playbook_pages
from tests.unit.api.harness import Api
from tests.unit.web.conftest import NewBrowser
from tests.unit.web.harness import Browser, assert_accessible, csrf_of
from tests.unit.web.test_workspace_pages import connect_shopify

HOSTILE_DESCRIPTION = "<script>alert('description')</script> & more"
HOSTILE_TEMPLATE = "Hello {who}.\n{{ 7*7 }} <b>bold</b></pre><script>alert(1)</script>"
PROMPT = {
    "name": "greeting",
    "description": HOSTILE_DESCRIPTION,
    "template": HOSTILE_TEMPLATE,
    "arguments": [{"name": "who", "description": "<i>who</i> to greet", "required": False}],
}
STEPS = {
    "name": "orders",
    "mode": "tool_steps",
    "description": "Orders since a day.",
    "arguments": [{"name": "since"}],
    "steps": [
        {
            "id": "list",
            "tool": "shopify_list_orders",
            "arguments": {"created_from": "{{ args.since }}", "note": "<img src=x onerror=x>"},
        },
        {
            "kind": "filter",
            "id": "big",
            "source": "steps.list.orders",
            "field": "total.amount",
            "op": "gt",
            "value": 100,
        },
    ],
}


def pages(workspace: str, rest: str = "") -> str:
    return f"/workspaces/{workspace}/settings/playbooks" + (f"/{rest}" if rest else "")


async def save(api: Api, email: str, workspace: str, *definitions: dict[str, Any]) -> None:
    token = await api.sign_in(email)
    for definition in definitions:
        saved = await api.call(
            "POST", f"/api/v1/workspaces/{workspace}/playbooks/", token, json=definition
        )
        assert saved.status_code == 201, saved.text


async def names(api: Api, email: str, workspace: str) -> list[str]:
    token = await api.sign_in(email)
    listed = await api.call("GET", f"/api/v1/workspaces/{workspace}/playbooks/", token)
    assert listed.status_code == 200, listed.text
    return [p["definition"]["name"] for p in listed.json()]


async def add_viewer(api: Api, workspace: str, email: str) -> None:
    owner = await api.sign_in("alice@example.com")
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": email, "role": "viewer"},
    )
    assert added.status_code == 201, added.text


async def import_text(
    browser: Browser, workspace: str, document: str, **extra: str
) -> httpx2.Response:
    return await browser.post(pages(workspace, "import"), {"document": document, **extra})


def escaped(text: str) -> str:
    """``text`` as the pages' templates write it (Jinja's autoescape)."""
    return str(escape(text))


def no_markup_from(page: httpx2.Response, *hostile: str) -> None:
    for text in hostile:
        assert text not in page.text
        assert escaped(text) in page.text


# --------------------------------------------------------------------------- reading


async def test_the_list_and_each_playbooks_page_show_merchant_text_escaped(
    api: Api, alice: Browser
) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, PROMPT, STEPS)
    token = await api.sign_in("alice@example.com")
    edited = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/playbooks/?replace=true",
        token,
        json={**STEPS, "description": "Orders since a day, v2."},
    )
    assert edited.status_code == 201, edited.text

    listing = await alice.get(pages(workspace))
    assert listing.status_code == 200
    assert_accessible(listing)
    assert 'aria-current="page">Playbooks</a>' in listing.text
    assert f'href="{pages(workspace, "greeting")}"' in listing.text
    assert f'href="{pages(workspace, "orders")}"' in listing.text
    assert "<td>instructions</td><td>1</td>" in listing.text
    assert "<td>tool steps</td><td>2</td>" in listing.text
    assert "Orders since a day, v2." in listing.text
    no_markup_from(listing, HOSTILE_DESCRIPTION)
    assert "<script>" not in listing.text

    prompt = await alice.get(pages(workspace, "greeting"))
    assert prompt.status_code == 200
    assert_accessible(prompt)
    assert "<h1>Playbook greeting</h1>" in prompt.text
    no_markup_from(prompt, HOSTILE_DESCRIPTION, HOSTILE_TEMPLATE, "<i>who</i> to greet")
    # Text, never evaluated: what follows the expression is never its value (a bare "49" could
    # be part of a random id or token on the page).
    assert "{{ 7*7 }}" in prompt.text
    assert "49 &lt;b&gt;" not in prompt.text and "49 <b>" not in prompt.text
    assert "<script>" not in prompt.text and "<b>" not in prompt.text
    assert "<code>who</code></th><td>no</td>" in prompt.text

    steps = await alice.get(pages(workspace, "orders"))
    assert steps.status_code == 200
    assert_accessible(steps)
    assert "<dt>Version</dt><dd>2</dd>" in steps.text
    first = steps.text.index("calls <code>shopify_list_orders</code>")
    second = steps.text.index('big <span class="badge">filter</span>')
    assert first < second
    assert "&#34;created_from&#34;: &#34;{{ args.since }}&#34;" in steps.text
    assert "&#34;field&#34;: &#34;total.amount&#34;" in steps.text
    no_markup_from(steps, "<img src=x onerror=x>")
    assert (await alice.get(pages(workspace, "nothing-here"))).status_code == 404


async def test_the_library_lists_every_entry_with_an_enable_button(alice: Browser) -> None:
    workspace = await alice.create_workspace()
    listing = await alice.get(pages(workspace))
    assert "No playbook yet" in listing.text
    for key in ("low-stock", "slow-movers", "reconcile-shopify-xero"):
        assert f'action="{pages(workspace, f"library/{key}/enable")}"' in listing.text
        assert f'aria-label="Enable {key}"' in listing.text


# --------------------------------------------------------------------------- changing


async def test_enable_a_library_entry_and_see_a_refusal_on_the_page(
    api: Api, alice: Browser
) -> None:
    workspace = await alice.create_workspace()
    await connect_shopify(alice, workspace)  # the platform slow-movers' tools reach
    enabled = await alice.post(pages(workspace, "library/slow-movers/enable"))
    assert enabled.status_code == 303, enabled.text
    assert enabled.headers["location"] == pages(workspace) + "?done=enabled"
    listing = await alice.get(enabled.headers["location"])
    assert "Enabled: a copy of the library playbook" in listing.text
    assert f'href="{pages(workspace, "slow-movers")}"' in listing.text
    assert "<td>slow-movers</td>" in listing.text  # its library origin
    assert 'aria-label="Enable slow-movers"' not in listing.text  # enabled, so no button
    shown = await alice.get(pages(workspace, "slow-movers"))
    assert "calls <code>shopify_list_products</code>" in shown.text

    # A stale page's second press: refused with the reason on the page, nothing changed.
    again = await alice.post(pages(workspace, "library/slow-movers/enable"))
    assert again.status_code == 409
    assert 'role="alert" id="enable-error"' in again.text
    assert "slow-movers was not enabled: playbook &#39;slow-movers&#39; exists" in again.text
    assert_accessible(again)
    assert await names(api, "alice@example.com", workspace) == ["slow-movers"]

    unknown = await alice.post(pages(workspace, "library/no-such-entry/enable"))
    assert unknown.status_code == 404


async def test_delete_from_the_playbooks_page(api: Api, alice: Browser) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, PROMPT, STEPS)
    shown = await alice.get(pages(workspace, "greeting"))
    assert f'action="{pages(workspace, "greeting/delete")}"' in shown.text
    assert "<summary>Delete this playbook</summary>" in shown.text  # a step before the button
    deleted = await alice.post(pages(workspace, "greeting/delete"))
    assert deleted.status_code == 303
    assert deleted.headers["location"] == pages(workspace) + "?done=deleted"
    assert "Playbook deleted." in (await alice.get(deleted.headers["location"])).text
    assert (await alice.get(pages(workspace, "greeting"))).status_code == 404
    assert await names(api, "alice@example.com", workspace) == ["orders"]
    assert (await alice.post(pages(workspace, "greeting/delete"))).status_code == 404


async def test_export_downloads_what_import_reads_back_into_another_workspace(
    api: Api, alice: Browser
) -> None:
    source = await alice.create_workspace("Acme & Co. <Shop>")
    target = await alice.create_workspace("Target")
    uploaded = await alice.create_workspace("Uploaded")
    await save(api, "alice@example.com", source, PROMPT, STEPS)
    await connect_shopify(alice, source)
    assert (await alice.post(pages(source, "library/low-stock/enable"))).status_code == 303

    download = await alice.get(pages(source, "export.json"))
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json; charset=utf-8"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="shopmcp-playbooks-acme-co-shop-')
    assert disposition.endswith('.json"')
    assert download.headers["cache-control"] == "no-store"
    document = download.json()
    assert document["format"] == "shopmcp.playbooks"
    assert [p["name"] for p in document["playbooks"]] == ["greeting", "low-stock", "orders"]

    imported = await import_text(alice, target, download.text)
    assert imported.status_code == 303, imported.text
    assert imported.headers["location"] == pages(target) + "?done=imported"
    assert "Imported: every playbook" in (await alice.get(imported.headers["location"])).text

    # The same document as a file upload (multipart, the CSRF token a field beside it).
    csrf = csrf_of(await alice.get(pages(uploaded)))
    by_file = await alice.http.post(
        pages(uploaded, "import"),
        data={"csrf_token": csrf, "document": ""},
        files={"file": ("playbooks.json", download.content, "application/json")},
    )
    assert by_file.status_code == 303, by_file.text

    for workspace in (target, uploaded):
        again = (await alice.get(pages(workspace, "export.json"))).json()
        assert again == document
        shown = await alice.get(pages(workspace, "greeting"))
        no_markup_from(shown, HOSTILE_TEMPLATE)
    assert "<td>low-stock</td>" in (await alice.get(pages(target))).text


async def test_a_refused_import_saves_nothing_lists_problems_and_keeps_the_text(
    api: Api, alice: Browser
) -> None:
    workspace = await alice.create_workspace()
    bad = {**STEPS, "name": "bad", "steps": [{"id": "x", "tool": "shopify_wipe"}]}
    document = {"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [PROMPT, bad]}
    submitted = json.dumps(document, indent=2) + "\n<!-- </textarea><script>x</script> -->"
    # Not JSON at all (the trailing comment): named with where it fails, the text kept.
    not_json = await import_text(alice, workspace, submitted)
    assert not_json.status_code == 400
    assert "The document is not valid JSON (Extra data at line" in not_json.text
    assert escaped(submitted) in not_json.text
    assert "</textarea><script>" not in not_json.text
    assert_accessible(not_json)

    text = json.dumps(document, indent=2)
    refused = await import_text(alice, workspace, text, replace="on")
    assert refused.status_code == 422
    assert "Nothing was imported: the document has these problems." in refused.text
    assert "<li>bad: step x: unknown tool &#39;shopify_wipe&#39;</li>" in refused.text
    assert 'name="document" rows="12"' in refused.text
    assert escaped(text) in refused.text
    assert 'id="import-replace" name="replace" checked' in refused.text
    assert_accessible(refused)
    assert await names(api, "alice@example.com", workspace) == []

    shapeless = await import_text(alice, workspace, json.dumps({"playbooks": [{"x": 1}]}))
    assert shapeless.status_code == 422
    assert "playbooks.0.name: Field required" in shapeless.text
    empty = await import_text(alice, workspace, "   ")
    assert empty.status_code == 400 and "Paste an export document" in empty.text
    nested = await import_text(alice, workspace, "[" * 100_000)
    assert nested.status_code == 400
    csrf = csrf_of(await alice.get(pages(workspace)))
    binary = await alice.http.post(
        pages(workspace, "import"),
        data={"csrf_token": csrf},
        files={"file": ("x.json", b"\xff\xfe\x00bad", "application/json")},
    )
    assert binary.status_code == 400 and "The file is not UTF-8 text" in binary.text
    assert await names(api, "alice@example.com", workspace) == []


async def test_an_import_clashing_with_a_name_saves_nothing_unless_replacing(
    api: Api, alice: Browser
) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, STEPS)
    document = {"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [PROMPT, STEPS]}
    clash = await import_text(alice, workspace, json.dumps(document))
    assert clash.status_code == 409
    assert "Nothing was imported: playbook &#39;orders&#39; exists" in clash.text
    assert await names(api, "alice@example.com", workspace) == ["orders"]
    replaced = await import_text(alice, workspace, json.dumps(document), replace="on")
    assert replaced.status_code == 303
    assert await names(api, "alice@example.com", workspace) == ["greeting", "orders"]
    assert "<dt>Version</dt><dd>2</dd>" in (await alice.get(pages(workspace, "orders"))).text


async def test_the_history_is_shown_and_an_old_version_restored(
    api: Api, alice: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, STEPS)
    token = await api.sign_in("alice@example.com")
    for description in ("Second.", "<script>third</script>"):
        edited = await api.call(
            "POST",
            f"/api/v1/workspaces/{workspace}/playbooks/?replace=true",
            token,
            json={**STEPS, "description": description},
        )
        assert edited.status_code == 201, edited.text

    shown = await alice.get(pages(workspace, "orders"))
    assert_accessible(shown)
    history = shown.text[shown.text.index('id="history-heading"') :]
    rows = [
        history.index('<th scope="row">3 <span class="badge">current</span>'),
        history.index('<th scope="row">2</th>'),
        history.index('<th scope="row">1</th>'),
    ]
    assert rows == sorted(rows)  # newest first
    no_markup_from(shown, "<script>third</script>")
    assert 'aria-label="Restore version 3"' not in shown.text  # the current one
    for version in (1, 2):
        action = pages(workspace, f"orders/versions/{version}/restore")
        assert f'action="{action}"' in shown.text
        assert f'aria-label="Restore version {version}"' in shown.text

    restored = await alice.post(pages(workspace, "orders/versions/1/restore"))
    assert restored.status_code == 303, restored.text
    assert restored.headers["location"] == pages(workspace, "orders") + "?done=restored"
    after = await alice.get(restored.headers["location"])
    assert "Restored: that version" in after.text
    assert "<dt>Version</dt><dd>4</dd>" in after.text
    assert "<dt>Description</dt><dd>Orders since a day.</dd>" in after.text
    assert '<th scope="row">4 <span class="badge">current</span>' in after.text
    assert 'aria-label="Restore version 3"' in after.text

    # Checked again on restore: a tool no longer there refuses it, on the page, nothing saved.
    monkeypatch.setattr(playbook_pages, "_tools", lambda: lambda name: f"unknown tool {name!r}")
    refused = await alice.post(pages(workspace, "orders/versions/2/restore"))
    assert refused.status_code == 422
    assert 'role="alert" id="restore-error"' in refused.text
    assert "Version 2 was not restored" in refused.text
    assert "<li>step list: unknown tool &#39;shopify_list_orders&#39;</li>" in refused.text
    assert_accessible(refused)
    assert (await alice.post(pages(workspace, "orders/versions/99/restore"))).status_code == 404
    assert (await alice.post(pages(workspace, "nothing/versions/1/restore"))).status_code == 404
    current = await api.call("GET", f"/api/v1/workspaces/{workspace}/playbooks/orders", token)
    assert current.json()["version"] == 4


# --------------------------------------------------------------------------- who may


async def test_a_viewer_reads_and_downloads_but_cannot_change(
    api: Api, alice: Browser, new_browser: NewBrowser
) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, PROMPT)
    await add_viewer(api, workspace, "viewer@example.com")
    viewer = await new_browser()
    await viewer.sign_in("viewer@example.com")
    for path in (pages(workspace), pages(workspace, "greeting")):
        page = await viewer.get(path)
        assert page.status_code == 200
        assert 'method="post" action="/workspaces/' not in page.text, path
        assert "Enable" not in page.text and "Import" not in page.text
    assert (await viewer.get(pages(workspace, "export.json"))).status_code == 200
    csrf = csrf_of(await viewer.get(pages(workspace)))
    document = json.dumps({"format": "shopmcp.playbooks", "format_version": 1, "playbooks": []})
    for path, form in (
        (pages(workspace, "library/low-stock/enable"), {}),
        (pages(workspace, "greeting/delete"), {}),
        (pages(workspace, "greeting/versions/1/restore"), {}),
        (pages(workspace, "import"), {"document": document}),
    ):
        answer = await viewer.post(path, form, csrf=csrf)
        assert answer.status_code == 403, path
    assert await names(api, "alice@example.com", workspace) == ["greeting"]


async def test_another_workspaces_playbooks_are_404(
    api: Api, alice: Browser, new_browser: NewBrowser
) -> None:
    bob = await new_browser()
    await bob.sign_in("bob@example.com")
    theirs = await bob.create_workspace("Bob's")
    await save(api, "bob@example.com", theirs, PROMPT)
    await alice.create_workspace("Alice's")
    csrf = csrf_of(await alice.get("/workspaces"))
    for path in ("", "greeting", "export.json", "nothing"):
        answer = await alice.get(pages(theirs, path))
        assert answer.status_code == 404, path
        assert "greeting" not in answer.text and "Bob" not in answer.text
    for path in (
        "library/low-stock/enable",
        "greeting/delete",
        "greeting/versions/1/restore",
        "import",
    ):
        answer = await alice.post(pages(theirs, path), {"document": "{}"}, csrf=csrf)
        assert answer.status_code == 404, path
    assert await names(api, "bob@example.com", theirs) == ["greeting"]


async def test_a_post_without_the_sessions_csrf_token_changes_nothing(
    api: Api, alice: Browser, new_browser: NewBrowser
) -> None:
    workspace = await alice.create_workspace()
    await save(api, "alice@example.com", workspace, PROMPT)
    mallory = await new_browser()
    await mallory.sign_in("mallory@example.com")
    forged = csrf_of(await mallory.get("/workspaces"))
    document = json.dumps({"format": "shopmcp.playbooks", "format_version": 1, "playbooks": []})
    for csrf in ("", forged):
        for path, form in (
            (pages(workspace, "library/low-stock/enable"), {}),
            (pages(workspace, "greeting/delete"), {}),
            (pages(workspace, "greeting/versions/1/restore"), {}),
            (pages(workspace, "import"), {"document": document}),
        ):
            answer = await alice.post(path, form, csrf=csrf)
            assert answer.status_code == 403, path
    assert await names(api, "alice@example.com", workspace) == ["greeting"]
