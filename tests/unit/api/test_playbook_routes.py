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
