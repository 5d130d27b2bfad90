"""A workspace's settings pages: connections (connect, replace a credential, disconnect, with
the platform's guidance on minting the narrowest token, and the latest calls), MCP keys
(create: the token and URL shown once; revoke), writes per platform, and the usage review.

Every page is a member's (``viewer`` sees, ``admin`` and ``owner`` change); someone who is not
a member gets the same 404 page as for a workspace that does not exist. Each form posts, then
redirects (POST-redirect-GET), except a refused one, which is shown again with its values and
its errors next to the fields they concern, and the new key's page (its token cannot be kept
anywhere to show after a redirect). Each action calls the same function the REST API does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from shopmcp_adapters.upstreams.platforms import PACKAGES, package_for
from shopmcp_domain.accounts import Role
from shopmcp_domain.errors import (
    ShopMcpError,
    UsageStatus,
)
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.services import playbooks as playbook_use_cases
from shopmcp_domain.services.dashboard import Access
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api import connections as connection_actions
from shopmcp_entrypoints.http.api import keys as key_actions
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.cursors import decode_cursor
from shopmcp_entrypoints.http.api.schemas import (
    ConnectRequest,
    CredentialReplace,
    KeyCreate,
    ShopifyInstallRequest,
    WorkspaceOut,
)
from shopmcp_entrypoints.http.api.usage import usage_page, usage_query, usage_summary
from shopmcp_entrypoints.http.web.account_pages import account_chrome
from shopmcp_entrypoints.http.web.rendering import field_errors, page, see_other, text, texts

BASE = "/workspaces/{workspace_id:uuid}/settings"
RECENT_CALLS = 10
USAGE_PAGE = 50
# Refusals a merchant can act on (a store that refused the token, a label taken, a platform
# locked): shown on the form. Anything else is the error page.
_SHOWN_ON_FORM = (400, 401, 403, 409, 422, 429)

_NOTICES = {
    "created": "Workspace created. Connect a store to give it tools.",
    "connected": "Connected: the store accepted the credential, and it is stored encrypted.",
    "replaced": "Credential replaced: the store accepted it; the old one is gone.",
    "disconnected": "Disconnected: the connection and its credential are deleted.",
    "revoked": "Key revoked: its next request is refused.",
    "writes_on": "Write tools enabled (keys issued with write access see them).",
    "writes_off": "Write tools disabled.",
}


def _chrome(
    signed_in: SignedIn, dashboard: DashboardPorts, access: Access, current: str, done: str | None
) -> dict[str, Any]:
    return {
        **account_chrome(signed_in, dashboard),
        "workspace": WorkspaceOut.of(access.workspace, access.role),
        "role": access.role.value,
        "can_change": access.role.allows(Role.ADMIN),
        "current": current,
        "notice": _NOTICES.get(done or "", ""),
    }


def _shown(error: ShopMcpError) -> bool:
    return error.http_status in _SHOWN_ON_FORM


def _where(access: Access, page_name: str, done: str | None = None) -> str:
    path = f"/workspaces/{access.workspace_id}/settings/{page_name}"
    return path + (f"?done={done}" if done else "")


# --------------------------------------------------------------------------- connections


def _platforms(dashboard: DashboardPorts) -> list[Any]:
    return [connection_actions.platform_out(p, dashboard) for p in PACKAGES]


async def _connections_page(
    signed_in: SignedIn,
    dashboard: DashboardPorts,
    access: Access,
    status: int = 200,
    done: str | None = None,
    failed: dict[str, Any] | None = None,
) -> Template:
    connections = await connection_actions.list_connections(dashboard, access)
    recent = await usage_page(
        dashboard, access, usage_query(None, None, None, None, None, None, None, RECENT_CALLS)
    )
    return page(
        "connections.html",
        status,
        connections=connections,
        labels={c.id: c.label for c in connections},
        platforms=_platforms(dashboard),
        recent=recent.events,
        failed=failed or {},
        **_chrome(signed_in, dashboard, access, "connections", done),
    )


def _credentials(form: FormMultiDict, platform: str) -> dict[str, str]:
    """The credential fields the platform takes, as typed (empty optional ones left out)."""
    fields = package_for(platform).credential_fields
    return {f.name: text(form, f"credentials.{f.name}") for f in fields}


def _typed(values: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}


def _kept(platform: str, values: dict[str, str]) -> dict[str, str]:
    """What a refused form shows again: everything but secrets (a page never holds one)."""
    secret = {f.name for f in package_for(platform).credential_fields if f.secret}
    return {k: v for k, v in values.items() if k not in secret}


@get(f"{BASE}/connections", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def connections(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    return await _connections_page(signed_in, dashboard, access, done=done)


@post(f"{BASE}/connections", dependencies=MEMBER, opt=needs(Role.ADMIN), include_in_schema=False)
async def connect(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    form = await request.form()
    platform = text(form, "platform")
    package = package_for(platform)  # an unknown platform is refused (the error page)
    typed = _credentials(form, platform)
    values = {"store": text(form, "store").strip(), "display_name": text(form, "display_name")}

    def refused(status: int, message: str, fields: dict[str, str]) -> Awaitable[Template]:
        failed = {
            "action": "connect",
            "platform": package.platform.value,
            "message": message,
            "fields": fields,
            "values": values | {f"credentials.{k}": v for k, v in _kept(platform, typed).items()},
        }
        return _connections_page(signed_in, dashboard, access, status, failed=failed)

    missing = {
        f"credentials.{f.name}": "Required."
        for f in package.credential_fields
        if f.required and package.oauth is None and not typed.get(f.name)
    }
    try:
        data = ConnectRequest(
            platform=package.platform,
            store=values["store"],
            credentials=_typed(typed),
            display_name=values["display_name"].strip(),
        )
        if missing:
            # Named next to their inputs, before the store is asked anything.
            return await refused(400, "Some fields need attention.", missing)
        await connection_actions.connect(dashboard, access, data)
    except ValidationError as error:
        return await refused(400, "Some fields need attention.", field_errors(error) | missing)
    except ShopMcpError as error:
        if not _shown(error):
            raise
        return await refused(error.http_status, error.message, {})
    return see_other(_where(access, "connections", "connected"))


@post(
    f"{BASE}/connections/shopify/install",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def shopify_install(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    """Off to Shopify's consent screen for the shop; Shopify sends the browser back to
    ``/oauth/shopify/callback``, which connects the store."""
    shop = text(await request.form(), "shop").strip()
    try:
        started = await connection_actions.begin_shopify_install(
            dashboard, access, ShopifyInstallRequest(shop=shop)
        )
    except (ValidationError, ShopMcpError) as error:
        if isinstance(error, ShopMcpError) and not _shown(error):
            raise
        failed = {
            "action": "install",
            "platform": "shopify",
            "message": error.message
            if isinstance(error, ShopMcpError)
            else "Some fields need attention.",
            "fields": field_errors(error) if isinstance(error, ValidationError) else {},
            "values": {"shop": shop},
        }
        status = error.http_status if isinstance(error, ShopMcpError) else 400
        return await _connections_page(signed_in, dashboard, access, status, failed=failed)
    return see_other(started.authorization_url)


@post(
    f"{BASE}/connections/{{connection_id:uuid}}/credential",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def replace_credential(
    request: Request[Any, Any, Any],
    connection_id: FromPath[uuid.UUID],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    form = await request.form()
    existing = next(
        (
            c
            for c in await connection_actions.list_connections(dashboard, access)
            if c.id == connection_id
        ),
        None,
    )
    typed = _credentials(form, existing.platform.value) if existing else {}
    try:
        data = CredentialReplace(credentials=_typed(typed))
        await connection_actions.replace_credential(
            dashboard, access, ConnectionId(connection_id), data
        )
    except (ValidationError, ShopMcpError) as error:
        if isinstance(error, ShopMcpError) and (existing is None or not _shown(error)):
            raise
        assert existing is not None
        message = "Some fields need attention." if isinstance(error, ValidationError) else ""
        failed = {
            "action": "replace",
            "connection": str(connection_id),
            "message": error.message if isinstance(error, ShopMcpError) else message,
            "fields": field_errors(error) if isinstance(error, ValidationError) else {},
            "values": {
                f"credentials.{k}": v for k, v in _kept(existing.platform.value, typed).items()
            },
        }
        status = error.http_status if isinstance(error, ShopMcpError) else 400
        return await _connections_page(signed_in, dashboard, access, status, failed=failed)
    return see_other(_where(access, "connections", "replaced"))


@post(
    f"{BASE}/connections/{{connection_id:uuid}}/disconnect",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def disconnect(
    connection_id: FromPath[uuid.UUID],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    await connection_actions.disconnect(dashboard, access, ConnectionId(connection_id))
    return see_other(_where(access, "connections", "disconnected"))


# --------------------------------------------------------------------------- keys


async def _keys_page(
    signed_in: SignedIn,
    dashboard: DashboardPorts,
    access: Access,
    status: int = 200,
    done: str | None = None,
    failed: dict[str, Any] | None = None,
) -> Template:
    return page(
        "keys.html",
        status,
        keys=await key_actions.list_keys(dashboard, access),
        connections=await connection_actions.list_connections(dashboard, access),
        platforms=_platforms(dashboard),
        failed=failed or {},
        **_chrome(signed_in, dashboard, access, "keys", done),
    )


@get(f"{BASE}/keys", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def keys(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    return await _keys_page(signed_in, dashboard, access, done=done)


@post(f"{BASE}/keys", dependencies=MEMBER, opt=needs(Role.ADMIN), include_in_schema=False)
async def create_key(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Template:
    form = await request.form()
    values = {
        "name": text(form, "name"),
        "write": text(form, "write") == "on",
        "platforms": texts(form, "platforms"),
        "connections": texts(form, "connections"),
    }
    try:
        data = KeyCreate.model_validate(
            {
                "name": str(values["name"]).strip(),
                "write": values["write"],
                "platforms": values["platforms"] or None,
                "connections": values["connections"] or None,
            }
        )
        issued = await key_actions.create_key(dashboard, access, data)
    except (ValidationError, ShopMcpError) as error:
        if isinstance(error, ShopMcpError) and not _shown(error):
            raise
        failed = {
            "message": error.message
            if isinstance(error, ShopMcpError)
            else "Some fields need attention.",
            "fields": field_errors(error) if isinstance(error, ValidationError) else {},
            "values": values,
        }
        status = error.http_status if isinstance(error, ShopMcpError) else 400
        return await _keys_page(signed_in, dashboard, access, status, failed=failed)
    # Answered here, not after a redirect: the token exists only in this answer (no-store).
    return page(
        "key_created.html",
        201,
        issued=issued,
        **_chrome(signed_in, dashboard, access, "keys", None),
    )


@post(
    f"{BASE}/keys/{{prefix:str}}/revoke",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def revoke_key(
    prefix: FromPath[str],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    await key_actions.revoke_key(dashboard, access, prefix)
    return see_other(_where(access, "keys", "revoked"))


# --------------------------------------------------------------------------- writes


@get(f"{BASE}/writes", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def writes(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    return page(
        "writes.html",
        writes=await key_actions.list_writes(dashboard, access),
        names={p.platform: p.display_name for p in PACKAGES},
        **_chrome(signed_in, dashboard, access, "writes", done),
    )


@post(
    f"{BASE}/writes/{{platform:str}}",
    dependencies=MEMBER,
    opt=needs(Role.ADMIN),
    include_in_schema=False,
)
async def set_writes(
    request: Request[Any, Any, Any],
    platform: FromPath[str],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    enabled = text(await request.form(), "enabled") == "true"
    await key_actions.set_writes(dashboard, access, platform, enabled)
    return see_other(_where(access, "writes", "writes_on" if enabled else "writes_off"))


# --------------------------------------------------------------------------- usage review


def _parse(
    raw: str, parse: Callable[[str], Any], field: str, message: str, errors: dict[str, str]
) -> Any:
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError:
        errors[field] = message
        return None


def _moment(raw: str) -> dt.datetime:
    """A ``datetime-local`` value (or any ISO 8601 time), read as UTC unless it says."""
    value = dt.datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def _playbook_names(dashboard: DashboardPorts, access: Access) -> dict[str, str]:
    """The workspace's playbooks by id, for the usage review's playbook column and filter (a
    deleted playbook's steps show its id)."""
    playbooks = await playbook_use_cases.list_playbooks(dashboard.tenants, access.workspace_id)
    return {str(p.id): p.name for p in playbooks}


@get(f"{BASE}/usage", dependencies=MEMBER, opt=needs(Role.VIEWER), include_in_schema=False)
async def usage(
    signed_in: NamedDependency[SignedIn],
    access: NamedDependency[Access],
    dashboard: NamedDependency[DashboardPorts],
    tool: FromQuery[str] = "",
    status: FromQuery[str] = "",
    connection: FromQuery[str] = "",
    key: FromQuery[str] = "",
    playbook: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    cursor: FromQuery[str] = "",
) -> Template:
    """The calls made under the workspace's keys, newest first, with filters, pages, per-tool
    counts and latency percentiles, and the API's CSV and JSON downloads of the same filter."""
    filters = {
        "tool": tool[:100],
        "status": status[:40],
        "connection": connection[:40],
        "key": key[:64],
        "playbook": playbook[:40],
        "since": since[:40],
        "until": until[:40],
    }
    errors: dict[str, str] = {}
    parsed_status = _parse(
        filters["status"], UsageStatus, "status", "Choose a status from the list.", errors
    )
    parsed_connection = _parse(
        filters["connection"], uuid.UUID, "connection", "Choose a connection.", errors
    )
    parsed_playbook = _parse(
        filters["playbook"], uuid.UUID, "playbook", "Choose a playbook.", errors
    )
    start = _parse(filters["since"], _moment, "since", "Give a date and time.", errors)
    end = _parse(filters["until"], _moment, "until", "Give a date and time.", errors)
    if start and end and start >= end:
        errors["until"] = "The end must be after the start."
    try:
        decode_cursor(cursor[:200])
    except ShopMcpError:
        errors["cursor"] = "That page link is not valid; start from the first page."
        cursor = ""
    events, summary, next_cursor = [], None, None
    if not errors:
        query = usage_query(
            filters["tool"] or None,
            parsed_status,
            parsed_connection,
            filters["key"] or None,
            start,
            end,
            cursor or None,
            USAGE_PAGE,
            parsed_playbook,
        )
        found = await usage_page(dashboard, access, query)
        events, next_cursor = found.events, found.next_cursor
        summary = await usage_summary(dashboard, access, start, end)
    api_filters = {
        name: value
        for name, value in (
            ("tool", filters["tool"]),
            ("status", filters["status"]),
            ("connection", filters["connection"]),
            ("key_prefix", filters["key"]),
            ("playbook", filters["playbook"]),
            ("since", start.isoformat() if start else ""),
            ("until", end.isoformat() if end else ""),
        )
        if value
    }
    page_filters = {k: v for k, v in filters.items() if v}
    export = f"/api/v1/workspaces/{access.workspace_id}/usage/export"
    return page(
        "usage.html",
        400 if errors else 200,
        filters=filters,
        errors=errors,
        events=events,
        summary=summary,
        statuses=[s.value for s in UsageStatus],
        connections=await connection_actions.list_connections(dashboard, access),
        keys=await key_actions.list_keys(dashboard, access),
        playbooks=await _playbook_names(dashboard, access),
        next_url=(
            None if next_cursor is None else "?" + urlencode(page_filters | {"cursor": next_cursor})
        ),
        first_url=("?" + urlencode(page_filters)) if cursor else None,
        csv_url=f"{export}?" + urlencode(api_filters | {"format": "csv"}),
        json_url=f"{export}?" + urlencode(api_filters | {"format": "json"}),
        **_chrome(signed_in, dashboard, access, "usage", None),
    )


ROUTES = [
    connections,
    connect,
    shopify_install,
    replace_credential,
    disconnect,
    keys,
    create_key,
    revoke_key,
    writes,
    set_writes,
    usage,
]
