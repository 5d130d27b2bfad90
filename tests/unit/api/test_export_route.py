"""``GET /api/v1/workspaces/{id}/export``: one JSON document of everything held, for owners and
admins (addresses only for owners); adversarially, it holds no credential, no ciphertext, no
wrapped data key and no key hash, in any encoding a serializer could have chosen."""

from __future__ import annotations

import base64
import json
import uuid

import httpx2

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import parse_token
from shopmcp_domain.services.export import EXPORT_SCHEMA, EXPORT_VERSION
from tests.unit.api.harness import Api

STORE_TOKEN = "shpat_0123456789abcdefKNOWNSECRET"
REFRESH = "refresh-KNOWN-SECRET-4242"


def _encodings(value: bytes) -> set[str]:
    """Every way a byte string could have leaked into a JSON document."""
    return {
        value.hex(),
        value.hex().upper(),
        base64.b64encode(value).decode(),
        base64.urlsafe_b64encode(value).decode().rstrip("="),
        value.decode("latin-1"),
    } - {""}


async def _seeded(api: Api) -> tuple[str, str, str]:
    owner = await api.sign_in("owner@example.com")
    workspace = await api.workspace(owner)
    connected = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/connections",
        owner,
        json={
            "platform": "shopify",
            "store": "acme.myshopify.com",
            "credentials": {"access_token": STORE_TOKEN, "refresh_token": REFRESH},
        },
    )
    assert connected.status_code == 201, connected.text
    issued = await api.call(
        "POST", f"/api/v1/workspaces/{workspace}/keys", owner, json={"name": "laptop"}
    )
    assert issued.status_code == 201, issued.text
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": "admin@example.com", "role": "admin"},
    )
    assert added.status_code == 201, added.text
    return workspace, owner, issued.json()["token"]


async def _export(api: Api, workspace: str, token: str) -> httpx2.Response:
    return await api.call("GET", f"/api/v1/workspaces/{workspace}/export", token)


async def test_the_export_holds_everything_and_no_secret(api: Api) -> None:
    workspace, owner, mcp_token = await _seeded(api)
    partition = api.world.store.partition(WorkspaceId(uuid.UUID(workspace)))
    assert partition is not None
    (sealed,) = partition.credentials.values()
    (key,) = partition.keys.values()

    response = await _export(api, workspace, owner)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    text = response.text
    document = json.loads(text)
    assert document["schema"] == EXPORT_SCHEMA and document["version"] == EXPORT_VERSION
    assert document["workspace"]["id"] == workspace
    assert {m["email"] for m in document["members"]} == {"owner@example.com", "admin@example.com"}
    assert [c["store_ref"] for c in document["connections"]] == ["acme.myshopify.com"]
    assert [k["prefix"] for k in document["keys"]] == [key.prefix]
    actions = {e["action"] for e in document["audit_log"]}
    assert {"key.create", "workspace.export"} <= actions
    for section in ("playbooks", "playbook_versions", "erasure_requests", "usage_events"):
        assert document[section] == []

    secret_part = parse_token(mcp_token).secret
    leaks = {STORE_TOKEN, REFRESH, mcp_token, secret_part}
    for value in (sealed.ciphertext, sealed.wrapped_dek, sealed.nonce, key.secret_hash):
        leaks |= _encodings(value)
    found = sorted(leak for leak in leaks if len(leak) >= 8 and leak in text)
    assert not found, f"the export leaks {found}"
    for field in ("secret_hash", "ciphertext", "wrapped_dek", "credential", "nonce", "token"):
        assert f'"{field}"' not in text


async def test_admins_get_no_addresses_and_viewers_no_export(api: Api) -> None:
    workspace, owner, _ = await _seeded(api)
    admin = await api.sign_in("admin@example.com")
    viewer_added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        owner,
        json={"email": "viewer@example.com", "role": "viewer"},
    )
    assert viewer_added.status_code == 201
    viewer = await api.sign_in("viewer@example.com")

    as_admin = await _export(api, workspace, admin)

    assert as_admin.status_code == 200, as_admin.text
    assert "@example.com" not in as_admin.text
    document = as_admin.json()
    assert document["emails_included"] is False
    assert all("email" not in m for m in document["members"])
    assert len(document["members"]) == 3
    assert (await _export(api, workspace, viewer)).status_code == 403
    stranger = await api.sign_in("stranger@example.com")
    assert (await _export(api, workspace, stranger)).status_code in (403, 404)


async def test_a_long_history_streams_as_one_valid_document(api: Api) -> None:
    from tests.unit.api.test_usage_routes import _seed

    workspace, owner, _ = await _seeded(api)
    events = []
    for _ in range(20):  # 600 events: more than one page of 500
        events += await _seed(api, workspace)

    document = (await _export(api, workspace, owner)).json()

    exported = [e["id"] for e in document["usage_events"]]
    assert sorted(exported) == sorted(str(e.id) for e in events)
    assert len(set(exported)) == len(exported)


PROMPT = {"name": "weekly", "template": "Sales since {since}.", "arguments": [{"name": "since"}]}


async def test_the_export_holds_every_playbook_version_deleted_ones_too(api: Api) -> None:
    workspace, owner, _ = await _seeded(api)
    base = f"/api/v1/workspaces/{workspace}/playbooks"
    for description, replace in (("first", "false"), ("second", "true")):
        saved = await api.call(
            "POST", f"{base}/?replace={replace}", owner, json={**PROMPT, "description": description}
        )
        assert saved.status_code == 201, saved.text
    gone = await api.call("POST", f"{base}/", owner, json={**PROMPT, "name": "gone"})
    assert gone.status_code == 201, gone.text
    assert (await api.call("DELETE", f"{base}/gone", owner)).status_code == 204

    document = (await _export(api, workspace, owner)).json()

    assert [p["name"] for p in document["playbooks"]] == ["weekly"]
    versions = [(v["name"], v["version"], v["description"]) for v in document["playbook_versions"]]
    assert versions == [("gone", 1, ""), ("weekly", 1, "first"), ("weekly", 2, "second")]
    weekly = document["playbooks"][0]
    assert {v["id"] for v in document["playbook_versions"][1:]} == {weekly["id"]}
    assert all(v["saved_at"] for v in document["playbook_versions"])
    # Another workspace's export holds none of it.
    other = await api.workspace(owner, name="Other")
    assert (await _export(api, other, owner)).json()["playbook_versions"] == []
