"""``/api/v1/workspaces/{id}/playbooks``: save (a new version with replace), list, show, delete,
export -> import round trip, the library, the schema; refusals are problem details; viewers
read and cannot change."""

from __future__ import annotations

from tests.unit.api.harness import Api

STEPS = {
    "name": "orders",
    "mode": "tool_steps",
    "arguments": [{"name": "since"}],
    "steps": [
        {
            "id": "list",
            "tool": "shopify_list_orders",
            "arguments": {"created_from": "{{ args.since }}"},
        }
    ],
}


async def test_save_list_version_export_import_and_delete(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    other = await api.workspace(owner, name="Other")
    base = f"/api/v1/workspaces/{workspace}/playbooks"

    created = await api.call("POST", f"{base}/", owner, json=STEPS)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    again = await api.call("POST", f"{base}/", owner, json=STEPS)
    assert again.status_code == 409
    edited = await api.call(
        "POST", f"{base}/?replace=true", owner, json={**STEPS, "description": "v2"}
    )
    assert edited.status_code == 201 and edited.json()["version"] == 2
    shown = await api.call("GET", f"{base}/orders", owner)
    assert shown.json()["definition"]["description"] == "v2"
    enabled = await api.call("POST", f"{base}/library/reconcile-shopify-xero", owner)
    assert enabled.status_code == 201, enabled.text
    listed = await api.call("GET", f"{base}/", owner)
    assert [p["definition"]["name"] for p in listed.json()] == ["orders", "reconcile-shopify-xero"]

    exported = (await api.call("GET", f"{base}/export", owner)).json()
    imported = await api.call(
        "POST", f"/api/v1/workspaces/{other}/playbooks/import", owner, json=exported
    )
    assert imported.status_code == 201, imported.text
    round_trip = (
        await api.call("GET", f"/api/v1/workspaces/{other}/playbooks/export", owner)
    ).json()
    for document in (exported, round_trip):
        for playbook in document["playbooks"]:
            playbook.pop("version")
    assert round_trip == exported

    deleted = await api.call("DELETE", f"{base}/orders", owner)
    assert deleted.status_code == 204
    assert (await api.call("GET", f"{base}/orders", owner)).status_code == 404


async def test_invalid_playbooks_are_422_problem_details(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    bad = {
        **STEPS,
        "steps": [{"id": "x", "tool": "shopify_wipe", "arguments": {"a": "{{ steps.y.z }}"}}],
    }
    refused = await api.call("POST", f"/api/v1/workspaces/{workspace}/playbooks/", owner, json=bad)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "invalid_playbook"
    assert "unknown tool 'shopify_wipe'" in body["detail"]
    assert "refers to no step" in body["detail"]
    schema = await api.call("GET", f"/api/v1/workspaces/{workspace}/playbooks/schema", owner)
    assert schema.json()["properties"]["format"]["const"] == "shopmcp.playbooks"


async def test_a_viewer_reads_but_cannot_change(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": "viewer@example.com", "role": "viewer"},
    )
    assert added.status_code == 201, added.text
    viewer = await api.sign_in("viewer@example.com")
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    assert (await api.call("GET", f"{base}/", viewer)).status_code == 200
    assert (await api.call("POST", f"{base}/", viewer, json=STEPS)).status_code == 403
    assert (await api.call("POST", f"{base}/library/low-stock", viewer)).status_code == 403


async def test_history_a_version_and_restore(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    for description, replace in (("first", "false"), ("second", "true")):
        saved = await api.call(
            "POST", f"{base}/?replace={replace}", owner, json={**STEPS, "description": description}
        )
        assert saved.status_code == 201, saved.text

    history = await api.call("GET", f"{base}/orders/versions", owner)
    assert history.status_code == 200, history.text
    body = history.json()
    assert [(v["version"], v["definition"]["description"]) for v in body] == [
        (2, "second"),
        (1, "first"),
    ]
    assert body[0]["id"] == body[1]["id"] and body[0]["saved_at"]
    one = await api.call("GET", f"{base}/orders/versions/1", owner)
    assert one.status_code == 200 and one.json()["definition"]["description"] == "first"

    restored = await api.call("POST", f"{base}/orders/versions/1/restore", owner)
    assert restored.status_code == 201, restored.text
    assert restored.json()["version"] == 3
    assert restored.json()["definition"]["description"] == "first"
    current = (await api.call("GET", f"{base}/orders", owner)).json()
    assert (current["version"], current["definition"]["description"]) == (3, "first")
    after = (await api.call("GET", f"{base}/orders/versions", owner)).json()
    assert [v["version"] for v in after] == [3, 2, 1]
    assert after[1]["definition"]["description"] == "second"  # nothing rewritten


async def test_history_refusals_are_clear_404s(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    assert (await api.call("POST", f"{base}/", owner, json=STEPS)).status_code == 201
    for method, path, what in (
        ("GET", f"{base}/nope/versions", "playbook not found"),
        ("GET", f"{base}/nope/versions/1", "playbook not found"),
        ("POST", f"{base}/nope/versions/1/restore", "playbook not found"),
        ("GET", f"{base}/orders/versions/2", "'orders' version 2 not found"),
        ("GET", f"{base}/orders/versions/0", "'orders' version 0 not found"),
        ("GET", f"{base}/orders/versions/-1", "'orders' version -1 not found"),
        ("GET", f"{base}/orders/versions/99999999999", "version 99999999999 not found"),
        ("POST", f"{base}/orders/versions/7/restore", "'orders' version 7 not found"),
    ):
        response = await api.call(method, path, owner)
        assert response.status_code == 404, (path, response.text)
        assert what in response.json()["detail"], (path, response.text)
    assert len((await api.call("GET", f"{base}/orders/versions", owner)).json()) == 1


async def test_a_viewer_reads_history_but_cannot_restore(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    assert (await api.call("POST", f"{base}/", owner, json=STEPS)).status_code == 201
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": "viewer@example.com", "role": "viewer"},
    )
    assert added.status_code == 201, added.text
    viewer = await api.sign_in("viewer@example.com")
    assert (await api.call("GET", f"{base}/orders/versions", viewer)).status_code == 200
    assert (await api.call("GET", f"{base}/orders/versions/1", viewer)).status_code == 200
    refused = await api.call("POST", f"{base}/orders/versions/1/restore", viewer)
    assert refused.status_code == 403
    assert [
        v["version"] for v in (await api.call("GET", f"{base}/orders/versions", owner)).json()
    ] == [1]


async def test_another_workspaces_history_is_never_found(api: Api) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    mine = f"/api/v1/workspaces/{workspace}/playbooks"
    secret = {**STEPS, "description": "secret-description"}
    assert (await api.call("POST", f"{mine}/", owner, json=secret)).status_code == 201
    stranger = await api.sign_in("stranger@example.com")
    theirs = f"/api/v1/workspaces/{await api.workspace(stranger)}/playbooks"
    for method, path in (
        # The other workspace's own routes: the name is not theirs.
        ("GET", f"{theirs}/orders/versions"),
        ("GET", f"{theirs}/orders/versions/1"),
        ("POST", f"{theirs}/orders/versions/1/restore"),
        # This workspace's routes, as a non-member: the same 404 as every workspace route.
        ("GET", f"{mine}/orders/versions"),
        ("GET", f"{mine}/orders/versions/1"),
        ("POST", f"{mine}/orders/versions/1/restore"),
    ):
        response = await api.call(method, path, stranger)
        assert response.status_code == 404, (path, response.text)
        assert "secret-description" not in response.text
    assert [
        v["version"] for v in (await api.call("GET", f"{mine}/orders/versions", owner)).json()
    ] == [1]


async def test_the_library_lists_each_entry_and_refuses_a_per_store_one_without_stores(
    api: Api,
) -> None:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    listed = await api.call("GET", f"{base}/library", owner)
    assert listed.status_code == 200, listed.text
    entries = {e["key"]: e for e in listed.json()}
    low = entries["low-stock"]
    assert low["per_store"] is True
    assert low["platforms"] == ["shopify", "bigcommerce", "magento", "neto"]
    assert low["definition"]["builtin"] == "low-stock"
    assert {s["id"] for s in low["definition"]["steps"]} >= {"shopify_low", "neto_low"}
    neto = entries["reconcile-neto-xero"]
    assert (neto["per_store"], neto["platforms"]) == (False, ["neto"])

    refused = await api.call("POST", f"{base}/library/low-stock", owner)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "invalid_playbook"
    assert "low-stock needs a connected store of shopify" in refused.json()["detail"]
    assert (await api.call("GET", f"{base}/", owner)).json() == []
